/*
 * fullduplex-nolock profile - LWIP_NETCONN_FULLDUPLEX=1 with
 * LWIP_TCPIP_CORE_LOCKING=0: one socket used from several threads, every
 * call a message to tcpip_thread.  socket_stress runs its behaviours here.
 */
#ifndef LWIPSIM_PROFILE_FULLDUPLEX_NOLOCK_LWIPOPTS_H
#define LWIPSIM_PROFILE_FULLDUPLEX_NOLOCK_LWIPOPTS_H

#include "../fullduplex/lwipopts.h"

#undef LWIP_TCPIP_CORE_LOCKING
#define LWIP_TCPIP_CORE_LOCKING 0  /* the option under test */

#endif

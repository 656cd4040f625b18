/*
 * board-nolock profile - the board with LWIP_TCPIP_CORE_LOCKING=0: every
 * socket and netconn call is a message to tcpip_thread and a wait on the
 * calling thread's semaphore (lwIP 1.x style, still common in ports),
 * LWIP_NETCONN_FULLDUPLEX stays 0.  socket_stress runs its behaviours here.
 */
#ifndef LWIPSIM_PROFILE_BOARD_NOLOCK_LWIPOPTS_H
#define LWIPSIM_PROFILE_BOARD_NOLOCK_LWIPOPTS_H

#include "../board/lwipopts.h"

#undef LWIP_TCPIP_CORE_LOCKING
#define LWIP_TCPIP_CORE_LOCKING 0  /* the option under test */

#endif

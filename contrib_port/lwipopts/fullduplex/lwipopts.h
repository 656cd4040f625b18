/*
 * fullduplex profile - the board with LWIP_NETCONN_FULLDUPLEX=1 (one
 * thread may read while another writes or closes the same socket), which
 * changes how lwIP frees a socket that another thread still uses.
 */
#ifndef LWIPSIM_PROFILE_FULLDUPLEX_LWIPOPTS_H
#define LWIPSIM_PROFILE_FULLDUPLEX_LWIPOPTS_H

#include "../board/lwipopts.h"

#undef LWIP_NETCONN_FULLDUPLEX
#define LWIP_NETCONN_FULLDUPLEX 1  /* the option under test */
#undef LWIP_NETCONN_SEM_PER_THREAD
#define LWIP_NETCONN_SEM_PER_THREAD 1 /* lwIP requires it with FULLDUPLEX */

#endif

/*
 * board-loopfix profile - the board with the proposed fix of
 * docs/findings/loopback-poll-stranded.md applied (the bug model in
 * ./bugmodel, a fix in the other direction): a loopback poll that
 * tcpip_try_callback() could not schedule is retried from a timeout.
 */
#ifndef LWIPSIM_PROFILE_BOARD_LOOPFIX_LWIPOPTS_H
#define LWIPSIM_PROFILE_BOARD_LOOPFIX_LWIPOPTS_H

#include "../board/lwipopts.h"
#include "sys_arch_timeouts.h"

/* The fix's retry timeout is one more active timeout (upstream it would be
 * a term of LWIP_NUM_SYS_TIMEOUT_INTERNAL; LWIPSIM_LWIP_TIMEOUTS is that
 * count on 2.0.x too, which lacks the macro). */
#define MEMP_NUM_SYS_TIMEOUT (LWIPSIM_LWIP_TIMEOUTS + 1)

#endif

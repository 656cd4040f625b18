/*
 * board-loopfix profile - the board with the proposed fix of
 * docs/findings/loopback-poll-stranded.md applied (the bug model in
 * ./bugmodel, a fix in the other direction): a loopback poll that
 * tcpip_try_callback() could not schedule is retried from a timeout.
 */
#ifndef LWIPSIM_PROFILE_BOARD_LOOPFIX_LWIPOPTS_H
#define LWIPSIM_PROFILE_BOARD_LOOPFIX_LWIPOPTS_H

#include "../board/lwipopts.h"

/* The fix's retry timeout is one more active timeout (upstream it would be
 * a term of LWIP_NUM_SYS_TIMEOUT_INTERNAL). */
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 1)

#endif

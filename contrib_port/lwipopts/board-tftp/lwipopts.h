/*
 * board-tftp profile - the board of the ping_flood_load field bug: the
 * board's MCU pools unchanged, plus what lwIP's tftp server app needs to
 * run on it (one more timeout for its retransmission timer, as the app's
 * documentation asks of every application that calls sys_timeout).
 */
#ifndef LWIPSIM_PROFILE_BOARD_TFTP_LWIPOPTS_H
#define LWIPSIM_PROFILE_BOARD_TFTP_LWIPOPTS_H

#include "../board/lwipopts.h"
#include "sys_arch_timeouts.h"

#define MEMP_NUM_SYS_TIMEOUT (LWIPSIM_LWIP_TIMEOUTS + 1) /* tftp_tmr */

#endif

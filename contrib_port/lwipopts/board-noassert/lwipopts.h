/*
 * board-noassert profile - the board with lwIP's assertions compiled out,
 * as many products ship: shows what a defect does when no LWIP_ASSERT stops
 * it (e.g. a socket slot reused while select_waiting is still 1).
 */
#ifndef LWIPSIM_PROFILE_BOARD_NOASSERT_LWIPOPTS_H
#define LWIPSIM_PROFILE_BOARD_NOASSERT_LWIPOPTS_H

#include "../board/lwipopts.h"

#define LWIP_NOASSERT 1            /* release build: asserts compiled out */

#endif

/*
 * board-semthread profile - the board of the port_reentrancy field bug: the
 * ping_flood_load board (board-tftp) whose port gives every application
 * thread its own semaphore for blocking netconn calls and select()
 * (LWIP_NETCONN_SEM_PER_THREAD=1), looked up through the port's
 * LWIP_NETCONN_THREAD_SEM_GET.  Which lookup the port uses (correct or the
 * field bug's shared scratch variable) is the scenario variant's choice.
 */
#ifndef LWIPSIM_PROFILE_BOARD_SEMTHREAD_LWIPOPTS_H
#define LWIPSIM_PROFILE_BOARD_SEMTHREAD_LWIPOPTS_H

#include "../board-tftp/lwipopts.h"

#undef LWIP_NETCONN_SEM_PER_THREAD
#define LWIP_NETCONN_SEM_PER_THREAD 1 /* the option under test */

#endif

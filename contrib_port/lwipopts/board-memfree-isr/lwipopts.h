/*
 * board-memfree-isr profile - the fix the isr_pbuf_free field bug could have
 * used: lwIP's own heap, made safe to free from an ISR.  With
 * LWIP_ALLOW_MEM_FREE_FROM_OTHER_CONTEXT mem_free takes SYS_ARCH_PROTECT
 * (interrupt masking in this port) instead of the heap mutex, and
 * mem_malloc opens a window at each step of its search where a pending
 * interrupt is delivered and its free noticed.  Everything else is the
 * board's.
 */
#ifndef LWIPSIM_PROFILE_BOARD_MEMFREE_ISR_LWIPOPTS_H
#define LWIPSIM_PROFILE_BOARD_MEMFREE_ISR_LWIPOPTS_H

#include "../board/lwipopts.h"

#define LWIP_ALLOW_MEM_FREE_FROM_OTHER_CONTEXT 1 /* mem_free from an ISR */
#define MEM_SANITY_CHECK 1     /* mem_sanity() after every mem_free */

#endif

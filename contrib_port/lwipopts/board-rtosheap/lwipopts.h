/*
 * board-rtosheap profile - the board of the isr_pbuf_free field bug: an RTOS
 * takes over lwIP's heap (MEM_LIBC_MALLOC, or MEM_CUSTOM_ALLOCATOR from
 * lwIP 2.2) and its heap is protected by a semaphore only, never by
 * masking interrupts.  The heap is the port's
 * model (contrib_port/sys_arch_heap.c), with named points inside its alloc
 * and free paths and a check of its block list after every operation.
 * Everything else is the board's.
 */
#ifndef LWIPSIM_PROFILE_BOARD_RTOSHEAP_LWIPOPTS_H
#define LWIPSIM_PROFILE_BOARD_RTOSHEAP_LWIPOPTS_H

#include "../board/lwipopts.h"

/* The RTOS owns the heap, through its model (MEM_LIBC_MALLOC with
 * mem_clib_* up to lwIP 2.1, MEM_CUSTOM_ALLOCATOR from 2.2). */
#include "sys_arch_heap_opts.h"

#endif

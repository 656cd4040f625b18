/*
 * board-rtosheap profile - the board of the isr_pbuf_free field bug: an RTOS
 * takes over lwIP's heap (MEM_LIBC_MALLOC) and its heap is protected by a
 * semaphore only, never by masking interrupts.  The heap is the port's
 * model (contrib_port/sys_arch_heap.c), with named points inside its alloc
 * and free paths and a check of its block list after every operation.
 * Everything else is the board's.
 */
#ifndef LWIPSIM_PROFILE_BOARD_RTOSHEAP_LWIPOPTS_H
#define LWIPSIM_PROFILE_BOARD_RTOSHEAP_LWIPOPTS_H

#include "../board/lwipopts.h"

#include "sys_arch_heap.h"

#define MEM_LIBC_MALLOC 1                   /* the RTOS owns the heap */
#define mem_clib_malloc sys_arch_heap_malloc /* ... through its model */
#define mem_clib_free sys_arch_heap_free
#define mem_clib_calloc sys_arch_heap_calloc

#endif

/*
 * sys_arch_heap_opts.h - lwIP options that hand lwIP's heap to the RTOS
 * heap model (sys_arch_heap.h).  A profile includes this from its
 * lwipopts.h instead of naming the options itself, because how lwIP is
 * told differs by version:
 *
 * - up to 2.1.x: MEM_LIBC_MALLOC=1, and lwIP calls mem_clib_malloc,
 *   mem_clib_calloc and mem_clib_free, which a port may define;
 * - from 2.2.0 (lwIP commit 4f886512 "Add MEM_CUSTOM_ALLOCATOR and make
 *   LIBC a subset of it"): MEM_CUSTOM_ALLOCATOR=1 with MEM_CUSTOM_MALLOC,
 *   MEM_CUSTOM_CALLOC and MEM_CUSTOM_FREE.  There MEM_LIBC_MALLOC=1 makes
 *   opt.h define those three as libc's malloc, calloc and free, and the
 *   mem_clib_* names are no longer read: a 2.1-style profile would quietly
 *   run lwIP on the host's malloc, never entering the model.
 *
 * The version comes from lwip/init.h.  This header is read from
 * lwipopts.h, which lwIP's opt.h includes after setting its include
 * guard, so init.h's own include of opt.h is empty here and init.h adds
 * only its version macros and the lwip_init() declaration.
 */
#ifndef LWIPSIM_SYS_ARCH_HEAP_OPTS_H
#define LWIPSIM_SYS_ARCH_HEAP_OPTS_H

#include "lwip/init.h"
#include "sys_arch_heap.h"

#if LWIP_VERSION_MAJOR > 2 || \
    (LWIP_VERSION_MAJOR == 2 && LWIP_VERSION_MINOR >= 2)
#define MEM_LIBC_MALLOC 0
#define MEM_CUSTOM_ALLOCATOR 1
#define MEM_CUSTOM_MALLOC sys_arch_heap_malloc
#define MEM_CUSTOM_CALLOC sys_arch_heap_calloc
#define MEM_CUSTOM_FREE sys_arch_heap_free
#else
#define MEM_LIBC_MALLOC 1
#define mem_clib_malloc sys_arch_heap_malloc
#define mem_clib_calloc sys_arch_heap_calloc
#define mem_clib_free sys_arch_heap_free
#endif

#endif

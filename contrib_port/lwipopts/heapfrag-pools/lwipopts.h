/*
 * heapfrag-pools profile - heapfrag (the same board, the same TCP
 * settings) with mem_malloc() served by fixed-size pools (MEM_USE_POOLS,
 * lwippools.h beside this file) instead of the first-fit heap: a freed
 * element is reused by any request of its class, so mixed sizes cannot
 * cut the memory into pieces.  (heapfrag's LWIPSIM_PORT_HEAP then has
 * nothing to do: mem.c keeps no heap of its own.)
 */
#ifndef LWIPSIM_PROFILE_HEAPFRAG_POOLS_LWIPOPTS_H
#define LWIPSIM_PROFILE_HEAPFRAG_POOLS_LWIPOPTS_H

#include "../heapfrag/lwipopts.h"

#define MEM_USE_POOLS 1                 /* mem_malloc() from the pools */
#define MEMP_USE_CUSTOM_POOLS 1         /* ... declared in lwippools.h */
#define MEM_USE_POOLS_TRY_BIGGER_POOL 1 /* an empty class borrows upward */

#endif

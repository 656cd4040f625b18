/*
 * sys_arch_mem.h - what the port sees of lwIP's memory: its pools and its
 * heap, observed and (on request) made to fail, with lwIP unmodified.
 *
 * Every engine is linked with `-Wl,--wrap=` for memp_malloc, memp_free,
 * memp_malloc_pool, memp_free_pool, mem_malloc, mem_calloc, mem_free and
 * mem_trim (the *_fn forms when the profile sets MEMP_OVERFLOW_CHECK), so
 * calls from one lwIP file into another pass through sys_arch_mem.c:
 *
 *  - fault injection (`lwipsim run ... --fail memp:POOL@N | mem@N`): the
 *    Nth allocation from a pool, or from the heap, counted from the start
 *    of the run, returns NULL without reaching lwIP; a trace record of
 *    kind "fail" and a capture comment name it;
 *  - a trace record of kind "pool" whenever a pool's or the heap's `used`
 *    or `err` count changes: "NAME used=U max=M err=E size=S" (S: the
 *    pool's element count; for "HEAP" its size in bytes, and U in bytes);
 *  - the heap's layout (a profile that sets LWIPSIM_PORT_HEAP gives lwIP
 *    its heap from the port, which can then walk it; with MEM_USE_POOLS the
 *    malloc pools are read instead), and the layout at the last failed heap
 *    allocation.
 *
 * Calls inside one lwIP file do not pass the linker's wrapping (see the
 * README): mem.c's mem_calloc calls its own mem_malloc (we wrap mem_calloc
 * and count it as one heap allocation), memp.c's memp_malloc and
 * memp_malloc_pool share an internal function (both are wrapped).
 */
#ifndef LWIPSIM_SYS_ARCH_MEM_H
#define LWIPSIM_SYS_ARCH_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_fail.h"

/* The pools this engine's profile has, by lwIP's names (memp_std.h order,
 * then lwIP's private pools linked into the engine, e.g. HTTPD_STATE). */
int sys_arch_mem_npools(void);
const char *sys_arch_mem_pool_name(int i);

/* Arms `n` failures (before the run).  Returns 0, or -1 with a one-line
 * reason in err (a pool this profile does not have). */
int sys_arch_mem_fail_arm(const sim_fail_spec *specs, int n, char *err,
                          size_t errlen);
/* `fn(note)` runs, in the failing context, after each injected failure;
 * note: "lwipsim --fail: memp PBUF_POOL allocation #5 failed in T".
 * NULL removes it. */
void sys_arch_mem_set_fail_hook(void (*fn)(const char *note));
/* How many injected failures have fired. */
unsigned sys_arch_mem_fails_fired(void);

/* The memory lwIP's mem_malloc() draws from, at one moment. */
typedef struct {
  bool pools;                 /* MEM_USE_POOLS: free = malloc pools */
  unsigned long size;         /* bytes (heap: MEM_SIZE aligned) */
  unsigned long used;         /* bytes lwIP counts as used */
  unsigned long free_total;   /* usable bytes in all free blocks */
  unsigned long largest_free; /* usable bytes of the largest free block */
  unsigned long free_blocks;  /* how many free blocks */
} sys_arch_heap_layout;

/* Walks the heap now.  0, or -1 with the reason in err: the profile does
 * not let the port see its heap, or the layout check failed (the walk
 * does not match lwIP's own count of used bytes, or a link is broken: the
 * tree's `struct mem` differs from the port's view of it). */
int sys_arch_mem_heap_walk(sys_arch_heap_layout *l, char *err,
                           size_t errlen);
/* True if this profile's heap can be walked. */
bool sys_arch_mem_heap_walkable(void);

/* The last mem_malloc()/mem_calloc() that lwIP itself refused (not a
 * failure injected on the heap itself), with the layout right after it;
 * `injected` when lwIP refused because an allocation it made inside
 * (a malloc pool's, with MEM_USE_POOLS) was failed by --fail. */
typedef struct {
  uint64_t failures;          /* refused heap allocations so far */
  unsigned long request;      /* bytes the caller asked for */
  bool walked;                /* `at` is valid */
  sys_arch_heap_layout at;
  uint64_t t_us;              /* virtual time */
  bool injected;              /* a --fail fired inside this call */
} sys_arch_heap_failure;

const sys_arch_heap_failure *sys_arch_mem_last_heap_failure(void);

/* For `lwipsim sweep` (nothing here reaches the trace): allocations asked
 * of pool `i` so far (i == sys_arch_mem_npools(): the heap), injected
 * failures included, and its `used` count now (the heap: bytes); -1 for
 * a pool this engine does not have. */
int64_t sys_arch_mem_allocs(int i);
int64_t sys_arch_mem_used(int i);
/* Where the first injected failure was asked for: up to `max` return
 * addresses, innermost first (the first is the lwIP call of the
 * allocator), as link-time addresses of the executable (what addr2line
 * takes, PIE or not); 0 when no failure fired.  One backtrace() per
 * failure, so only runs with --fail pay for it. */
int sys_arch_mem_fail_site(uint64_t *addrs, int max);

#endif

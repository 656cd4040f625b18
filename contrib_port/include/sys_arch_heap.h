/*
 * sys_arch_heap.h - the board's RTOS heap model: what an RTOS that takes
 * over lwIP's heap provides (a profile includes sys_arch_heap_opts.h,
 * which points lwIP's heap calls at the functions below).
 *
 * A first-fit heap with block headers and an address-ordered free list in
 * a static arena, protected by a semaphore only, never by masking
 * interrupts, as in the field bug.  Its alloc and free paths pass named
 * scheduling points ("heap:alloc:walk", "heap:alloc:take",
 * "heap:free:walk", "heap:free:link") that scripts and IRQ pins can name.
 * After each operation it checks its whole block list.  A call from ISR
 * context while a thread is inside the heap is recorded as a re-entry; the
 * ISR's operation then runs without the semaphore (an ISR cannot wait),
 * the check names what broke, and the run ends as a fault, as the board's
 * data abort ended it.
 */
#ifndef LWIPSIM_SYS_ARCH_HEAP_H
#define LWIPSIM_SYS_ARCH_HEAP_H

#include <stdbool.h>
#include <stddef.h>

/* The arena, in bytes (a profile may override it in lwipopts.h). */
#ifndef SYS_ARCH_HEAP_SIZE
#define SYS_ARCH_HEAP_SIZE (16 * 1024)
#endif

void *sys_arch_heap_malloc(size_t size);
void *sys_arch_heap_calloc(size_t count, size_t size);
void sys_arch_heap_free(void *p);

/* What the heap saw, for oracles. */
typedef struct {
  unsigned long allocs, frees, failures;
  unsigned long reentries;   /* calls from ISR context inside a thread's
                                operation */
  unsigned long checks;      /* integrity checks run */
  size_t used, max_used;     /* bytes in used blocks, headers included */
  char reentry[256];         /* the first re-entry, one line */
  char broken[256];          /* the first failed check, one line */
} sys_arch_heap_stats;

void sys_arch_heap_get_stats(sys_arch_heap_stats *st);
/* Checks the block list now; true if intact, else false with the broken
 * link in buf. */
bool sys_arch_heap_check(char *buf, size_t len);

#endif

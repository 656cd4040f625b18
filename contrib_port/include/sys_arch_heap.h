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
 * data abort ended it (or, for tests, the model records it and goes on:
 * sys_arch_heap_set_on_error).
 */
#ifndef LWIPSIM_SYS_ARCH_HEAP_H
#define LWIPSIM_SYS_ARCH_HEAP_H

#include <stdbool.h>
#include <stddef.h>

/* The named scheduling points of the alloc and free paths.  Scenarios
 * pin IRQs and script steps to these constants, never to a copy of the
 * string, so renaming a point cannot detach a pin from the model (and a
 * pin that is never reached ends the run as a fault, sim_sched_unfired).
 *   ALLOC_WALK  each free block looked at while searching for a fit;
 *   ALLOC_TAKE  the block found, before it is split and unlinked;
 *   FREE_WALK   each free block passed while finding the freed block's
 *               place in the address-ordered list;
 *   FREE_LINK   the place found, before the links are written: the freed
 *               block is marked free but is on no link yet. */
#define SYS_ARCH_HEAP_POINT_ALLOC_WALK "heap:alloc:walk"
#define SYS_ARCH_HEAP_POINT_ALLOC_TAKE "heap:alloc:take"
#define SYS_ARCH_HEAP_POINT_FREE_WALK "heap:free:walk"
#define SYS_ARCH_HEAP_POINT_FREE_LINK "heap:free:link"

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
  /* The first re-entry, field by field: the ISR's operation ("heap
   * free"), the thread inside, its operation and the point it was
   * interrupted at (one of SYS_ARCH_HEAP_POINT_*, or NULL before the
   * first point). */
  const char *reentry_isr_op;
  char reentry_thread[32];
  const char *reentry_thread_op;
  const char *reentry_point;
  bool stopped;              /* the model ended the run (a fault) */
} sys_arch_heap_stats;

void sys_arch_heap_get_stats(sys_arch_heap_stats *st);

/* What the model does on a re-entry or a failed check.  STOP (the
 * default) ends the run as a fault at once, as the board's data abort
 * ended it: the interrupted thread never resumes.  RECORD only records it
 * in the stats (and the trace) and lets the run go on, so a test can see
 * what the interrupted operation does to the block list when it resumes. */
typedef enum {
  SYS_ARCH_HEAP_ON_ERROR_STOP = 0,
  SYS_ARCH_HEAP_ON_ERROR_RECORD
} sys_arch_heap_on_error;
void sys_arch_heap_set_on_error(sys_arch_heap_on_error mode);
/* Forgets everything: an empty arena, zero stats, STOP, no semaphore yet
 * (made at the next operation).  For unit tests, between schedulers. */
void sys_arch_heap_reset(void);
/* Checks the block list now; true if intact, else false with the broken
 * link in buf. */
bool sys_arch_heap_check(char *buf, size_t len);

#endif

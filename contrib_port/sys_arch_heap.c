/*
 * sys_arch_heap.c - the board's RTOS heap model (see sys_arch_heap.h).
 *
 * Layout.  The arena is a static array of 8-byte words.  Every block starts
 * with a 16-byte header: a magic word (used or free), the block's size in
 * bytes with its header (a multiple of 8), and for free blocks the offset
 * of the next free block.  Free blocks form a singly linked list in address
 * order; a free puts its block back in order and merges it with free
 * neighbours, so no two free blocks are ever adjacent.  Offsets, not
 * pointers, name blocks: messages and the trace stay the same on every
 * machine.
 *
 * Locking.  One semaphore, as the field bug's RTOS heap: a thread takes it
 * for a whole operation and may be preempted inside (at the named points),
 * interrupts stay enabled.  An ISR cannot wait, so a call from ISR context
 * goes in without it; if a thread holds it at that moment the heap records
 * a re-entry, naming the thread, its operation and the point it was
 * interrupted at.
 *
 * Invariants, checked after every operation (heap_check): the blocks tile
 * the arena exactly, every header has a valid magic and size, the free
 * list visits every free block once, in address order, and only free
 * blocks, and no two free blocks are adjacent.  A failed check, or any
 * re-entry, ends the run as a fault with one line naming the broken link
 * (sys_arch_heap_set_on_error(RECORD), for tests, records it instead and
 * lets the interrupted thread resume).  The check that ends an ISR's
 * operation inside a thread's sees the thread's operation half done, so
 * what it reports there is that unfinished state.
 *
 * NO_SYS=1.  A super-loop board has one thread: no semaphore; an ISR's
 * operation inside the loop's is found as a re-entry the same way.
 */
#include "sys_arch_heap.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lwip/sys.h"

#include "sim_sched.h"
#include "sim_trace.h"

#define HEAP_ALIGN 8u
#define HEAP_HDR 16u
#define HEAP_MIN_SPLIT (HEAP_HDR + 16u) /* smaller rests stay in the block */
#define HEAP_NONE UINT32_MAX
#define HEAP_MAGIC_USED 0x55534544u /* "USED" */
#define HEAP_MAGIC_FREE 0x46524545u /* "FREE" */
#define HEAP_WORDS ((SYS_ARCH_HEAP_SIZE + 7u) / 8u)
#define HEAP_BYTES ((uint32_t)(HEAP_WORDS * 8u))
#define HEAP_MAX_BLOCKS (HEAP_BYTES / HEAP_HDR)

typedef struct {
  uint32_t magic;
  uint32_t size; /* with the header */
  uint32_t next; /* free blocks: the next free block, or HEAP_NONE */
  uint32_t pad;
} heap_hdr;

/* One operation's view of the lock. */
typedef struct {
  const char *op;
  bool isr;
  bool reentered;
} heap_guard;

static struct {
  bool ready;
#if !NO_SYS
  sys_sem_t sem;
#endif
  uint32_t head; /* the first free block */
  bool held;     /* a thread is inside an operation */
  char holder[32];
  const char *holder_op;
  const char *holder_point;
  sys_arch_heap_on_error on_error;
  sys_arch_heap_stats st;
} H;

static uint64_t heap_arena[HEAP_WORDS];
static uint32_t heap_free_offs[HEAP_MAX_BLOCKS]; /* scratch for the check */

static heap_hdr *heap_at(uint32_t off)
{
  return (heap_hdr *)((uint8_t *)heap_arena + off);
}

static void heap_init(void)
{
  heap_hdr *h = heap_at(0);
  h->magic = HEAP_MAGIC_FREE;
  h->size = HEAP_BYTES;
  h->next = HEAP_NONE;
  H.head = 0;
#if !NO_SYS
  if (!sim_in_isr())
    sys_sem_new(&H.sem, 1);
#endif
  H.ready = true;
}

/* ------------------------------------------------------------------ */
/* integrity check                                                     */

bool sys_arch_heap_check(char *buf, size_t len)
{
  H.st.checks++;
  /* The blocks in address order. */
  uint32_t nfree = 0, off = 0, prev = HEAP_NONE;
  bool prev_free = false;
  while (off < HEAP_BYTES) {
    heap_hdr *h = heap_at(off);
    if (h->magic != HEAP_MAGIC_USED && h->magic != HEAP_MAGIC_FREE) {
      if (prev == HEAP_NONE)
        snprintf(buf, len, "block +%u (the first) has no valid header",
                 off);
      else
        snprintf(buf, len, "block +%u (after +%u) has no valid header", off,
                 prev);
      return false;
    }
    if (h->size < HEAP_HDR || h->size % HEAP_ALIGN ||
        h->size > HEAP_BYTES - off) {
      snprintf(buf, len, "block +%u has an impossible size %u", off,
               h->size);
      return false;
    }
    if (h->magic == HEAP_MAGIC_FREE)
      heap_free_offs[nfree++] = off;
    prev_free = h->magic == HEAP_MAGIC_FREE;
    prev = off;
    off += h->size;
  }
  /* The free list against the free blocks, both in address order. */
  uint32_t i = 0, from = HEAP_NONE;
  for (uint32_t cur = H.head; cur != HEAP_NONE; cur = heap_at(cur)->next) {
    if (i < nfree && heap_free_offs[i] < cur) {
      snprintf(buf, len,
               "free block +%u (%u bytes) is on no free-list link: the "
               "link +%s%u -> +%u skips it",
               heap_free_offs[i], heap_at(heap_free_offs[i])->size,
               from == HEAP_NONE ? "head/" : "",
               from == HEAP_NONE ? 0 : from, cur);
      return false;
    }
    if (i >= nfree || heap_free_offs[i] != cur) {
      snprintf(buf, len,
               "free-list link +%u -> +%u points at %s", from == HEAP_NONE
               ? 0 : from, cur,
               cur < HEAP_BYTES && heap_at(cur)->magic == HEAP_MAGIC_USED
               ? "a block in use" : "no block start");
      return false;
    }
    if (i > 0 && heap_free_offs[i - 1] + heap_at(heap_free_offs[i - 1])
        ->size == cur) {
      snprintf(buf, len, "free blocks +%u and +%u are adjacent but not "
               "merged", heap_free_offs[i - 1], cur);
      return false;
    }
    from = cur;
    i++;
  }
  if (i < nfree) {
    snprintf(buf, len,
             "free block +%u (%u bytes) is on no free-list link: the list "
             "ends at +%u", heap_free_offs[i], heap_at(heap_free_offs[i])
             ->size, from == HEAP_NONE ? 0 : from);
    return false;
  }
  (void)prev_free;
  return true;
}

/* ------------------------------------------------------------------ */
/* the semaphore and re-entry                                          */

static void heap_point(const char *name)
{
  if (sim_in_isr())
    return;
  H.holder_point = name;
  sim_point(name);
}

static void heap_enter(heap_guard *g, const char *op)
{
  memset(g, 0, sizeof *g);
  g->op = op;
  if (!H.ready)
    heap_init();
  if (sim_in_isr()) {
    g->isr = true;
    if (H.held) {
      g->reentered = true;
      if (H.st.reentries++ == 0) {
        snprintf(H.st.reentry, sizeof H.st.reentry,
                 "%s from ISR context while thread '%s' was inside %s, "
                 "interrupted at point %s", op, H.holder, H.holder_op,
                 H.holder_point ? H.holder_point : "-");
        H.st.reentry_isr_op = op;
        snprintf(H.st.reentry_thread, sizeof H.st.reentry_thread, "%s",
                 H.holder);
        H.st.reentry_thread_op = H.holder_op;
        H.st.reentry_point = H.holder_point;
      }
      sim_trace_eventf("heap", "re-entered: %s from ISR context while "
                       "thread '%s' was inside %s at %s", op, H.holder,
                       H.holder_op, H.holder_point ? H.holder_point : "-");
    }
    return; /* an ISR cannot wait for the semaphore */
  }
#if !NO_SYS
  sys_arch_sem_wait(&H.sem, 0);
#endif
  H.held = true;
  sim_thread *t = sim_thread_self();
  snprintf(H.holder, sizeof H.holder, "%s", t ? sim_thread_name(t) : "?");
  H.holder_op = op;
  H.holder_point = NULL;
}

static void heap_leave(heap_guard *g)
{
  char why[200];
  bool ok = sys_arch_heap_check(why, sizeof why);
  if (!ok) {
    if (!H.st.broken[0])
      snprintf(H.st.broken, sizeof H.st.broken, "%s", why);
    sim_trace_eventf("heap", "check failed after %s: %s", g->op, why);
  }
  bool stop = H.on_error == SYS_ARCH_HEAP_ON_ERROR_STOP;
  if (stop && (g->reentered || !ok))
    H.st.stopped = true;
  /* The ISR's check runs while the thread's operation is half done: what
   * it finds is that unfinished state, not yet a consequence. */
  if (stop && g->reentered)
    sim_sched_finish(SIM_END_FAULT,
                     "heap re-entered: %s; the check at the end of the "
                     "ISR's operation, the thread's still unfinished, finds "
                     "%s; the model stops the run at the re-entry and never "
                     "resumes the thread (the board ran on, into the field "
                     "report's data abort)",
                     H.st.reentry, ok ? "the block list intact" : why);
  if (stop && !ok)
    sim_sched_finish(SIM_END_FAULT, "heap: block list broken after %s: "
                     "%s%s", g->op, why,
                     H.st.reentries ? " (after a re-entry)" : "");
  if (!g->isr) {
    H.held = false;
    H.holder_point = NULL;
#if !NO_SYS
    sys_sem_signal(&H.sem);
#endif
  }
}

/* ------------------------------------------------------------------ */
/* allocation                                                          */

void *sys_arch_heap_malloc(size_t size)
{
  if (size == 0 || size > HEAP_BYTES)
    return NULL;
  uint32_t need = (uint32_t)((size + HEAP_ALIGN - 1) & ~(size_t)7) +
                  HEAP_HDR;
  heap_guard g;
  heap_enter(&g, "heap malloc");
  uint32_t prev = HEAP_NONE, cur = H.head;
  while (cur != HEAP_NONE) {
    heap_point(SYS_ARCH_HEAP_POINT_ALLOC_WALK);
    if (heap_at(cur)->size >= need)
      break;
    prev = cur;
    cur = heap_at(cur)->next;
  }
  if (cur == HEAP_NONE) {
    H.st.failures++;
    heap_leave(&g);
    return NULL;
  }
  heap_point(SYS_ARCH_HEAP_POINT_ALLOC_TAKE);
  heap_hdr *b = heap_at(cur);
  uint32_t link = b->next;
  if (b->size - need >= HEAP_MIN_SPLIT) {
    uint32_t rest = cur + need;
    heap_hdr *r = heap_at(rest);
    r->magic = HEAP_MAGIC_FREE;
    r->size = b->size - need;
    r->next = b->next;
    b->size = need;
    link = rest;
  }
  if (prev == HEAP_NONE)
    H.head = link;
  else
    heap_at(prev)->next = link;
  b->magic = HEAP_MAGIC_USED;
  b->next = HEAP_NONE;
  H.st.allocs++;
  H.st.used += b->size;
  if (H.st.used > H.st.max_used)
    H.st.max_used = H.st.used;
  heap_leave(&g);
  return (uint8_t *)b + HEAP_HDR;
}

void *sys_arch_heap_calloc(size_t count, size_t size)
{
  if (size && count > SIZE_MAX / size)
    return NULL;
  void *p = sys_arch_heap_malloc(count * size);
  if (p)
    memset(p, 0, count * size);
  return p;
}

void sys_arch_heap_free(void *p)
{
  if (!p)
    return;
  uintptr_t a = (uintptr_t)p, base = (uintptr_t)heap_arena;
  if (a < base + HEAP_HDR || a >= base + HEAP_BYTES ||
      (a - base) % HEAP_ALIGN)
    sim_sched_finish(SIM_END_FAULT, "heap: free of memory outside the "
                     "arena");
  uint32_t off = (uint32_t)(a - base) - HEAP_HDR;
  heap_hdr *b = heap_at(off);
  if (b->magic != HEAP_MAGIC_USED)
    sim_sched_finish(SIM_END_FAULT, "heap: free of block +%u, which is "
                     "not in use", off);
  heap_guard g;
  heap_enter(&g, "heap free");
  b->magic = HEAP_MAGIC_FREE;
  H.st.used -= b->size;
  uint32_t prev = HEAP_NONE, cur = H.head;
  while (cur != HEAP_NONE && cur < off) {
    heap_point(SYS_ARCH_HEAP_POINT_FREE_WALK);
    prev = cur;
    cur = heap_at(cur)->next;
  }
  /* The place is found; the links are written next.  An interrupt here
   * finds this block free but on no link. */
  heap_point(SYS_ARCH_HEAP_POINT_FREE_LINK);
  b->next = cur;
  if (prev == HEAP_NONE)
    H.head = off;
  else
    heap_at(prev)->next = off;
  if (cur != HEAP_NONE && off + b->size == cur) {
    b->size += heap_at(cur)->size;
    b->next = heap_at(cur)->next;
    heap_at(cur)->magic = 0;
  }
  if (prev != HEAP_NONE && prev + heap_at(prev)->size == off) {
    heap_at(prev)->size += b->size;
    heap_at(prev)->next = b->next;
    b->magic = 0;
  }
  H.st.frees++;
  heap_leave(&g);
}

void sys_arch_heap_get_stats(sys_arch_heap_stats *st)
{
  *st = H.st;
}

void sys_arch_heap_set_on_error(sys_arch_heap_on_error mode)
{
  H.on_error = mode;
}

void sys_arch_heap_reset(void)
{
  memset(&H, 0, sizeof H);
  memset(heap_arena, 0, sizeof heap_arena);
}

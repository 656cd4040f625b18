/*
 * heap.c - lwipsim's FreeRTOS layer: pvPortMalloc/vPortFree, a first-fit
 * heap with coalescing of neighbouring free blocks in one static array of
 * configTOTAL_HEAP_SIZE bytes, protected the way the kernel's heap_4 is:
 * by suspending the scheduler, which does not mask interrupts.  Written
 * for lwipsim from the FreeRTOS documentation; not FreeRTOS code.
 *
 * So an interrupt handler that calls vPortFree (or pvPortMalloc) while a
 * task is inside the heap re-enters it, as on a board.  Here the heap
 * knows who is inside and ends the run with a fault naming both calls and
 * the point the task was at ("pvPortMalloc:split", ...); on a board the
 * free list would be corrupted silently.  The points are scheduling points
 * (IRQs are delivered there), and after each call the whole heap is walked
 * and checked: free list in address order, coalesced, sizes adding up.
 */
#include <stdio.h>
#include <string.h>

#include "fr_priv.h"
#include "sim_trace.h"

#if configAPPLICATION_ALLOCATED_HEAP == 1
extern uint8_t ucHeap[configTOTAL_HEAP_SIZE];
#elif defined(configTOTAL_HEAP_SIZE)
static uint8_t ucHeap[configTOTAL_HEAP_SIZE] __attribute__((aligned(8)));
#else
static uint8_t ucHeap[8] __attribute__((aligned(8))); /* static only */
#endif

#define HEAP_ALIGN ((size_t)portBYTE_ALIGNMENT)
#define HEAP_USED ((size_t)1 << (sizeof(size_t) * 8 - 1))

/* Every block starts with this header; free blocks are linked in address
 * order through `next` (an offset into ucHeap, or HEAP_END). */
typedef struct {
  size_t size; /* whole block, header included; HEAP_USED when allocated */
  size_t next;
} heap_hdr;

#define HEAP_HDR (((sizeof(heap_hdr)) + HEAP_ALIGN - 1) & ~(HEAP_ALIGN - 1))
#define HEAP_END ((size_t)-1)
#define HEAP_MIN_SPLIT (HEAP_HDR * 2)

static struct {
  bool inited;
  size_t first;        /* offset of the first free block, or HEAP_END */
  size_t free_bytes, min_ever, allocs, frees;
  const char *inside;  /* the call a context is inside, NULL: none */
  char inside_who[40]; /* which context */
  const char *at;      /* the point it reached */
} H;

void fr_heap_reset(void)
{
  memset(&H, 0, sizeof H);
}

static heap_hdr *hdr(size_t off)
{
  return (heap_hdr *)(void *)(ucHeap + off);
}

static void heap_init(void)
{
  size_t total = sizeof ucHeap & ~(HEAP_ALIGN - 1);
  H.first = 0;
  hdr(0)->size = total;
  hdr(0)->next = HEAP_END;
  H.free_bytes = H.min_ever = total;
  H.inited = true;
}

static const char *heap_ctx(void)
{
  return sim_in_isr() ? "interrupt context" : pcTaskGetName(NULL);
}

/* Entering the heap: another context already inside is the re-entry. */
static void heap_enter(const char *call)
{
  if (H.inside)
    fr_fault("heap re-entered: %s from %s while %s is inside %s (at %s); "
             "the heap is guarded by vTaskSuspendAll, which does not mask "
             "interrupts", call, heap_ctx(), H.inside_who, H.inside,
             H.at ? H.at : "entry");
  vTaskSuspendAll();
  H.inside = call;
  H.at = NULL;
  snprintf(H.inside_who, sizeof H.inside_who, "%s", heap_ctx());
  if (!H.inited)
    heap_init();
}

/* A named point inside the heap (the place an interrupt may land). */
static void heap_point(const char *name)
{
  H.at = name;
  sim_point(name);
}

/* Walks the whole heap: blocks tile it, the free list is in address order
 * and coalesced, and the free sizes add up. */
static void heap_check(const char *call)
{
  size_t total = sizeof ucHeap & ~(HEAP_ALIGN - 1);
  size_t off = 0, free_sum = 0, next_free = H.first, prev_end_free = HEAP_END;
  while (off < total) {
    size_t sz = hdr(off)->size & ~HEAP_USED;
    if (sz < HEAP_HDR || sz % HEAP_ALIGN || off + sz > total)
      fr_fault("heap corrupted (%s): block at %zu has size %zu", call, off,
               sz);
    if (!(hdr(off)->size & HEAP_USED)) {
      if (off != next_free)
        fr_fault("heap corrupted (%s): free block at %zu not on the free "
                 "list in address order", call, off);
      if (prev_end_free == off)
        fr_fault("heap corrupted (%s): free blocks at %zu not coalesced",
                 call, off);
      free_sum += sz;
      next_free = hdr(off)->next;
      prev_end_free = off + sz;
    }
    off += sz;
  }
  if (next_free != HEAP_END || free_sum != H.free_bytes)
    fr_fault("heap corrupted (%s): free list and blocks disagree (%zu bytes "
             "free, %zu counted)", call, H.free_bytes, free_sum);
}

static void heap_leave(const char *call)
{
  heap_check(call);
  H.inside = NULL;
  H.at = NULL;
  (void)xTaskResumeAll();
}

void *pvPortMalloc(size_t xWantedSize)
{
  void *ret = NULL;
  heap_enter("pvPortMalloc");
  size_t want = 0;
  if (xWantedSize > 0 && xWantedSize < HEAP_USED - HEAP_HDR - HEAP_ALIGN)
    want = (xWantedSize + HEAP_HDR + HEAP_ALIGN - 1) & ~(HEAP_ALIGN - 1);
  if (want && want <= H.free_bytes) {
    heap_point("pvPortMalloc:first_fit");
    size_t prev = HEAP_END, off = H.first;
    while (off != HEAP_END && hdr(off)->size < want) {
      prev = off;
      off = hdr(off)->next;
    }
    if (off != HEAP_END) {
      size_t rest = hdr(off)->size - want;
      size_t next = hdr(off)->next;
      if (rest >= HEAP_MIN_SPLIT) {
        heap_point("pvPortMalloc:split");
        size_t tail = off + want;
        hdr(tail)->size = rest;
        hdr(tail)->next = next;
        next = tail;
        hdr(off)->size = want;
      }
      if (prev == HEAP_END)
        H.first = next;
      else
        hdr(prev)->next = next;
      H.free_bytes -= hdr(off)->size;
      if (H.free_bytes < H.min_ever)
        H.min_ever = H.free_bytes;
      hdr(off)->size |= HEAP_USED;
      hdr(off)->next = HEAP_END;
      H.allocs++;
      ret = ucHeap + off + HEAP_HDR;
    }
  }
  heap_leave("pvPortMalloc");
#if configUSE_MALLOC_FAILED_HOOK == 1
  if (!ret) {
    extern void vApplicationMallocFailedHook(void);
    vApplicationMallocFailedHook();
  }
#endif
  return ret;
}

void *pvPortCalloc(size_t xNum, size_t xSize)
{
  if (xNum && xSize > (size_t)-1 / xNum)
    return NULL;
  void *p = pvPortMalloc(xNum * xSize);
  if (p)
    memset(p, 0, xNum * xSize);
  return p;
}

void vPortFree(void *pv)
{
  if (!pv)
    return;
  uint8_t *p = pv;
  if (p < ucHeap + HEAP_HDR || p >= ucHeap + sizeof ucHeap)
    fr_fault("vPortFree: the pointer is not a block of the FreeRTOS heap");
  heap_enter("vPortFree");
  size_t off = (size_t)(p - ucHeap) - HEAP_HDR;
  if (off % HEAP_ALIGN || !(hdr(off)->size & HEAP_USED))
    fr_fault("vPortFree: block at heap offset %zu is not allocated "
             "(double free or a pointer into a block)", off);
  hdr(off)->size &= ~HEAP_USED;
  H.free_bytes += hdr(off)->size;
  H.frees++;
  heap_point("vPortFree:insert");
  /* Into the free list in address order, merging with both neighbours. */
  size_t prev = HEAP_END, cur = H.first;
  while (cur != HEAP_END && cur < off) {
    prev = cur;
    cur = hdr(cur)->next;
  }
  hdr(off)->next = cur;
  if (cur != HEAP_END && off + hdr(off)->size == cur) {
    hdr(off)->size += hdr(cur)->size;
    hdr(off)->next = hdr(cur)->next;
  }
  if (prev != HEAP_END && prev + hdr(prev)->size == off) {
    hdr(prev)->size += hdr(off)->size;
    hdr(prev)->next = hdr(off)->next;
  } else if (prev != HEAP_END) {
    hdr(prev)->next = off;
  } else {
    H.first = off;
  }
  heap_leave("vPortFree");
}

size_t xPortGetFreeHeapSize(void)
{
  if (!H.inited)
    return sizeof ucHeap & ~(HEAP_ALIGN - 1);
  return H.free_bytes;
}

size_t xPortGetMinimumEverFreeHeapSize(void)
{
  if (!H.inited)
    return sizeof ucHeap & ~(HEAP_ALIGN - 1);
  return H.min_ever;
}

void vPortGetHeapStats(HeapStats_t *s)
{
  memset(s, 0, sizeof *s);
  if (!H.inited) {
    vTaskSuspendAll();
    heap_init();
    (void)xTaskResumeAll();
  }
  s->xSizeOfSmallestFreeBlockInBytes = H.first == HEAP_END ? 0 : (size_t)-1;
  for (size_t off = H.first; off != HEAP_END; off = hdr(off)->next) {
    size_t sz = hdr(off)->size;
    s->xNumberOfFreeBlocks++;
    if (sz > s->xSizeOfLargestFreeBlockInBytes)
      s->xSizeOfLargestFreeBlockInBytes = sz;
    if (sz < s->xSizeOfSmallestFreeBlockInBytes)
      s->xSizeOfSmallestFreeBlockInBytes = sz;
  }
  s->xAvailableHeapSpaceInBytes = H.free_bytes;
  s->xMinimumEverFreeBytesRemaining = H.min_ever;
  s->xNumberOfSuccessfulAllocations = H.allocs;
  s->xNumberOfSuccessfulFrees = H.frees;
}

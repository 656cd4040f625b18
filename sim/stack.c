/*
 * stack.c - the stacks of sim threads (both switch backends).
 *
 * Each stack is its own anonymous mapping: SIM_STACK_GUARD bytes that may
 * not be touched at the bottom (a thread that runs over its stack faults
 * there, and the scheduler's SIGSEGV handler names it), then the usable
 * stack.  Fresh anonymous pages read as zero, so the stack comes "painted"
 * without a write: its peak use is the distance from its top to the lowest
 * non-zero word, found among the pages that were ever touched (mincore()).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_priv.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SIM_STACK_SAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SIM_STACK_SAN 1
#endif
#endif
/* The host minimum: host code runs on whichever sim thread's stack is
 * current -- interrupt handlers, timed events and, in live mode, the idle
 * step that reads the TAP device (tapif/tapwire.c drains into a 64 KiB
 * frame buffer on the stack) -- so a firmware-sized request (lwIP's 1024
 * bytes) cannot be taken literally.  Sanitizers grow frames (redzones)
 * and add their runtimes' own calls. */
#ifdef SIM_STACK_SAN
#define SIM_STACK_MIN (1024u * 1024u)
#else
#define SIM_STACK_MIN (256u * 1024u)
#endif
#define SIM_STACK_DEFAULT (512u * 1024u)
#define SIM_STACK_GUARD_PAGES 1
#define SIM_ALTSTACK_SIZE (64u * 1024u)

#if defined(__SANITIZE_ADDRESS__)
#define SIM_STACK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_STACK_ASAN 1
#endif
#endif
#ifdef SIM_STACK_ASAN
#include <sanitizer/asan_interface.h>
#endif

static size_t stack_page(void)
{
  static size_t page;
  if (!page) {
    long p = sysconf(_SC_PAGESIZE);
    page = p > 0 ? (size_t)p : 4096u;
  }
  return page;
}

size_t sim__stack_round(size_t want)
{
  size_t page = stack_page();
  if (!want)
    want = SIM_STACK_DEFAULT;
  if (want < SIM_STACK_MIN)
    want = SIM_STACK_MIN;
  return (want + page - 1) / page * page;
}

void sim__stack_alloc(sim_stack *s, size_t want, size_t extra)
{
  size_t page = stack_page();
  s->size = sim__stack_round(want);
  s->extra = (extra + page - 1) / page * page;
  s->maplen = s->size + s->extra + SIM_STACK_GUARD_PAGES * page;
  s->map = mmap(NULL, s->maplen, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1,
                0);
  if (s->map == MAP_FAILED)
    sim__mem_oom(" for a thread stack");
  if (mprotect(s->map, SIM_STACK_GUARD_PAGES * page, PROT_NONE) != 0)
    sim__mem_oom(" for a thread stack's guard page");
  s->lo = (char *)s->map + SIM_STACK_GUARD_PAGES * page;
  s->top = s->lo + s->size;
}

void sim__stack_free(sim_stack *s)
{
  if (!s->map)
    return;
#ifdef SIM_STACK_ASAN
  /* Frames that never returned leave poisoned redzones in the shadow; the
   * next mapping at this address must not inherit them. */
  __asan_unpoison_memory_region(s->lo, s->size + s->extra);
#endif
  munmap(s->map, s->maplen);
  memset(s, 0, sizeof *s);
}

size_t sim__stack_peak(const sim_stack *s)
{
  size_t page = stack_page();
  size_t npages = (size_t)(s->top - s->lo) / page;
  unsigned char vec[256];
  for (size_t first = 0; first < npages; first += sizeof vec) {
    size_t n = npages - first < sizeof vec ? npages - first : sizeof vec;
    char *base = s->lo + first * page;
    if (mincore(base, n * page, vec) != 0)
      return 0;
    for (size_t i = 0; i < n; i++) {
      if (!(vec[i] & 1))
        continue; /* never touched: still zero */
      const uint64_t *w = (const uint64_t *)(base + i * page);
      for (size_t k = 0; k < page / sizeof *w; k++)
        if (w[k])
          return (size_t)(s->top - (const char *)&w[k]);
    }
  }
  return 0;
}

bool sim__stack_guard_hit(const sim_stack *s, const void *addr)
{
  const char *a = addr;
  return s->map && a >= (const char *)s->map && a < s->lo;
}

void *sim__altstack_set(void)
{
  void *alt = mmap(NULL, SIM_ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (alt == MAP_FAILED)
    return NULL;
  stack_t ss = {.ss_sp = alt, .ss_size = SIM_ALTSTACK_SIZE};
  if (sigaltstack(&ss, NULL) != 0) {
    munmap(alt, SIM_ALTSTACK_SIZE);
    return NULL;
  }
  return alt;
}

void sim__altstack_free(void *alt)
{
  if (alt)
    munmap(alt, SIM_ALTSTACK_SIZE);
}

/*
 * sys_arch_mem.c - lwIP's pools and heap seen from the port: fault
 * injection, "pool" trace records and the heap's layout (see
 * sys_arch_mem.h).
 *
 * The functions named __wrap_X replace lwIP's X for every caller outside
 * X's own file, because each engine is linked with -Wl,--wrap=X; they
 * reach lwIP's own function as __real_X.  lwIP itself is not changed.  The
 * peer node's lwIP (peers/lwip/) has every global renamed to peer_*
 * before the engine is linked, so its calls never come here.
 *
 * Everything here runs with the run token (in a sim thread or an ISR on
 * its stack) and reaches no scheduling point of its own, so counters need
 * no lock and every count is the same in every run of the same inputs.
 * The wrappers compare lwIP's statistics with what they last reported, so
 * a change is reported once even when an ISR's free nests inside an
 * allocation.
 */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "sys_arch_mem.h"

#include <execinfo.h>
#include <inttypes.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/mem.h"
#include "lwip/memp.h"
#include "lwip/opt.h"
#include "lwip/stats.h"

#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_trace.h"

#if !LWIP_STATS || !MEM_STATS || !MEMP_STATS
#error "lwipsim profiles keep LWIP_STATS, MEM_STATS and MEMP_STATS on"
#endif

/* ------------------------------------------------------------------ */
/* pools: lwIP's (memp_std.h, memp_t order) and its apps' private ones  */

static const char *const sys_arch_mem_std_names[] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
};

/* Private pools of lwIP's apps (LWIP_MEMPOOL_DECLARE), found when the app
 * is linked and its profile declares the pool. */
extern const struct memp_desc memp_HTTPD_STATE __attribute__((weak));
extern const struct memp_desc memp_HTTPD_SSI_STATE __attribute__((weak));

#define SYS_ARCH_MEM_PRIVATE 2
static const struct {
  const char *name;
  const struct memp_desc *desc;
} sys_arch_mem_private[SYS_ARCH_MEM_PRIVATE] = {
    {"HTTPD_STATE", &memp_HTTPD_STATE},
    {"HTTPD_SSI_STATE", &memp_HTTPD_SSI_STATE},
};

#define SYS_ARCH_MEM_NPOOLS (MEMP_MAX + SYS_ARCH_MEM_PRIVATE)
#define SYS_ARCH_MEM_HEAP SYS_ARCH_MEM_NPOOLS /* index of the heap */

typedef struct {
  uint64_t allocs;           /* allocations asked for so far */
  unsigned long used, err;   /* as last reported in a "pool" record */
} sys_arch_mem_count;

static sys_arch_mem_count sys_arch_mem_counts[SYS_ARCH_MEM_NPOOLS + 1];

static struct {
  int target; /* pool index or SYS_ARCH_MEM_HEAP */
  uint64_t nth;
} sys_arch_mem_fails[SIM_FAIL_MAX];
static int sys_arch_mem_nfails;
static unsigned sys_arch_mem_fired;
static void (*sys_arch_mem_fail_hook)(const char *note);
#define SYS_ARCH_MEM_SITE_MAX 6
static uint64_t sys_arch_mem_site[SYS_ARCH_MEM_SITE_MAX];
static int sys_arch_mem_nsite;
static sys_arch_heap_failure sys_arch_mem_heap_fail;

static bool sys_arch_mem_present(int i)
{
  if (i < MEMP_MAX)
    return true;
  return sys_arch_mem_private[i - MEMP_MAX].desc != NULL;
}

int sys_arch_mem_npools(void)
{
  return SYS_ARCH_MEM_NPOOLS;
}

/* NULL for a private pool this engine does not have. */
const char *sys_arch_mem_pool_name(int i)
{
  if (i < 0 || i >= SYS_ARCH_MEM_NPOOLS || !sys_arch_mem_present(i))
    return NULL;
  return i < MEMP_MAX ? sys_arch_mem_std_names[i]
                      : sys_arch_mem_private[i - MEMP_MAX].name;
}

static int sys_arch_mem_private_index(const struct memp_desc *desc)
{
  for (int i = 0; i < SYS_ARCH_MEM_PRIVATE; i++)
    if (desc && sys_arch_mem_private[i].desc == desc)
      return MEMP_MAX + i;
  return -1;
}

static const struct stats_mem *sys_arch_mem_stats(int i)
{
  if (i == SYS_ARCH_MEM_HEAP)
    return &lwip_stats.mem;
  if (i < MEMP_MAX)
    return lwip_stats.memp[i];
  return sys_arch_mem_private[i - MEMP_MAX].desc->stats;
}

/* ------------------------------------------------------------------ */
/* fault injection                                                     */

int sys_arch_mem_fail_arm(const sim_fail_spec *specs, int n, char *err,
                          size_t errlen)
{
  sys_arch_mem_nfails = 0;
  for (int k = 0; k < n && k < SIM_FAIL_MAX; k++) {
    int target = -1;
    if (specs[k].heap) {
      target = SYS_ARCH_MEM_HEAP;
    } else {
      for (int i = 0; i < SYS_ARCH_MEM_NPOOLS && target < 0; i++) {
        const char *name = sys_arch_mem_pool_name(i);
        if (name && strcmp(name, specs[k].pool) == 0)
          target = i;
      }
    }
    if (target < 0) {
      size_t pos = (size_t)snprintf(err, errlen, "--fail: this profile has "
                                    "no lwIP pool '%s'; pools:",
                                    specs[k].pool);
      for (int i = 0; i < SYS_ARCH_MEM_NPOOLS && pos < errlen; i++)
        if (sys_arch_mem_pool_name(i))
          pos += (size_t)snprintf(err + pos, errlen - pos, " %s",
                                  sys_arch_mem_pool_name(i));
      sys_arch_mem_nfails = 0;
      return -1;
    }
    sys_arch_mem_fails[sys_arch_mem_nfails].target = target;
    sys_arch_mem_fails[sys_arch_mem_nfails].nth = specs[k].nth;
    sys_arch_mem_nfails++;
  }
  return 0;
}

void sys_arch_mem_set_fail_hook(void (*fn)(const char *note))
{
  sys_arch_mem_fail_hook = fn;
}

unsigned sys_arch_mem_fails_fired(void)
{
  return sys_arch_mem_fired;
}

/* The executable's load bias (0 unless it is PIE): its first entry. */
static int sys_arch_mem_bias_cb(struct dl_phdr_info *info, size_t size,
                                void *data)
{
  (void)size;
  *(uintptr_t *)data = (uintptr_t)info->dlpi_addr;
  return 1;
}

/* Keeps where the first injected failure was asked for: the frames from
 * `ra` (the wrapper's return address, in lwIP) outwards. */
static void sys_arch_mem_keep_site(void *ra)
{
  if (sys_arch_mem_nsite)
    return;
  void *frames[SYS_ARCH_MEM_SITE_MAX + 8];
  int n = backtrace(frames, (int)(sizeof frames / sizeof frames[0]));
  int from = 0;
  while (from < n && frames[from] != ra)
    from++;
  if (from == n) { /* not found (no unwind tables): the call alone */
    frames[0] = ra;
    from = 0;
    n = 1;
  }
  uintptr_t bias = 0;
  dl_iterate_phdr(sys_arch_mem_bias_cb, &bias);
  for (int i = from; i < n && sys_arch_mem_nsite < SYS_ARCH_MEM_SITE_MAX; i++)
    sys_arch_mem_site[sys_arch_mem_nsite++] =
        (uint64_t)((uintptr_t)frames[i] - bias);
}

int sys_arch_mem_fail_site(uint64_t *addrs, int max)
{
  int n = sys_arch_mem_nsite < max ? sys_arch_mem_nsite : max;
  memcpy(addrs, sys_arch_mem_site, (size_t)n * sizeof *addrs);
  return n;
}

int64_t sys_arch_mem_allocs(int i)
{
  if (i < 0 || i > SYS_ARCH_MEM_HEAP ||
      (i < SYS_ARCH_MEM_HEAP && !sys_arch_mem_present(i)))
    return -1;
  return (int64_t)sys_arch_mem_counts[i].allocs;
}

int64_t sys_arch_mem_used(int i)
{
  if (i < 0 || i > SYS_ARCH_MEM_HEAP ||
      (i < SYS_ARCH_MEM_HEAP && !sys_arch_mem_present(i)))
    return -1;
  const struct stats_mem *st = sys_arch_mem_stats(i);
  return st ? (int64_t)st->used : 0;
}

/* Counts one allocation from `target` (asked for at `ra`); true if it is
 * to fail. */
static bool sys_arch_mem_count_alloc(int target, void *ra)
{
  uint64_t n = ++sys_arch_mem_counts[target].allocs;
  for (int k = 0; k < sys_arch_mem_nfails; k++) {
    if (sys_arch_mem_fails[k].target != target ||
        sys_arch_mem_fails[k].nth != n)
      continue;
    char what[96], note[160];
    if (target == SYS_ARCH_MEM_HEAP)
      snprintf(what, sizeof what, "mem allocation #%" PRIu64 " failed", n);
    else
      snprintf(what, sizeof what, "memp %s allocation #%" PRIu64 " failed",
               sys_arch_mem_pool_name(target), n);
    sim_trace_event("fail", what);
    sys_arch_mem_fired++;
    sys_arch_mem_keep_site(ra);
    snprintf(note, sizeof note, "lwipsim --fail: %s in %s", what,
             sim_trace_label());
    if (sys_arch_mem_fail_hook)
      sys_arch_mem_fail_hook(note);
    return true;
  }
  return false;
}

/* ------------------------------------------------------------------ */
/* "pool" records                                                      */

static unsigned long sys_arch_mem_heap_size(void)
{
  if (lwip_stats.mem.avail)
    return (unsigned long)lwip_stats.mem.avail;
#if MEM_USE_POOLS
  unsigned long total = 0;
  for (int i = (int)MEMP_POOL_FIRST; i <= (int)MEMP_POOL_LAST; i++)
    total += (unsigned long)memp_pools[i]->num *
             (memp_pools[i]->size -
              LWIP_MEM_ALIGN_SIZE(sizeof(struct memp_malloc_helper)));
  return total;
#else
  return MEM_SIZE;
#endif
}

/* One record if pool `i`'s used or err count differs from the last. */
static void sys_arch_mem_changed(int i)
{
  const struct stats_mem *st = sys_arch_mem_stats(i);
  sys_arch_mem_count *c = &sys_arch_mem_counts[i];
  if (!st || (st->used == c->used && st->err == c->err))
    return;
  c->used = st->used;
  c->err = st->err;
  sim_trace_eventf("pool", "%s used=%lu max=%lu err=%lu size=%lu",
                   i == SYS_ARCH_MEM_HEAP ? "HEAP" : sys_arch_mem_pool_name(i),
                   (unsigned long)st->used, (unsigned long)st->max,
                   (unsigned long)st->err,
                   i == SYS_ARCH_MEM_HEAP ? sys_arch_mem_heap_size()
                                          : (unsigned long)st->avail);
}

/* ------------------------------------------------------------------ */
/* the heap's layout                                                   */

#if LWIPSIM_PORT_HEAP && !MEM_LIBC_MALLOC && !MEM_CUSTOM_ALLOCATOR && \
    !MEM_USE_POOLS
/* lwIP's heap (mem.c) is a list of blocks, each opening with a header of
 * two mem_size_t offsets (next, prev) and a used flag (and the user size
 * with MEM_OVERFLOW_CHECK), followed by its data.  The header is private
 * to mem.c; this is the port's view of it, checked on every walk against
 * what lwIP counts (see sys_arch_mem_heap_walk). */
struct sys_arch_mem_hdr {
  mem_size_t next;
  mem_size_t prev;
  u8_t used;
#if MEM_OVERFLOW_CHECK
  mem_size_t user_size;
#endif
};
#define SYS_ARCH_MEM_HDR LWIP_MEM_ALIGN_SIZE(sizeof(struct sys_arch_mem_hdr))

/* The end marker's prev stays at the heap's size from lwIP 2.1 on; 2.0.x's
 * plug_holes() writes the offset of the block before the end into it
 * (2.1 added the `next != MEM_SIZE_ALIGNED` checks there), so on 2.0.x it
 * says nothing about the layout. */
#if LWIP_VERSION_MAJOR == 2 && LWIP_VERSION_MINOR == 0
#define SYS_ARCH_MEM_END_PREV_OK(e, end) ((void)(e), (void)(end), 1)
#else
#define SYS_ARCH_MEM_END_PREV_OK(e, end) ((e)->prev == (end))
#endif
#define SYS_ARCH_MEM_SIZE_ALIGNED LWIP_MEM_ALIGN_SIZE(MEM_SIZE)

/* The heap lwIP uses (LWIP_RAM_HEAP_POINTER, lwipopts_port.h): the size
 * mem.c would reserve, one header more for the end marker. */
LWIP_DECLARE_MEMORY_ALIGNED(sys_arch_ram_heap,
                            SYS_ARCH_MEM_SIZE_ALIGNED +
                                2U * SYS_ARCH_MEM_HDR);

bool sys_arch_mem_heap_walkable(void)
{
  return true;
}

int sys_arch_mem_heap_walk(sys_arch_heap_layout *l, char *err,
                           size_t errlen)
{
  memset(l, 0, sizeof *l);
  const size_t end = SYS_ARCH_MEM_SIZE_ALIGNED;
  u8_t *ram = (u8_t *)LWIP_MEM_ALIGN(sys_arch_ram_heap);
  l->size = (unsigned long)end;
  size_t ptr = 0, prev = 0, steps = 0;
  unsigned long used = 0;
  while (ptr < end) {
    const struct sys_arch_mem_hdr *h =
        (const struct sys_arch_mem_hdr *)(void *)(ram + ptr);
    if (h->used > 1 || h->next <= ptr || h->next > end || h->prev != prev ||
        h->next - ptr < SYS_ARCH_MEM_HDR || ++steps > end) {
      snprintf(err, errlen, "heap layout check failed at offset %zu (next "
               "%lu prev %lu used %u): lwIP's struct mem is not what the "
               "port expects", ptr, (unsigned long)h->next,
               (unsigned long)h->prev, (unsigned)h->used);
      return -1;
    }
    unsigned long len = (unsigned long)(h->next - ptr);
    if (h->used) {
      used += len;
    } else {
      unsigned long data = len - SYS_ARCH_MEM_HDR;
      l->free_total += data;
      l->free_blocks++;
      if (data > l->largest_free)
        l->largest_free = data;
    }
    prev = ptr;
    ptr = h->next;
  }
  const struct sys_arch_mem_hdr *e =
      (const struct sys_arch_mem_hdr *)(void *)(ram + end);
  if (!e->used || e->next != end || !SYS_ARCH_MEM_END_PREV_OK(e, end) ||
      used != (unsigned long)lwip_stats.mem.used) {
    snprintf(err, errlen, "heap layout check failed: the walk counts %lu "
             "bytes used, lwIP %lu (end marker used %u next %lu): lwIP's "
             "struct mem is not what the port expects", used,
             (unsigned long)lwip_stats.mem.used, (unsigned)e->used,
             (unsigned long)e->next);
    return -1;
  }
  l->used = used;
  return 0;
}
#elif MEM_USE_POOLS
bool sys_arch_mem_heap_walkable(void)
{
  return true;
}

/* mem_malloc() takes the first pool whose elements hold the request and
 * the helper header (with MEM_USE_POOLS_TRY_BIGGER_POOL, the next bigger
 * one when that pool is empty); a free element is a free block. */
int sys_arch_mem_heap_walk(sys_arch_heap_layout *l, char *err,
                           size_t errlen)
{
  (void)err;
  (void)errlen;
  memset(l, 0, sizeof *l);
  l->pools = true;
  l->size = sys_arch_mem_heap_size();
  l->used = (unsigned long)lwip_stats.mem.used;
  for (int i = (int)MEMP_POOL_FIRST; i <= (int)MEMP_POOL_LAST; i++) {
    const struct stats_mem *st = lwip_stats.memp[i];
    unsigned long data = memp_pools[i]->size -
                         LWIP_MEM_ALIGN_SIZE(sizeof(struct memp_malloc_helper));
    unsigned long nfree = (unsigned long)(st->avail - st->used);
    l->free_total += nfree * data;
    l->free_blocks += nfree;
    if (nfree && data > l->largest_free)
      l->largest_free = data;
  }
  return 0;
}
#else
bool sys_arch_mem_heap_walkable(void)
{
  return false;
}

int sys_arch_mem_heap_walk(sys_arch_heap_layout *l, char *err,
                           size_t errlen)
{
  memset(l, 0, sizeof *l);
  snprintf(err, errlen, "this profile's heap cannot be walked (it needs "
           "LWIPSIM_PORT_HEAP, or MEM_USE_POOLS)");
  return -1;
}
#endif

const sys_arch_heap_failure *sys_arch_mem_last_heap_failure(void)
{
  return &sys_arch_mem_heap_fail;
}

/* lwIP refused a heap allocation: keep the layout right after it. */
static void sys_arch_mem_heap_refused(size_t request, unsigned fired)
{
  sys_arch_heap_failure *f = &sys_arch_mem_heap_fail;
  f->failures++;
  f->request = (unsigned long)request;
  f->injected = sys_arch_mem_fired != fired;
  f->t_us = sim_clock_now_us();
  f->walked = false;
  if (!sys_arch_mem_heap_walkable())
    return;
  char err[256];
  if (sys_arch_mem_heap_walk(&f->at, err, sizeof err) != 0)
    sim_sched_finish(SIM_END_FAULT, "%s", err);
  f->walked = true;
  sim_trace_eventf("heap", "mem_malloc(%lu) refused: %lu bytes free in %lu "
                   "blocks, the largest %lu", f->request, f->at.free_total,
                   f->at.free_blocks, f->at.largest_free);
}

/* ------------------------------------------------------------------ */
/* the wrappers                                                        */

#if MEMP_OVERFLOW_CHECK
void *__real_memp_malloc_fn(memp_t type, const char *file, const int line);
void *__wrap_memp_malloc_fn(memp_t type, const char *file, const int line);
void *__real_memp_malloc_pool_fn(const struct memp_desc *desc,
                                 const char *file, const int line);
void *__wrap_memp_malloc_pool_fn(const struct memp_desc *desc,
                                 const char *file, const int line);
#define SYS_ARCH_MEM_LOC , file, line
#define SYS_ARCH_MEM_LOC_ARGS , const char *file, const int line
#define SYS_ARCH_MEMP_MALLOC __wrap_memp_malloc_fn
#define SYS_ARCH_MEMP_MALLOC_REAL __real_memp_malloc_fn
#define SYS_ARCH_MEMP_MALLOC_POOL __wrap_memp_malloc_pool_fn
#define SYS_ARCH_MEMP_MALLOC_POOL_REAL __real_memp_malloc_pool_fn
#else
void *__real_memp_malloc(memp_t type);
void *__wrap_memp_malloc(memp_t type);
void *__real_memp_malloc_pool(const struct memp_desc *desc);
void *__wrap_memp_malloc_pool(const struct memp_desc *desc);
#define SYS_ARCH_MEM_LOC
#define SYS_ARCH_MEM_LOC_ARGS
#define SYS_ARCH_MEMP_MALLOC __wrap_memp_malloc
#define SYS_ARCH_MEMP_MALLOC_REAL __real_memp_malloc
#define SYS_ARCH_MEMP_MALLOC_POOL __wrap_memp_malloc_pool
#define SYS_ARCH_MEMP_MALLOC_POOL_REAL __real_memp_malloc_pool
#endif
void __real_memp_free(memp_t type, void *mem);
void __wrap_memp_free(memp_t type, void *mem);
void __real_memp_free_pool(const struct memp_desc *desc, void *mem);
void __wrap_memp_free_pool(const struct memp_desc *desc, void *mem);
void *__real_mem_malloc(mem_size_t size);
void *__wrap_mem_malloc(mem_size_t size);
void *__real_mem_calloc(mem_size_t count, mem_size_t size);
void *__wrap_mem_calloc(mem_size_t count, mem_size_t size);
void __real_mem_free(void *mem);
void __wrap_mem_free(void *mem);
void *__real_mem_trim(void *mem, mem_size_t size);
void *__wrap_mem_trim(void *mem, mem_size_t size);

void *SYS_ARCH_MEMP_MALLOC(memp_t type SYS_ARCH_MEM_LOC_ARGS)
{
  if ((int)type >= 0 && type < MEMP_MAX &&
      sys_arch_mem_count_alloc(type, __builtin_return_address(0)))
    return NULL;
  void *p = SYS_ARCH_MEMP_MALLOC_REAL(type SYS_ARCH_MEM_LOC);
  if ((int)type >= 0 && type < MEMP_MAX)
    sys_arch_mem_changed(type);
  return p;
}

void *SYS_ARCH_MEMP_MALLOC_POOL(const struct memp_desc *desc
                                    SYS_ARCH_MEM_LOC_ARGS)
{
  int i = sys_arch_mem_private_index(desc);
  if (i >= 0 && sys_arch_mem_count_alloc(i, __builtin_return_address(0)))
    return NULL;
  void *p = SYS_ARCH_MEMP_MALLOC_POOL_REAL(desc SYS_ARCH_MEM_LOC);
  if (i >= 0)
    sys_arch_mem_changed(i);
  return p;
}

void __wrap_memp_free(memp_t type, void *mem)
{
  __real_memp_free(type, mem);
  if ((int)type >= 0 && type < MEMP_MAX)
    sys_arch_mem_changed(type);
}

void __wrap_memp_free_pool(const struct memp_desc *desc, void *mem)
{
  __real_memp_free_pool(desc, mem);
  int i = sys_arch_mem_private_index(desc);
  if (i >= 0)
    sys_arch_mem_changed(i);
}

void *__wrap_mem_malloc(mem_size_t size)
{
  if (sys_arch_mem_count_alloc(SYS_ARCH_MEM_HEAP,
                               __builtin_return_address(0)))
    return NULL;
  unsigned fired = sys_arch_mem_fired;
  void *p = __real_mem_malloc(size);
  if (!p && size)
    sys_arch_mem_heap_refused(size, fired);
  sys_arch_mem_changed(SYS_ARCH_MEM_HEAP);
  return p;
}

void *__wrap_mem_calloc(mem_size_t count, mem_size_t size)
{
  if (sys_arch_mem_count_alloc(SYS_ARCH_MEM_HEAP,
                               __builtin_return_address(0)))
    return NULL;
  unsigned fired = sys_arch_mem_fired;
  void *p = __real_mem_calloc(count, size);
  if (!p && count && size)
    sys_arch_mem_heap_refused((size_t)count * size, fired);
  sys_arch_mem_changed(SYS_ARCH_MEM_HEAP);
  return p;
}

void __wrap_mem_free(void *mem)
{
  __real_mem_free(mem);
  sys_arch_mem_changed(SYS_ARCH_MEM_HEAP);
}

void *__wrap_mem_trim(void *mem, mem_size_t size)
{
  void *p = __real_mem_trim(mem, size);
  sys_arch_mem_changed(SYS_ARCH_MEM_HEAP);
  return p;
}

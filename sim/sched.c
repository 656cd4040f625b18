/*
 * sched.c - the deterministic scheduler.
 *
 * Design.  Every sim thread is a context of the switch backend (sim_priv.h:
 * fibers on one OS thread by default, or pthreads with a run token) with
 * a stack of its own (stack.c).  Exactly one of them runs (S.current) at a
 * time, and only this file decides which: the backend only hands the CPU
 * over (sched_switch).  All scheduler state is touched only by the running
 * context (or by the process's own thread before the first and after the
 * last switch), so it needs no locks.
 *
 * Invariants.
 * - A thread is READY, RUNNING (only S.current), BLOCKED or DONE.
 * - Virtual time moves only in sched_idle(), when no thread can run, and
 *   jumps to the earliest timer; equal deadlines fire in creation order
 *   (sequence numbers), never in address order.
 * - Interrupt handlers run on the stack of whichever thread holds the token
 *   (a thread at a scheduling point, or the idle loop) with S.in_isr set;
 *   they never switch threads and must not block.
 * - Nothing derived from pointers, wall time or PIDs reaches the trace.
 *
 * Ending.  When the run ends (main returns, deadlock, assert, fault), the
 * ending thread posts S.done and parks for good; sim_sched_fini() stops
 * every context (sim__sw_stop) and frees the stacks.
 *
 * Stacks.  A thread's stack has the size its creator asked for (rounded up
 * to a host minimum) and a guard page below it.  A thread that runs over
 * its stack faults on the guard page; the SIGSEGV handler (on a signal
 * stack) ends the run as a fault naming the thread and its stack size,
 * and the outcome says `wedged`: the thread's state is lost mid-call, so
 * the caller completes its files and leaves without clean-ups.
 *
 * Watchdog.  The process's own thread waits for S.done in steps of 100 ms
 * of wall time; the token holder publishes a heartbeat (points + switches)
 * and its last point in atomics.  A heartbeat that stays still while a
 * thread runs (not while live mode waits for the device) for longer than
 * cfg.watchdog_ms ends the run as a fault naming the thread and its last
 * point; that thread still runs, so the outcome says `wedged`: the caller
 * completes its files and leaves with _exit(), without clean-ups.  Wall
 * time decides only whether a run is wedged; it never reaches the trace
 * of a run that is not.
 */
#define _GNU_SOURCE
#include "sim_sched.h"

#include <errno.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim_clock.h"
#include "sim_prng.h"
#include "sim_priv.h"
#include "sim_rtos.h"
#include "sim_trace.h"

#define SIM_DEFAULT_TIME_LIMIT_US (3600ull * 1000000ull)
#define SIM_PCT_MAX_DEPTH 16
#define SIM_PCT_BASE (1ull << 40) /* initial PCT priorities lie above */

typedef enum { TS_READY, TS_RUNNING, TS_BLOCKED, TS_DONE } sim_tstate;

struct sim_thread {
  int id;
  char name[32];
  int prio, base_prio;
  sim_tstate state;
  sim_ctx *ctx;            /* the switch backend's context */
  sim_stack stack;
  sim_thread_fn fn;
  void *arg;
  uint64_t ready_seq;      /* FIFO order among equal priorities */
  /* while blocked */
  sim_obj *wait_obj;
  sim_waitq *wait_q;
  const char *wait_what;
  uint64_t wait_seq;
  uint64_t deadline;
  uint64_t blocked_us;     /* virtual time it blocked */
  int wake_rc;
  uint64_t timer_gen;      /* stale timer entries carry an older value */
  size_t heap_idx;         /* slot of its timeout in S.heap, or SIZE_MAX */
  sim_thread *wnext;
  /* control */
  bool held;               /* script: not runnable until released */
  bool hold_keep;          /* ...and not released when the CPU idles */
  uint64_t hold_seq;       /* order of holds, for the idle release */
  bool tls_done;
  bool started;            /* has passed its "thread_start" point */
  const char *last_point;
  uint64_t pct_prio;       /* PCT: its current priority */
  uint64_t decisions;      /* with cfg.record or cfg.choices: policy
                              decisions taken while it was current */
  unsigned mutexes_held;
  void *tls[SIM_TLS_SLOTS];
  bool suspended;          /* sim_thread_suspend (sim_rtos.h) */
};

enum { TM_THREAD, TM_IRQ, TM_CALL };

typedef struct {
  uint64_t t, seq;
  int kind;
  int irq;
  uint64_t gen;
  sim_thread *thread;
  void (*fn)(void *);
  void *arg;
} sim_timer;

typedef struct {
  sim_script_step step;
  unsigned count;
  bool fired;
  int irq; /* >= 0: an IRQ pin instead of a script step */
} sim_match;

static struct {
  bool inited;
  bool tearing_down; /* sim_sched_fini: threads joined, objects go */
  sim_config cfg;
  sim_prng prng;
  sim_thread **threads;
  int nthreads;
  size_t cap_threads;
  sim_thread *current;
  sim_thread *main;
  sim_thread *wedged;       /* the watchdog's thread, still running */
  sim_thread *run_next;     /* script RUN target */
  /* cfg.choices: sorted copy, matched by thread name and decision */
  size_t nchoices;
  sem_t done;
  sim_end end;
  sim_outcome out;
  /* timers: binary min-heap on (t, seq) */
  sim_timer *heap;
  size_t nheap, cap_heap;
  uint64_t timer_seq;
  uint64_t ready_counter, wait_counter, hold_counter;
  /* interrupts */
  sim_irq_table irq;
  bool in_isr;
  const char *isr_label;
  char isr_label_buf[40];
  unsigned mask_depth;
  unsigned lock_depth; /* sim_sched_lock (sim_rtos.h) */
  bool resched_pending;
  /* script steps and IRQ pins */
  sim_match *matches;
  size_t nmatches, cap_matches;
  /* objects */
  sim_obj sleep_obj; /* what sim_sleep_us() waits on */
  sim_waitq sleep_q;
  void (*tls_dtor[SIM_TLS_SLOTS])(void *);
  uint64_t live_t0_us; /* live mode: CLOCK_MONOTONIC at init */
  /* CPU pinning */
  bool pinned;
  cpu_set_t saved_cpus;
  uint64_t points, switches;
  /* PCT: change point i (at point number pct_at[i]) lowers the running
   * thread to priority pct_depth - 1 - i, below every initial one */
  uint64_t pct_at[SIM_PCT_MAX_DEPTH];
  unsigned pct_nchanges;
  uint64_t cost_ns;         /* cfg.point_cost_ns not yet a whole µs */
  /* start points (sim_sched_start_point) */
  bool prelude;             /* before the start point: rtos, prelude seed */
  bool parked;              /* stopped at it for a snapshot */
  bool started;             /* passed it */
  uint64_t start_points;    /* S.points there */
} S;

/* Watchdog heartbeat, written by the token holder, read by the process's
 * own thread (sim_sched_run). */
static _Atomic uint64_t sched_beat;
static _Atomic(const char *) sched_beat_point;
static _Atomic(sim_thread *) sched_beat_thread;
static atomic_int sched_beat_idle; /* live mode waits for the device */
static atomic_bool sched_wedged;   /* the watchdog ended the run */

static __attribute__((noreturn)) void sched_park_forever(sim_thread *self);

/* Release: what the token holder wrote before its last heartbeat is
 * visible to the watchdog that acquires it (the trace, S). */
static inline void sched_heartbeat(void)
{
  atomic_store_explicit(&sched_beat, S.points + S.switches,
                        memory_order_release);
}

/* A wedged thread that comes back to the scheduler parks for good. */
static inline void sched_check_wedged(sim_thread *self)
{
  if (atomic_load_explicit(&sched_wedged, memory_order_acquire) && self)
    sched_park_forever(self);
}

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

#define SCHED_OOM " in the scheduler" /* completes the message */

static void *sched_grow(void *p, size_t *cap, size_t need, size_t elem)
{
  return sim__mem_grow(p, cap, need, elem, SCHED_OOM);
}

const char *sim__current_label(void)
{
  if (S.in_isr)
    return S.isr_label;
  if (!S.current)
    return "sim";
  if (S.current->state != TS_RUNNING)
    return "idle";
  return S.current->name;
}

static void sched_trace(const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sched_trace(const char *kind, const char *fmt, ...)
{
  char detail[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  sim_trace_event(kind, detail);
}

/* A record's detail put together by hand for the records of every
 * handoff (block, wake, switch): the same text as the printf formats they
 * replace, truncated the same way (at cap - 1, NUL-terminated). */
typedef struct {
  char *buf;
  size_t cap, len;
} sched_detail;

static void sched_put_n(sched_detail *d, const char *s, size_t n)
{
  if (d->len + n > d->cap - 1)
    n = d->cap - 1 - d->len;
  memcpy(d->buf + d->len, s, n);
  d->len += n;
  d->buf[d->len] = '\0';
}

static void sched_put(sched_detail *d, const char *s)
{
  sched_put_n(d, s, strlen(s));
}

static void sched_put_u64(sched_detail *d, uint64_t v)
{
  char num[20];
  sched_put_n(d, num, sim_trace_put_u64(num, v));
}

/* ------------------------------------------------------------------ */
/* timer heap                                                          */

static bool timer_before(const sim_timer *a, const sim_timer *b)
{
  return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* Every slot write goes through here, so a thread always knows where its
 * timeout sits and a wake can take it out (no stale entries pile up while
 * lwIP's threads wait with timeouts and are woken early). */
static void timer_place(size_t i, sim_timer tm)
{
  S.heap[i] = tm;
  if (tm.kind == TM_THREAD)
    tm.thread->heap_idx = i;
}

static void timer_sift_up(size_t i, sim_timer tm)
{
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!timer_before(&tm, &S.heap[parent]))
      break;
    timer_place(i, S.heap[parent]);
    i = parent;
  }
  timer_place(i, tm);
}

static void timer_sift_down(size_t i, sim_timer tm)
{
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= S.nheap)
      break;
    if (c + 1 < S.nheap && timer_before(&S.heap[c + 1], &S.heap[c]))
      c++;
    if (!timer_before(&S.heap[c], &tm))
      break;
    timer_place(i, S.heap[c]);
    i = c;
  }
  timer_place(i, tm);
}

static void timer_push(sim_timer tm)
{
  S.heap = sched_grow(S.heap, &S.cap_heap, S.nheap + 1, sizeof *S.heap);
  tm.seq = S.timer_seq++;
  timer_sift_up(S.nheap++, tm);
}

/* Removes slot i and returns its entry. */
static sim_timer timer_remove(size_t i)
{
  sim_timer out = S.heap[i];
  if (out.kind == TM_THREAD)
    out.thread->heap_idx = SIZE_MAX;
  sim_timer last = S.heap[--S.nheap];
  if (i < S.nheap) {
    if (i > 0 && timer_before(&last, &S.heap[(i - 1) / 2]))
      timer_sift_up(i, last);
    else
      timer_sift_down(i, last);
  }
  return out;
}

static sim_timer timer_pop(void)
{
  return timer_remove(0);
}

/* A thread's pending timeout, if any, is no longer wanted. */
static void timer_cancel(sim_thread *t)
{
  if (t->heap_idx != SIZE_MAX)
    (void)timer_remove(t->heap_idx);
}

static bool timer_stale(const sim_timer *tm)
{
  return tm->kind == TM_THREAD &&
         (tm->gen != tm->thread->timer_gen ||
          tm->thread->state != TS_BLOCKED);
}

/* ------------------------------------------------------------------ */
/* the run token                                                       */

static __attribute__((noreturn)) void sched_park_forever(sim_thread *self)
{
  sim__ctx_park(self->ctx);
}

/* Hands the token from `cur` (whose state is already set) to `next`. */
static void sched_switch(sim_thread *cur, sim_thread *next, const char *why)
{
  if (next == cur) {
    cur->state = TS_RUNNING;
    return;
  }
  S.switches++;
  atomic_store_explicit(&sched_beat_thread, next, memory_order_release);
  sched_heartbeat();
  /* A RUN target that has not started keeps its claim until its first
   * point (thread_start), or priority order would switch straight back. */
  if (next == S.run_next && next->started)
    S.run_next = NULL;
  /* "NEXT (WHY)" cut at 79 characters, as snprintf into 80 did, but
   * without printf: a switch is the hottest record of all. */
  char detail[80];
  sched_detail d = {detail, sizeof detail, 0};
  sched_put(&d, next->name);
  sched_put(&d, " (");
  sched_put(&d, why);
  sched_put(&d, ")");
  sim_trace_emit(sim_clock_now_us(), cur->name, "switch", detail);
  next->state = TS_RUNNING;
  S.current = next;
  /* errno is the OS thread's, and fibers share one: each keeps its own. */
  int saved_errno = errno;
  if (cur->state == TS_DONE) {
    sim__ctx_exit(cur->ctx, next->ctx);
    return;
  }
  sim__ctx_switch(cur->ctx, next->ctx);
  errno = saved_errno;
}

static bool sched_runnable(const sim_thread *t)
{
  return t->state == TS_READY && !t->held && !t->suspended;
}

/* Best ready thread by priority, FIFO among equals (rtos, script). */
static sim_thread *sched_best_ready(void)
{
  sim_thread *best = NULL;
  for (int i = 0; i < S.nthreads; i++) {
    sim_thread *t = S.threads[i];
    if (!sched_runnable(t))
      continue;
    if (!best || t->prio > best->prio ||
        (t->prio == best->prio && t->ready_seq < best->ready_seq))
      best = t;
  }
  return best;
}

/* What the rtos policy would run (the base a schedule file changes). */
static sim_thread *sched_rtos_pick(sim_thread *cur, bool cur_ok)
{
  sim_thread *best = sched_best_ready();
  if (cur_ok && (!best || best->prio <= cur->prio))
    return cur;
  return best;
}

static sim_thread *sched_policy_pick(sim_thread *cur, bool cur_ok);

static sim_thread *sched_find(const char *name);

/* A schedule's choice for `cur`'s decision number `d`, or NULL. */
static const sim_choice *sched_choice(const sim_thread *cur, uint64_t d)
{
  for (size_t i = 0; i < S.nchoices; i++) {
    const sim_choice *c = &S.cfg.choices[i];
    if (c->decision == d && strcmp(c->thread, cur->name) == 0)
      return c;
  }
  return NULL;
}

/* The thread the policy runs next among the ready ones, `cur` included if
 * `cur_ok` (cur is RUNNING and may continue).  NULL if none can run.
 *
 * Schedules.  Each call is one decision of `cur` (numbered per thread).
 * While recording (random, pct), a decision that differs from what rtos
 * would take is reported as a choice "decision N of CUR runs T"; replaying
 * a schedule (cfg.choices, on top of rtos or script) takes those choices
 * where the thread named is ready, and rtos's everywhere else. */
static sim_thread *sched_pick(sim_thread *cur, bool cur_ok)
{
  if (cur && ((S.cfg.record && !S.prelude) || S.nchoices)) {
    uint64_t d = ++cur->decisions;
    const sim_choice *c = S.nchoices ? sched_choice(cur, d) : NULL;
    if (c) {
      sim_thread *t = sched_find(c->target);
      if (t && ((t == cur && cur_ok) || (t != cur && sched_runnable(t)))) {
        sched_trace("choice", "decision %llu of %s: %s",
                    (unsigned long long)d, cur->name, t->name);
        return t;
      }
    }
    sim_thread *next = sched_policy_pick(cur, cur_ok);
    if (S.cfg.record && next &&
        (S.cfg.policy == SIM_POLICY_PCT ||
         S.cfg.policy == SIM_POLICY_RANDOM) &&
        next != sched_rtos_pick(cur, cur_ok))
      S.cfg.record(S.cfg.record_ctx, cur->name, d, cur->last_point,
                   next->name);
    return next;
  }
  return sched_policy_pick(cur, cur_ok);
}

/* The policy deciding now: rtos before a start point. */
static sim_policy sched_policy_now(void)
{
  return S.prelude ? SIM_POLICY_RTOS : S.cfg.policy;
}

static sim_thread *sched_policy_pick(sim_thread *cur, bool cur_ok)
{
  sim_policy policy = sched_policy_now();
  if (policy == SIM_POLICY_PCT) {
    /* cur itself is a candidate too once woken while it waited for the
     * idle loop on its own stack (an ISR gave its semaphore); at a point
     * it is running, not ready, and comes in through cur_ok alone. */
    sim_thread *best = cur_ok ? cur : NULL;
    for (int i = 0; i < S.nthreads; i++) {
      sim_thread *t = S.threads[i];
      /* cur again too: it gave up the token (cur_ok false) but may be
       * ready again, its own timed wait expired while nothing else could
       * run; with cur_ok it is `best` already and stays (strictly
       * greater). */
      if (sched_runnable(t) &&
          (!best || t->pct_prio > best->pct_prio))
        best = t;
    }
    return best;
  }
  if (policy == SIM_POLICY_RANDOM) {
    sim_thread *cand[256];
    int n = 0;
    if (cur_ok)
      cand[n++] = cur;
    for (int i = 0; i < S.nthreads && n < 256; i++)
      if (sched_runnable(S.threads[i]))
        cand[n++] = S.threads[i];
    if (n == 0)
      return NULL;
    if (n == 1)
      return cand[0];
    return cand[sim_prng_below(&S.prng, (uint64_t)n)];
  }
  if (S.run_next && S.run_next == cur && cur_ok) {
    S.run_next = NULL;
    return cur;
  }
  if (S.run_next && sched_runnable(S.run_next))
    return S.run_next;
  sim_thread *best = sched_best_ready();
  if (cur_ok && (!best || best->prio <= cur->prio))
    return cur;
  return best;
}

static void sched_end(sim_end end, const char *msg);

/* Set from a signal handler (or another thread); read at points and in
 * the idle loop.  A lock-free atomic: async-signal-safe and race-free. */
static atomic_int sched_signal;

void sim_sched_interrupt(int sig)
{
  atomic_store_explicit(&sched_signal, sig ? sig : -1, memory_order_relaxed);
}
static void sched_fire_due(void);

/* No thread can run: advance virtual time to the next event.  Returns false
 * (after ending the run) on deadlock or when the time limit is passed. */
/* Live mode: the clock follows the wall clock; between timers the external
 * source is waited on.  Same contract as sched_idle(). */
static bool sched_idle_live(void)
{
  const sim_external *x = S.cfg.live;
  for (;;) {
    while (S.nheap && timer_stale(&S.heap[0]))
      (void)timer_pop();
    uint64_t next = S.nheap ? S.heap[0].t : UINT64_MAX;
    /* A timer fires at its own deadline, not at the wall time it was
     * noticed, and before any frame read later: a replay that injects the
     * recorded frames at their virtual times then sees the same run. */
    if (next <= sim_live_now_us()) {
      if (next > sim_clock_now_us())
        sim__clock_set(next);
      sched_fire_due();
      return true;
    }
    atomic_store_explicit(&sched_beat_idle, 1, memory_order_relaxed);
    int rc = x->wait(x->ctx, next);
    atomic_store_explicit(&sched_beat_idle, 0, memory_order_relaxed);
    if (rc < 0) {
      sched_end(SIM_END_NORMAL, "stopped");
      return false;
    }
    if (rc == 0)
      continue;
    uint64_t now = sim_live_now_us();
    if (next <= now)
      continue; /* timers first; the frames wait in the device */
    if (now > sim_clock_now_us())
      sim__clock_set(now);
    bool was = S.in_isr;
    const char *was_label = S.isr_label;
    S.in_isr = true;
    S.isr_label = "event";
    x->drain(x->ctx);
    S.in_isr = was;
    S.isr_label = was_label;
    return true;
  }
}

uint64_t sim_live_now_us(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  uint64_t us = (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
  return us - S.live_t0_us;
}

static bool sched_idle(void)
{
  if (sched_signal) {
    char msg[64];
    snprintf(msg, sizeof msg, "interrupted by signal %d", (int)sched_signal);
    sched_end(SIM_END_FAULT, msg);
    return false;
  }
  /* An IRQ raised by a thread that then blocked or exited is an event due
   * now: the caller delivers it before time may move. */
  if (S.irq.npending && S.mask_depth == 0)
    return true;
  if (S.cfg.live)
    return sched_idle_live();
  while (S.nheap && timer_stale(&S.heap[0]))
    (void)timer_pop();
  if (S.cfg.stop_at_us &&
      (!S.nheap || S.heap[0].t > S.cfg.stop_at_us)) {
    /* As the live session did: everything up to its end, then stop
     * without moving the clock. */
    sched_end(SIM_END_NORMAL, "stopped");
    return false;
  }
  if (!S.nheap) {
    sched_end(SIM_END_DEADLOCK, NULL);
    return false;
  }
  uint64_t t = S.heap[0].t;
  if (t > S.cfg.time_limit_us) {
    sim__clock_set(S.cfg.time_limit_us);
    sched_end(SIM_END_HANG, NULL);
    return false;
  }
  if (t > sim_clock_now_us())
    sim__clock_set(t);
  sched_fire_due();
  return true;
}

static void sched_deliver_irqs(void);

/* Nothing can run and nothing is due now: a script hold gives way (the
 * longest-held ready thread is released) rather than let time move on or
 * end with the deadlock the script made.  Returns true if it released one. */
static bool sched_release_held(void)
{
  if (S.irq.npending)
    return false;
  while (S.nheap && timer_stale(&S.heap[0]))
    (void)timer_pop();
  if (S.nheap && S.heap[0].t <= sim_clock_now_us())
    return false;
  sim_thread *oldest = NULL;
  for (int i = 0; i < S.nthreads; i++) {
    sim_thread *t = S.threads[i];
    if (t->held && !t->hold_keep && t->state == TS_READY &&
        (!oldest || t->hold_seq < oldest->hold_seq))
      oldest = t;
  }
  if (!oldest)
    return false;
  oldest->held = false;
  sched_trace("script", "release %s (nothing else can run)", oldest->name);
  return true;
}

/* Gives up the token: `cur` has set its own state (READY, BLOCKED, DONE). */
static void sched_reschedule(sim_thread *cur, const char *why)
{
  for (;;) {
    sim_thread *next = sched_pick(cur, false);
    if (next) {
      sched_switch(cur, next, why);
      return;
    }
    if (sched_release_held())
      continue;
    if (!sched_idle())
      sched_park_forever(cur);
    sched_deliver_irqs();
  }
}

/* At a point where `cur` runs: switch if the policy says so. */
static void sched_decide(sim_thread *cur, const char *why)
{
  if (S.mask_depth || S.lock_depth || S.in_isr || S.end != SIM_END_NONE) {
    S.resched_pending = true;
    return;
  }
  S.resched_pending = false;
  sim_thread *next = sched_pick(cur, !cur->held && !cur->suspended);
  if (next == cur)
    return;
  cur->state = TS_READY;
  cur->ready_seq = ++S.ready_counter;
  if (next)
    sched_switch(cur, next, why);
  else
    sched_reschedule(cur, why);
}

void sim__resched(void)
{
  sim_thread *cur = S.current;
  if (!cur || cur->state != TS_RUNNING)
    return;
  sched_decide(cur, "resched");
}

/* ------------------------------------------------------------------ */
/* interrupts                                                          */

static void sched_run_isr(sim_irq *q)
{
  sim_trace_event("irq", q->name);
  bool was = S.in_isr;
  const char *was_label = S.isr_label;
  S.in_isr = true;
  snprintf(S.isr_label_buf, sizeof S.isr_label_buf, "isr:%s", q->name);
  S.isr_label = S.isr_label_buf;
  q->fn(q->arg);
  S.in_isr = was;
  S.isr_label = was_label;
}

static void sched_deliver_irqs(void)
{
  while (S.irq.npending && !S.in_isr && S.mask_depth == 0 &&
         S.end == SIM_END_NONE)
    sched_run_isr(sim__irq_take(&S.irq));
}

int sim_irq_register(const char *name, int prio, sim_irq_fn fn, void *arg)
{
  int irq = sim__irq_add(&S.irq, name, prio, fn, arg);
  if (irq < 0)
    sim__fault("too many IRQs registered (max %d)", SIM_MAX_IRQS);
  return irq;
}

void sim_irq_raise(int irq)
{
  if (sim__irq_raise(&S.irq, irq) < 0)
    sim__fault("raise of unknown IRQ %d", irq);
}

void sim_irq_raise_at(int irq, uint64_t t_us)
{
  sim_timer tm = {.t = t_us, .kind = TM_IRQ, .irq = irq};
  timer_push(tm);
}

void sim_call_at(uint64_t t_us, void (*fn)(void *arg), void *arg)
{
  sim_timer tm = {.t = t_us, .kind = TM_CALL, .fn = fn, .arg = arg};
  timer_push(tm);
}

void sim_irq_pin(int irq, const char *thread, const char *point,
                 unsigned nth)
{
  S.matches = sched_grow(S.matches, &S.cap_matches, S.nmatches + 1,
                         sizeof *S.matches);
  sim_match *m = &S.matches[S.nmatches++];
  memset(m, 0, sizeof *m);
  m->step.thread = thread;
  m->step.point = point;
  m->step.nth = nth ? nth : 1;
  m->irq = irq;
}

void sim_script_add(const sim_script_step *step)
{
  S.matches = sched_grow(S.matches, &S.cap_matches, S.nmatches + 1,
                         sizeof *S.matches);
  sim_match *m = &S.matches[S.nmatches++];
  memset(m, 0, sizeof *m);
  m->step = *step;
  if (!m->step.nth)
    m->step.nth = 1;
  m->irq = -1;
}

void sim_irq_mask(void)
{
  S.mask_depth++;
}

void sim_irq_unmask(void)
{
  if (S.mask_depth == 0)
    sim__fault("interrupts unmasked more often than masked");
  if (--S.mask_depth == 0 && !S.in_isr) {
    sched_deliver_irqs();
    if (S.resched_pending)
      sim__resched();
  }
}

unsigned sim_irq_mask_depth(void)
{
  return S.mask_depth;
}

bool sim_in_isr(void)
{
  return S.in_isr;
}

void sim_model_lock(void) {}
void sim_model_unlock(void) {}

/* Timers due now (all with the same virtual time, in sequence order). */
static void sched_fire_due(void)
{
  uint64_t now = sim_clock_now_us();
  while (S.nheap && S.heap[0].t <= now) {
    sim_timer tm = timer_pop();
    if (timer_stale(&tm))
      continue;
    switch (tm.kind) {
    case TM_THREAD: {
      sim_thread *t = tm.thread;
      /* unlink from the wait queue */
      sim_thread **pp = &t->wait_q->head;
      while (*pp && *pp != t)
        pp = &(*pp)->wnext;
      if (*pp)
        *pp = t->wnext;
      t->wnext = NULL;
      t->wake_rc = -1; /* SIM_ETIMEDOUT */
      t->state = TS_READY;
      t->ready_seq = ++S.ready_counter;
      t->timer_gen++;
      sim_trace_emit(now, t->name, "timeout", t->wait_what);
      break;
    }
    case TM_IRQ:
      sim_irq_raise(tm.irq);
      break;
    case TM_CALL: {
      bool was = S.in_isr;
      const char *was_label = S.isr_label;
      S.in_isr = true;
      S.isr_label = "event";
      tm.fn(tm.arg);
      S.in_isr = was;
      S.isr_label = was_label;
      break;
    }
    }
  }
}

/* ------------------------------------------------------------------ */
/* scheduling points and script steps                                 */

static sim_thread *sched_find(const char *name)
{
  for (int i = 0; i < S.nthreads; i++)
    if (strcmp(S.threads[i]->name, name) == 0 &&
        S.threads[i]->state != TS_DONE)
      return S.threads[i];
  return NULL;
}

static void sched_apply(sim_match *m, sim_thread *cur, const char *point)
{
  if (m->irq >= 0) {
    sched_trace("pin", "irq %s at %s", S.irq.irqs[m->irq].name, point);
    sim_irq_raise(m->irq);
    return;
  }
  sim_thread *t = sched_find(m->step.target);
  if (!t)
    sim__fault("script: no thread named '%s' when %s reached %s",
               m->step.target, cur->name, point);
  static const char *const names[] = {"hold", "release", "run"};
  sched_trace("script", "%s %s (%s at %s #%u)", names[m->step.action],
              t->name, cur->name, point, m->count);
  switch (m->step.action) {
  case SIM_ACT_HOLD:
    if (!t->held)
      t->hold_seq = ++S.hold_counter;
    t->held = true;
    t->hold_keep = m->step.keep;
    break;
  case SIM_ACT_RELEASE:
    t->held = false;
    t->hold_keep = false;
    break;
  case SIM_ACT_RUN:
    S.run_next = t;
    break;
  }
}

static void sched_match(sim_thread *cur, const char *point)
{
  for (size_t i = 0; i < S.nmatches; i++) {
    sim_match *m = &S.matches[i];
    if (m->fired || strcmp(m->step.point, point) != 0)
      continue;
    if (m->step.thread && strcmp(m->step.thread, cur->name) != 0)
      continue;
    if (++m->count < m->step.nth)
      continue;
    m->fired = !m->step.every;
    sched_apply(m, cur, point);
  }
}

bool sim_sched_unfired(char *buf, size_t len)
{
  static const char *const names[] = {"hold", "release", "run"};
  for (size_t i = 0; i < S.nmatches; i++) {
    const sim_match *m = &S.matches[i];
    if (m->count >= m->step.nth)
      continue;
    const char *who = m->step.thread ? m->step.thread : "any thread";
    if (m->irq >= 0)
      snprintf(buf, len, "pin %s never reached: irq %s pinned at %s's "
               "hit #%u of it, %u hits", m->step.point,
               S.irq.irqs[m->irq].name, who, m->step.nth, m->count);
    else
      snprintf(buf, len, "script step at %s never reached: %s %s at %s's "
               "hit #%u of it, %u hits", m->step.point,
               names[m->step.action], m->step.target, who, m->step.nth,
               m->count);
    return true;
  }
  return false;
}

/* Ends the run if a signal asked for it (never inside an ISR). */
static void sched_check_signal(sim_thread *cur)
{
  if (!sched_signal || S.in_isr || S.end != SIM_END_NONE)
    return;
  char msg[64];
  snprintf(msg, sizeof msg, "interrupted by signal %d", (int)sched_signal);
  sched_end(SIM_END_FAULT, msg);
  sched_park_forever(cur);
}

static void sched_pct_change(sim_thread *cur)
{
  for (unsigned i = 0; i < S.pct_nchanges; i++)
    if (S.pct_at[i] == S.points - S.start_points) {
      cur->pct_prio = S.cfg.pct_depth - 1 - i;
      sched_trace("pct", "change point %u at point %llu: %s to priority %llu",
                  i + 1, (unsigned long long)S.points, cur->name,
                  (unsigned long long)cur->pct_prio);
    }
}

/* The CPU time of one point: the clock moves while the thread runs, and
 * what falls due meanwhile (timeouts, timed IRQs, wire events) fires here,
 * before this point's IRQ delivery and decision. */
static void sched_spend(void)
{
  S.cost_ns += S.cfg.point_cost_ns;
  if (S.cost_ns < 1000)
    return;
  uint64_t now = sim_clock_now_us() + S.cost_ns / 1000;
  S.cost_ns %= 1000;
  if (now > S.cfg.time_limit_us)
    return; /* the idle loop ends the run at the limit */
  sim__clock_set(now);
  sched_fire_due();
}

static void sched_point(const char *name)
{
  sched_check_wedged(sim_thread_self());
  sim_thread *cur = S.current;
  if (!cur || S.in_isr || cur->state != TS_RUNNING || S.end != SIM_END_NONE)
    return;
  if (sched_signal)
    sched_check_signal(cur);
  S.points++;
  cur->last_point = name;
  if (S.cfg.point_cost_ns)
    sched_spend();
  if (S.pct_nchanges)
    sched_pct_change(cur);
  atomic_store_explicit(&sched_beat_point, name, memory_order_relaxed);
  if (S.nmatches)
    sched_match(cur, name);
  if (!S.mask_depth) {
    sched_deliver_irqs();
    sched_decide(cur, name);
  }
  /* Last: everything this point did comes before it (the watchdog). */
  sched_heartbeat();
}

void sim_point(const char *name)
{
  if (S.current && !S.in_isr && S.end == SIM_END_NONE)
    sim_trace_event("point", name);
  sched_point(name);
}

void sim_point_silent(const char *name)
{
  sched_point(name);
}

void sim_sleep_us(uint64_t us)
{
  sim_point_silent("sleep");
  if (us == 0)
    return;
  (void)sim__block(&S.sleep_obj, &S.sleep_q, "sleep", us);
}

/* ------------------------------------------------------------------ */
/* blocking and waking                                                 */

int sim__block(sim_obj *o, sim_waitq *q, const char *what,
               uint64_t timeout_us)
{
  sim_thread *cur = S.current;
  if (S.in_isr)
    sim__fault("blocking call (%s %s#%u) in interrupt context %s", what,
               o->kind, o->seq, S.isr_label);
  if (!cur || cur->state != TS_RUNNING)
    sim__fault("blocking call (%s) outside a sim thread", what);
  if (timeout_us == 0)
    return -1;
  if (S.mask_depth)
    sim__fault("thread %s blocks (%s %s#%u) with interrupts masked",
               cur->name, what, o->kind, o->seq);
  if (S.lock_depth)
    sim__fault("thread %s blocks (%s %s#%u) with the scheduler locked",
               cur->name, what, o->kind, o->seq);
  char detail[512];
  sched_detail d = {detail, sizeof detail, 0};
  sched_put(&d, what);
  sched_put(&d, " ");
  if (o->seq) {
    sched_put(&d, o->kind);
    sched_put(&d, "#");
    sched_put_u64(&d, o->seq);
  } else {
    sched_put_u64(&d, timeout_us);
    sched_put(&d, " us");
  }
  sim_trace_event("block", detail);
  cur->state = TS_BLOCKED;
  cur->wait_obj = o;
  cur->wait_q = q;
  cur->wait_what = what;
  cur->wait_seq = ++S.wait_counter;
  cur->blocked_us = sim_clock_now_us();
  cur->wake_rc = 0;
  cur->wnext = NULL;
  sim_thread **pp = &q->head;
  while (*pp)
    pp = &(*pp)->wnext;
  *pp = cur;
  cur->timer_gen++;
  if (timeout_us != SIM_FOREVER) {
    uint64_t now = sim_clock_now_us();
    cur->deadline = timeout_us > UINT64_MAX - now ? UINT64_MAX
                                                  : now + timeout_us;
    sim_timer tm = {.t = cur->deadline, .kind = TM_THREAD,
                    .gen = cur->timer_gen, .thread = cur};
    timer_push(tm);
  } else {
    cur->deadline = SIM_FOREVER;
  }
  sched_reschedule(cur, what);
  cur->wait_obj = NULL;
  cur->wait_q = NULL;
  return cur->wake_rc;
}

sim_thread *sim__wake_one(sim_waitq *q)
{
  sim_thread *best = NULL, **bestp = NULL;
  for (sim_thread **pp = &q->head; *pp; pp = &(*pp)->wnext) {
    sim_thread *t = *pp;
    if (!best || t->prio > best->prio ||
        (t->prio == best->prio && t->wait_seq < best->wait_seq)) {
      best = t;
      bestp = pp;
    }
  }
  if (!best)
    return NULL;
  *bestp = best->wnext;
  best->wnext = NULL;
  best->state = TS_READY;
  best->ready_seq = ++S.ready_counter;
  best->timer_gen++;
  timer_cancel(best);
  best->wake_rc = 0;
  sim_trace_event("wake", best->name);
  return best;
}

/* ------------------------------------------------------------------ */
/* priority inheritance (FreeRTOS mutex semantics, simplified: the base  */
/* priority comes back when the owner holds no mutex any more)          */

void sim__prio_inherit(sim_thread *owner, const sim_thread *waiter)
{
  if (owner && owner->prio < waiter->prio) {
    sched_trace("inherit", "%s prio %d -> %d", owner->name, owner->prio,
                waiter->prio);
    owner->prio = waiter->prio;
  }
}

void sim__mutex_acquired(sim_thread *t)
{
  if (t)
    t->mutexes_held++;
}

void sim__mutex_released(sim_thread *t)
{
  if (!t)
    return;
  if (t->mutexes_held)
    t->mutexes_held--;
  if (t->mutexes_held == 0 && t->prio != t->base_prio) {
    sched_trace("disinherit", "%s prio %d -> %d", t->name, t->prio,
                t->base_prio);
    t->prio = t->base_prio;
  }
}

/* ------------------------------------------------------------------ */
/* threads                                                             */

static void sched_run_tls_dtors(sim_thread *t)
{
  if (t->tls_done)
    return;
  t->tls_done = true;
  for (int i = 0; i < SIM_TLS_SLOTS; i++)
    if (t->tls[i] && S.tls_dtor[i]) {
      void *v = t->tls[i];
      t->tls[i] = NULL;
      S.tls_dtor[i](v);
    }
}

/* A thread's life, from the first time it runs (the backend calls it on
 * the thread's own stack). */
static void sched_thread_body(sim_thread *t)
{
  t->started = true;
  sim_point_silent("thread_start");
  t->fn(t->arg);
  sched_check_wedged(t);
  /* The thread function returned. */
  if (t == S.main) {
    char unfired[sizeof S.out.message];
    if (sim_sched_unfired(unfired, sizeof unfired))
      sched_end(SIM_END_FAULT, unfired);
    else
      sched_end(SIM_END_NORMAL, "main returned");
    sched_park_forever(t);
  }
  sched_run_tls_dtors(t);
  sched_trace("exit", "%s", t->name);
  t->state = TS_DONE;
  sched_reschedule(t, "exit");
}

sim_thread *sim_thread_create_stack(const char *name, int prio,
                                    sim_thread_fn fn, void *arg,
                                    size_t stack_size)
{
  sim_thread *t = sim__mem_zalloc(sizeof *t, SCHED_OOM);
  t->id = S.nthreads;
  snprintf(t->name, sizeof t->name, "%s", name ? name : "thread");
  t->prio = t->base_prio = prio;
  t->fn = fn;
  t->arg = arg;
  t->state = TS_READY;
  t->ready_seq = ++S.ready_counter;
  t->last_point = "created";
  t->heap_idx = SIZE_MAX;
  if (S.cfg.policy == SIM_POLICY_PCT && !S.prelude)
    t->pct_prio = SIM_PCT_BASE + sim_prng_below(&S.prng, SIM_PCT_BASE);
  S.threads = sched_grow(S.threads, &S.cap_threads,
                         (size_t)S.nthreads + 1, sizeof *S.threads);
  S.threads[S.nthreads++] = t;
  sim__stack_alloc(&t->stack, stack_size, sim__sw_stack_extra());
  t->ctx = sim__ctx_new(t, &t->stack, sched_thread_body);
  if (S.current)
    sched_trace("thread_new", "%s prio %d", t->name, prio);
  if (S.current && S.current->state == TS_RUNNING)
    sched_point("thread_new");
  return t;
}

sim_thread *sim_thread_create(const char *name, int prio, sim_thread_fn fn,
                              void *arg)
{
  return sim_thread_create_stack(name, prio, fn, arg, 0);
}

sim_thread *sim_thread_self(void)
{
  return S.current;
}

sim_thread *sim_thread_find(const char *name)
{
  return sched_find(name);
}

bool sim_thread_wait_info(const sim_thread *t, char *buf, size_t len,
                          uint64_t *since_us)
{
  if (!t || t->state != TS_BLOCKED)
    return false;
  if (t->wait_obj && t->wait_obj->seq) {
    char desc[160];
    sim__obj_describe(t->wait_obj, desc, sizeof desc);
    snprintf(buf, len, "%s on %s", t->wait_what, desc);
  } else {
    snprintf(buf, len, "%s", t->wait_what);
  }
  if (since_us)
    *since_us = t->blocked_us;
  return true;
}

const char *sim_thread_name(const sim_thread *t)
{
  return t->name;
}

int sim_thread_prio(const sim_thread *t)
{
  return t->prio;
}

bool sim_thread_stack_info(int i, const char **name, size_t *size,
                           size_t *peak)
{
  if (i < 0 || i >= S.nthreads)
    return false;
  const sim_thread *t = S.threads[i];
  *name = t->name;
  *size = t->stack.size;
  *peak = sim__stack_peak(&t->stack);
  return true;
}

void **sim_thread_tls(sim_thread *t, int slot)
{
  return &t->tls[slot];
}

void sim_thread_set_tls_dtor(int slot, void (*dtor)(void *))
{
  S.tls_dtor[slot] = dtor;
}

/* ------------------------------------------------------------------ */
/* objects being freed                                                 */

void sim__waitq_check_free(const sim_obj *o, const sim_waitq *q1,
                           const sim_waitq *q2)
{
  /* In teardown the threads are gone: a queue may still name one that was
   * blocked for ever (a deadlock), whose semaphore another thread's
   * per-thread slot frees now. */
  if (!S.tearing_down && ((q1 && q1->head) || (q2 && q2->head)))
    sim__fault("%s#%u freed while thread %s waits on it", o->kind, o->seq,
               (q1 && q1->head ? q1->head : q2->head)->name);
}

/* ------------------------------------------------------------------ */
/* ending a run                                                        */

static void sched_deadlock_summary(sim_end end)
{
  char *r = S.out.message;
  size_t len = sizeof S.out.message, pos = 0;
  uint64_t now = sim_clock_now_us();
  pos += (size_t)snprintf(r + pos, len - pos, "%s at t=%llu.%06llus:",
                          end == SIM_END_DEADLOCK
                              ? "no thread ready and no event pending"
                              : "virtual time limit reached",
                          (unsigned long long)(now / 1000000),
                          (unsigned long long)(now % 1000000));
  size_t head = pos;
  for (int i = 0; i < S.nthreads && pos < len; i++) {
    sim_thread *t = S.threads[i];
    if (t->state == TS_DONE)
      continue;
    char what[200];
    if (t->state == TS_BLOCKED && t->wait_obj && t->wait_obj->seq) {
      char desc[160];
      sim__obj_describe(t->wait_obj, desc, sizeof desc);
      snprintf(what, sizeof what, "waits (%s) on %s", t->wait_what, desc);
    } else if (t->state == TS_BLOCKED) {
      snprintf(what, sizeof what, "waits (%s)", t->wait_what);
    } else {
      snprintf(what, sizeof what, "%s",
               t->held ? "held by script" : t->suspended ? "suspended" : "ready");
    }
    pos += (size_t)snprintf(r + pos, len - pos, "%s %s [prio %d] %s at %s",
                            pos > head ? ";" : "", t->name, t->prio, what,
                            t->last_point);
  }
}

static void sched_end(sim_end end, const char *msg)
{
  if (S.end != SIM_END_NONE)
    return;
  S.end = end;
  if (msg)
    snprintf(S.out.message, sizeof S.out.message, "%s", msg);
  else
    sched_deadlock_summary(end);
  sim_trace_emit(sim_clock_now_us(), sim__current_label(), "end",
                 S.out.message);
  sim_trace_flush();
  sem_post(&S.done);
}

void sim_sched_finish(sim_end end, const char *fmt, ...)
{
  char msg[sizeof S.out.message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  sim_thread *self = S.current;
  if (!self) {
    fprintf(stderr, "lwipsim: %s (outside a run)\n", msg);
    abort();
  }
  /* After sched_end() the process's thread may tear S down: use `self`. */
  sched_end(end, msg);
  sched_park_forever(self);
}

bool sim_sched_running(void)
{
  return S.current && S.end == SIM_END_NONE;
}

/* ------------------------------------------------------------------ */
/* life cycle                                                          */

/* A fault on a thread's guard page: the thread ran over its stack.  On
 * the signal stack of the OS thread that ran it; the thread cannot go on,
 * so the run ends as a wedged fault and this context waits for _exit().
 * Any other SIGSEGV gets the handler from before (re-raised by returning
 * to the faulting instruction). */
static struct sigaction sched_old_segv;

static void sched_segv(int sig, siginfo_t *si, void *uc)
{
  (void)sig;
  (void)uc;
  sim_thread *hit = NULL;
  for (int i = 0; S.inited && i < S.nthreads; i++)
    if (sim__stack_guard_hit(&S.threads[i]->stack, si->si_addr))
      hit = S.threads[i];
  if (!hit || S.end != SIM_END_NONE) {
    sigaction(SIGSEGV, &sched_old_segv, NULL);
    return;
  }
  char msg[160];
  snprintf(msg, sizeof msg,
           "stack overflow: thread %s ran over its stack of %zu bytes",
           hit->name, hit->stack.size);
  S.wedged = hit;
  S.out.wedged = true;
  sched_end(SIM_END_FAULT, msg);
  for (;;)
    pause();
}

/* At every init: whoever changed SIGSEGV's handler since (a test
 * framework, a sanitizer) gets it back for faults off the guard pages. */
static void sched_catch_overflow(void)
{
  struct sigaction sa;
  if (sigaction(SIGSEGV, NULL, &sa) == 0 && (sa.sa_flags & SA_SIGINFO) &&
      sa.sa_sigaction == sched_segv)
    return;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = sched_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &sched_old_segv);
}

/* What the run's seed and policy decide, from the start of the run or
 * (`start`: the thread there) from its start point: the scheduler's and
 * the application's streams, PCT's change points and priorities, the
 * script's steps and a schedule's choices.  The order of the draws is
 * that of a run without a start point. */
static void sched_arm(sim_thread *start)
{
  sim_prng_seed(&S.prng, S.cfg.seed, SIM_STREAM_SCHED);
  S.nchoices = S.cfg.choices ? S.cfg.nchoices : 0;
  if (S.cfg.policy == SIM_POLICY_PCT) {
    S.pct_nchanges = S.cfg.pct_depth - 1;
    for (unsigned i = 0; i < S.pct_nchanges; i++)
      S.pct_at[i] = 1 + sim_prng_below(&S.prng, S.cfg.pct_steps);
  }
  sim__prng_app_seed(S.cfg.seed);
  if (S.cfg.policy == SIM_POLICY_SCRIPT)
    for (size_t i = 0; i < S.cfg.script_len; i++) {
      S.matches = sched_grow(S.matches, &S.cap_matches, S.nmatches + 1,
                             sizeof *S.matches);
      sim_match *m = &S.matches[S.nmatches++];
      memset(m, 0, sizeof *m);
      m->step = S.cfg.script[i];
      if (!m->step.nth)
        m->step.nth = 1;
      m->irq = -1;
    }
  if (!start)
    return;
  /* The threads of the set-up get their PCT priorities in creation
   * order, as if created now. */
  if (S.cfg.policy == SIM_POLICY_PCT)
    for (int i = 0; i < S.nthreads; i++)
      S.threads[i]->pct_prio =
          SIM_PCT_BASE + sim_prng_below(&S.prng, SIM_PCT_BASE);
}

int sim_sched_init(const sim_config *cfg, char *err, size_t errlen)
{
  if (S.inited) {
    snprintf(err, errlen, "scheduler already initialised");
    return -1;
  }
  memset(&S, 0, sizeof S);
  sim__obj_forget();
  static const sim_trace_hooks hooks = {.label = sim__current_label};
  sim__trace_set_hooks(&hooks);
  sched_signal = 0;
  S.inited = true;
  S.cfg = *cfg;
  if (!S.cfg.time_limit_us)
    S.cfg.time_limit_us = SIM_DEFAULT_TIME_LIMIT_US;
  if (cfg->live) {
    /* The one place a run reads the wall clock: live mode only. */
    S.live_t0_us = 0;
    S.live_t0_us = sim_live_now_us();
  }
  if (cfg->policy == SIM_POLICY_PCT) {
    if (!S.cfg.pct_depth)
      S.cfg.pct_depth = 3;
    if (!S.cfg.pct_steps)
      S.cfg.pct_steps = 1000;
    if (S.cfg.pct_depth > SIM_PCT_MAX_DEPTH) {
      snprintf(err, errlen, "PCT depth %u: at most %d", S.cfg.pct_depth,
               SIM_PCT_MAX_DEPTH);
      memset(&S, 0, sizeof S);
      return -1;
    }
  }
  if (cfg->park_at_start && (!cfg->start_point || !sim__sw_can_park)) {
    snprintf(err, errlen, "%s", !cfg->start_point
             ? "a run without a start point cannot be parked"
             : "the pthread backend cannot park a run (a copy of the "
               "process keeps one thread): runs start from the beginning");
    memset(&S, 0, sizeof S);
    return -1;
  }
  S.prelude = cfg->start_point;
  if (S.prelude) {
    sim_prng_seed(&S.prng, SIM_PRELUDE_SEED, SIM_STREAM_SCHED);
    sim__prng_app_seed(SIM_PRELUDE_SEED);
  } else {
    sched_arm(NULL);
  }
  sim__clock_set(0);
  sem_init(&S.done, 0, 0);
  sched_catch_overflow();
  S.isr_label = "isr";
  S.sleep_obj.kind = "sleep";
  if (cfg->pin_cpu && sched_getaffinity(0, sizeof S.saved_cpus,
                                        &S.saved_cpus) == 0) {
    /* One CPU for all sim threads: a token handoff then never crosses
     * cores.  Threads inherit the mask of the thread that creates them. */
    int cpu = sched_getcpu();
    int allowed = CPU_COUNT(&S.saved_cpus);
    if (cfg->cpu_hint > 0 && allowed > 0) {
      int want = (cfg->cpu_hint - 1) % allowed;
      for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, &S.saved_cpus) && want-- == 0)
          break;
    }
    if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &S.saved_cpus))
      for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &S.saved_cpus);
           cpu++) {
      }
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    S.pinned = sched_setaffinity(0, sizeof one, &one) == 0;
  }
  return 0;
}

static uint64_t sched_wall_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Waits for the end of the run, watching the heartbeat (see the top). */
static void sched_watch(void);

/* The process's own thread: waits for the end of the run, or for its
 * start point when it parks there, and fills *out. */
static void sched_collect(sim_outcome *out)
{
  sched_watch();
  if (S.parked && S.end == SIM_END_NONE) {
    sim__sw_pause();
    S.out.parked = true;
  }
  S.out.end = S.end;
  S.out.end_us = sim_clock_now_us();
  S.out.points = S.points - S.start_points;
  S.out.switches = S.switches;
  S.out.irqs = S.irq.runs;
  S.out.threads = (uint64_t)S.nthreads;
  S.out.started = S.started;
  *out = S.out;
}

static void sched_watch(void)
{
  uint64_t limit = S.cfg.watchdog_ms ? S.cfg.watchdog_ms
                                     : SIM_DEFAULT_WATCHDOG_MS;
  uint64_t beat = UINT64_MAX, since = sched_wall_ms();
  for (;;) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 100 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    if (sem_timedwait(&S.done, &ts) == 0)
      return;
    if (S.cfg.watchdog_ms == SIM_WATCHDOG_OFF)
      continue;
    uint64_t b = atomic_load_explicit(&sched_beat, memory_order_acquire);
    uint64_t now = sched_wall_ms();
    if (b != beat ||
        atomic_load_explicit(&sched_beat_idle, memory_order_relaxed)) {
      beat = b;
      since = now;
      continue;
    }
    if (now - since < limit)
      continue;
    /* One more look: the run may have ended meanwhile. */
    if (sem_trywait(&S.done) == 0)
      return;
    sim_thread *t =
        atomic_load_explicit(&sched_beat_thread, memory_order_acquire);
    const char *pt =
        atomic_load_explicit(&sched_beat_point, memory_order_relaxed);
    atomic_store_explicit(&sched_wedged, true, memory_order_release);
    S.end = SIM_END_FAULT;
    S.out.wedged = true;
    S.wedged = t;
    snprintf(S.out.message, sizeof S.out.message,
             "watchdog: thread %s ran more than %llu.%03llu s (wall) "
             "without a scheduling point; last point %s",
             t ? t->name : "?", (unsigned long long)(limit / 1000),
             (unsigned long long)(limit % 1000), pt ? pt : "?");
    sim_trace_emit(sim_clock_now_us(), "sim", "end", S.out.message);
    sim_trace_flush();
    return;
  }
}

void sim_sched_run(sim_thread_fn main_fn, void *arg, int prio,
                   sim_outcome *out)
{
  sim_thread *m = sim_thread_create("main", prio, main_fn, arg);
  S.main = m;
  m->state = TS_RUNNING;
  S.current = m;
  atomic_store_explicit(&sched_beat_thread, m, memory_order_release);
  atomic_store_explicit(&sched_beat_point, "start", memory_order_relaxed);
  atomic_store_explicit(&sched_beat_idle, 0, memory_order_relaxed);
  atomic_store_explicit(&sched_wedged, false, memory_order_relaxed);
  sched_heartbeat();
  sim__sw_start(m->ctx);
  sched_collect(out);
}

void sim_sched_start_point(void)
{
  sim_thread *cur = S.current;
  if (!cur || cur->state != TS_RUNNING || S.in_isr)
    sim__fault("start point outside a sim thread");
  if (!S.cfg.start_point)
    sim__fault("thread %s reached a start point, but the run declares "
               "none", cur->name);
  if (!S.prelude)
    sim__fault("thread %s reached the start point a second time",
               cur->name);
  if (S.cfg.park_at_start) {
    /* The snapshot: the process's own thread wakes, stops the carrier
     * and may copy the process; each sim_sched_resume() comes back
     * here. */
    S.parked = true;
    sem_post(&S.done);
    sim__ctx_suspend(cur->ctx);
    S.parked = false;
  }
  S.prelude = false;
  S.started = true;
  S.start_points = S.points;
  sched_arm(cur);
  sched_trace("start", "seed %llu policy %s",
              (unsigned long long)S.cfg.seed, sim_policy_name(S.cfg.policy));
}

bool sim_sched_can_park(void)
{
  return sim__sw_can_park;
}

void sim_sched_resume(uint64_t seed, sim_outcome *out)
{
  if (!S.parked) {
    fprintf(stderr, "lwipsim: sim_sched_resume: the run is not parked\n");
    abort();
  }
  S.cfg.seed = seed;
  S.out.parked = false;
  atomic_store_explicit(&sched_beat_thread, S.current,
                        memory_order_release);
  sched_heartbeat();
  sim__sw_start(S.current->ctx);
  sched_collect(out);
}

uint64_t sim_sched_seed(void)
{
  return S.prelude ? SIM_PRELUDE_SEED : S.cfg.seed;
}

void sim_sched_fini(void)
{
  if (!S.inited)
    return;
  /* Stop every context; one the watchdog ended may still run. */
  sim_ctx **all = sim__mem_zalloc(((size_t)S.nthreads + 1) * sizeof *all,
                                  SCHED_OOM);
  for (int i = 0; i < S.nthreads; i++)
    all[i] = S.threads[i]->ctx;
  bool clean = sim__sw_stop(all, S.nthreads,
                            S.wedged ? S.wedged->ctx : NULL);
  free(all);
  S.current = NULL;
  S.tearing_down = true;
  for (int i = 0; i < S.nthreads; i++) {
    sim_thread *t = S.threads[i];
    if (!clean)
      continue; /* still running: the memory stays */
    sched_run_tls_dtors(t);
    sim__ctx_free(t->ctx);
    sim__stack_free(&t->stack);
    free(t);
  }
  if (clean)
    free(S.threads);
  free(S.heap);
  free(S.matches);
  sem_destroy(&S.done);
  if (S.pinned)
    sched_setaffinity(0, sizeof S.saved_cpus, &S.saved_cpus);
  /* Objects nobody freed (lwIP keeps its mailboxes for ever). */
  sim__obj_free_live();
  memset(&S, 0, sizeof S);
}

/* ------------------------------------------------------------------ */
/* RTOS kernel hooks (sim_rtos.h: rtos/ builds its kernels on these)   */

/* Takes blocked `t` off its wait queue and drops its timeout. */
static void sched_unwait(sim_thread *t, int rc)
{
  if (t->wait_q) {
    sim_thread **pp = &t->wait_q->head;
    while (*pp && *pp != t)
      pp = &(*pp)->wnext;
    if (*pp)
      *pp = t->wnext;
  }
  t->wnext = NULL;
  t->timer_gen++;
  timer_cancel(t);
  t->wake_rc = rc;
}

sim_thread *sim__waitq_best(const sim_waitq *q)
{
  sim_thread *best = NULL;
  for (sim_thread *t = q->head; t; t = t->wnext)
    if (!best || t->prio > best->prio ||
        (t->prio == best->prio && t->wait_seq < best->wait_seq))
      best = t;
  return best;
}

void sim_thread_set_prio(sim_thread *t, int prio)
{
  if (t->prio == prio && t->base_prio == prio)
    return;
  sched_trace("prio", "%s %d -> %d", t->name, t->prio, prio);
  t->prio = t->base_prio = prio;
  sim__resched();
}

void sim_thread_suspend(sim_thread *t)
{
  if (t->suspended || t->state == TS_DONE)
    return;
  t->suspended = true;
  sched_trace("suspend", "%s", t->name);
  if (t->state == TS_BLOCKED) {
    sched_unwait(t, SIM_ESUSPENDED);
    t->state = TS_READY;
    t->ready_seq = ++S.ready_counter;
  }
  if (t == S.current && t->state == TS_RUNNING && !S.in_isr)
    sched_decide(t, "suspend");
}

void sim_thread_resume(sim_thread *t)
{
  if (!t->suspended)
    return;
  t->suspended = false;
  sched_trace("resume", "%s", t->name);
  if (t->state == TS_READY)
    t->ready_seq = ++S.ready_counter;
  sim__resched();
}

bool sim_thread_is_suspended(const sim_thread *t)
{
  return t->suspended;
}

sim_tstate_info sim_thread_state(const sim_thread *t)
{
  if (t->state == TS_DONE)
    return SIM_TSTATE_DONE;
  if (t->suspended)
    return SIM_TSTATE_SUSPENDED;
  return t->state == TS_RUNNING   ? SIM_TSTATE_RUNNING
         : t->state == TS_BLOCKED ? SIM_TSTATE_BLOCKED
                                  : SIM_TSTATE_READY;
}

void sim_thread_kill(sim_thread *t)
{
  if (t->state == TS_DONE)
    return;
  if (t == S.current && S.in_isr)
    sim__fault("thread %s ended from interrupt context %s", t->name,
               S.isr_label);
  if (t == S.current) {
    sched_run_tls_dtors(t);
    sched_trace("exit", "%s", t->name);
    t->state = TS_DONE;
    sched_reschedule(t, "exit");
    sched_park_forever(t);
  }
  if (t->state == TS_BLOCKED)
    sched_unwait(t, -1);
  sched_run_tls_dtors(t);
  sched_trace("exit", "%s", t->name);
  t->state = TS_DONE;
}

void sim_yield(void)
{
  sim_point_silent("yield");
  sim_thread *cur = S.current;
  if (!cur || S.in_isr || cur->state != TS_RUNNING || S.end != SIM_END_NONE)
    return;
  if (S.mask_depth || S.lock_depth) {
    S.resched_pending = true;
    return;
  }
  /* Behind every ready thread of its priority, as an RTOS yield. */
  cur->state = TS_READY;
  cur->ready_seq = ++S.ready_counter;
  sched_reschedule(cur, "yield");
}

uint64_t sim_switch_count(void)
{
  return S.switches;
}

void sim_sched_lock(void)
{
  S.lock_depth++;
}

void sim_sched_unlock(void)
{
  if (S.lock_depth == 0)
    sim__fault("scheduler unlocked more often than locked");
  if (--S.lock_depth == 0 && S.resched_pending && !S.mask_depth && !S.in_isr)
    sim__resched();
}

unsigned sim_sched_lock_depth(void)
{
  return S.lock_depth;
}

/* ------------------------------------------------------------------ */
/* names                                                               */

sim_policy sim_sched_policy(void)
{
  return S.cfg.policy;
}

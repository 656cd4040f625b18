/*
 * free_sched.c - the free-running backend of sim_sched.h: the same API as
 * the deterministic scheduler (sim/sched.c), but every sim thread is a
 * plain pthread that runs whenever the OS lets it.  It exists to measure
 * what the deterministic core buys: the same scenario code and the same
 * lwIP build, linked against this backend instead (libsim-free.a), race as
 * they would on an SMP board or a POSIX port.
 *
 * What changes against sim/sched.c.
 * - No run token: threads run concurrently on every CPU; priorities are
 *   recorded but ignored (SCHED_OTHER); cfg.pin_cpu is ignored too.
 * - Policies and script steps (sim_script_add too) are ignored; the
 *   scenario still reads the policy it was given.  sim_point() and
 *   sim_point_silent() only count the point (per thread, no shared cache
 *   line) and make a thread of an ended run leave; they write no trace
 *   record.  Trace records from code above sim/ may come from any thread
 *   at once: the trace's lock hook makes each one whole.  Model state shared
 *   with events and IRQs (the wire, the EMAC's rings, the peers' inboxes)
 *   is guarded by sim_model_lock(), here the interrupt-mask lock.
 * - Time is CLOCK_MONOTONIC since sim_sched_init() (free_clock.c); timeouts
 *   are real.  sim_sleep_us() is a timed condition wait rather than
 *   nanosleep(), so the end of a run can cut a sleep short.
 * - Interrupt masking (sys_arch_protect) is one global recursive lock, as
 *   an SMP port's SYS_ARCH_PROTECT.  IRQs, sim_irq_raise_at() and
 *   sim_call_at() are delivered by one helper thread ("irq"), which takes
 *   that lock around each handler, so a handler never runs inside another
 *   thread's protected region.  Pins (sim_irq_pin) are matched at points.
 * - Deadlocks are not detected; a run that has not ended after
 *   min(variant time limit, FREE_WALL_LIMIT_US) of wall time ends as
 *   SIM_END_HANG, with each thread's last point and what it waits on.
 *
 * Ending.  The first sim_sched_finish() (or the main thread returning, or
 * the wall limit) records the outcome and kills the run: a flag every
 * thread checks after each wake-up, at each point and before it blocks,
 * plus a broadcast to every condition variable.  A killed thread calls
 * pthread_exit() (sim__free_leave), never while holding one of the
 * backend's own pthread mutexes.  sim_sched_fini() waits up to
 * FREE_JOIN_WAIT_US for the threads to leave, joins them and frees
 * everything; a thread still running lwIP code by then is detached and
 * left (with every object it might touch), to end with the process.
 *
 * Locks.  F.lock (threads, the end, sleeps, the IRQ helper's queue), the
 * mask lock F.mask_mu and the objects' locks (free_sync.c) are never held
 * together, except the live-object list and then one object's mutex.
 */
#define _GNU_SOURCE
#include "sim_sched.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "free_priv.h"
#include "sim_clock.h"
#include "sim_priv.h"
#include "sim_prng.h"
#include "sim_trace.h"

#define FREE_STACK_SIZE (512u * 1024u)
#define FREE_WALL_LIMIT_US (60ull * 1000000ull) /* a run never hangs */
#define FREE_JOIN_WAIT_US (100ull * 1000ull)    /* fini waits this long */

struct sim_thread {
  char name[32];
  int prio;
  bool is_main;
  pthread_t pt;
  sim_thread_fn fn;
  void *arg;
  bool exited;             /* under F.lock: the pthread has left */
  bool tls_done;
  /* Written by the thread itself, read by the hang summary (relaxed
   * atomics: a summary may be a little stale, never torn). */
  uint64_t points;
  const char *last_point;
  const char *wait_what, *wait_kind, *wait_name;
  unsigned wait_seq;
  uint64_t wait_since;     /* run time in us when the wait began */
  void *tls[SIM_TLS_SLOTS];
};

enum { FREE_TM_IRQ, FREE_TM_CALL };

typedef struct {
  uint64_t t, seq;         /* run time in us; creation order among equals */
  int kind;
  int irq;
  void (*fn)(void *);
  void *arg;
} free_timer;

typedef struct {
  const char *thread, *point;
  unsigned nth, count;
  int irq;
  bool fired;
} free_pin;

static struct {
  bool inited, started;
  int killed;              /* atomic: the run is over, threads leave */
  int npins;               /* atomic: points look at the pins */
  sim_config cfg;
  uint64_t limit_us;       /* wall-time limit of the run */
  pthread_mutex_t lock;
  pthread_cond_t start_cv, done_cv, sleep_cv, irq_cv;
  sim_thread **threads;
  int nthreads;
  size_t cap_threads;
  sim_end end;             /* under F.lock */
  sim_outcome out;
  /* interrupt mask: a recursive lock, depth kept per thread */
  pthread_mutex_t mask_mu;
  pthread_cond_t mask_cv;
  bool mask_held;
  /* interrupts and timed events, delivered by the helper thread */
  sim_irq_table irq;        /* under F.lock */
  free_timer *timers;      /* sorted by (t, seq) */
  size_t ntimers, cap_timers;
  uint64_t timer_seq;
  free_pin *pins;
  size_t cap_pins;
  pthread_t helper;
  bool helper_started, helper_exited;
  bool stragglers;         /* a previous fini left threads behind */
  void (*tls_dtor[SIM_TLS_SLOTS])(void *);
} F;

static __thread sim_thread *free_self;
static __thread bool free_is_helper;
static __thread bool free_in_isr;
static __thread const char *free_isr_label;
static __thread char free_isr_label_buf[40];
static __thread unsigned free_mask_depth;
static __thread bool free_mask_owned;

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

#define FREE_OOM " in the free-running scheduler" /* completes the message */

static void *free_grow(void *p, size_t *cap, size_t need, size_t elem)
{
  return sim__mem_grow(p, cap, need, elem, FREE_OOM);
}

const char *sim__current_label(void)
{
  if (free_in_isr)
    return free_isr_label;
  if (free_self)
    return free_self->name;
  return "sim";
}

bool sim__free_killed(void)
{
  return __atomic_load_n(&F.killed, __ATOMIC_ACQUIRE) != 0;
}

void sim__free_leave(void)
{
  pthread_mutex_lock(&F.lock);
  if (free_self)
    free_self->exited = true;
  if (free_is_helper)
    F.helper_exited = true;
  pthread_cond_broadcast(&F.done_cv);
  pthread_mutex_unlock(&F.lock);
  pthread_exit(NULL);
}

void sim__free_waiting(const char *what, const char *kind, unsigned seq,
                       const char *name)
{
  sim_thread *t = free_self;
  if (!t)
    return;
  if (what)
    __atomic_store_n(&t->wait_since, sim_clock_now_us(), __ATOMIC_RELAXED);
  __atomic_store_n(&t->wait_name, name, __ATOMIC_RELAXED);
  __atomic_store_n(&t->wait_kind, kind, __ATOMIC_RELAXED);
  __atomic_store_n(&t->wait_seq, seq, __ATOMIC_RELAXED);
  __atomic_store_n(&t->wait_what, what, __ATOMIC_RELAXED);
}

bool sim__free_may_block(const char *what, const char *kind, unsigned seq,
                         uint64_t timeout_us)
{
  if (free_in_isr)
    sim__fault("blocking call (%s %s#%u) in interrupt context %s", what,
               kind, seq, free_isr_label);
  if (!free_self)
    sim__fault("blocking call (%s) outside a sim thread", what);
  if (timeout_us == 0)
    return false;
  if (free_mask_depth)
    sim__fault("thread %s blocks (%s %s#%u) with interrupts masked",
               free_self->name, what, kind, seq);
  if (sim__free_killed())
    sim__free_leave();
  return true;
}

/* ------------------------------------------------------------------ */
/* ending a run                                                        */

/* Outside F, which sim_sched_init() clears: objects may outlive a run. */
static pthread_mutex_t free_kill_mu = PTHREAD_MUTEX_INITIALIZER;
static void (*free_wake_objects)(void);

void sim__free_on_kill(void (*wake_all)(void))
{
  pthread_mutex_lock(&free_kill_mu);
  free_wake_objects = wake_all;
  pthread_mutex_unlock(&free_kill_mu);
}

/* Wakes every waiter of every condition variable; each sees F.killed. */
static void free_kill_all(void)
{
  __atomic_store_n(&F.killed, 1, __ATOMIC_RELEASE);
  pthread_mutex_lock(&F.lock);
  pthread_cond_broadcast(&F.start_cv);
  pthread_cond_broadcast(&F.sleep_cv);
  pthread_cond_broadcast(&F.irq_cv);
  pthread_mutex_unlock(&F.lock);
  pthread_mutex_lock(&F.mask_mu);
  pthread_cond_broadcast(&F.mask_cv);
  pthread_mutex_unlock(&F.mask_mu);
  pthread_mutex_lock(&free_kill_mu);
  void (*wake_objects)(void) = free_wake_objects;
  pthread_mutex_unlock(&free_kill_mu);
  if (wake_objects)
    wake_objects();
}

/* "name [prio p] waits (take sem#3) at point" for each thread still there,
 * F.lock held. */
static void free_report_locked(const char *head)
{
  char *r = F.out.message;
  size_t len = sizeof F.out.message;
  size_t pos = (size_t)snprintf(r, len, "%s:", head);
  bool first = true;
  for (int i = 0; i < F.nthreads && pos < len; i++) {
    sim_thread *t = F.threads[i];
    if (t->exited)
      continue;
    const char *what = __atomic_load_n(&t->wait_what, __ATOMIC_RELAXED);
    const char *kind = __atomic_load_n(&t->wait_kind, __ATOMIC_RELAXED);
    unsigned seq = __atomic_load_n(&t->wait_seq, __ATOMIC_RELAXED);
    const char *point = __atomic_load_n(&t->last_point, __ATOMIC_RELAXED);
    char state[96];
    if (what && kind && seq)
      snprintf(state, sizeof state, "waits (%s %s#%u)", what, kind, seq);
    else if (what)
      snprintf(state, sizeof state, "waits (%s)", what);
    else
      snprintf(state, sizeof state, "runs");
    pos += (size_t)snprintf(r + pos, len - pos, "%s %s [prio %d] %s at %s",
                            first ? "" : ";", t->name, t->prio, state,
                            point ? point : "created");
    first = false;
  }
}

/* Records the outcome if the run has not ended yet, then kills the run.
 * Returns false if another end came first. */
static bool free_end(sim_end end, const char *msg)
{
  pthread_mutex_lock(&F.lock);
  if (F.end != SIM_END_NONE) {
    pthread_mutex_unlock(&F.lock);
    return false;
  }
  F.end = end;
  F.out.end_us = sim_clock_now_us();
  if (msg)
    snprintf(F.out.message, sizeof F.out.message, "%s", msg);
  else {
    char head[96];
    snprintf(head, sizeof head,
             "wall-time limit of %llu.%03llus reached (free-running)",
             (unsigned long long)(F.limit_us / 1000000),
             (unsigned long long)(F.limit_us % 1000000 / 1000));
    free_report_locked(head);
  }
  pthread_cond_broadcast(&F.done_cv);
  pthread_mutex_unlock(&F.lock);
  free_kill_all();
  return true;
}

void sim_sched_finish(sim_end end, const char *fmt, ...)
{
  char msg[sizeof F.out.message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (!free_self && !free_is_helper) {
    /* No thread of the run to stop: as the deterministic scheduler does
     * outside a run. */
    fprintf(stderr, "lwipsim: %s (outside a sim thread)\n", msg);
    abort();
  }
  (void)free_end(end, msg);
  sim__free_leave();
}

/* True while the run is on.  A thread of the run itself gets true even
 * after the end: its sim_sched_finish() (say, an lwIP assertion while it
 * winds down) is then ignored and the thread leaves, where the deterministic
 * scheduler, whose threads are all parked by then, never gets that far. */
bool sim_sched_running(void)
{
  if (!__atomic_load_n(&F.started, __ATOMIC_ACQUIRE))
    return false;
  if (free_self || free_is_helper)
    return true;
  return !sim__free_killed();
}

/* ------------------------------------------------------------------ */
/* interrupt masking: one recursive lock                               */

static void free_mask_acquire(void)
{
  pthread_mutex_lock(&F.mask_mu);
  while (F.mask_held) {
    if (sim__free_killed() && (free_self || free_is_helper)) {
      pthread_mutex_unlock(&F.mask_mu);
      sim__free_leave();
    }
    pthread_cond_wait(&F.mask_cv, &F.mask_mu);
  }
  F.mask_held = true;
  pthread_mutex_unlock(&F.mask_mu);
  free_mask_owned = true;
}

static void free_mask_release(void)
{
  free_mask_owned = false;
  pthread_mutex_lock(&F.mask_mu);
  F.mask_held = false;
  pthread_cond_signal(&F.mask_cv);
  pthread_mutex_unlock(&F.mask_mu);
}

void sim_irq_mask(void)
{
  if (!free_mask_owned)
    free_mask_acquire();
  free_mask_depth++;
}

void sim_irq_unmask(void)
{
  if (free_mask_depth == 0)
    sim__fault("interrupts unmasked more often than masked");
  /* A handler runs with the lock held by the helper and depth 0; its own
   * nested masking must not drop that. */
  if (--free_mask_depth == 0 && !free_in_isr)
    free_mask_release();
}

unsigned sim_irq_mask_depth(void)
{
  return free_mask_depth;
}

bool sim_in_isr(void)
{
  return free_in_isr;
}

/* The process's own thread after the end of a run does not wait for the
 * mask (a thread that left inside a protected region keeps it); its model
 * sections then only count, so that the unlock matches. */
static __thread unsigned free_model_skip;

void sim_model_lock(void)
{
  if (free_model_skip ||
      (!free_self && !free_is_helper && sim__free_killed())) {
    free_model_skip++;
    return;
  }
  sim_irq_mask();
}

void sim_model_unlock(void)
{
  if (free_model_skip) {
    free_model_skip--;
    return;
  }
  sim_irq_unmask();
}

/* Trace records come from every thread at once here: the trace's hooks
 * (set in sim_sched_init) take this recursive lock around each one. */
static pthread_mutex_t free_trace_mu = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static void free_trace_lock(void)
{
  pthread_mutex_lock(&free_trace_mu);
}

static void free_trace_unlock(void)
{
  pthread_mutex_unlock(&free_trace_mu);
}

/* ------------------------------------------------------------------ */
/* interrupts and timed events: the helper thread                      */

int sim_irq_register(const char *name, int prio, sim_irq_fn fn, void *arg)
{
  pthread_mutex_lock(&F.lock);
  int irq = sim__irq_add(&F.irq, name, prio, fn, arg);
  pthread_mutex_unlock(&F.lock);
  if (irq < 0)
    sim__fault("too many IRQs registered (max %d)", SIM_MAX_IRQS);
  return irq;
}

/* F.lock held. */
static bool free_raise_locked(int irq)
{
  int rc = sim__irq_raise(&F.irq, irq);
  if (rc > 0)
    pthread_cond_signal(&F.irq_cv);
  return rc >= 0;
}

void sim_irq_raise(int irq)
{
  pthread_mutex_lock(&F.lock);
  bool ok = free_raise_locked(irq);
  pthread_mutex_unlock(&F.lock);
  if (!ok)
    sim__fault("raise of unknown IRQ %d", irq);
}

static void free_timer_push(free_timer tm)
{
  pthread_mutex_lock(&F.lock);
  F.timers = free_grow(F.timers, &F.cap_timers, F.ntimers + 1,
                       sizeof *F.timers);
  tm.seq = F.timer_seq++;
  /* Few events: a sorted array; equal times keep creation order. */
  size_t i = F.ntimers;
  while (i > 0 && F.timers[i - 1].t > tm.t) {
    F.timers[i] = F.timers[i - 1];
    i--;
  }
  F.timers[i] = tm;
  F.ntimers++;
  pthread_cond_signal(&F.irq_cv);
  pthread_mutex_unlock(&F.lock);
}

void sim_irq_raise_at(int irq, uint64_t t_us)
{
  free_timer tm = {.t = t_us, .kind = FREE_TM_IRQ, .irq = irq};
  free_timer_push(tm);
}

void sim_call_at(uint64_t t_us, void (*fn)(void *arg), void *arg)
{
  free_timer tm = {.t = t_us, .kind = FREE_TM_CALL, .fn = fn, .arg = arg};
  free_timer_push(tm);
}

void sim_irq_pin(int irq, const char *thread, const char *point,
                 unsigned nth)
{
  pthread_mutex_lock(&F.lock);
  int n = __atomic_load_n(&F.npins, __ATOMIC_RELAXED);
  F.pins = free_grow(F.pins, &F.cap_pins, (size_t)n + 1, sizeof *F.pins);
  F.pins[n] = (free_pin){.thread = thread, .point = point,
                         .nth = nth ? nth : 1, .irq = irq};
  __atomic_store_n(&F.npins, n + 1, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&F.lock);
}

/* Runs `fn` in interrupt context on the helper thread, with the mask lock
 * held (no protected region of any thread is in progress). */
static void free_run_isr(const char *label, void (*fn)(void *), void *arg)
{
  free_mask_acquire();
  snprintf(free_isr_label_buf, sizeof free_isr_label_buf, "%s", label);
  free_isr_label = free_isr_label_buf;
  free_in_isr = true;
  fn(arg);
  free_in_isr = false;
  free_mask_release();
}

static void *free_helper(void *p)
{
  (void)p;
  free_is_helper = true;
  pthread_mutex_lock(&F.lock);
  while (!sim__free_killed()) {
    sim_irq *q = sim__irq_take(&F.irq);
    if (q) {
      char label[40];
      snprintf(label, sizeof label, "isr:%s", q->name);
      sim_irq_fn fn = q->fn;
      void *arg = q->arg;
      pthread_mutex_unlock(&F.lock);
      free_run_isr(label, fn, arg);
      pthread_mutex_lock(&F.lock);
      continue;
    }
    uint64_t now = sim_clock_now_us();
    if (F.ntimers && F.timers[0].t <= now) {
      free_timer tm = F.timers[0];
      memmove(&F.timers[0], &F.timers[1],
              (F.ntimers - 1) * sizeof *F.timers);
      F.ntimers--;
      if (tm.kind == FREE_TM_IRQ) {
        (void)free_raise_locked(tm.irq);
        continue;
      }
      pthread_mutex_unlock(&F.lock);
      free_run_isr("event", tm.fn, tm.arg);
      pthread_mutex_lock(&F.lock);
      continue;
    }
    if (F.ntimers) {
      struct timespec abs;
      (void)sim__free_deadline(F.timers[0].t - now, &abs);
      pthread_cond_timedwait(&F.irq_cv, &F.lock, &abs);
    } else {
      pthread_cond_wait(&F.irq_cv, &F.lock);
    }
  }
  pthread_mutex_unlock(&F.lock);
  sim__free_leave();
}

static void free_match_pins(sim_thread *t, const char *point)
{
  pthread_mutex_lock(&F.lock);
  int n = __atomic_load_n(&F.npins, __ATOMIC_RELAXED);
  for (int i = 0; i < n; i++) {
    free_pin *p = &F.pins[i];
    if (p->fired || strcmp(p->point, point) != 0)
      continue;
    if (p->thread && strcmp(p->thread, t->name) != 0)
      continue;
    if (++p->count < p->nth)
      continue;
    p->fired = true;
    (void)free_raise_locked(p->irq);
  }
  pthread_mutex_unlock(&F.lock);
}

/* ------------------------------------------------------------------ */
/* scheduling points                                                   */

/* Set from a signal handler (sim_sched_interrupt); the next point of any
 * thread ends the run. */
static volatile sig_atomic_t free_signal;

void sim_sched_interrupt(int sig)
{
  free_signal = sig ? sig : -1;
}

void sim_point_silent(const char *name)
{
  sim_thread *t = free_self;
  if (!t)
    return; /* the process's thread, or a handler on the helper */
  if (free_signal && !sim__free_killed())
    sim_sched_finish(SIM_END_FAULT, "interrupted by signal %d",
                     (int)free_signal);
  __atomic_store_n(&t->points, t->points + 1, __ATOMIC_RELAXED);
  __atomic_store_n(&t->last_point, name, __ATOMIC_RELAXED);
  if (sim__free_killed())
    sim__free_leave();
  if (__atomic_load_n(&F.npins, __ATOMIC_ACQUIRE))
    free_match_pins(t, name);
}

void sim_point(const char *name)
{
  sim_point_silent(name);
}

void sim_script_add(const sim_script_step *step)
{
  (void)step; /* no schedule to steer: the OS decides */
}

void sim_sleep_us(uint64_t us)
{
  sim_point_silent("sleep");
  if (us == 0)
    return;
  (void)sim__free_may_block("sleep", "sleep", 0, us);
  struct timespec abs;
  bool timed = sim__free_deadline(us, &abs);
  sim__free_waiting("sleep", NULL, 0, NULL);
  pthread_mutex_lock(&F.lock);
  for (;;) {
    if (sim__free_killed()) {
      pthread_mutex_unlock(&F.lock);
      sim__free_leave();
    }
    int rc = timed ? pthread_cond_timedwait(&F.sleep_cv, &F.lock, &abs)
                   : pthread_cond_wait(&F.sleep_cv, &F.lock);
    if (rc == ETIMEDOUT)
      break;
  }
  pthread_mutex_unlock(&F.lock);
  sim__free_waiting(NULL, NULL, 0, NULL);
}

/* ------------------------------------------------------------------ */
/* threads                                                             */

static void free_run_tls_dtors(sim_thread *t)
{
  if (t->tls_done)
    return;
  t->tls_done = true;
  for (int i = 0; i < SIM_TLS_SLOTS; i++) {
    pthread_mutex_lock(&F.lock);
    void (*dtor)(void *) = F.tls_dtor[i];
    pthread_mutex_unlock(&F.lock);
    if (t->tls[i] && dtor) {
      void *v = t->tls[i];
      t->tls[i] = NULL;
      dtor(v);
    }
  }
}

static void *free_trampoline(void *p)
{
  sim_thread *t = p;
  free_self = t;
  pthread_mutex_lock(&F.lock);
  while (!F.started && !sim__free_killed())
    pthread_cond_wait(&F.start_cv, &F.lock);
  pthread_mutex_unlock(&F.lock);
  sim_point_silent("thread_start");
  t->fn(t->arg);
  if (t->is_main) {
    /* Its TLS destructors run in sim_sched_fini(), as in sched.c. */
    (void)free_end(SIM_END_NORMAL, "main returned");
    sim__free_leave();
  }
  free_run_tls_dtors(t);
  pthread_mutex_lock(&F.lock);
  t->exited = true;
  pthread_cond_broadcast(&F.done_cv);
  pthread_mutex_unlock(&F.lock);
  return NULL;
}

static sim_thread *free_thread_start(const char *name, int prio,
                                     sim_thread_fn fn, void *arg,
                                     bool is_main)
{
  sim_thread *t = sim__mem_zalloc(sizeof *t, FREE_OOM);
  snprintf(t->name, sizeof t->name, "%s", name ? name : "thread");
  t->prio = prio;
  t->fn = fn;
  t->arg = arg;
  t->is_main = is_main;
  pthread_mutex_lock(&F.lock);
  F.threads = free_grow(F.threads, &F.cap_threads, (size_t)F.nthreads + 1,
                        sizeof *F.threads);
  F.threads[F.nthreads++] = t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, FREE_STACK_SIZE);
  /* Created under F.lock, so fini never sees a thread without its
   * pthread_t. */
  int rc = pthread_create(&t->pt, &attr, free_trampoline, t);
  pthread_attr_destroy(&attr);
  pthread_mutex_unlock(&F.lock);
  if (rc != 0) {
    fprintf(stderr, "lwipsim: cannot create thread %s: %s\n", t->name,
            strerror(rc));
    abort();
  }
  sim_point_silent("thread_new");
  return t;
}

sim_thread *sim_thread_create(const char *name, int prio, sim_thread_fn fn,
                              void *arg)
{
  return free_thread_start(name, prio, fn, arg, false);
}

sim_thread *sim_thread_create_stack(const char *name, int prio,
                                    sim_thread_fn fn, void *arg,
                                    size_t stack_size)
{
  (void)stack_size; /* host-sized pthread stacks */
  return free_thread_start(name, prio, fn, arg, false);
}

sim_thread *sim_thread_self(void)
{
  return free_self;
}

bool sim_thread_stack_info(int i, const char **name, size_t *size,
                           size_t *peak)
{
  (void)i, (void)name, (void)size, (void)peak;
  return false; /* host pthread stacks: not measured */
}

sim_thread *sim_thread_find(const char *name)
{
  sim_thread *found = NULL;
  pthread_mutex_lock(&F.lock);
  for (int i = 0; i < F.nthreads && !found; i++)
    if (!F.threads[i]->exited && strcmp(F.threads[i]->name, name) == 0)
      found = F.threads[i];
  pthread_mutex_unlock(&F.lock);
  return found;
}

/* As sched.c's, from what the thread noted last (a little stale at
 * worst); a sleep is not a wait on anything. */
bool sim_thread_wait_info(const sim_thread *t, char *buf, size_t len,
                          uint64_t *since_us)
{
  if (!t)
    return false;
  const char *what = __atomic_load_n(&t->wait_what, __ATOMIC_RELAXED);
  const char *kind = __atomic_load_n(&t->wait_kind, __ATOMIC_RELAXED);
  const char *name = __atomic_load_n(&t->wait_name, __ATOMIC_RELAXED);
  unsigned seq = __atomic_load_n(&t->wait_seq, __ATOMIC_RELAXED);
  if (!what || !kind)
    return false;
  if (name && name[0])
    snprintf(buf, len, "%s on %s#%u '%s'", what, kind, seq, name);
  else
    snprintf(buf, len, "%s on %s#%u", what, kind, seq);
  if (since_us)
    *since_us = __atomic_load_n(&t->wait_since, __ATOMIC_RELAXED);
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

void **sim_thread_tls(sim_thread *t, int slot)
{
  return &t->tls[slot];
}

void sim_thread_set_tls_dtor(int slot, void (*dtor)(void *))
{
  pthread_mutex_lock(&F.lock);
  F.tls_dtor[slot] = dtor;
  pthread_mutex_unlock(&F.lock);
}

/* ------------------------------------------------------------------ */
/* life cycle                                                          */

int sim_sched_init(const sim_config *cfg, char *err, size_t errlen)
{
  if (F.stragglers) {
    snprintf(err, errlen, "threads of the previous free-running run are "
                          "still running");
    return -1;
  }
  if (F.inited) {
    snprintf(err, errlen, "scheduler already initialised");
    return -1;
  }
  if (cfg->park_at_start) {
    snprintf(err, errlen, "the free-running backend cannot park a run");
    return -1;
  }
  memset(&F, 0, sizeof F);
  F.inited = true;
  F.cfg = *cfg;
  F.limit_us = FREE_WALL_LIMIT_US;
  if (cfg->time_limit_us && cfg->time_limit_us < F.limit_us)
    F.limit_us = cfg->time_limit_us;
  pthread_mutex_init(&F.lock, NULL);
  pthread_mutex_init(&F.mask_mu, NULL);
  sim__free_cond_init(&F.start_cv);
  sim__free_cond_init(&F.done_cv);
  sim__free_cond_init(&F.sleep_cv);
  sim__free_cond_init(&F.irq_cv);
  sim__free_cond_init(&F.mask_cv);
  static const sim_trace_hooks hooks = {.label = sim__current_label,
                                        .lock = free_trace_lock,
                                        .unlock = free_trace_unlock};
  sim__trace_set_hooks(&hooks);
  sim__prng_app_seed(cfg->seed);
  sim__clock_set(0);
  return 0;
}

void sim_sched_run(sim_thread_fn main_fn, void *arg, int prio,
                   sim_outcome *out)
{
  (void)free_thread_start("main", prio, main_fn, arg, true);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, FREE_STACK_SIZE);
  int rc = pthread_create(&F.helper, &attr, free_helper, NULL);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    fprintf(stderr, "lwipsim: cannot create the IRQ thread: %s\n",
            strerror(rc));
    abort();
  }
  F.helper_started = true;

  struct timespec abs;
  (void)sim__free_deadline(F.limit_us, &abs);
  pthread_mutex_lock(&F.lock);
  __atomic_store_n(&F.started, true, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&F.start_cv);
  while (F.end == SIM_END_NONE)
    if (pthread_cond_timedwait(&F.done_cv, &F.lock, &abs) == ETIMEDOUT &&
        F.end == SIM_END_NONE)
      break;
  bool hang = F.end == SIM_END_NONE;
  pthread_mutex_unlock(&F.lock);
  if (hang)
    (void)free_end(SIM_END_HANG, NULL);

  pthread_mutex_lock(&F.lock);
  F.out.end = F.end;
  F.out.switches = 0; /* the OS switches threads; nobody counts them */
  F.out.irqs = F.irq.runs;
  F.out.points = 0;
  for (int i = 0; i < F.nthreads; i++)
    F.out.points += __atomic_load_n(&F.threads[i]->points, __ATOMIC_RELAXED);
  *out = F.out;
  pthread_mutex_unlock(&F.lock);
  /* The backend's only trace record of its own: the end of the run. */
  sim_trace_emit(out->end_us, "sim", "end", out->message);
  sim_trace_flush();
}

/* Waits until every thread (and the helper) has left or the deadline
 * passed; F.lock held.  Returns true if all have left. */
static bool free_wait_all_left(const struct timespec *abs)
{
  for (;;) {
    bool all = !F.helper_started || F.helper_exited;
    for (int i = 0; all && i < F.nthreads; i++)
      all = F.threads[i]->exited;
    if (all)
      return true;
    if (pthread_cond_timedwait(&F.done_cv, &F.lock, abs) == ETIMEDOUT)
      return false;
  }
}

void sim_sched_fini(void)
{
  if (!F.inited)
    return;
  free_kill_all();
  struct timespec abs;
  (void)sim__free_deadline(FREE_JOIN_WAIT_US, &abs);
  pthread_mutex_lock(&F.lock);
  bool all = free_wait_all_left(&abs);
  /* Join who left; detach who did not (they end with the process). */
  int left_behind = 0;
  for (int i = 0; i < F.nthreads; i++) {
    sim_thread *t = F.threads[i];
    if (t->exited) {
      pthread_join(t->pt, NULL);
    } else {
      pthread_detach(t->pt);
      left_behind++;
    }
  }
  if (F.helper_started) {
    if (F.helper_exited)
      pthread_join(F.helper, NULL);
    else {
      pthread_detach(F.helper);
      left_behind++;
    }
  }
  pthread_mutex_unlock(&F.lock);
  if (!all) {
    /* Those threads may still touch the objects, the thread records and
     * F's locks: keep all of it, with the kill flag set, and refuse a new
     * run in this process. */
    fprintf(stderr, "lwipsim: %d free-running thread(s) did not stop "
                    "within %llu ms; left running\n",
            left_behind, (unsigned long long)(FREE_JOIN_WAIT_US / 1000));
    F.stragglers = true;
    F.inited = false;
    return;
  }
  for (int i = 0; i < F.nthreads; i++) {
    free_run_tls_dtors(F.threads[i]);
    free(F.threads[i]);
  }
  free(F.threads);
  free(F.timers);
  free(F.pins);
  /* Objects nobody freed (lwIP keeps its mailboxes for ever); every
   * thread has left, so none can touch the list meanwhile. */
  sim__obj_free_live();
  pthread_cond_destroy(&F.start_cv);
  pthread_cond_destroy(&F.done_cv);
  pthread_cond_destroy(&F.sleep_cv);
  pthread_cond_destroy(&F.irq_cv);
  pthread_cond_destroy(&F.mask_cv);
  pthread_mutex_destroy(&F.lock);
  pthread_mutex_destroy(&F.mask_mu);
  memset(&F, 0, sizeof F);
}

/* ------------------------------------------------------------------ */
/* start points: free-running threads decide nothing by a seed, so the  */
/* start point only marks the place; a run cannot be parked.           */

void sim_sched_start_point(void)
{
  pthread_mutex_lock(&F.lock);
  F.out.started = true;
  pthread_mutex_unlock(&F.lock);
}

bool sim_sched_can_park(void)
{
  return false;
}

void sim_sched_resume(uint64_t seed, sim_outcome *out)
{
  (void)seed;
  (void)out;
  fprintf(stderr, "lwipsim: the free-running backend cannot park a run\n");
  abort();
}

uint64_t sim_sched_seed(void)
{
  return F.cfg.seed;
}

/* ------------------------------------------------------------------ */
/* names                                                               */

sim_policy sim_sched_policy(void)
{
  return F.cfg.policy;
}

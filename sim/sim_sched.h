/*
 * sim_sched.h - the deterministic scheduler: sim threads, scheduling points,
 * virtual time, interrupts, script directives and the end of a run.
 *
 * A run behaves like a single-core RTOS inside one process: every sim thread
 * is a fiber (or, built with SIM_SWITCH=pthread, a pthread), but only the
 * holder of the run token executes.  The token
 * moves only at scheduling points (calls into this module), so a run is a
 * pure function of (build, scenario, variant, seed, external events).
 *
 * There is one scheduler per process (lwIP's port needs a global one); it is
 * set up by sim_sched_init(), driven by sim_sched_run() and torn down by
 * sim_sched_fini(), which may be repeated (unit tests do).
 */
#ifndef SIM_SCHED_H
#define SIM_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_FOREVER UINT64_MAX /* "no deadline" for timeouts */

typedef enum {
  SIM_POLICY_RTOS = 0, /* highest ready priority runs, FIFO among equals */
  SIM_POLICY_RANDOM,   /* seeded choice among ready threads at each point */
  SIM_POLICY_SCRIPT,   /* rtos, plus the scenario's hold/run/release steps */
  SIM_POLICY_PCT       /* probabilistic concurrency testing (Burckhardt et
                          al., ASPLOS 2010): seeded random thread priorities
                          and depth-1 priority change points over the first
                          pct_steps scheduling points; the highest ready
                          thread runs at every point */
} sim_policy;

/* How a run ended; the scenario's oracle turns this into a verdict. */
typedef enum {
  SIM_END_NONE = 0, /* still running */
  SIM_END_NORMAL,   /* the main thread returned or sim_sched_finish() */
  SIM_END_DEADLOCK, /* no ready thread and no pending event */
  SIM_END_HANG,     /* the virtual time limit was reached */
  SIM_END_FAULT,    /* misuse detected: blocking in an ISR, bad unlock... */
  SIM_END_ASSERT    /* an lwIP assertion (LWIP_PLATFORM_ASSERT) */
} sim_end;

/* Script directive: when thread `thread` (NULL: any) reaches point `point`
 * for the `nth` time (1-based; 0 means 1), apply `action` to `target`; with
 * `every`, also at every later hit.  A hold never makes a deadlock of its
 * own: when no other thread can run and nothing is due now, the scheduler
 * releases the longest-held thread (and traces it) before time moves --
 * unless the hold has `keep`: then it lasts, across idle time, until a
 * release step (a preemption that lasts while higher-priority work waits
 * for its events). */
typedef enum {
  SIM_ACT_HOLD,    /* target may not run until released */
  SIM_ACT_RELEASE, /* undo a hold */
  SIM_ACT_RUN      /* target runs next if it is ready, whatever its priority */
} sim_action;

typedef struct {
  const char *thread;
  const char *point;
  unsigned nth;
  sim_action action;
  const char *target;
  bool every;
  bool keep; /* hold: survives idle time (see above) */
} sim_script_step;

/* A schedule's step: the `decision`-th decision (1-based) the scheduler
 * takes while `thread` is current runs `target` (explore's shrunk
 * schedules, `run --schedule F`). */
typedef struct sim_choice {
  const char *thread;
  uint64_t decision;
  const char *target;
} sim_choice;

/* Live mode: an external event source (a TAP device) and a virtual clock
 * that follows CLOCK_MONOTONIC.  When no thread can run, the scheduler
 * calls wait() with the virtual time of the next timer (UINT64_MAX: none);
 * it blocks until the wall clock reaches that time (return 0), an event is
 * ready (1: the scheduler then calls drain() in event context, at the
 * virtual time of now), or the run must stop (-1, e.g. on SIGINT: the run
 * ends normally).  Times are virtual µs; sim_live_now_us() maps wall time. */
typedef struct {
  int (*wait)(void *ctx, uint64_t until_us);
  void (*drain)(void *ctx);
  void *ctx;
} sim_external;

typedef struct {
  sim_policy policy;
  uint64_t seed;
  uint64_t time_limit_us;        /* 0: default (one virtual hour) */
  const sim_script_step *script; /* used under SIM_POLICY_SCRIPT */
  size_t script_len;
  const sim_external *live;      /* live mode (NULL: deterministic) */
  uint64_t stop_at_us;           /* > 0: end (normal, "stopped") once
                                    nothing is left at or before this
                                    virtual time: replays a live session */
  bool pin_cpu;                  /* keep every sim thread on one CPU */
  int cpu_hint;                  /* with pin_cpu: > 0 picks the (hint-1 mod
                                    n)-th allowed CPU (parallel workers
                                    spread out); 0: the current one */
  uint32_t point_cost_ns;        /* CPU time each scheduling point costs:
                                    > 0 lets virtual time pass while a
                                    thread runs, so a timed IRQ can land
                                    between two points of a running thread
                                    (0: time moves only when all idle) */
  unsigned pct_depth;            /* PCT: bug depth d (default 3) */
  uint64_t pct_steps;            /* PCT: k, the points change points are
                                    drawn from (default 1000; explore
                                    measures the scenario's) */
  /* Schedules (see sched_pick): under random/pct, `record` is called for
   * each decision that differs from what rtos would take (`point`: the
   * thread's last point, for people); `choices` replays such decisions on
   * top of rtos (or script). */
  void (*record)(void *ctx, const char *thread, uint64_t decision,
                 const char *point, const char *target);
  void *record_ctx;
  const struct sim_choice *choices;
  size_t nchoices;
  uint64_t watchdog_ms;          /* a thread that runs this long (wall)
                                    without a scheduling point ends the run
                                    as a fault; 0: SIM_DEFAULT_WATCHDOG_MS,
                                    SIM_WATCHDOG_OFF: never */
  bool start_point;              /* the run has a start point
                                    (sim_sched_start_point, below): the
                                    part before it does not depend on
                                    `seed` or `policy` */
  bool park_at_start;            /* with start_point: sim_sched_run()
                                    returns at the start point with the
                                    run parked (a snapshot to fork from;
                                    sim_sched_can_park()) */
} sim_config;

#define SIM_DEFAULT_WATCHDOG_MS 10000u
#define SIM_WATCHDOG_OFF UINT64_MAX

typedef struct sim_thread sim_thread;
typedef void (*sim_thread_fn)(void *arg);

/* Outcome of sim_sched_run(). */
typedef struct {
  sim_end end;
  char message[1024];  /* one line: assert text, deadlock summary, fault */
  uint64_t end_us;     /* virtual time at the end */
  uint64_t points;     /* scheduling points passed */
  uint64_t switches;   /* context switches */
  uint64_t irqs;       /* interrupt handler invocations */
  uint64_t threads;    /* sim threads created */
  bool wedged;         /* the watchdog ended the run and the thread still
                          runs: complete the files, then _exit() without
                          clean-ups (lwIP's state is in use) */
  bool parked;         /* cfg.park_at_start: the run stands at its start
                          point (end is SIM_END_NONE); sim_sched_resume()
                          goes on */
  bool started;        /* the run has passed its start point */
} sim_outcome;

/* --- life cycle (called from the process's own thread, not a sim thread) */
int sim_sched_init(const sim_config *cfg, char *err, size_t errlen);
/* Runs `main_fn` as sim thread "main" with priority `prio`, and everything it
 * starts, until the run ends.  Fills *out. */
void sim_sched_run(sim_thread_fn main_fn, void *arg, int prio,
                   sim_outcome *out);
/* Stops and joins every sim thread and frees the scheduler's memory. */
void sim_sched_fini(void);

/* --- start points and snapshots
 * A run may have a start point: the place, after its set-up (lwIP and the
 * board initialised, the link up), from which its seed and policy
 * matter.  Declared with cfg.start_point, reached by one sim thread
 * calling sim_sched_start_point() once.  Until then the scheduler takes
 * the rtos policy's decisions, records and replays no schedule, arms no
 * script step, and seeds its streams (and the application's, and what
 * sim_sched_seed() gives) with SIM_PRELUDE_SEED; there it draws from
 * cfg.seed, and cfg.policy, the script, the schedule and PCT (its change
 * points counted from there) take over.  So the part before is the same
 * for every seed and policy, and a snapshot taken at the start point
 * serves every run: with cfg.park_at_start, sim_sched_run() returns there
 * with out->parked, no thread running and none joined (fibers on one OS
 * thread, which is stopped); the caller may fork(), and in any process
 * sim_sched_resume() continues the run with a seed of its own.  The
 * outcome's `points` count from the start point. */
#define SIM_PRELUDE_SEED 0u
void sim_sched_start_point(void);
/* True if the switch backend can park a run for fork() (fibers; a fork
 * cannot keep pthreads). */
bool sim_sched_can_park(void);
/* Continues a parked run from its start point with `seed` (in place of
 * cfg.seed) until it ends; fills *out as sim_sched_run(). */
void sim_sched_resume(uint64_t seed, sim_outcome *out);
/* The seed the run draws from now: cfg.seed, or SIM_PRELUDE_SEED before
 * the start point of a run that has one. */
uint64_t sim_sched_seed(void);

/* --- threads (from sim threads) */
sim_thread *sim_thread_create(const char *name, int prio, sim_thread_fn fn,
                              void *arg);
/* The same with a stack of `stack_size` bytes (rounded up to a host
 * minimum; 0: the default).  A thread that runs over its stack ends the
 * run as a fault naming it. */
sim_thread *sim_thread_create_stack(const char *name, int prio,
                                    sim_thread_fn fn, void *arg,
                                    size_t stack_size);
sim_thread *sim_thread_self(void); /* NULL outside sim threads */
const char *sim_thread_name(const sim_thread *t);
int sim_thread_prio(const sim_thread *t);
/* The live (not finished) thread called `name`, or NULL. */
sim_thread *sim_thread_find(const char *name);
/* If `t` is blocked: what it waits for ("take on sem#3 'x' (created by
 * ...)") in buf and since when (virtual µs); false if it is not. */
bool sim_thread_wait_info(const sim_thread *t, char *buf, size_t len,
                          uint64_t *since_us);
/* Stack facts of the run's `i`-th thread (creation order, from 0): its
 * name, stack size and peak use in bytes.  False past the last thread or
 * where the backend has no such facts.  After sim_sched_run(), before
 * sim_sched_fini(). */
bool sim_thread_stack_info(int i, const char **name, size_t *size,
                           size_t *peak);
/* Per-thread slots for the port (e.g. lwIP's per-thread semaphore). */
#define SIM_TLS_SLOTS 4
void **sim_thread_tls(sim_thread *t, int slot);
/* Called for each thread's non-NULL slot `slot` when the thread ends. */
void sim_thread_set_tls_dtor(int slot, void (*dtor)(void *));

/* --- scheduling points */
/* A named point: the policy may switch threads here, pending IRQs are
 * delivered, script directives and IRQ pins are matched.  `name` must be a
 * string with static storage. */
void sim_point(const char *name);
/* The same without a trace record, for the very frequent points of the
 * lwIP port (every sys_arch call). */
void sim_point_silent(const char *name);
/* Sleep for `us` microseconds of virtual time. */
void sim_sleep_us(uint64_t us);
/* True while an interrupt handler runs. */
bool sim_in_isr(void);

/* --- interrupts */
typedef void (*sim_irq_fn)(void *arg);
/* Higher `prio` is delivered first when several are pending. */
int sim_irq_register(const char *name, int prio, sim_irq_fn fn, void *arg);
void sim_irq_raise(int irq);                  /* pending now */
void sim_irq_raise_at(int irq, uint64_t t_us); /* pending at virtual t */
/* Raise `irq` when `thread` (NULL: any) reaches `point` for the nth time. */
void sim_irq_pin(int irq, const char *thread, const char *point,
                 unsigned nth);
/* Adds a script step while the run goes on (a scenario arms a schedule at
 * the moment it matters); its hits are counted from now.  The strings must
 * have static storage.  Any policy. */
void sim_script_add(const sim_script_step *step);
/* A script step or IRQ pin whose point has not yet had the hit it waits
 * for: true with one line naming the first in buf ("pin P never reached:
 * ..."), false if every one has fired.  A run whose main returns with one
 * left ends as a fault with that line: a schedule that never happened
 * makes no verdict. */
bool sim_sched_unfired(char *buf, size_t len);
/* Interrupt masking (nested), as sys_arch_protect/unprotect. */
void sim_irq_mask(void);
void sim_irq_unmask(void);
unsigned sim_irq_mask_depth(void);
/* A section of a hardware or remote-host model (wire, EMAC, scripted
 * peers) whose state is shared between threads and event/interrupt
 * context.  It must not block.  Under the deterministic scheduler these do
 * nothing and add no point (traces are unchanged): one context runs at a
 * time, and the model keeps its state whole at every point it passes.
 * The free-running backend takes its interrupt-mask lock, which every
 * handler and event runs under.  Nests. */
void sim_model_lock(void);
void sim_model_unlock(void);

/* --- wait for interrupt (sim/wfi.c): a super-loop thread blocks until an
 * interrupt source calls sim_wfi_wake() from its handler, or for
 * `timeout_us` (SIM_FOREVER: no limit).  True if woken by an interrupt. */
bool sim_wfi(uint64_t timeout_us);
void sim_wfi_wake(void);
/* How many wakes there were so far, with a waiter or not: a loop that
 * masked interrupts around its check sees whether one ran meanwhile. */
uint64_t sim_wfi_wakes(void);

/* --- external events: `fn` runs at virtual time t, outside any thread, in
 * interrupt context (it may give semaphores or raise IRQs, never block). */
void sim_call_at(uint64_t t_us, void (*fn)(void *arg), void *arg);

/* Ends the run at its next scheduling point or idle moment as a fault
 * "interrupted by signal N" (the run's files are then completed as after
 * any end).  Async-signal-safe: meant for SIGINT/SIGTERM handlers. */
void sim_sched_interrupt(int sig);

/* Live mode only: wall time since sim_sched_init, in µs. */
uint64_t sim_live_now_us(void);

/* --- ending a run */
/* Ends the run now with the given outcome; the calling sim thread never
 * returns from it.  Later calls (e.g. an assert during shutdown) are
 * ignored. */
void sim_sched_finish(sim_end end, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* Records a fault without ending the run at once when called outside a sim
 * thread; inside one it is sim_sched_finish(SIM_END_FAULT, ...). */
bool sim_sched_running(void);

/* --- information for deadlock summaries, the HTML report and the port */
sim_policy sim_sched_policy(void);
const char *sim_policy_name(sim_policy p);
int sim_policy_parse(const char *s, sim_policy *out);
const char *sim_end_name(sim_end e);

#endif

/*
 * sim_priv.h - internals shared by the files of sim/ (scheduler, objects,
 * trace, clock).  Nothing outside sim/ includes this header.
 *
 * Module order.  Each file of sim/ calls only files above it in this list,
 * never one below, so the core reads (and links) from the bottom up:
 *
 *   clock.c prng.c names.c catalog.c   leaves: time, randomness, words
 *   mem.c                              bookkeeping memory; aborts on failure
 *   irq.c                              the interrupt table: handlers, pending
 *   trace.c                            records, JSONL, digest; the running
 *                                      context's label and the record lock
 *                                      come from hooks the scheduler sets
 *   obj.c                              the header of every RTOS object:
 *                                      numbering, names, the live list
 *   stack.c                            sim threads' stacks: guard page,
 *                                      peak use
 *   switch_fiber.c | switch_pthread.c  the switch mechanism (one of the
 *                                      two is linked: SIM_SWITCH)
 *   sched.c                            threads, wait queues, time, IRQ
 *                                      delivery, the end of a run
 *   sync.c                             semaphores, mutexes, mailboxes
 *
 * The free-running backend (free/, built into libsim-free.a) replaces
 * clock.c, sched.c and sync.c with free_clock.c, free_sched.c and
 * free_sync.c in the same order, and compiles everything else of this
 * list unchanged.
 */
#ifndef SIM_PRIV_H
#define SIM_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_sched.h"

/* ------------------------------------------------------------------ */
/* mem.c: `where` completes "lwipsim: out of memory" (e.g. " in the
 * scheduler"; "" for none). */
void sim__mem_oom(const char *where) __attribute__((noreturn));
void *sim__mem_zalloc(size_t n, const char *where);
/* Grows the array `p` of *cap elements of `elem` bytes to hold `need`. */
void *sim__mem_grow(void *p, size_t *cap, size_t need, size_t elem,
                    const char *where);

/* ------------------------------------------------------------------ */
/* irq.c */

#define SIM_MAX_IRQS 32

typedef struct {
  char name[32];
  int prio;
  sim_irq_fn fn;
  void *arg;
  bool pending;
} sim_irq;

typedef struct {
  sim_irq irqs[SIM_MAX_IRQS];
  int n, npending;
  uint64_t runs; /* handlers taken to run */
} sim_irq_table;

/* Returns the new IRQ's number, or -1 when the table is full. */
int sim__irq_add(sim_irq_table *tab, const char *name, int prio,
                 sim_irq_fn fn, void *arg);
/* Marks `irq` pending: 1 if it was not, 0 if it was, -1 if unknown. */
int sim__irq_raise(sim_irq_table *tab, int irq);
/* Clears and returns the pending IRQ to run next, or NULL if none. */
sim_irq *sim__irq_take(sim_irq_table *tab);

/* ------------------------------------------------------------------ */
/* trace.c: what the trace asks of the scheduler, set once per backend by
 * sim_sched_init().  Until then records are labelled "sim" and unlocked. */
typedef struct {
  /* Label of the running context: the thread's name, "isr:<irq>" inside a
   * handler, "idle" while no thread runs, "sim" outside a run. */
  const char *(*label)(void);
  /* Around each record; NULL under the deterministic scheduler, where one
   * context runs at a time. */
  void (*lock)(void);
  void (*unlock)(void);
} sim_trace_hooks;
void sim__trace_set_hooks(const sim_trace_hooks *hooks);

/* ------------------------------------------------------------------ */
/* obj.c: the common header of every RTOS object (first member). */
typedef struct sim_obj {
  const char *kind;     /* "sem", "mutex", "mbox" */
  unsigned seq;         /* per-kind creation number */
  char name[40];        /* optional */
  char creator[32];     /* thread that created it */
  uint64_t created_us;
  unsigned size;        /* mbox capacity, 0 otherwise */
  void (*destroy)(struct sim_obj *o); /* frees it at the end of a run */
  struct sim_obj *live_prev, *live_next;
} sim_obj;

/* Numbers `o` within its kind and puts it on the live list. */
void sim__obj_init(sim_obj *o, const char *kind, const char *creator,
                   void (*destroy)(sim_obj *o));
/* Takes `o` off the live list (it is being freed). */
void sim__obj_unlink(sim_obj *o);
void sim__obj_set_name(sim_obj *o, const char *name);
/* "mbox#2 'tcpip' (size 8, created by main at t=0.000100s)" */
void sim__obj_describe(const sim_obj *o, char *buf, size_t len);
/* The newest live object; the others follow through live_next. */
sim_obj *sim__obj_live(void);
/* Destroys every live object and numbers from 1 again. */
void sim__obj_free_live(void);
/* Forgets the live list without freeing and numbers from 1 again. */
void sim__obj_forget(void);

/* A mailbox's ring of pointers.  `count` is stored atomically (relaxed):
 * the free-running backend reads it without the object's lock. */
typedef struct {
  void **slot;
  unsigned size, head, count;
} sim_ring;

/* An empty ring of `size` slots (at least one, as a zero-size mailbox
 * holds one message). */
static inline void sim__ring_init(sim_ring *r, unsigned size)
{
  r->size = size ? size : 1;
  r->slot = sim__mem_zalloc(r->size * sizeof *r->slot, "");
}

static inline void sim__ring_put(sim_ring *r, void *msg)
{
  r->slot[(r->head + r->count) % r->size] = msg;
  __atomic_store_n(&r->count, r->count + 1, __ATOMIC_RELAXED);
}

static inline void *sim__ring_get(sim_ring *r)
{
  void *msg = r->slot[r->head];
  r->head = (r->head + 1) % r->size;
  __atomic_store_n(&r->count, r->count - 1, __ATOMIC_RELAXED);
  return msg;
}

/* ------------------------------------------------------------------ */
/* sched.c: what the objects (sync.c) ask of the scheduler.  The
 * free-running backend defines only sim__current_label() of these; its
 * objects wait on condition variables (free/free_priv.h). */

typedef struct sim_waitq {
  sim_thread *head; /* in arrival order; wake picks by priority */
} sim_waitq;

/* Blocks the running thread on q until woken or `timeout_us` passes.
 * timeout 0 returns SIM_ETIMEDOUT at once.  Returns SIM_OK when woken. */
int sim__block(sim_obj *o, sim_waitq *q, const char *what,
               uint64_t timeout_us);
/* Makes the best waiter of q ready; returns it, or NULL if none. */
sim_thread *sim__wake_one(sim_waitq *q);
/* The waiter sim__wake_one would pick, left waiting (NULL: none). */
sim_thread *sim__waitq_best(const sim_waitq *q);
/* After threads were made ready: the policy may switch here (deferred while
 * in an ISR or with interrupts masked). */
void sim__resched(void);

/* Mutex priority inheritance. */
void sim__prio_inherit(sim_thread *owner, const sim_thread *waiter);
void sim__mutex_acquired(sim_thread *t);
void sim__mutex_released(sim_thread *t);

/* Ends the run with a fault naming the problem (never returns): the
 * message is formatted as sim_sched_finish() formats it. */
#define sim__fault(...) sim_sched_finish(SIM_END_FAULT, __VA_ARGS__)

/* Label of the running context for trace records: the thread's name,
 * "isr:<irq>" inside a handler, "idle" while no thread runs. */
const char *sim__current_label(void);

/* Before `o` is freed: a fault if a thread still waits in q1 or q2
 * (either may be NULL), except while the scheduler tears down, when the
 * waiters are gone with their threads. */
void sim__waitq_check_free(const sim_obj *o, const sim_waitq *q1,
                           const sim_waitq *q2);

/* ------------------------------------------------------------------ */
/* stack.c: a sim thread's stack, mapped with an inaccessible guard page
 * below it.  Fresh pages read as zero, so the peak use is where the
 * lowest non-zero word lies (the stack is "painted" with zeros for free). */
typedef struct {
  void *map;     /* the mapping: guard page(s), then the stack */
  size_t maplen;
  char *lo;      /* lowest usable byte (just above the guard) */
  size_t size;   /* usable bytes as asked for: [lo, lo + size) */
  size_t extra;  /* mapped above lo + size for the backend (pthreads: the
                    C library's thread block and static TLS) */
  char *top;     /* where the thread's frames start: lo + size, or what
                    the backend found once the thread ran */
} sim_stack;

/* The size a creator's request becomes: at least the host minimum
 * (SIM_STACK_MIN, larger under sanitizers), whole pages; 0 asks for the
 * default.  */
size_t sim__stack_round(size_t want);
/* Maps a stack of sim__stack_round(want) bytes and `extra` more (aborts
 * when out of memory). */
void sim__stack_alloc(sim_stack *s, size_t want, size_t extra);
void sim__stack_free(sim_stack *s);
/* Bytes of the stack ever written (from s->top down). */
size_t sim__stack_peak(const sim_stack *s);
/* True if `addr` lies in the stack's guard page(s). */
bool sim__stack_guard_hit(const sim_stack *s, const void *addr);
/* Gives the calling OS thread a signal stack (a SIGSEGV on a guard page
 * cannot run on the stack that overflowed); returns it for
 * sim__altstack_free(), after the thread stopped using it. */
void *sim__altstack_set(void);
void sim__altstack_free(void *alt);

/* ------------------------------------------------------------------ */
/* switch_*.c: the switch mechanism under the scheduler.  Exactly one
 * context runs at a time: the scheduler's logic (sched.c) decides who,
 * a backend only hands the CPU over.  Fibers (switch_fiber.c, the
 * default): every sim thread is a user-space context on one OS thread
 * (the "carrier"), switched by a few instructions.  pthreads
 * (switch_pthread.c, `make SIM_SWITCH=pthread`): every sim thread is a
 * pthread with a wake-up semaphore, and a switch posts the next one's and
 * waits on its own (the run token).  Both run each thread on its own
 * sim_stack.  All calls but sim__sw_start/sim__sw_stop come from the
 * running context. */
typedef struct sim_ctx sim_ctx;

/* The backend's name: "fiber" or "pthread". */
extern const char sim__sw_name[];
/* Bytes a stack needs above what the thread asked for. */
size_t sim__sw_stack_extra(void);
/* A context for `t` that will run body(t) on `stack` once switched to
 * (the backend may set stack->top).  body returns only after
 * sim__ctx_exit() returned (pthreads). */
sim_ctx *sim__ctx_new(sim_thread *t, sim_stack *stack,
                      void (*body)(sim_thread *t));
/* The process's own thread: `first` runs from now on (elsewhere). */
void sim__sw_start(sim_ctx *first);
/* From `from`, running: `to` runs; returns when `from` runs again. */
void sim__ctx_switch(sim_ctx *from, sim_ctx *to);
/* From `from`, whose body is done: `to` runs and `from` never again.
 * Fibers never return; pthreads return, and body then returns. */
void sim__ctx_exit(sim_ctx *from, sim_ctx *to);
/* From `self`, the run has ended: it never runs again. */
void sim__ctx_park(sim_ctx *self) __attribute__((noreturn));
/* The process's own thread, after the run ended: stops every context of
 * all[0..n) (`wedged`, if any, may still run: it gets a second).  False
 * if something still runs: then no context or stack may be freed. */
bool sim__sw_stop(sim_ctx *const *all, int n, sim_ctx *wedged);
/* After a true sim__sw_stop. */
void sim__ctx_free(sim_ctx *c);
/* Snapshots, where sim__sw_can_park (fibers; a fork cannot keep
 * pthreads).  From `self`, running: every context stops where it is and
 * the OS thread under them ends; returns when sim__sw_start(self) runs
 * it again, in this process or in a child forked meanwhile. */
extern const bool sim__sw_can_park;
void sim__ctx_suspend(sim_ctx *self);
/* The process's own thread, after a sim__ctx_suspend: waits until that
 * OS thread has ended (the process is then one thread again). */
void sim__sw_pause(void);

/* ------------------------------------------------------------------ */
/* clock.c, prng.c: set by sim_sched_init() */

void sim__clock_set(uint64_t t_us);
void sim__prng_app_seed(uint64_t seed);

#endif

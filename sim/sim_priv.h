/*
 * sim_priv.h - internals shared by the files of sim/ (scheduler, objects,
 * trace, clock).  Nothing outside sim/ includes this header.
 */
#ifndef SIM_PRIV_H
#define SIM_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_sched.h"

typedef struct sim_waitq {
  sim_thread *head; /* in arrival order; wake picks by priority */
} sim_waitq;

/* Common header of every RTOS object, for deadlock summaries. */
typedef struct sim_obj {
  const char *kind;     /* "sem", "mutex", "mbox" */
  unsigned seq;         /* per-kind creation number */
  char name[40];        /* optional */
  char creator[32];     /* thread that created it */
  uint64_t created_us;
  unsigned size;        /* mbox capacity, 0 otherwise */
  struct sim_obj *live_prev, *live_next;
} sim_obj;

void sim__obj_init(sim_obj *o, const char *kind);
void sim__obj_fini(sim_obj *o, const sim_waitq *q1, const sim_waitq *q2);
void sim__obj_set_name(sim_obj *o, const char *name);
/* "mbox#2 'tcpip' (size 8, created by main at t=0.000100s)" */
void sim__obj_describe(const sim_obj *o, char *buf, size_t len);

/* Blocks the running thread on q until woken or `timeout_us` passes.
 * timeout 0 returns SIM_ETIMEDOUT at once.  Returns SIM_OK when woken. */
int sim__block(sim_obj *o, sim_waitq *q, const char *what,
               uint64_t timeout_us);
/* Makes the best waiter of q ready; returns it, or NULL if none. */
sim_thread *sim__wake_one(sim_waitq *q);
/* After threads were made ready: the policy may switch here (deferred while
 * in an ISR or with interrupts masked). */
void sim__resched(void);

/* Mutex priority inheritance. */
void sim__prio_inherit(sim_thread *owner, const sim_thread *waiter);
void sim__mutex_acquired(sim_thread *t);
void sim__mutex_released(sim_thread *t);

/* Ends the run with a fault naming the problem (never returns). */
void sim__fault(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Label of the running context for trace records: the thread's name,
 * "isr:<irq>" inside a handler, "idle" while no thread runs. */
const char *sim__current_label(void);

/* Frees every object still alive at the end of a run. */
void sim__sync_free_live(sim_obj *live);

/* Around each trace record (trace.c): nothing under the deterministic
 * scheduler, where one context runs at a time; a recursive lock in the
 * free-running backend, whose threads trace concurrently. */
void sim__trace_lock(void);
void sim__trace_unlock(void);

void sim__clock_set(uint64_t t_us);
void sim__prng_app_seed(uint64_t seed);

#endif

/*
 * sim_rtos.h - what an RTOS API layer (rtos/freertos, rtos/cmsis_rtos2)
 * needs of the deterministic core beyond sim_sched.h and sim_sync.h:
 * wait lists to build its own kernel objects on, run-time priorities,
 * suspension, deletion of a thread, a scheduler lock that leaves
 * interrupts enabled, and a hook at the end of a run.
 *
 * A wait list is a named object of the core (it shows in deadlock
 * summaries as "queue#2 'rx' (created by ...)"): threads block on it with
 * a timeout and are woken highest priority first, FIFO among equals.  The
 * layer keeps the object's state itself (a count, a ring, an owner) and
 * decides whom to wake; a woken thread re-checks that state.  Wait lists
 * still alive at the end of a run are freed with it.
 */
#ifndef SIM_RTOS_H
#define SIM_RTOS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_sched.h"

#define SIM_ESUSPENDED (-3) /* taken off a wait list by a suspension */

typedef struct sim_waitlist sim_waitlist;

/* `kind` must have static storage ("queue", "notify", ...). */
sim_waitlist *sim_waitlist_new(const char *kind);
void sim_waitlist_set_name(sim_waitlist *w, const char *name);
/* Frees `w`; a thread still waiting on it is a fault naming `call`. */
void sim_waitlist_free(sim_waitlist *w, const char *call);
/* Blocks the calling thread on `w` (`what` has static storage).  Returns
 * SIM_OK when woken, SIM_ETIMEDOUT when timeout_us passed (at once for 0),
 * SIM_ESUSPENDED when a suspension took it off the list. */
int sim_waitlist_block(sim_waitlist *w, const char *what, uint64_t timeout_us);
/* Makes the best waiter ready and returns it (NULL: none waits).  The
 * caller then calls sim_resched(). */
sim_thread *sim_waitlist_wake(sim_waitlist *w);
/* The waiter sim_waitlist_wake() would pick, left waiting (NULL: none). */
sim_thread *sim_waitlist_best(const sim_waitlist *w);
bool sim_waitlist_empty(const sim_waitlist *w);
/* After threads were made ready: switch now if the policy says so
 * (deferred in an ISR, with interrupts masked or the scheduler locked). */
void sim_resched(void);

/* Sets `t`'s priority (both the running and the base priority of the
 * core; the layer keeps its own base for inheritance) and reschedules. */
void sim_thread_set_prio(sim_thread *t, int prio);

/* Suspension: a suspended thread never runs until resumed; a blocked one
 * is taken off its wait list first (its call returns SIM_ESUSPENDED once
 * resumed).  Suspending oneself switches away at once. */
void sim_thread_suspend(sim_thread *t);
void sim_thread_resume(sim_thread *t);
bool sim_thread_is_suspended(const sim_thread *t);

typedef enum {
  SIM_TSTATE_RUNNING,
  SIM_TSTATE_READY,
  SIM_TSTATE_BLOCKED,
  SIM_TSTATE_SUSPENDED,
  SIM_TSTATE_DONE
} sim_tstate_info;
sim_tstate_info sim_thread_state(const sim_thread *t);

/* Ends thread `t` now (its per-thread slots' destructors run); a thread
 * ending itself never returns.  A blocked thread leaves its wait list. */
void sim_thread_kill(sim_thread *t);

/* A scheduling point after which the caller goes behind the other ready
 * threads of its priority (an RTOS yield; the policy still decides). */
void sim_yield(void);

/* Scheduler lock (nested): no thread switch while it is held, but
 * interrupts are still delivered at scheduling points; a switch made
 * necessary meanwhile happens when the last unlock comes. */
void sim_sched_lock(void);
void sim_sched_unlock(void);
unsigned sim_sched_lock_depth(void);

/* Context switches so far in this run (did a call switch?). */
uint64_t sim_switch_count(void);

/* Calls fn(arg) when the current run's objects are freed (after every
 * thread is gone); hooks run once, newest first. */
void sim_at_run_end(void (*fn)(void *arg), void *arg);

#endif

/*
 * free_priv.h - internals shared by the files of the free-running backend
 * (sim/free/): the clock (free_clock.c), the scheduler half (free_sched.c)
 * and the RTOS objects (free_sync.c), each calling only those before it.
 * Nothing outside sim/free/ includes this header.
 *
 * The backend implements the public API of sim_sched.h, sim_sync.h and
 * sim_clock.h with real concurrency; see free_sched.c for the design.
 */
#ifndef SIM_FREE_PRIV_H
#define SIM_FREE_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in microseconds, not shifted to the run's start. */
uint64_t sim__free_mono_us(void);
/* The absolute CLOCK_MONOTONIC time `timeout_us` from now, for a timed
 * condition wait.  Returns false for SIM_FOREVER (wait without deadline). */
bool sim__free_deadline(uint64_t timeout_us, struct timespec *abs);
/* A condition variable that times out on CLOCK_MONOTONIC. */
void sim__free_cond_init(pthread_cond_t *cv);

/* True once the run has ended: every sim thread is to leave. */
bool sim__free_killed(void);
/* The calling thread leaves for good (pthread_exit).  It must hold none of
 * the backend's internal pthread mutexes; an RTOS mutex or the interrupt
 * mask it holds stays held (the others are leaving too). */
void sim__free_leave(void) __attribute__((noreturn));

/* Before a call blocks on `kind`#`seq`: faults (never returns) in interrupt
 * context, outside a sim thread, or with interrupts masked, in the same
 * order as the deterministic scheduler.  Returns false for a zero timeout
 * (the caller reports a timeout at once), true if the caller may wait. */
bool sim__free_may_block(const char *what, const char *kind, unsigned seq,
                         uint64_t timeout_us);
/* Notes what the calling thread waits on (and since when), for the hang
 * summary of a run that hit the wall-time limit and for sim_thread_wait_info();
 * `what` NULL clears it.  `name` is the object's name field (it lives as
 * long as the object), or NULL. */
void sim__free_waiting(const char *what, const char *kind, unsigned seq,
                       const char *name);

/* The end of a run wakes every waiter of every live object, so each sees
 * the kill flag and leaves.  free_sync.c, which sits above this file,
 * hands over the function that does it each time it creates an object
 * (the scheduler never calls up into the objects' file).  Registered
 * before the kill, it is called; registered after, the thread that
 * created the object sees the kill flag before it can wait. */
void sim__free_on_kill(void (*wake_all)(void));

#endif

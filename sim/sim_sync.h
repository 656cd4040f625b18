/*
 * sim_sync.h - RTOS objects on the deterministic scheduler: counting
 * semaphores, mutexes (with priority inheritance, as FreeRTOS mutexes) and
 * bounded mailboxes of pointers.
 *
 * Every object has a kind, a sequence number and its creator, so a deadlock
 * summary can say "mbox#2 (size 8, created by main at t=0.000000s)".  Waiters
 * are woken highest priority first, FIFO among equals.  Operations that can
 * block are scheduling points; giving, unlocking and posting make waiters
 * ready and, under the rtos policy, yield at once to a higher-priority one.
 * From interrupt context only the non-blocking calls are allowed; a blocking
 * call there ends the run with a fault.
 */
#ifndef SIM_SYNC_H
#define SIM_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#define SIM_OK 0
#define SIM_ETIMEDOUT (-1) /* the deadline passed */
#define SIM_EAGAIN (-2)    /* try-operation found the object busy */

typedef struct sim_sem sim_sem;
typedef struct sim_mutex sim_mutex;
typedef struct sim_mbox sim_mbox;

sim_sem *sim_sem_new(unsigned count);
void sim_sem_free(sim_sem *s);
void sim_sem_give(sim_sem *s);
/* timeout_us: SIM_FOREVER (sim_sched.h) waits for ever. */
int sim_sem_take(sim_sem *s, uint64_t timeout_us);
int sim_sem_trytake(sim_sem *s);
unsigned sim_sem_count(const sim_sem *s);
/* Who gave a semaphore last and which thread got that unit (for deadlock summaries:
 * "given by tcpip_thread at t, taken by app_ctl"). */
typedef struct {
  unsigned long long gives, takes;
  char giver[32];    /* thread name, "isr:<irq>", "event" */
  uint64_t given_us;
  char taker[32];
  uint64_t taken_us;
} sim_sem_history;
void sim_sem_get_history(const sim_sem *s, sim_sem_history *h);

sim_mutex *sim_mutex_new(void);
void sim_mutex_free(sim_mutex *m);
void sim_mutex_lock(sim_mutex *m);
void sim_mutex_unlock(sim_mutex *m);
bool sim_mutex_held_by_self(const sim_mutex *m);

sim_mbox *sim_mbox_new(unsigned size);
void sim_mbox_free(sim_mbox *b);
void sim_mbox_post(sim_mbox *b, void *msg);            /* blocks if full */
int sim_mbox_trypost(sim_mbox *b, void *msg);          /* SIM_EAGAIN if full */
int sim_mbox_fetch(sim_mbox *b, void **msg, uint64_t timeout_us);
int sim_mbox_tryfetch(sim_mbox *b, void **msg);        /* SIM_EAGAIN if empty */
unsigned sim_mbox_count(const sim_mbox *b);

/* Names the object in deadlock summaries ("tcpip mbox"); `name` is copied. */
void sim_sem_set_name(sim_sem *s, const char *name);
void sim_mbox_set_name(sim_mbox *b, const char *name);
void sim_mutex_set_name(sim_mutex *m, const char *name);

#endif

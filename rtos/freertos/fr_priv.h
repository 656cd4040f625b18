/*
 * fr_priv.h - what the files of lwipsim's FreeRTOS layer share: the task
 * control block, the kernel's per-run state, ticks on the virtual clock,
 * and misuse faults.  Nothing outside rtos/freertos includes it (but the
 * CMSIS-RTOS2 layer, which is built on this one).
 *
 * Ticks.  There is no tick interrupt: the tick count is the virtual time
 * in whole tick periods, tick k begins at ceil(k * 10^6 / configTICK_RATE_HZ)
 * µs, and a task that blocks for n ticks at tick k wakes at the start of
 * tick k + n, as the kernel's delayed list does (so a 1-tick delay lasts
 * anything from just above zero to one full period).
 */
#ifndef FR_PRIV_H
#define FR_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "FreeRTOS.h"
#include "task.h"

#include "sim_clock.h"
#include "sim_rtos.h"
#include "sim_sched.h"
#include "sim_sync.h"

#define FR_NOTIFY_NOT_WAITING 0
#define FR_NOTIFY_WAITING 1
#define FR_NOTIFY_RECEIVED 2

#define FR_TLS_SLOTS                                                          \
  (configNUM_THREAD_LOCAL_STORAGE_POINTERS > 0                                \
       ? configNUM_THREAD_LOCAL_STORAGE_POINTERS                              \
       : 1)

struct tskTaskControlBlock {
  sim_thread *th;          /* NULL until the scheduler starts it */
  char name[configMAX_TASK_NAME_LEN > 1 ? configMAX_TASK_NAME_LEN : 2];
  TaskFunction_t fn;
  void *arg;
  UBaseType_t base_prio;   /* as set; prio may be higher by inheritance */
  UBaseType_t prio;
  UBaseType_t mutexes_held;
  bool adopted;            /* a sim thread of lwipsim's calling the API */
  bool deleted;
  bool start_suspended;    /* vTaskSuspend before the scheduler started */
  void *heap_tcb, *heap_stack; /* pvPortMalloc blocks of a dynamic task */
  sim_waitlist *delay;     /* what vTaskDelay waits on */
  sim_waitlist *notify;    /* what notification waits wait on */
  uint32_t notify_value[configTASK_NOTIFICATION_ARRAY_ENTRIES];
  uint8_t notify_state[configTASK_NOTIFICATION_ARRAY_ENTRIES];
  void *tls[FR_TLS_SLOTS];
  struct tskTaskControlBlock *next; /* the kernel's task list */
};

/* The kernel's state for the current run (reset when the run ends). */
typedef struct {
  bool registered;   /* the end-of-run hook is set */
  bool started;      /* vTaskStartScheduler ran */
  TaskHandle_t tasks; /* every task of this run, newest first */
  unsigned ntasks_live;
  UBaseType_t disabled; /* taskDISABLE_INTERRUPTS in force */
} fr_kernel;
extern fr_kernel fr_k;

/* Called by every API entry: sets the run's end hook once per run. */
void fr_kernel_touch(void);
/* Bookkeeping memory of this run, freed when it ends (or with fr_free). */
void *fr_alloc(size_t n);
void fr_free(void *p);
/* Sub-systems' end-of-run resets. */
void fr_heap_reset(void);
void fr_timers_reset(void);
void fr_timers_start(void);

/* The calling task (a sim thread of lwipsim's gets a TCB of its own the
 * first time); NULL in interrupt context. */
TaskHandle_t fr_current(void);
TaskHandle_t fr_task_of(const sim_thread *t);
/* Priority changes (inheritance included) reach the scheduler here. */
void fr_task_set_prio(TaskHandle_t t, UBaseType_t prio);

/* Misuse: ends the run with a fault naming the call. */
#define fr_fault(...) sim_sched_finish(SIM_END_FAULT, __VA_ARGS__)
/* A fault if `call` (a task-level API) is called in interrupt context. */
void fr_not_in_isr(const char *call);
/* A fault if `call` (an ISR-level API) is... nothing: FromISR calls are
 * allowed from tasks too, as in the kernel. */

/* Ticks. */
uint64_t fr_tick_now(void);            /* 64-bit tick count */
uint64_t fr_tick_start_us(uint64_t tick);
/* Virtual µs from now to the end of a wait of `ticks` ticks started now
 * (SIM_FOREVER for portMAX_DELAY when INCLUDE_vTaskSuspend is 1). */
uint64_t fr_wait_deadline(TickType_t ticks);
/* µs left until `deadline` (0 when passed; SIM_FOREVER stays). */
uint64_t fr_left(uint64_t deadline);

/* pxHigherPriorityTaskWoken: did waking `t` make a task ready that has a
 * higher priority than the one interrupted? */
BaseType_t fr_woke_higher(const sim_thread *t);

#endif

/*
 * tasks.c - lwipsim's FreeRTOS layer: tasks, the scheduler, ticks and
 * task notifications on the deterministic core (fr_priv.h).  Written for
 * lwipsim from the FreeRTOS API reference; not FreeRTOS code.
 *
 * A task is a sim thread with the task's name and its FreeRTOS priority
 * as the thread's priority.  Tasks created before vTaskStartScheduler()
 * wait for it; it starts them all at once (the scheduler locked while it
 * does, so none runs before all exist), starts the timer service task and
 * returns to lwipsim.  A sim thread of lwipsim's that calls the API (the
 * engine's main thread, a peer) gets a task control block of its own on
 * first use, with its current priority.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_priv.h"
#include "sim_trace.h"

fr_kernel fr_k;

/* ------------------------------------------------------------------ */
/* per-run memory and the end of a run                                 */

typedef struct fr_block {
  struct fr_block *next, *prev;
  max_align_t data[];
} fr_block;
static fr_block *fr_blocks;

void *fr_alloc(size_t n)
{
  fr_kernel_touch();
  fr_block *b = calloc(1, sizeof *b + n);
  if (!b) {
    fprintf(stderr, "lwipsim: out of memory in the FreeRTOS layer\n");
    abort();
  }
  b->next = fr_blocks;
  if (fr_blocks)
    fr_blocks->prev = b;
  fr_blocks = b;
  return b->data;
}

void fr_free(void *p)
{
  if (!p)
    return;
  fr_block *b = (fr_block *)((char *)p - offsetof(fr_block, data));
  if (b->prev)
    b->prev->next = b->next;
  else
    fr_blocks = b->next;
  if (b->next)
    b->next->prev = b->prev;
  free(b);
}

static void fr_kernel_end(void *arg)
{
  (void)arg;
  /* The core frees the wait lists itself; here only our memory goes. */
  while (fr_blocks) {
    fr_block *b = fr_blocks;
    fr_blocks = b->next;
    free(b);
  }
  fr_heap_reset();
  fr_timers_reset();
  memset(&fr_k, 0, sizeof fr_k);
}

void fr_kernel_touch(void)
{
  if (fr_k.registered)
    return;
  fr_k.registered = true;
  sim_at_run_end(fr_kernel_end, NULL);
}

void fr_not_in_isr(const char *call)
{
  if (sim_in_isr())
    fr_fault("%s called from interrupt context (a blocking or task-level "
             "call; use the FromISR form)", call);
}

/* ------------------------------------------------------------------ */
/* ticks                                                               */

uint64_t fr_tick_now(void)
{
  return sim_clock_now_us() * (uint64_t)configTICK_RATE_HZ / 1000000u;
}

uint64_t fr_tick_start_us(uint64_t tick)
{
  return (tick * 1000000u + (uint64_t)configTICK_RATE_HZ - 1) /
         (uint64_t)configTICK_RATE_HZ;
}

uint64_t fr_wait_deadline(TickType_t ticks)
{
#if INCLUDE_vTaskSuspend == 1
  if (ticks == portMAX_DELAY)
    return SIM_FOREVER;
#endif
  return fr_tick_start_us(fr_tick_now() + ticks);
}

uint64_t fr_left(uint64_t deadline)
{
  if (deadline == SIM_FOREVER)
    return SIM_FOREVER;
  uint64_t now = sim_clock_now_us();
  return deadline > now ? deadline - now : 0;
}

TickType_t xTaskGetTickCount(void)
{
  return (TickType_t)fr_tick_now();
}

TickType_t xTaskGetTickCountFromISR(void)
{
  return (TickType_t)fr_tick_now();
}

/* ------------------------------------------------------------------ */
/* task control blocks                                                 */

static UBaseType_t fr_clamp_prio(UBaseType_t p)
{
  return p >= (UBaseType_t)configMAX_PRIORITIES
             ? (UBaseType_t)configMAX_PRIORITIES - 1
             : p;
}

static TaskHandle_t fr_new_tcb(const char *name, TaskFunction_t fn, void *arg,
                               UBaseType_t prio)
{
  TaskHandle_t t = fr_alloc(sizeof *t);
  snprintf(t->name, sizeof t->name, "%s", name ? name : "");
  t->fn = fn;
  t->arg = arg;
  t->prio = t->base_prio = prio;
  t->delay = sim_waitlist_new("delay");
  sim_waitlist_set_name(t->delay, t->name);
  t->notify = sim_waitlist_new("notify");
  sim_waitlist_set_name(t->notify, t->name);
  t->next = fr_k.tasks;
  fr_k.tasks = t;
  return t;
}

TaskHandle_t fr_task_of(const sim_thread *th)
{
  if (!th)
    return NULL;
  for (TaskHandle_t t = fr_k.tasks; t; t = t->next)
    if (t->th == th && !t->deleted)
      return t;
  /* One of lwipsim's threads: adopt it. */
  int p = sim_thread_prio(th);
  TaskHandle_t t = fr_new_tcb(sim_thread_name(th), NULL, NULL,
                              (UBaseType_t)(p < 0 ? 0 : p));
  t->th = (sim_thread *)th;
  t->adopted = true;
  return t;
}

TaskHandle_t fr_current(void)
{
  return fr_task_of(sim_thread_self());
}

static TaskHandle_t fr_task_or_self(TaskHandle_t t)
{
  return t ? t : fr_current();
}

void fr_task_set_prio(TaskHandle_t t, UBaseType_t prio)
{
  t->prio = prio;
  if (t->th)
    sim_thread_set_prio(t->th, (int)prio);
}

BaseType_t fr_woke_higher(const sim_thread *t)
{
  sim_thread *self = sim_thread_self();
  int cur = self && sim_thread_state(self) == SIM_TSTATE_RUNNING
                ? sim_thread_prio(self)
                : (int)tskIDLE_PRIORITY;
  return sim_thread_prio(t) > cur ? pdTRUE : pdFALSE;
}

/* ------------------------------------------------------------------ */
/* creating, starting and deleting                                     */

static void fr_task_entry(void *arg)
{
  TaskHandle_t t = arg;
  t->fn(t->arg);
  fr_fault("task %s returned from its function (a FreeRTOS task must "
           "delete itself: vTaskDelete(NULL))", t->name);
}

static void fr_start_task(TaskHandle_t t)
{
  /* Locked: the handle must know its thread before the task can run (a
   * higher-priority task runs as soon as the lock goes). */
  sim_sched_lock();
  t->th = sim_thread_create(t->name, (int)t->prio, fr_task_entry, t);
  if (t->start_suspended)
    sim_thread_suspend(t->th);
  sim_sched_unlock();
}

static TaskHandle_t fr_create(const char *call, TaskFunction_t fn,
                              const char *name, void *arg, UBaseType_t prio,
                              void *heap_tcb, void *heap_stack)
{
  fr_not_in_isr(call);
  TaskHandle_t t = fr_new_tcb(name, fn, arg, fr_clamp_prio(prio));
  t->heap_tcb = heap_tcb;
  t->heap_stack = heap_stack;
  fr_k.ntasks_live++;
  return t;
}

BaseType_t xTaskCreate(TaskFunction_t pxTaskCode, const char *const pcName,
                       const configSTACK_DEPTH_TYPE usStackDepth,
                       void *const pvParameters, UBaseType_t uxPriority,
                       TaskHandle_t *const pxCreatedTask)
{
  fr_not_in_isr("xTaskCreate");
  /* The kernel takes the stack and the TCB from the FreeRTOS heap: so
   * does this layer, so heap use and exhaustion are the board's. */
  void *stack = pvPortMalloc((size_t)usStackDepth * sizeof(StackType_t));
  void *tcb = stack ? pvPortMalloc(sizeof(StaticTask_t)) : NULL;
  if (!tcb) {
    vPortFree(stack);
    return errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY;
  }
  TaskHandle_t t = fr_create("xTaskCreate", pxTaskCode, pcName, pvParameters,
                             uxPriority, tcb, stack);
  if (pxCreatedTask)
    *pxCreatedTask = t;
  if (fr_k.started)
    fr_start_task(t);
  return pdPASS;
}

TaskHandle_t xTaskCreateStatic(TaskFunction_t pxTaskCode,
                               const char *const pcName,
                               const uint32_t ulStackDepth,
                               void *const pvParameters,
                               UBaseType_t uxPriority,
                               StackType_t *const puxStackBuffer,
                               StaticTask_t *const pxTaskBuffer)
{
  (void)ulStackDepth;
  if (!puxStackBuffer || !pxTaskBuffer)
    return NULL;
  TaskHandle_t t = fr_create("xTaskCreateStatic", pxTaskCode, pcName,
                             pvParameters, uxPriority, NULL, NULL);
  if (fr_k.started)
    fr_start_task(t);
  return t;
}

void vTaskStartScheduler(void)
{
  fr_not_in_isr("vTaskStartScheduler");
  fr_kernel_touch();
  if (fr_k.started)
    fr_fault("vTaskStartScheduler called twice");
#if configSUPPORT_STATIC_ALLOCATION == 1
  {
    /* The kernel asks the application for the idle task's memory; there
     * is no idle task here (lwipsim idles), but the contract holds. */
    extern void vApplicationGetIdleTaskMemory(StaticTask_t **, StackType_t **,
                                              uint32_t *);
    StaticTask_t *tcb = NULL;
    StackType_t *stack = NULL;
    uint32_t depth = 0;
    vApplicationGetIdleTaskMemory(&tcb, &stack, &depth);
  }
#endif
  fr_timers_start();
  sim_trace_event("freertos", "scheduler started");
  fr_k.started = true;
  /* Oldest first, none running before all exist. */
  TaskHandle_t order[256];
  unsigned n = 0;
  for (TaskHandle_t t = fr_k.tasks; t; t = t->next)
    if (!t->th && !t->adopted && !t->deleted) {
      if (n == sizeof order / sizeof order[0])
        fr_fault("vTaskStartScheduler: more than %u tasks", n);
      order[n++] = t;
    }
  sim_sched_lock();
  while (n)
    fr_start_task(order[--n]);
  sim_sched_unlock();
}

void vTaskDelete(TaskHandle_t xTaskToDelete)
{
  fr_not_in_isr("vTaskDelete");
  TaskHandle_t t = fr_task_or_self(xTaskToDelete);
  if (!t || t->deleted)
    fr_fault("vTaskDelete: task already deleted");
  if (t->adopted)
    fr_fault("vTaskDelete: %s is one of lwipsim's threads, not a task",
             t->name);
  bool self = t->th && t->th == sim_thread_self();
  if (self && sim_sched_lock_depth())
    fr_fault("vTaskDelete(NULL) with the scheduler suspended");
  t->deleted = true;
  fr_k.ntasks_live--;
  vPortFree(t->heap_stack);
  vPortFree(t->heap_tcb);
  t->heap_stack = t->heap_tcb = NULL;
  if (t->th && !self)
    sim_thread_kill(t->th);
  sim_waitlist_free(t->delay, "vTaskDelete");
  sim_waitlist_free(t->notify, "vTaskDelete");
  t->delay = t->notify = NULL;
  if (self)
    sim_thread_kill(t->th); /* never returns */
}

/* ------------------------------------------------------------------ */
/* delays                                                              */

static void fr_block_check(const char *call)
{
  fr_not_in_isr(call);
  if (sim_sched_lock_depth())
    fr_fault("%s called with the scheduler suspended (vTaskSuspendAll)",
             call);
}

static void fr_delay_to(TaskHandle_t self, uint64_t tick)
{
  uint64_t at = fr_tick_start_us(tick);
  uint64_t now = sim_clock_now_us();
  if (at > now)
    (void)sim_waitlist_block(self->delay, "delay", at - now);
}

void vTaskDelay(const TickType_t xTicksToDelay)
{
  fr_block_check("vTaskDelay");
  if (xTicksToDelay == 0) {
    sim_yield();
    return;
  }
  fr_delay_to(fr_current(), fr_tick_now() + xTicksToDelay);
}

BaseType_t xTaskDelayUntil(TickType_t *const pxPreviousWakeTime,
                           const TickType_t xTimeIncrement)
{
  fr_block_check("xTaskDelayUntil");
  if (!pxPreviousWakeTime || xTimeIncrement == 0)
    fr_fault("xTaskDelayUntil: %s", pxPreviousWakeTime ? "zero increment"
                                                        : "NULL wake time");
  uint64_t now64 = fr_tick_now();
  TickType_t now = (TickType_t)now64;
  TickType_t prev = *pxPreviousWakeTime;
  TickType_t wake = prev + xTimeIncrement;
  bool delay;
  if (now < prev) /* the tick count wrapped since the last wake */
    delay = wake < prev && wake > now;
  else
    delay = wake < prev || wake > now;
  *pxPreviousWakeTime = wake;
  if (!delay) {
    sim_yield();
    return pdFALSE;
  }
  fr_delay_to(fr_current(), now64 + (TickType_t)(wake - now));
  return pdTRUE;
}

/* ------------------------------------------------------------------ */
/* priorities, state, suspension                                       */

UBaseType_t uxTaskPriorityGet(const TaskHandle_t xTask)
{
  return fr_task_or_self(xTask)->prio;
}

UBaseType_t uxTaskPriorityGetFromISR(const TaskHandle_t xTask)
{
  return fr_task_or_self(xTask)->prio;
}

UBaseType_t uxTaskBasePriorityGet(const TaskHandle_t xTask)
{
  return fr_task_or_self(xTask)->base_prio;
}

void vTaskPrioritySet(TaskHandle_t xTask, UBaseType_t uxNewPriority)
{
  fr_not_in_isr("vTaskPrioritySet");
  TaskHandle_t t = fr_task_or_self(xTask);
  UBaseType_t p = fr_clamp_prio(uxNewPriority);
  /* An inherited priority stays until the mutex goes back, unless the
   * new base is higher still. */
  UBaseType_t run = (t->base_prio == t->prio || p > t->prio) ? p : t->prio;
  t->base_prio = p;
  fr_task_set_prio(t, run);
}

eTaskState eTaskGetState(TaskHandle_t xTask)
{
  TaskHandle_t t = xTask;
  if (!t)
    return eInvalid;
  if (t->deleted)
    return eDeleted;
  if (!t->th)
    return t->start_suspended ? eSuspended : eReady;
  switch (sim_thread_state(t->th)) {
  case SIM_TSTATE_RUNNING:
    return eRunning;
  case SIM_TSTATE_READY:
    return eReady;
  case SIM_TSTATE_BLOCKED:
    return eBlocked;
  case SIM_TSTATE_SUSPENDED:
    return eSuspended;
  default:
    return eDeleted;
  }
}

void vTaskSuspend(TaskHandle_t xTaskToSuspend)
{
  fr_not_in_isr("vTaskSuspend");
  TaskHandle_t t = fr_task_or_self(xTaskToSuspend);
  if (!t->th) {
    t->start_suspended = true;
    return;
  }
  if (t->th == sim_thread_self() && sim_sched_lock_depth())
    fr_fault("vTaskSuspend(NULL) with the scheduler suspended");
  sim_thread_suspend(t->th);
}

void vTaskResume(TaskHandle_t xTaskToResume)
{
  fr_not_in_isr("vTaskResume");
  TaskHandle_t t = xTaskToResume;
  if (!t || t->deleted)
    return;
  if (!t->th) {
    t->start_suspended = false;
    return;
  }
  sim_thread_resume(t->th);
}

BaseType_t xTaskResumeFromISR(TaskHandle_t xTaskToResume)
{
  TaskHandle_t t = xTaskToResume;
  if (!t || t->deleted || !t->th || !sim_thread_is_suspended(t->th))
    return pdFALSE;
  BaseType_t yield = pdFALSE;
  sim_thread *self = sim_thread_self();
  if (!self || sim_thread_prio(t->th) >= sim_thread_prio(self))
    yield = pdTRUE;
  sim_thread_resume(t->th);
  return yield;
}

/* ------------------------------------------------------------------ */
/* scheduler                                                           */

void vTaskSuspendAll(void)
{
  fr_kernel_touch();
  sim_sched_lock();
}

BaseType_t xTaskResumeAll(void)
{
  uint64_t before = sim_switch_count();
  sim_sched_unlock();
  return sim_switch_count() != before ? pdTRUE : pdFALSE;
}

BaseType_t xTaskGetSchedulerState(void)
{
  if (!fr_k.started)
    return taskSCHEDULER_NOT_STARTED;
  return sim_sched_lock_depth() ? taskSCHEDULER_SUSPENDED
                                : taskSCHEDULER_RUNNING;
}

/* ------------------------------------------------------------------ */
/* utilities                                                           */

UBaseType_t uxTaskGetNumberOfTasks(void)
{
  return fr_k.ntasks_live;
}

char *pcTaskGetName(TaskHandle_t xTaskToQuery)
{
  return fr_task_or_self(xTaskToQuery)->name;
}

TaskHandle_t xTaskGetHandle(const char *pcNameToQuery)
{
  for (TaskHandle_t t = fr_k.tasks; t; t = t->next)
    if (!t->deleted && !t->adopted && strcmp(t->name, pcNameToQuery) == 0)
      return t;
  return NULL;
}

TaskHandle_t xTaskGetCurrentTaskHandle(void)
{
  return fr_current();
}

void vTaskSetThreadLocalStoragePointer(TaskHandle_t xTaskToSet,
                                       BaseType_t xIndex, void *pvValue)
{
  if (xIndex < 0 || xIndex >= configNUM_THREAD_LOCAL_STORAGE_POINTERS)
    fr_fault("vTaskSetThreadLocalStoragePointer: index %ld out of range "
             "(configNUM_THREAD_LOCAL_STORAGE_POINTERS %d)", (long)xIndex,
             (int)configNUM_THREAD_LOCAL_STORAGE_POINTERS);
  fr_task_or_self(xTaskToSet)->tls[xIndex] = pvValue;
}

/* Reading a task's slot is a scheduling point of its own, named after the
 * call: an interrupt may land there,
 * as at any instruction on a board, so a port that finds the current task
 * first and reads its slot after can be preempted in between (the
 * per-thread semaphore lookup of an lwIP port).  Not in an ISR. */
void *pvTaskGetThreadLocalStoragePointer(TaskHandle_t xTaskToQuery,
                                         BaseType_t xIndex)
{
  sim_point_silent("pvTaskGetThreadLocalStoragePointer");
  if (xIndex < 0 || xIndex >= configNUM_THREAD_LOCAL_STORAGE_POINTERS)
    return NULL;
  return fr_task_or_self(xTaskToQuery)->tls[xIndex];
}

void vTaskSetTimeOutState(TimeOut_t *const pxTimeOut)
{
  uint64_t now = fr_tick_now();
  pxTimeOut->xOverflowCount = (BaseType_t)(now >> 32);
  pxTimeOut->xTimeOnEntering = (TickType_t)now;
}

BaseType_t xTaskCheckForTimeOut(TimeOut_t *const pxTimeOut,
                                TickType_t *const pxTicksToWait)
{
#if INCLUDE_vTaskSuspend == 1
  if (*pxTicksToWait == portMAX_DELAY)
    return pdFALSE;
#endif
  uint64_t entered = ((uint64_t)(uint32_t)pxTimeOut->xOverflowCount << 32) |
                     pxTimeOut->xTimeOnEntering;
  uint64_t elapsed = fr_tick_now() - entered;
  if (elapsed < *pxTicksToWait) {
    *pxTicksToWait -= (TickType_t)elapsed;
    vTaskSetTimeOutState(pxTimeOut);
    return pdFALSE;
  }
  *pxTicksToWait = 0;
  return pdTRUE;
}

/* ------------------------------------------------------------------ */
/* task notifications                                                  */

static void fr_index_check(const char *call, UBaseType_t i)
{
  if (i >= configTASK_NOTIFICATION_ARRAY_ENTRIES)
    fr_fault("%s: index %lu out of range (configTASK_NOTIFICATION_ARRAY_"
             "ENTRIES %d)", call, (unsigned long)i,
             (int)configTASK_NOTIFICATION_ARRAY_ENTRIES);
}

/* The notification itself; returns pdFAIL only for a refused
 * eSetValueWithoutOverwrite, and the thread it woke in *woke. */
static BaseType_t fr_notify(const char *call, TaskHandle_t t, UBaseType_t i,
                            uint32_t v, eNotifyAction a, uint32_t *prev,
                            sim_thread **woke)
{
  *woke = NULL;
  if (!t || t->deleted)
    fr_fault("%s: task deleted or NULL", call);
  fr_index_check(call, i);
  if (prev)
    *prev = t->notify_value[i];
  uint8_t old = t->notify_state[i];
  t->notify_state[i] = FR_NOTIFY_RECEIVED;
  switch (a) {
  case eSetBits:
    t->notify_value[i] |= v;
    break;
  case eIncrement:
    t->notify_value[i]++;
    break;
  case eSetValueWithOverwrite:
    t->notify_value[i] = v;
    break;
  case eSetValueWithoutOverwrite:
    if (old == FR_NOTIFY_RECEIVED)
      return pdFAIL;
    t->notify_value[i] = v;
    break;
  case eNoAction:
    break;
  default:
    fr_fault("%s: unknown action %d", call, (int)a);
  }
  if (old == FR_NOTIFY_WAITING)
    *woke = sim_waitlist_wake(t->notify);
  return pdPASS;
}

BaseType_t xTaskGenericNotify(TaskHandle_t xTaskToNotify,
                              UBaseType_t uxIndexToNotify, uint32_t ulValue,
                              eNotifyAction eAction,
                              uint32_t *pulPreviousNotificationValue)
{
  fr_not_in_isr("xTaskNotify");
  sim_thread *woke;
  BaseType_t rc = fr_notify("xTaskNotify", xTaskToNotify, uxIndexToNotify,
                            ulValue, eAction, pulPreviousNotificationValue,
                            &woke);
  if (woke)
    sim_resched();
  return rc;
}

BaseType_t xTaskGenericNotifyFromISR(TaskHandle_t xTaskToNotify,
                                     UBaseType_t uxIndexToNotify,
                                     uint32_t ulValue, eNotifyAction eAction,
                                     uint32_t *pulPreviousNotificationValue,
                                     BaseType_t *pxHigherPriorityTaskWoken)
{
  sim_thread *woke;
  BaseType_t rc = fr_notify("xTaskNotifyFromISR", xTaskToNotify,
                            uxIndexToNotify, ulValue, eAction,
                            pulPreviousNotificationValue, &woke);
  if (woke && pxHigherPriorityTaskWoken && fr_woke_higher(woke))
    *pxHigherPriorityTaskWoken = pdTRUE;
  if (woke)
    sim_resched();
  return rc;
}

void vTaskGenericNotifyGiveFromISR(TaskHandle_t xTaskToNotify,
                                   UBaseType_t uxIndexToNotify,
                                   BaseType_t *pxHigherPriorityTaskWoken)
{
  (void)xTaskGenericNotifyFromISR(xTaskToNotify, uxIndexToNotify, 0,
                                  eIncrement, NULL, pxHigherPriorityTaskWoken);
}

/* Blocks the caller on its notification `i` unless one is pending. */
static void fr_notify_block(const char *call, TaskHandle_t self, UBaseType_t i,
                            TickType_t ticks)
{
  if (ticks == 0)
    return;
  if (sim_sched_lock_depth())
    fr_fault("%s called with the scheduler suspended", call);
  self->notify_state[i] = FR_NOTIFY_WAITING;
  uint64_t deadline = fr_wait_deadline(ticks);
  (void)sim_waitlist_block(self->notify, "notify wait", fr_left(deadline));
}

uint32_t ulTaskGenericNotifyTake(UBaseType_t uxIndexToWaitOn,
                                 BaseType_t xClearCountOnExit,
                                 TickType_t xTicksToWait)
{
  fr_not_in_isr("ulTaskNotifyTake");
  fr_index_check("ulTaskNotifyTake", uxIndexToWaitOn);
  TaskHandle_t self = fr_current();
  UBaseType_t i = uxIndexToWaitOn;
  if (self->notify_value[i] == 0)
    fr_notify_block("ulTaskNotifyTake", self, i, xTicksToWait);
  uint32_t v = self->notify_value[i];
  if (v != 0)
    self->notify_value[i] = xClearCountOnExit ? 0 : v - 1;
  self->notify_state[i] = FR_NOTIFY_NOT_WAITING;
  return v;
}

BaseType_t xTaskGenericNotifyWait(UBaseType_t uxIndexToWaitOn,
                                  uint32_t ulBitsToClearOnEntry,
                                  uint32_t ulBitsToClearOnExit,
                                  uint32_t *pulNotificationValue,
                                  TickType_t xTicksToWait)
{
  fr_not_in_isr("xTaskNotifyWait");
  fr_index_check("xTaskNotifyWait", uxIndexToWaitOn);
  TaskHandle_t self = fr_current();
  UBaseType_t i = uxIndexToWaitOn;
  if (self->notify_state[i] != FR_NOTIFY_RECEIVED) {
    self->notify_value[i] &= ~ulBitsToClearOnEntry;
    fr_notify_block("xTaskNotifyWait", self, i, xTicksToWait);
  }
  if (pulNotificationValue)
    *pulNotificationValue = self->notify_value[i];
  BaseType_t rc = pdFALSE;
  if (self->notify_state[i] == FR_NOTIFY_RECEIVED) {
    self->notify_value[i] &= ~ulBitsToClearOnExit;
    rc = pdTRUE;
  }
  self->notify_state[i] = FR_NOTIFY_NOT_WAITING;
  return rc;
}

BaseType_t xTaskGenericNotifyStateClear(TaskHandle_t xTask,
                                        UBaseType_t uxIndexToClear)
{
  fr_index_check("xTaskNotifyStateClear", uxIndexToClear);
  TaskHandle_t t = fr_task_or_self(xTask);
  if (t->notify_state[uxIndexToClear] != FR_NOTIFY_RECEIVED)
    return pdFAIL;
  t->notify_state[uxIndexToClear] = FR_NOTIFY_NOT_WAITING;
  return pdPASS;
}

uint32_t ulTaskGenericNotifyValueClear(TaskHandle_t xTask,
                                       UBaseType_t uxIndexToClear,
                                       uint32_t ulBitsToClear)
{
  fr_index_check("ulTaskNotifyValueClear", uxIndexToClear);
  TaskHandle_t t = fr_task_or_self(xTask);
  uint32_t v = t->notify_value[uxIndexToClear];
  t->notify_value[uxIndexToClear] &= ~ulBitsToClear;
  return v;
}

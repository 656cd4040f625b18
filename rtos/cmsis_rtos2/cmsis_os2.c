/*
 * cmsis_os2.c - lwipsim's CMSIS-RTOS2 layer on its FreeRTOS layer.
 * Written for lwipsim from the CMSIS-RTOS2 API reference; not ARM's or a
 * vendor's code.
 *
 * Why on FreeRTOS and not straight on the core: the boards this serves run
 * CMSIS-RTOS2 as their vendor's generator emits it, a wrapper over
 * FreeRTOS, so their semantics are FreeRTOS's underneath: osPriority_t
 * values are FreeRTOS priorities (configMAX_PRIORITIES must be 56), a
 * mutex always inherits priority, thread flags are task notifications,
 * timers run in the timer service task.  Built on the same layer, a
 * generated port here behaves as on the board.  Event flags are kept here
 * on a wait list of the core (FreeRTOS event groups are not part of the
 * FreeRTOS layer).
 *
 * Return codes follow the specification: osErrorISR for a call that is
 * not allowed in interrupt context, osErrorParameter for a bad argument
 * (a NULL id, a non-zero timeout from an ISR), osErrorResource when the
 * object is not available without waiting, osErrorTimeout when a wait ran
 * out.
 */
#include <stdio.h>
#include <string.h>

#include "cmsis_os2.h"
#include "fr_priv.h"
#include "queue.h"
#include "semphr.h"
#include "timers.h"

#if configMAX_PRIORITIES < 56
#error "the CMSIS-RTOS2 layer needs configMAX_PRIORITIES 56 (osPriority_t values are FreeRTOS priorities)"
#endif

static struct {
  bool registered;
  osKernelState_t state;
} C;

static void cm_end(void *arg)
{
  (void)arg;
  memset(&C, 0, sizeof C);
}

static void cm_touch(void)
{
  if (!C.registered) {
    C.registered = true;
    sim_at_run_end(cm_end, NULL);
  }
}

static bool cm_isr(void)
{
  return sim_in_isr();
}

/* CMSIS timeout in ticks to a FreeRTOS one (the same ticks). */
static TickType_t cm_ticks(uint32_t timeout)
{
  return timeout == osWaitForever ? portMAX_DELAY : (TickType_t)timeout;
}

/* ------------------------------------------------------------------ */
/* kernel                                                              */

osStatus_t osKernelInitialize(void)
{
  if (cm_isr())
    return osErrorISR;
  cm_touch();
  if (C.state != osKernelInactive)
    return osError;
  C.state = osKernelReady;
  return osOK;
}

osStatus_t osKernelGetInfo(osVersion_t *version, char *id_buf, uint32_t id_size)
{
  if (version) {
    version->api = 20010003u;    /* API 2.1.3 */
    version->kernel = 10050001u; /* the FreeRTOS layer's version */
  }
  if (id_buf && id_size)
    snprintf(id_buf, id_size, "lwipsim FreeRTOS layer");
  return osOK;
}

osKernelState_t osKernelGetState(void)
{
  cm_touch();
  if (C.state == osKernelRunning && sim_sched_lock_depth())
    return osKernelLocked;
  return C.state;
}

osStatus_t osKernelStart(void)
{
  if (cm_isr())
    return osErrorISR;
  cm_touch();
  if (C.state != osKernelReady)
    return osError;
  C.state = osKernelRunning;
  vTaskStartScheduler(); /* starts the threads and returns to lwipsim */
  return osOK;
}

int32_t osKernelLock(void)
{
  if (cm_isr())
    return osErrorISR;
  if (osKernelGetState() == osKernelLocked)
    return 1;
  if (C.state != osKernelRunning)
    return osError;
  vTaskSuspendAll();
  return 0;
}

int32_t osKernelUnlock(void)
{
  if (cm_isr())
    return osErrorISR;
  if (osKernelGetState() == osKernelLocked) {
    (void)xTaskResumeAll();
    return 1;
  }
  return C.state == osKernelRunning ? 0 : osError;
}

int32_t osKernelRestoreLock(int32_t lock)
{
  if (cm_isr())
    return osErrorISR;
  if (lock == 1) {
    if (osKernelGetState() != osKernelLocked)
      vTaskSuspendAll();
    return 1;
  }
  if (lock == 0) {
    if (osKernelGetState() == osKernelLocked)
      (void)xTaskResumeAll();
    return 0;
  }
  return osError;
}

uint32_t osKernelGetTickCount(void)
{
  return cm_isr() ? xTaskGetTickCountFromISR() : xTaskGetTickCount();
}

uint32_t osKernelGetTickFreq(void)
{
  return configTICK_RATE_HZ;
}

/* ------------------------------------------------------------------ */
/* threads                                                             */

static bool cm_prio_ok(osPriority_t p)
{
  return p >= osPriorityIdle && p <= osPriorityISR;
}

osThreadId_t osThreadNew(osThreadFunc_t func, void *argument,
                         const osThreadAttr_t *attr)
{
  if (cm_isr() || !func)
    return NULL;
  const char *name = "";
  osPriority_t prio = osPriorityNormal;
  uint32_t stack = configMINIMAL_STACK_SIZE * sizeof(StackType_t);
  if (attr) {
    if (attr->name)
      name = attr->name;
    if (attr->priority != osPriorityNone)
      prio = attr->priority;
    if (attr->stack_size)
      stack = attr->stack_size;
  }
  if (!cm_prio_ok(prio) || (attr && attr->attr_bits & osThreadJoinable))
    return NULL;
  TaskHandle_t t = NULL;
  if (attr && attr->cb_mem && attr->stack_mem &&
      attr->cb_size >= sizeof(StaticTask_t)) {
#if configSUPPORT_STATIC_ALLOCATION == 1
    t = xTaskCreateStatic(func, name, stack / sizeof(StackType_t), argument,
                          (UBaseType_t)prio, attr->stack_mem, attr->cb_mem);
#endif
  } else if (!attr || (!attr->cb_mem && !attr->stack_mem)) {
    if (xTaskCreate(func, name,
                    (configSTACK_DEPTH_TYPE)(stack / sizeof(StackType_t)),
                    argument, (UBaseType_t)prio, &t) != pdPASS)
      t = NULL;
  }
  return t;
}

const char *osThreadGetName(osThreadId_t thread_id)
{
  if (cm_isr() || !thread_id)
    return NULL;
  return pcTaskGetName(thread_id);
}

osThreadId_t osThreadGetId(void)
{
  return xTaskGetCurrentTaskHandle();
}

osThreadState_t osThreadGetState(osThreadId_t thread_id)
{
  if (cm_isr() || !thread_id)
    return osThreadError;
  switch (eTaskGetState(thread_id)) {
  case eRunning:
    return osThreadRunning;
  case eReady:
    return osThreadReady;
  case eBlocked:
  case eSuspended:
    return osThreadBlocked;
  case eDeleted:
    return osThreadTerminated;
  default:
    return osThreadError;
  }
}

osStatus_t osThreadSetPriority(osThreadId_t thread_id, osPriority_t priority)
{
  if (cm_isr())
    return osErrorISR;
  if (!thread_id || !cm_prio_ok(priority))
    return osErrorParameter;
  vTaskPrioritySet(thread_id, (UBaseType_t)priority);
  return osOK;
}

osPriority_t osThreadGetPriority(osThreadId_t thread_id)
{
  if (cm_isr() || !thread_id)
    return osPriorityError;
  return (osPriority_t)uxTaskPriorityGet(thread_id);
}

osStatus_t osThreadYield(void)
{
  if (cm_isr())
    return osErrorISR;
  taskYIELD();
  return osOK;
}

osStatus_t osThreadSuspend(osThreadId_t thread_id)
{
  if (cm_isr())
    return osErrorISR;
  if (!thread_id)
    return osErrorParameter;
  vTaskSuspend(thread_id);
  return osOK;
}

osStatus_t osThreadResume(osThreadId_t thread_id)
{
  if (cm_isr())
    return osErrorISR;
  if (!thread_id)
    return osErrorParameter;
  vTaskResume(thread_id);
  return osOK;
}

void osThreadExit(void)
{
  vTaskDelete(NULL);
  for (;;) {
  }
}

osStatus_t osThreadTerminate(osThreadId_t thread_id)
{
  if (cm_isr())
    return osErrorISR;
  if (!thread_id)
    return osErrorParameter;
  if (eTaskGetState(thread_id) == eDeleted)
    return osErrorResource;
  vTaskDelete(thread_id);
  return osOK;
}

uint32_t osThreadGetCount(void)
{
  if (cm_isr())
    return 0;
  return (uint32_t)uxTaskGetNumberOfTasks();
}

/* ------------------------------------------------------------------ */
/* thread flags: the task's notification value                         */

uint32_t osThreadFlagsSet(osThreadId_t thread_id, uint32_t flags)
{
  if (!thread_id || (flags & osFlagsError))
    return osFlagsErrorParameter;
  uint32_t prev = 0;
  if (cm_isr()) {
    BaseType_t woken = pdFALSE;
    (void)xTaskNotifyAndQueryFromISR(thread_id, flags, eSetBits, &prev, &woken);
    portYIELD_FROM_ISR(woken);
  } else {
    (void)xTaskNotifyAndQuery(thread_id, flags, eSetBits, &prev);
  }
  return prev | flags;
}

uint32_t osThreadFlagsClear(uint32_t flags)
{
  if (cm_isr())
    return osFlagsErrorISR;
  if (flags & osFlagsError)
    return osFlagsErrorParameter;
  return ulTaskNotifyValueClear(NULL, flags);
}

uint32_t osThreadFlagsGet(void)
{
  if (cm_isr())
    return osFlagsErrorISR;
  return ulTaskNotifyValueClear(NULL, 0);
}

uint32_t osThreadFlagsWait(uint32_t flags, uint32_t options, uint32_t timeout)
{
  if (cm_isr())
    return osFlagsErrorISR;
  if (flags & osFlagsError)
    return osFlagsErrorParameter;
  TaskHandle_t self = fr_current();
  uint64_t deadline = fr_wait_deadline(cm_ticks(timeout));
  for (;;) {
    uint32_t v = self->notify_value[0];
    bool ok = (options & osFlagsWaitAll) ? (v & flags) == flags
                                         : (v & flags) != 0;
    if (ok) {
      if (!(options & osFlagsNoClear))
        self->notify_value[0] &= ~flags;
      self->notify_state[0] = FR_NOTIFY_NOT_WAITING;
      return v;
    }
    if (timeout == 0)
      return osFlagsErrorResource;
    uint64_t left = fr_left(deadline);
    if (left == 0) {
      self->notify_state[0] = FR_NOTIFY_NOT_WAITING;
      return osFlagsErrorTimeout;
    }
    if (sim_sched_lock_depth())
      fr_fault("osThreadFlagsWait called with the kernel locked");
    self->notify_state[0] = FR_NOTIFY_WAITING;
    (void)sim_waitlist_block(self->notify, "flags wait", left);
  }
}

/* ------------------------------------------------------------------ */
/* delays                                                              */

osStatus_t osDelay(uint32_t ticks)
{
  if (cm_isr())
    return osErrorISR;
  if (ticks != 0)
    vTaskDelay(ticks);
  return osOK;
}

osStatus_t osDelayUntil(uint32_t ticks)
{
  if (cm_isr())
    return osErrorISR;
  TickType_t now = xTaskGetTickCount();
  TickType_t delta = (TickType_t)(ticks - now);
  if (delta == 0 || delta > 0x7FFFFFFFu)
    return osErrorParameter; /* now or in the past */
  vTaskDelayUntil(&now, delta);
  return osOK;
}

/* ------------------------------------------------------------------ */
/* timers                                                              */

typedef struct {
  TimerHandle_t t;
  osTimerFunc_t func;
  void *arg;
  const char *name;
} cm_timer;

static void cm_timer_cb(TimerHandle_t t)
{
  cm_timer *c = pvTimerGetTimerID(t);
  c->func(c->arg);
}

osTimerId_t osTimerNew(osTimerFunc_t func, osTimerType_t type, void *argument,
                       const osTimerAttr_t *attr)
{
  if (cm_isr() || !func)
    return NULL;
  cm_timer *c = fr_alloc(sizeof *c);
  c->func = func;
  c->arg = argument;
  c->name = attr ? attr->name : NULL;
  /* The period is set by osTimerStart; FreeRTOS needs one meanwhile. */
  c->t = xTimerCreate(c->name, 1, type == osTimerPeriodic ? pdTRUE : pdFALSE,
                      c, cm_timer_cb);
  if (!c->t) {
    fr_free(c);
    return NULL;
  }
  return c;
}

const char *osTimerGetName(osTimerId_t timer_id)
{
  if (cm_isr() || !timer_id)
    return NULL;
  return ((cm_timer *)timer_id)->name;
}

osStatus_t osTimerStart(osTimerId_t timer_id, uint32_t ticks)
{
  if (cm_isr())
    return osErrorISR;
  if (!timer_id || ticks == 0)
    return osErrorParameter;
  cm_timer *c = timer_id;
  return xTimerChangePeriod(c->t, ticks, 0) == pdPASS ? osOK : osErrorResource;
}

osStatus_t osTimerStop(osTimerId_t timer_id)
{
  if (cm_isr())
    return osErrorISR;
  if (!timer_id)
    return osErrorParameter;
  cm_timer *c = timer_id;
  if (xTimerIsTimerActive(c->t) == pdFALSE)
    return osErrorResource;
  return xTimerStop(c->t, 0) == pdPASS ? osOK : osErrorResource;
}

uint32_t osTimerIsRunning(osTimerId_t timer_id)
{
  if (cm_isr() || !timer_id)
    return 0;
  return xTimerIsTimerActive(((cm_timer *)timer_id)->t) != pdFALSE;
}

osStatus_t osTimerDelete(osTimerId_t timer_id)
{
  if (cm_isr())
    return osErrorISR;
  if (!timer_id)
    return osErrorParameter;
  cm_timer *c = timer_id;
  /* The wrapper stays until the run ends: the service task may still
   * hold the timer until it reads the command. */
  return xTimerDelete(c->t, 0) == pdPASS ? osOK : osErrorResource;
}

/* ------------------------------------------------------------------ */
/* event flags                                                         */

/* A thread waiting on event flags: osEventFlagsSet decides, at the
 * moment it sets them, which waiters are satisfied and with what value,
 * and clears what they asked to clear only after all were considered. */
typedef struct cm_efwait {
  uint32_t flags, options, result;
  bool done;
  struct cm_efwait *next;
} cm_efwait;

typedef struct {
  uint32_t flags;
  sim_waitlist *w;
  const char *name;
  cm_efwait *waiters; /* in arrival order */
} cm_evflags;

static bool cm_ef_match(uint32_t have, uint32_t want, uint32_t options)
{
  return (options & osFlagsWaitAll) ? (have & want) == want
                                    : (have & want) != 0;
}

osEventFlagsId_t osEventFlagsNew(const osEventFlagsAttr_t *attr)
{
  if (cm_isr())
    return NULL;
  cm_evflags *e = fr_alloc(sizeof *e);
  e->name = attr ? attr->name : NULL;
  e->w = sim_waitlist_new("evflags");
  if (e->name)
    sim_waitlist_set_name(e->w, e->name);
  return e;
}

const char *osEventFlagsGetName(osEventFlagsId_t ef_id)
{
  if (cm_isr() || !ef_id)
    return NULL;
  return ((cm_evflags *)ef_id)->name;
}

uint32_t osEventFlagsSet(osEventFlagsId_t ef_id, uint32_t flags)
{
  if (!ef_id || (flags & osFlagsError))
    return osFlagsErrorParameter;
  cm_evflags *e = ef_id;
  e->flags |= flags;
  uint32_t now = e->flags, clear = 0;
  bool any = false;
  for (cm_efwait *w = e->waiters; w; w = w->next)
    if (!w->done && cm_ef_match(now, w->flags, w->options)) {
      w->done = true;
      w->result = now;
      if (!(w->options & osFlagsNoClear))
        clear |= w->flags;
      any = true;
    }
  e->flags &= ~clear;
  if (any) {
    /* Every waiter looks at its own record; the others wait again. */
    while (sim_waitlist_wake(e->w)) {
    }
    sim_resched();
  }
  return now;
}

uint32_t osEventFlagsClear(osEventFlagsId_t ef_id, uint32_t flags)
{
  if (!ef_id || (flags & osFlagsError))
    return osFlagsErrorParameter;
  cm_evflags *e = ef_id;
  uint32_t was = e->flags;
  e->flags &= ~flags;
  return was;
}

uint32_t osEventFlagsGet(osEventFlagsId_t ef_id)
{
  if (!ef_id)
    return 0;
  return ((cm_evflags *)ef_id)->flags;
}

uint32_t osEventFlagsWait(osEventFlagsId_t ef_id, uint32_t flags,
                          uint32_t options, uint32_t timeout)
{
  if (!ef_id || (flags & osFlagsError))
    return osFlagsErrorParameter;
  if (cm_isr() && timeout != 0)
    return osFlagsErrorParameter;
  cm_evflags *e = ef_id;
  uint32_t v = e->flags;
  if (cm_ef_match(v, flags, options)) {
    if (!(options & osFlagsNoClear))
      e->flags &= ~flags;
    return v;
  }
  if (timeout == 0)
    return osFlagsErrorResource;
  if (sim_sched_lock_depth())
    fr_fault("osEventFlagsWait called with the kernel locked");
  cm_efwait me = {flags, options, 0, false, NULL};
  cm_efwait **pp = &e->waiters;
  while (*pp)
    pp = &(*pp)->next;
  *pp = &me;
  uint64_t deadline = fr_wait_deadline(cm_ticks(timeout));
  uint64_t left;
  while (!me.done && (left = fr_left(deadline)) > 0)
    (void)sim_waitlist_block(e->w, "flags wait", left);
  for (pp = &e->waiters; *pp != &me; pp = &(*pp)->next) {
  }
  *pp = me.next;
  return me.done ? me.result : osFlagsErrorTimeout;
}

osStatus_t osEventFlagsDelete(osEventFlagsId_t ef_id)
{
  if (cm_isr())
    return osErrorISR;
  if (!ef_id)
    return osErrorParameter;
  cm_evflags *e = ef_id;
  sim_waitlist_free(e->w, "osEventFlagsDelete");
  fr_free(e);
  return osOK;
}

/* ------------------------------------------------------------------ */
/* mutexes and semaphores                                              */

typedef struct {
  SemaphoreHandle_t h;
  const char *name;
  bool recursive;
  uint32_t max;
} cm_sem;

osMutexId_t osMutexNew(const osMutexAttr_t *attr)
{
  if (cm_isr())
    return NULL;
  cm_sem *m = fr_alloc(sizeof *m);
  m->recursive = attr && (attr->attr_bits & osMutexRecursive);
  m->name = attr ? attr->name : NULL;
  /* FreeRTOS mutexes always inherit priority (osMutexPrioInherit or
   * not); osMutexRobust has no FreeRTOS counterpart and is ignored, as
   * on FreeRTOS-based kernels. */
  m->h = m->recursive ? xSemaphoreCreateRecursiveMutex() : xSemaphoreCreateMutex();
  if (!m->h) {
    fr_free(m);
    return NULL;
  }
  if (m->name)
    vQueueAddToRegistry(m->h, m->name);
  return m;
}

const char *osMutexGetName(osMutexId_t mutex_id)
{
  if (cm_isr() || !mutex_id)
    return NULL;
  return ((cm_sem *)mutex_id)->name;
}

osStatus_t osMutexAcquire(osMutexId_t mutex_id, uint32_t timeout)
{
  if (cm_isr())
    return osErrorISR;
  if (!mutex_id)
    return osErrorParameter;
  cm_sem *m = mutex_id;
  BaseType_t rc = m->recursive
                      ? xSemaphoreTakeRecursive(m->h, cm_ticks(timeout))
                      : xSemaphoreTake(m->h, cm_ticks(timeout));
  if (rc == pdPASS)
    return osOK;
  return timeout ? osErrorTimeout : osErrorResource;
}

osStatus_t osMutexRelease(osMutexId_t mutex_id)
{
  if (cm_isr())
    return osErrorISR;
  if (!mutex_id)
    return osErrorParameter;
  cm_sem *m = mutex_id;
  if (xSemaphoreGetMutexHolder(m->h) != xTaskGetCurrentTaskHandle())
    return osErrorResource;
  BaseType_t rc = m->recursive ? xSemaphoreGiveRecursive(m->h)
                               : xSemaphoreGive(m->h);
  return rc == pdPASS ? osOK : osErrorResource;
}

osThreadId_t osMutexGetOwner(osMutexId_t mutex_id)
{
  if (cm_isr() || !mutex_id)
    return NULL;
  return xSemaphoreGetMutexHolder(((cm_sem *)mutex_id)->h);
}

osStatus_t osMutexDelete(osMutexId_t mutex_id)
{
  if (cm_isr())
    return osErrorISR;
  if (!mutex_id)
    return osErrorParameter;
  cm_sem *m = mutex_id;
  vSemaphoreDelete(m->h);
  fr_free(m);
  return osOK;
}

osSemaphoreId_t osSemaphoreNew(uint32_t max_count, uint32_t initial_count,
                               const osSemaphoreAttr_t *attr)
{
  if (cm_isr() || max_count == 0 || initial_count > max_count)
    return NULL;
  cm_sem *s = fr_alloc(sizeof *s);
  s->max = max_count;
  s->name = attr ? attr->name : NULL;
  if (max_count == 1) {
    s->h = xSemaphoreCreateBinary();
    if (s->h && initial_count)
      (void)xSemaphoreGive(s->h);
  } else {
    s->h = xSemaphoreCreateCounting(max_count, initial_count);
  }
  if (!s->h) {
    fr_free(s);
    return NULL;
  }
  if (s->name)
    vQueueAddToRegistry(s->h, s->name);
  return s;
}

const char *osSemaphoreGetName(osSemaphoreId_t semaphore_id)
{
  if (cm_isr() || !semaphore_id)
    return NULL;
  return ((cm_sem *)semaphore_id)->name;
}

osStatus_t osSemaphoreAcquire(osSemaphoreId_t semaphore_id, uint32_t timeout)
{
  if (!semaphore_id)
    return osErrorParameter;
  cm_sem *s = semaphore_id;
  if (cm_isr()) {
    if (timeout != 0)
      return osErrorParameter;
    BaseType_t woken = pdFALSE;
    if (xSemaphoreTakeFromISR(s->h, &woken) != pdPASS)
      return osErrorResource;
    portYIELD_FROM_ISR(woken);
    return osOK;
  }
  if (xSemaphoreTake(s->h, cm_ticks(timeout)) == pdPASS)
    return osOK;
  return timeout ? osErrorTimeout : osErrorResource;
}

osStatus_t osSemaphoreRelease(osSemaphoreId_t semaphore_id)
{
  if (!semaphore_id)
    return osErrorParameter;
  cm_sem *s = semaphore_id;
  if (cm_isr()) {
    BaseType_t woken = pdFALSE;
    if (xSemaphoreGiveFromISR(s->h, &woken) != pdPASS)
      return osErrorResource;
    portYIELD_FROM_ISR(woken);
    return osOK;
  }
  return xSemaphoreGive(s->h) == pdPASS ? osOK : osErrorResource;
}

uint32_t osSemaphoreGetCount(osSemaphoreId_t semaphore_id)
{
  if (!semaphore_id)
    return 0;
  cm_sem *s = semaphore_id;
  return (uint32_t)(cm_isr() ? uxSemaphoreGetCountFromISR(s->h)
                             : uxSemaphoreGetCount(s->h));
}

osStatus_t osSemaphoreDelete(osSemaphoreId_t semaphore_id)
{
  if (cm_isr())
    return osErrorISR;
  if (!semaphore_id)
    return osErrorParameter;
  cm_sem *s = semaphore_id;
  vSemaphoreDelete(s->h);
  fr_free(s);
  return osOK;
}

/* ------------------------------------------------------------------ */
/* message queues                                                      */

typedef struct {
  QueueHandle_t q;
  uint32_t count, size;
  const char *name;
} cm_mq;

osMessageQueueId_t osMessageQueueNew(uint32_t msg_count, uint32_t msg_size,
                                     const osMessageQueueAttr_t *attr)
{
  if (cm_isr() || msg_count == 0 || msg_size == 0)
    return NULL;
  cm_mq *m = fr_alloc(sizeof *m);
  m->count = msg_count;
  m->size = msg_size;
  m->name = attr ? attr->name : NULL;
  m->q = xQueueCreate(msg_count, msg_size);
  if (!m->q) {
    fr_free(m);
    return NULL;
  }
  if (m->name)
    vQueueAddToRegistry(m->q, m->name);
  return m;
}

const char *osMessageQueueGetName(osMessageQueueId_t mq_id)
{
  if (cm_isr() || !mq_id)
    return NULL;
  return ((cm_mq *)mq_id)->name;
}

osStatus_t osMessageQueuePut(osMessageQueueId_t mq_id, const void *msg_ptr,
                             uint8_t msg_prio, uint32_t timeout)
{
  (void)msg_prio; /* FreeRTOS queues are FIFO: priority ignored */
  if (!mq_id || !msg_ptr)
    return osErrorParameter;
  cm_mq *m = mq_id;
  if (cm_isr()) {
    if (timeout != 0)
      return osErrorParameter;
    BaseType_t woken = pdFALSE;
    if (xQueueSendToBackFromISR(m->q, msg_ptr, &woken) != pdPASS)
      return osErrorResource;
    portYIELD_FROM_ISR(woken);
    return osOK;
  }
  if (xQueueSendToBack(m->q, msg_ptr, cm_ticks(timeout)) == pdPASS)
    return osOK;
  return timeout ? osErrorTimeout : osErrorResource;
}

osStatus_t osMessageQueueGet(osMessageQueueId_t mq_id, void *msg_ptr,
                             uint8_t *msg_prio, uint32_t timeout)
{
  if (!mq_id || !msg_ptr)
    return osErrorParameter;
  if (msg_prio)
    *msg_prio = 0;
  cm_mq *m = mq_id;
  if (cm_isr()) {
    if (timeout != 0)
      return osErrorParameter;
    BaseType_t woken = pdFALSE;
    if (xQueueReceiveFromISR(m->q, msg_ptr, &woken) != pdPASS)
      return osErrorResource;
    portYIELD_FROM_ISR(woken);
    return osOK;
  }
  if (xQueueReceive(m->q, msg_ptr, cm_ticks(timeout)) == pdPASS)
    return osOK;
  return timeout ? osErrorTimeout : osErrorResource;
}

uint32_t osMessageQueueGetCapacity(osMessageQueueId_t mq_id)
{
  return mq_id ? ((cm_mq *)mq_id)->count : 0;
}

uint32_t osMessageQueueGetMsgSize(osMessageQueueId_t mq_id)
{
  return mq_id ? ((cm_mq *)mq_id)->size : 0;
}

uint32_t osMessageQueueGetCount(osMessageQueueId_t mq_id)
{
  if (!mq_id)
    return 0;
  cm_mq *m = mq_id;
  return (uint32_t)(cm_isr() ? uxQueueMessagesWaitingFromISR(m->q)
                             : uxQueueMessagesWaiting(m->q));
}

uint32_t osMessageQueueGetSpace(osMessageQueueId_t mq_id)
{
  if (!mq_id)
    return 0;
  return (uint32_t)uxQueueSpacesAvailable(((cm_mq *)mq_id)->q);
}

osStatus_t osMessageQueueReset(osMessageQueueId_t mq_id)
{
  if (cm_isr())
    return osErrorISR;
  if (!mq_id)
    return osErrorParameter;
  (void)xQueueReset(((cm_mq *)mq_id)->q);
  return osOK;
}

osStatus_t osMessageQueueDelete(osMessageQueueId_t mq_id)
{
  if (cm_isr())
    return osErrorISR;
  if (!mq_id)
    return osErrorParameter;
  cm_mq *m = mq_id;
  vQueueDelete(m->q);
  fr_free(m);
  return osOK;
}

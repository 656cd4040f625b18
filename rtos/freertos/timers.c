/*
 * timers.c - lwipsim's FreeRTOS layer: software timers.  As in the
 * kernel, the API only sends commands to the timer service task (a real
 * task of this layer, "Tmr Svc", at configTIMER_TASK_PRIORITY, created by
 * vTaskStartScheduler) through its queue of configTIMER_QUEUE_LENGTH; the
 * task keeps the active timers, waits on its queue until the next expiry
 * and runs the callbacks itself.  An auto-reload timer's next expiry is
 * its last expiry plus the period, so it does not drift; a period missed
 * entirely is called back at once, as the kernel does.  Written for
 * lwipsim from the FreeRTOS API reference; not FreeRTOS code.
 */
#include <string.h>

#include "fr_priv.h"
#include "queue.h"
#include "timers.h"

#if configUSE_TIMERS == 1

struct tmrTimerControl {
  const char *name;
  TickType_t period;
  bool auto_reload;
  void *id;
  TimerCallbackFunction_t cb;
  bool active;
  uint64_t expiry;  /* 64-bit tick */
  uint64_t seq;     /* equal expiries fire in the order they were set */
  void *heap_block; /* dynamic: the kernel's timer lives in its heap */
};

typedef struct {
  BaseType_t cmd;
  TickType_t value;
  TimerHandle_t timer;
} fr_tcmd;

#define FR_MAX_TIMERS 256

static struct {
  QueueHandle_t q;
  TaskHandle_t task;
  TimerHandle_t all[FR_MAX_TIMERS]; /* in creation order; NULL: deleted */
  unsigned n;
  uint64_t seq;
} T;

void fr_timers_reset(void)
{
  memset(&T, 0, sizeof T);
}

static void fr_timer_queue(void)
{
  if (!T.q) {
#if configSUPPORT_DYNAMIC_ALLOCATION == 1
    T.q = xQueueCreate(configTIMER_QUEUE_LENGTH, sizeof(fr_tcmd));
#else
    static StaticQueue_t qbuf;
    static uint8_t storage[configTIMER_QUEUE_LENGTH * sizeof(fr_tcmd)];
    T.q = xQueueCreateStatic(configTIMER_QUEUE_LENGTH, sizeof(fr_tcmd),
                             storage, &qbuf);
#endif
    vQueueAddToRegistry(T.q, "TmrQ");
  }
}

/* The active timer that expires first (FIFO among equal expiries). */
static TimerHandle_t fr_next_timer(void)
{
  TimerHandle_t best = NULL;
  for (unsigned i = 0; i < T.n; i++) {
    TimerHandle_t t = T.all[i];
    if (t && t->active &&
        (!best || t->expiry < best->expiry ||
         (t->expiry == best->expiry && t->seq < best->seq)))
      best = t;
  }
  return best;
}

static void fr_timer_arm(TimerHandle_t t, uint64_t from)
{
  t->active = true;
  t->expiry = from + t->period;
  t->seq = ++T.seq;
}

static void fr_timer_command(const fr_tcmd *c)
{
  TimerHandle_t t = c->timer;
  uint64_t now = fr_tick_now();
  switch (c->cmd) {
  case tmrCOMMAND_START:
  case tmrCOMMAND_RESET:
  case tmrCOMMAND_START_FROM_ISR:
  case tmrCOMMAND_RESET_FROM_ISR:
    /* From the tick the command was sent at. */
    fr_timer_arm(t, now - (TickType_t)((TickType_t)now - c->value));
    break;
  case tmrCOMMAND_STOP:
  case tmrCOMMAND_STOP_FROM_ISR:
    t->active = false;
    break;
  case tmrCOMMAND_CHANGE_PERIOD:
  case tmrCOMMAND_CHANGE_PERIOD_FROM_ISR:
    t->period = c->value;
    fr_timer_arm(t, now);
    break;
  case tmrCOMMAND_DELETE:
    for (unsigned i = 0; i < T.n; i++)
      if (T.all[i] == t)
        T.all[i] = NULL;
    vPortFree(t->heap_block);
    fr_free(t);
    break;
  default:
    break;
  }
}

static void fr_timer_task(void *arg)
{
  (void)arg;
  for (;;) {
    TimerHandle_t t = fr_next_timer();
    uint64_t now = fr_tick_now();
    if (t && t->expiry <= now) {
      if (t->auto_reload) {
        t->expiry += t->period;
        t->seq = ++T.seq;
      } else {
        t->active = false;
      }
      t->cb(t);
      continue;
    }
    fr_tcmd c;
    TickType_t wait = t ? (TickType_t)(t->expiry - now) : portMAX_DELAY;
    if (xQueueReceive(T.q, &c, wait) == pdPASS)
      fr_timer_command(&c);
  }
}

void fr_timers_start(void)
{
  fr_timer_queue();
#if configSUPPORT_STATIC_ALLOCATION == 1
  extern void vApplicationGetTimerTaskMemory(StaticTask_t **, StackType_t **,
                                             uint32_t *);
  StaticTask_t *tcb = NULL;
  StackType_t *stack = NULL;
  uint32_t depth = 0;
  vApplicationGetTimerTaskMemory(&tcb, &stack, &depth);
  T.task = xTaskCreateStatic(fr_timer_task, "Tmr Svc", depth, NULL,
                             configTIMER_TASK_PRIORITY, stack, tcb);
#else
  if (xTaskCreate(fr_timer_task, "Tmr Svc", configTIMER_TASK_STACK_DEPTH,
                  NULL, configTIMER_TASK_PRIORITY, &T.task) != pdPASS)
    fr_fault("vTaskStartScheduler: no heap for the timer service task");
#endif
}

static TimerHandle_t fr_timer_new(const char *call, const char *name,
                                  TickType_t period, BaseType_t reload,
                                  void *id, TimerCallbackFunction_t cb,
                                  bool dynamic)
{
  fr_not_in_isr(call);
  if (period == 0 || !cb)
    fr_fault("%s: %s", call, period == 0 ? "period of 0 ticks" : "no callback");
  if (T.n == FR_MAX_TIMERS)
    fr_fault("%s: more than %d timers in one run", call, FR_MAX_TIMERS);
  void *block = NULL;
  if (dynamic && !(block = pvPortMalloc(sizeof(StaticTimer_t))))
    return NULL;
  fr_timer_queue();
  TimerHandle_t t = fr_alloc(sizeof *t);
  t->name = name;
  t->period = period;
  t->auto_reload = reload != pdFALSE;
  t->id = id;
  t->cb = cb;
  t->heap_block = block;
  T.all[T.n++] = t;
  return t;
}

TimerHandle_t xTimerCreate(const char *const pcTimerName,
                           const TickType_t xTimerPeriodInTicks,
                           const BaseType_t xAutoReload, void *const pvTimerID,
                           TimerCallbackFunction_t pxCallbackFunction)
{
  return fr_timer_new("xTimerCreate", pcTimerName, xTimerPeriodInTicks,
                      xAutoReload, pvTimerID, pxCallbackFunction, true);
}

TimerHandle_t xTimerCreateStatic(const char *const pcTimerName,
                                 const TickType_t xTimerPeriodInTicks,
                                 const BaseType_t xAutoReload,
                                 void *const pvTimerID,
                                 TimerCallbackFunction_t pxCallbackFunction,
                                 StaticTimer_t *pxTimerBuffer)
{
  if (!pxTimerBuffer)
    return NULL;
  return fr_timer_new("xTimerCreateStatic", pcTimerName, xTimerPeriodInTicks,
                      xAutoReload, pvTimerID, pxCallbackFunction, false);
}

BaseType_t xTimerGenericCommand(TimerHandle_t xTimer, const BaseType_t xCommandID,
                                const TickType_t xOptionalValue,
                                BaseType_t *const pxHigherPriorityTaskWoken,
                                const TickType_t xTicksToWait)
{
  if (!xTimer)
    fr_fault("xTimerGenericCommand: NULL timer");
  if ((xCommandID == tmrCOMMAND_CHANGE_PERIOD ||
       xCommandID == tmrCOMMAND_CHANGE_PERIOD_FROM_ISR) &&
      xOptionalValue == 0)
    fr_fault("xTimerChangePeriod: period of 0 ticks");
  fr_tcmd c = {xCommandID, xOptionalValue, xTimer};
  if (xCommandID >= tmrFIRST_FROM_ISR_COMMAND)
    return xQueueSendToBackFromISR(T.q, &c, pxHigherPriorityTaskWoken);
  return xQueueSendToBack(T.q, &c,
                          xTaskGetSchedulerState() == taskSCHEDULER_RUNNING
                              ? xTicksToWait
                              : 0);
}

BaseType_t xTimerIsTimerActive(TimerHandle_t xTimer)
{
  return xTimer->active ? pdTRUE : pdFALSE;
}

void *pvTimerGetTimerID(const TimerHandle_t xTimer)
{
  return xTimer->id;
}

void vTimerSetTimerID(TimerHandle_t xTimer, void *pvNewID)
{
  xTimer->id = pvNewID;
}

const char *pcTimerGetName(TimerHandle_t xTimer)
{
  return xTimer->name;
}

TickType_t xTimerGetPeriod(TimerHandle_t xTimer)
{
  return xTimer->period;
}

TickType_t xTimerGetExpiryTime(TimerHandle_t xTimer)
{
  return (TickType_t)xTimer->expiry;
}

void vTimerSetReloadMode(TimerHandle_t xTimer, const BaseType_t xAutoReload)
{
  xTimer->auto_reload = xAutoReload != pdFALSE;
}

BaseType_t xTimerGetReloadMode(TimerHandle_t xTimer)
{
  return xTimer->auto_reload ? pdTRUE : pdFALSE;
}

TaskHandle_t xTimerGetTimerDaemonTaskHandle(void)
{
  return T.task;
}

#else /* configUSE_TIMERS */

void fr_timers_reset(void)
{
}

void fr_timers_start(void)
{
}

#endif

/*
 * timers.h - lwipsim's FreeRTOS layer: software timers, run by the timer
 * service task at configTIMER_TASK_PRIORITY through its command queue
 * (rtos/freertos/timers.c).  Written for lwipsim from the FreeRTOS API
 * reference; not FreeRTOS code.
 */
#ifndef TIMERS_H
#define TIMERS_H

#ifndef INC_FREERTOS_H
#error "include FreeRTOS.h must appear in source files before include timers.h"
#endif

#include "task.h"

struct tmrTimerControl;
typedef struct tmrTimerControl *TimerHandle_t;
typedef void (*TimerCallbackFunction_t)(TimerHandle_t xTimer);
typedef void (*PendedFunction_t)(void *, uint32_t);

#define tmrCOMMAND_START ((BaseType_t)1)
#define tmrCOMMAND_RESET ((BaseType_t)2)
#define tmrCOMMAND_STOP ((BaseType_t)3)
#define tmrCOMMAND_CHANGE_PERIOD ((BaseType_t)4)
#define tmrCOMMAND_DELETE ((BaseType_t)5)
#define tmrFIRST_FROM_ISR_COMMAND ((BaseType_t)6)
#define tmrCOMMAND_START_FROM_ISR ((BaseType_t)6)
#define tmrCOMMAND_RESET_FROM_ISR ((BaseType_t)7)
#define tmrCOMMAND_STOP_FROM_ISR ((BaseType_t)8)
#define tmrCOMMAND_CHANGE_PERIOD_FROM_ISR ((BaseType_t)9)

TimerHandle_t xTimerCreate(const char *const pcTimerName,
                           const TickType_t xTimerPeriodInTicks,
                           const BaseType_t xAutoReload, void *const pvTimerID,
                           TimerCallbackFunction_t pxCallbackFunction);
TimerHandle_t xTimerCreateStatic(const char *const pcTimerName,
                                 const TickType_t xTimerPeriodInTicks,
                                 const BaseType_t xAutoReload,
                                 void *const pvTimerID,
                                 TimerCallbackFunction_t pxCallbackFunction,
                                 StaticTimer_t *pxTimerBuffer);
BaseType_t xTimerGenericCommand(TimerHandle_t xTimer, const BaseType_t xCommandID,
                                const TickType_t xOptionalValue,
                                BaseType_t *const pxHigherPriorityTaskWoken,
                                const TickType_t xTicksToWait);
BaseType_t xTimerIsTimerActive(TimerHandle_t xTimer);
void *pvTimerGetTimerID(const TimerHandle_t xTimer);
void vTimerSetTimerID(TimerHandle_t xTimer, void *pvNewID);
const char *pcTimerGetName(TimerHandle_t xTimer);
TickType_t xTimerGetPeriod(TimerHandle_t xTimer);
TickType_t xTimerGetExpiryTime(TimerHandle_t xTimer);
void vTimerSetReloadMode(TimerHandle_t xTimer, const BaseType_t xAutoReload);
BaseType_t xTimerGetReloadMode(TimerHandle_t xTimer);
TaskHandle_t xTimerGetTimerDaemonTaskHandle(void);

#define xTimerStart(t, wait)                                                  \
  xTimerGenericCommand((t), tmrCOMMAND_START, xTaskGetTickCount(), NULL, (wait))
#define xTimerStop(t, wait) xTimerGenericCommand((t), tmrCOMMAND_STOP, 0U, NULL, (wait))
#define xTimerChangePeriod(t, p, wait)                                        \
  xTimerGenericCommand((t), tmrCOMMAND_CHANGE_PERIOD, (p), NULL, (wait))
#define xTimerDelete(t, wait) xTimerGenericCommand((t), tmrCOMMAND_DELETE, 0U, NULL, (wait))
#define xTimerReset(t, wait)                                                  \
  xTimerGenericCommand((t), tmrCOMMAND_RESET, xTaskGetTickCount(), NULL, (wait))
#define xTimerStartFromISR(t, woken)                                          \
  xTimerGenericCommand((t), tmrCOMMAND_START_FROM_ISR,                        \
                       xTaskGetTickCountFromISR(), (woken), 0U)
#define xTimerStopFromISR(t, woken)                                           \
  xTimerGenericCommand((t), tmrCOMMAND_STOP_FROM_ISR, 0, (woken), 0U)
#define xTimerChangePeriodFromISR(t, p, woken)                                \
  xTimerGenericCommand((t), tmrCOMMAND_CHANGE_PERIOD_FROM_ISR, (p), (woken), 0U)
#define xTimerResetFromISR(t, woken)                                          \
  xTimerGenericCommand((t), tmrCOMMAND_RESET_FROM_ISR,                        \
                       xTaskGetTickCountFromISR(), (woken), 0U)

/* ---- not implemented: calling one stops the build */
BaseType_t xTimerPendFunctionCall(PendedFunction_t f, void *p1, uint32_t p2,
                                  TickType_t wait)
    lwipsimNOT_IMPLEMENTED("xTimerPendFunctionCall");
BaseType_t xTimerPendFunctionCallFromISR(PendedFunction_t f, void *p1,
                                         uint32_t p2, BaseType_t *woken)
    lwipsimNOT_IMPLEMENTED("xTimerPendFunctionCallFromISR");

#endif

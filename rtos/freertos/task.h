/*
 * task.h - lwipsim's FreeRTOS layer: tasks, the scheduler, critical
 * sections and task notifications (rtos/freertos/tasks.c, port.c).
 * Written for lwipsim from the FreeRTOS API reference; not FreeRTOS code.
 */
#ifndef INC_TASK_H
#define INC_TASK_H

#ifndef INC_FREERTOS_H
#error "include FreeRTOS.h must appear in source files before include task.h"
#endif

struct tskTaskControlBlock;
typedef struct tskTaskControlBlock *TaskHandle_t;
typedef struct tskTaskControlBlock *xTaskHandle;
typedef BaseType_t (*TaskHookFunction_t)(void *);

typedef enum {
  eRunning = 0,
  eReady,
  eBlocked,
  eSuspended,
  eDeleted,
  eInvalid
} eTaskState;

typedef enum {
  eNoAction = 0,
  eSetBits,
  eIncrement,
  eSetValueWithOverwrite,
  eSetValueWithoutOverwrite
} eNotifyAction;

typedef struct xTIME_OUT {
  BaseType_t xOverflowCount;
  TickType_t xTimeOnEntering;
} TimeOut_t;

#define tskIDLE_PRIORITY ((UBaseType_t)0U)
#define tskKERNEL_VERSION_NUMBER "V10.5.1-lwipsim"
#define tskKERNEL_VERSION_MAJOR 10
#define tskKERNEL_VERSION_MINOR 5
#define tskKERNEL_VERSION_BUILD 1
#define tskDEFAULT_INDEX_TO_NOTIFY 0

#define taskSCHEDULER_SUSPENDED ((BaseType_t)0)
#define taskSCHEDULER_NOT_STARTED ((BaseType_t)1)
#define taskSCHEDULER_RUNNING ((BaseType_t)2)

#define taskYIELD() portYIELD()
#define taskENTER_CRITICAL() portENTER_CRITICAL()
#define taskEXIT_CRITICAL() portEXIT_CRITICAL()
#define taskENTER_CRITICAL_FROM_ISR() portSET_INTERRUPT_MASK_FROM_ISR()
#define taskEXIT_CRITICAL_FROM_ISR(x) portCLEAR_INTERRUPT_MASK_FROM_ISR(x)
#define taskDISABLE_INTERRUPTS() portDISABLE_INTERRUPTS()
#define taskENABLE_INTERRUPTS() portENABLE_INTERRUPTS()

/* ---- creating and deleting tasks */
BaseType_t xTaskCreate(TaskFunction_t pxTaskCode, const char *const pcName,
                       const configSTACK_DEPTH_TYPE usStackDepth,
                       void *const pvParameters, UBaseType_t uxPriority,
                       TaskHandle_t *const pxCreatedTask);
TaskHandle_t xTaskCreateStatic(TaskFunction_t pxTaskCode,
                               const char *const pcName,
                               const uint32_t ulStackDepth,
                               void *const pvParameters,
                               UBaseType_t uxPriority,
                               StackType_t *const puxStackBuffer,
                               StaticTask_t *const pxTaskBuffer);
void vTaskDelete(TaskHandle_t xTaskToDelete);

/* ---- control */
void vTaskDelay(const TickType_t xTicksToDelay);
BaseType_t xTaskDelayUntil(TickType_t *const pxPreviousWakeTime,
                           const TickType_t xTimeIncrement);
#define vTaskDelayUntil(pxPreviousWakeTime, xTimeIncrement)                   \
  do {                                                                        \
    (void)xTaskDelayUntil((pxPreviousWakeTime), (xTimeIncrement));            \
  } while (0)
UBaseType_t uxTaskPriorityGet(const TaskHandle_t xTask);
UBaseType_t uxTaskPriorityGetFromISR(const TaskHandle_t xTask);
UBaseType_t uxTaskBasePriorityGet(const TaskHandle_t xTask);
void vTaskPrioritySet(TaskHandle_t xTask, UBaseType_t uxNewPriority);
eTaskState eTaskGetState(TaskHandle_t xTask);
void vTaskSuspend(TaskHandle_t xTaskToSuspend);
void vTaskResume(TaskHandle_t xTaskToResume);
BaseType_t xTaskResumeFromISR(TaskHandle_t xTaskToResume);

/* ---- the scheduler: vTaskStartScheduler() starts the tasks created so
 * far (and the timer service task) and returns to lwipsim */
void vTaskStartScheduler(void);
void vTaskEndScheduler(void) lwipsimNOT_IMPLEMENTED("vTaskEndScheduler");
void vTaskSuspendAll(void);
BaseType_t xTaskResumeAll(void);
BaseType_t xTaskGetSchedulerState(void);

/* ---- utilities */
TickType_t xTaskGetTickCount(void);
TickType_t xTaskGetTickCountFromISR(void);
UBaseType_t uxTaskGetNumberOfTasks(void);
char *pcTaskGetName(TaskHandle_t xTaskToQuery);
#define pcTaskGetTaskName(x) pcTaskGetName(x)
TaskHandle_t xTaskGetHandle(const char *pcNameToQuery);
TaskHandle_t xTaskGetCurrentTaskHandle(void);
void vTaskSetThreadLocalStoragePointer(TaskHandle_t xTaskToSet,
                                       BaseType_t xIndex, void *pvValue);
void *pvTaskGetThreadLocalStoragePointer(TaskHandle_t xTaskToQuery,
                                         BaseType_t xIndex);
void vTaskSetTimeOutState(TimeOut_t *const pxTimeOut);
BaseType_t xTaskCheckForTimeOut(TimeOut_t *const pxTimeOut,
                                TickType_t *const pxTicksToWait);

/* ---- task notifications */
BaseType_t xTaskGenericNotify(TaskHandle_t xTaskToNotify,
                              UBaseType_t uxIndexToNotify, uint32_t ulValue,
                              eNotifyAction eAction,
                              uint32_t *pulPreviousNotificationValue);
BaseType_t xTaskGenericNotifyFromISR(TaskHandle_t xTaskToNotify,
                                     UBaseType_t uxIndexToNotify,
                                     uint32_t ulValue, eNotifyAction eAction,
                                     uint32_t *pulPreviousNotificationValue,
                                     BaseType_t *pxHigherPriorityTaskWoken);
BaseType_t xTaskGenericNotifyWait(UBaseType_t uxIndexToWaitOn,
                                  uint32_t ulBitsToClearOnEntry,
                                  uint32_t ulBitsToClearOnExit,
                                  uint32_t *pulNotificationValue,
                                  TickType_t xTicksToWait);
void vTaskGenericNotifyGiveFromISR(TaskHandle_t xTaskToNotify,
                                   UBaseType_t uxIndexToNotify,
                                   BaseType_t *pxHigherPriorityTaskWoken);
uint32_t ulTaskGenericNotifyTake(UBaseType_t uxIndexToWaitOn,
                                 BaseType_t xClearCountOnExit,
                                 TickType_t xTicksToWait);
BaseType_t xTaskGenericNotifyStateClear(TaskHandle_t xTask,
                                        UBaseType_t uxIndexToClear);
uint32_t ulTaskGenericNotifyValueClear(TaskHandle_t xTask,
                                       UBaseType_t uxIndexToClear,
                                       uint32_t ulBitsToClear);

#define xTaskNotify(t, v, a)                                                  \
  xTaskGenericNotify((t), tskDEFAULT_INDEX_TO_NOTIFY, (v), (a), NULL)
#define xTaskNotifyIndexed(t, i, v, a) xTaskGenericNotify((t), (i), (v), (a), NULL)
#define xTaskNotifyAndQuery(t, v, a, p)                                       \
  xTaskGenericNotify((t), tskDEFAULT_INDEX_TO_NOTIFY, (v), (a), (p))
#define xTaskNotifyAndQueryIndexed(t, i, v, a, p)                             \
  xTaskGenericNotify((t), (i), (v), (a), (p))
#define xTaskNotifyFromISR(t, v, a, w)                                        \
  xTaskGenericNotifyFromISR((t), tskDEFAULT_INDEX_TO_NOTIFY, (v), (a), NULL, (w))
#define xTaskNotifyIndexedFromISR(t, i, v, a, w)                              \
  xTaskGenericNotifyFromISR((t), (i), (v), (a), NULL, (w))
#define xTaskNotifyAndQueryFromISR(t, v, a, p, w)                             \
  xTaskGenericNotifyFromISR((t), tskDEFAULT_INDEX_TO_NOTIFY, (v), (a), (p), (w))
#define xTaskNotifyWait(e, x, p, w)                                           \
  xTaskGenericNotifyWait(tskDEFAULT_INDEX_TO_NOTIFY, (e), (x), (p), (w))
#define xTaskNotifyWaitIndexed(i, e, x, p, w)                                 \
  xTaskGenericNotifyWait((i), (e), (x), (p), (w))
#define xTaskNotifyGive(t)                                                    \
  xTaskGenericNotify((t), tskDEFAULT_INDEX_TO_NOTIFY, 0, eIncrement, NULL)
#define xTaskNotifyGiveIndexed(t, i) xTaskGenericNotify((t), (i), 0, eIncrement, NULL)
#define vTaskNotifyGiveFromISR(t, w)                                          \
  vTaskGenericNotifyGiveFromISR((t), tskDEFAULT_INDEX_TO_NOTIFY, (w))
#define vTaskNotifyGiveIndexedFromISR(t, i, w)                                \
  vTaskGenericNotifyGiveFromISR((t), (i), (w))
#define ulTaskNotifyTake(c, w)                                                \
  ulTaskGenericNotifyTake(tskDEFAULT_INDEX_TO_NOTIFY, (c), (w))
#define ulTaskNotifyTakeIndexed(i, c, w) ulTaskGenericNotifyTake((i), (c), (w))
#define xTaskNotifyStateClear(t)                                              \
  xTaskGenericNotifyStateClear((t), tskDEFAULT_INDEX_TO_NOTIFY)
#define xTaskNotifyStateClearIndexed(t, i) xTaskGenericNotifyStateClear((t), (i))
#define ulTaskNotifyValueClear(t, b)                                          \
  ulTaskGenericNotifyValueClear((t), tskDEFAULT_INDEX_TO_NOTIFY, (b))
#define ulTaskNotifyValueClearIndexed(t, i, b)                                \
  ulTaskGenericNotifyValueClear((t), (i), (b))

/* ---- not implemented: calling one stops the build */
UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t xTask)
    lwipsimNOT_IMPLEMENTED("uxTaskGetStackHighWaterMark");
void vTaskList(char *pcWriteBuffer) lwipsimNOT_IMPLEMENTED("vTaskList");
void vTaskGetRunTimeStats(char *pcWriteBuffer)
    lwipsimNOT_IMPLEMENTED("vTaskGetRunTimeStats");
TaskHandle_t xTaskGetIdleTaskHandle(void)
    lwipsimNOT_IMPLEMENTED("xTaskGetIdleTaskHandle");
BaseType_t xTaskAbortDelay(TaskHandle_t xTask)
    lwipsimNOT_IMPLEMENTED("xTaskAbortDelay");
void vTaskStepTick(TickType_t xTicksToJump) lwipsimNOT_IMPLEMENTED("vTaskStepTick");
BaseType_t xTaskCatchUpTicks(TickType_t xTicksToCatchUp)
    lwipsimNOT_IMPLEMENTED("xTaskCatchUpTicks");
BaseType_t xTaskIncrementTick(void) lwipsimNOT_IMPLEMENTED("xTaskIncrementTick");
void vTaskSetApplicationTaskTag(TaskHandle_t xTask, TaskHookFunction_t f)
    lwipsimNOT_IMPLEMENTED("vTaskSetApplicationTaskTag");
BaseType_t xTaskCallApplicationTaskHook(TaskHandle_t xTask, void *pv)
    lwipsimNOT_IMPLEMENTED("xTaskCallApplicationTaskHook");
UBaseType_t uxTaskGetSystemState(void *pxTaskStatusArray, const UBaseType_t n,
                                 uint32_t *const pulTotalRunTime)
    lwipsimNOT_IMPLEMENTED("uxTaskGetSystemState");
void vTaskGetInfo(TaskHandle_t xTask, void *pxTaskStatus,
                  BaseType_t xGetFreeStackSpace, eTaskState eState)
    lwipsimNOT_IMPLEMENTED("vTaskGetInfo");
BaseType_t xTaskCreateRestricted(const void *pxTaskDefinition,
                                 TaskHandle_t *pxCreatedTask)
    lwipsimNOT_IMPLEMENTED("xTaskCreateRestricted");

#endif

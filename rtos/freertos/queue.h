/*
 * queue.h - lwipsim's FreeRTOS layer: queues by copy (rtos/freertos/
 * queue.c), on which semaphores and mutexes are built as in the kernel.
 * Written for lwipsim from the FreeRTOS API reference; not FreeRTOS code.
 */
#ifndef QUEUE_H
#define QUEUE_H

#ifndef INC_FREERTOS_H
#error "include FreeRTOS.h must appear in source files before include queue.h"
#endif

#include "task.h"

struct QueueDefinition;
typedef struct QueueDefinition *QueueHandle_t;
typedef struct QueueDefinition *xQueueHandle;
typedef struct QueueDefinition *QueueSetHandle_t;
typedef struct QueueDefinition *QueueSetMemberHandle_t;

#define queueSEND_TO_BACK ((BaseType_t)0)
#define queueSEND_TO_FRONT ((BaseType_t)1)
#define queueOVERWRITE ((BaseType_t)2)

#define queueQUEUE_TYPE_BASE ((uint8_t)0U)
#define queueQUEUE_TYPE_SET ((uint8_t)0U)
#define queueQUEUE_TYPE_MUTEX ((uint8_t)1U)
#define queueQUEUE_TYPE_COUNTING_SEMAPHORE ((uint8_t)2U)
#define queueQUEUE_TYPE_BINARY_SEMAPHORE ((uint8_t)3U)
#define queueQUEUE_TYPE_RECURSIVE_MUTEX ((uint8_t)4U)

QueueHandle_t xQueueGenericCreate(const UBaseType_t uxQueueLength,
                                  const UBaseType_t uxItemSize,
                                  const uint8_t ucQueueType);
QueueHandle_t xQueueGenericCreateStatic(const UBaseType_t uxQueueLength,
                                        const UBaseType_t uxItemSize,
                                        uint8_t *pucQueueStorage,
                                        StaticQueue_t *pxStaticQueue,
                                        const uint8_t ucQueueType);
BaseType_t xQueueGenericSend(QueueHandle_t xQueue,
                             const void *const pvItemToQueue,
                             TickType_t xTicksToWait,
                             const BaseType_t xCopyPosition);
BaseType_t xQueueGenericSendFromISR(QueueHandle_t xQueue,
                                    const void *const pvItemToQueue,
                                    BaseType_t *const pxHigherPriorityTaskWoken,
                                    const BaseType_t xCopyPosition);
BaseType_t xQueueGiveFromISR(QueueHandle_t xQueue,
                             BaseType_t *const pxHigherPriorityTaskWoken);
BaseType_t xQueueReceive(QueueHandle_t xQueue, void *const pvBuffer,
                         TickType_t xTicksToWait);
BaseType_t xQueuePeek(QueueHandle_t xQueue, void *const pvBuffer,
                      TickType_t xTicksToWait);
BaseType_t xQueueSemaphoreTake(QueueHandle_t xQueue, TickType_t xTicksToWait);
BaseType_t xQueueReceiveFromISR(QueueHandle_t xQueue, void *const pvBuffer,
                                BaseType_t *const pxHigherPriorityTaskWoken);
BaseType_t xQueuePeekFromISR(QueueHandle_t xQueue, void *const pvBuffer);
UBaseType_t uxQueueMessagesWaiting(const QueueHandle_t xQueue);
UBaseType_t uxQueueMessagesWaitingFromISR(const QueueHandle_t xQueue);
UBaseType_t uxQueueSpacesAvailable(const QueueHandle_t xQueue);
BaseType_t xQueueIsQueueEmptyFromISR(const QueueHandle_t xQueue);
BaseType_t xQueueIsQueueFullFromISR(const QueueHandle_t xQueue);
BaseType_t xQueueGenericReset(QueueHandle_t xQueue, BaseType_t xNewQueue);
void vQueueDelete(QueueHandle_t xQueue);
void vQueueAddToRegistry(QueueHandle_t xQueue, const char *pcQueueName);
void vQueueUnregisterQueue(QueueHandle_t xQueue);
const char *pcQueueGetName(QueueHandle_t xQueue);

#define xQueueCreate(len, size)                                               \
  xQueueGenericCreate((len), (size), queueQUEUE_TYPE_BASE)
#define xQueueCreateStatic(len, size, storage, buf)                           \
  xQueueGenericCreateStatic((len), (size), (storage), (buf), queueQUEUE_TYPE_BASE)
#define xQueueSend(q, item, wait) xQueueGenericSend((q), (item), (wait), queueSEND_TO_BACK)
#define xQueueSendToBack(q, item, wait)                                       \
  xQueueGenericSend((q), (item), (wait), queueSEND_TO_BACK)
#define xQueueSendToFront(q, item, wait)                                      \
  xQueueGenericSend((q), (item), (wait), queueSEND_TO_FRONT)
#define xQueueOverwrite(q, item) xQueueGenericSend((q), (item), 0, queueOVERWRITE)
#define xQueueSendFromISR(q, item, woken)                                     \
  xQueueGenericSendFromISR((q), (item), (woken), queueSEND_TO_BACK)
#define xQueueSendToBackFromISR(q, item, woken)                               \
  xQueueGenericSendFromISR((q), (item), (woken), queueSEND_TO_BACK)
#define xQueueSendToFrontFromISR(q, item, woken)                              \
  xQueueGenericSendFromISR((q), (item), (woken), queueSEND_TO_FRONT)
#define xQueueOverwriteFromISR(q, item, woken)                                \
  xQueueGenericSendFromISR((q), (item), (woken), queueOVERWRITE)
#define xQueueReset(q) xQueueGenericReset((q), pdFALSE)

/* ---- not implemented: calling one stops the build */
QueueSetHandle_t xQueueCreateSet(const UBaseType_t uxEventQueueLength)
    lwipsimNOT_IMPLEMENTED("xQueueCreateSet");
BaseType_t xQueueAddToSet(QueueSetMemberHandle_t m, QueueSetHandle_t s)
    lwipsimNOT_IMPLEMENTED("xQueueAddToSet");
BaseType_t xQueueRemoveFromSet(QueueSetMemberHandle_t m, QueueSetHandle_t s)
    lwipsimNOT_IMPLEMENTED("xQueueRemoveFromSet");
QueueSetMemberHandle_t xQueueSelectFromSet(QueueSetHandle_t s, const TickType_t t)
    lwipsimNOT_IMPLEMENTED("xQueueSelectFromSet");
QueueSetMemberHandle_t xQueueSelectFromSetFromISR(QueueSetHandle_t s)
    lwipsimNOT_IMPLEMENTED("xQueueSelectFromSetFromISR");

#endif

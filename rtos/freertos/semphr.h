/*
 * semphr.h - lwipsim's FreeRTOS layer: semaphores and mutexes, which are
 * queues of zero-size items as in the kernel (rtos/freertos/queue.c).
 * Written for lwipsim from the FreeRTOS API reference; not FreeRTOS code.
 */
#ifndef SEMAPHORE_H
#define SEMAPHORE_H

#ifndef INC_FREERTOS_H
#error "include FreeRTOS.h must appear in source files before include semphr.h"
#endif

#include "queue.h"

typedef QueueHandle_t SemaphoreHandle_t;
typedef QueueHandle_t xSemaphoreHandle;

#define semBINARY_SEMAPHORE_QUEUE_LENGTH ((uint8_t)1U)
#define semSEMAPHORE_QUEUE_ITEM_LENGTH ((uint8_t)0U)
#define semGIVE_BLOCK_TIME ((TickType_t)0U)

QueueHandle_t xQueueCreateMutex(const uint8_t ucQueueType);
QueueHandle_t xQueueCreateMutexStatic(const uint8_t ucQueueType,
                                      StaticQueue_t *pxStaticQueue);
QueueHandle_t xQueueCreateCountingSemaphore(const UBaseType_t uxMaxCount,
                                            const UBaseType_t uxInitialCount);
QueueHandle_t xQueueCreateCountingSemaphoreStatic(const UBaseType_t uxMaxCount,
                                                  const UBaseType_t uxInitialCount,
                                                  StaticQueue_t *pxStaticQueue);
BaseType_t xQueueTakeMutexRecursive(QueueHandle_t xMutex, TickType_t xTicksToWait);
BaseType_t xQueueGiveMutexRecursive(QueueHandle_t xMutex);
TaskHandle_t xQueueGetMutexHolder(QueueHandle_t xSemaphore);
TaskHandle_t xQueueGetMutexHolderFromISR(QueueHandle_t xSemaphore);

#define xSemaphoreCreateBinary()                                              \
  xQueueGenericCreate(1, semSEMAPHORE_QUEUE_ITEM_LENGTH,                      \
                      queueQUEUE_TYPE_BINARY_SEMAPHORE)
#define xSemaphoreCreateBinaryStatic(buf)                                     \
  xQueueGenericCreateStatic(1, semSEMAPHORE_QUEUE_ITEM_LENGTH, NULL, (buf),   \
                            queueQUEUE_TYPE_BINARY_SEMAPHORE)
#define xSemaphoreCreateCounting(max, init) xQueueCreateCountingSemaphore((max), (init))
#define xSemaphoreCreateCountingStatic(max, init, buf)                        \
  xQueueCreateCountingSemaphoreStatic((max), (init), (buf))
#define xSemaphoreCreateMutex() xQueueCreateMutex(queueQUEUE_TYPE_MUTEX)
#define xSemaphoreCreateMutexStatic(buf)                                      \
  xQueueCreateMutexStatic(queueQUEUE_TYPE_MUTEX, (buf))
#define xSemaphoreCreateRecursiveMutex()                                      \
  xQueueCreateMutex(queueQUEUE_TYPE_RECURSIVE_MUTEX)
#define xSemaphoreCreateRecursiveMutexStatic(buf)                             \
  xQueueCreateMutexStatic(queueQUEUE_TYPE_RECURSIVE_MUTEX, (buf))
#define xSemaphoreTake(s, wait) xQueueSemaphoreTake((s), (wait))
#define xSemaphoreTakeRecursive(m, wait) xQueueTakeMutexRecursive((m), (wait))
#define xSemaphoreGive(s)                                                     \
  xQueueGenericSend((QueueHandle_t)(s), NULL, semGIVE_BLOCK_TIME, queueSEND_TO_BACK)
#define xSemaphoreGiveRecursive(m) xQueueGiveMutexRecursive((m))
#define xSemaphoreGiveFromISR(s, woken) xQueueGiveFromISR((QueueHandle_t)(s), (woken))
#define xSemaphoreTakeFromISR(s, woken) xQueueReceiveFromISR((QueueHandle_t)(s), NULL, (woken))
#define vSemaphoreDelete(s) vQueueDelete((QueueHandle_t)(s))
#define xSemaphoreGetMutexHolder(s) xQueueGetMutexHolder((s))
#define xSemaphoreGetMutexHolderFromISR(s) xQueueGetMutexHolderFromISR((s))
#define uxSemaphoreGetCount(s) uxQueueMessagesWaiting((QueueHandle_t)(s))
#define uxSemaphoreGetCountFromISR(s) uxQueueMessagesWaitingFromISR((QueueHandle_t)(s))
/* The old macro: creates a binary semaphore that is already given. */
#define vSemaphoreCreateBinary(s)                                             \
  do {                                                                        \
    (s) = xSemaphoreCreateBinary();                                           \
    if ((s) != NULL)                                                          \
      (void)xSemaphoreGive((s));                                              \
  } while (0)

#endif

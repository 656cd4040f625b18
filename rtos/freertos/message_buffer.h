/*
 * message_buffer.h - lwipsim's FreeRTOS layer: message buffers are not
 * implemented; every call stops the build naming it (docs/rtos-apis.md).
 * Written for lwipsim; not FreeRTOS code.
 */
#ifndef MESSAGE_BUFFER_H
#define MESSAGE_BUFFER_H

#include <stddef.h>

#include "FreeRTOS.h"

typedef struct lwipsimMessageBuffer *MessageBufferHandle_t;

MessageBufferHandle_t xMessageBufferCreate(size_t xBufferSizeBytes)
    lwipsimNOT_IMPLEMENTED("xMessageBufferCreate");
size_t xMessageBufferSend(MessageBufferHandle_t xMessageBuffer,
                          const void *pvTxData, size_t xDataLengthBytes,
                          TickType_t xTicksToWait)
    lwipsimNOT_IMPLEMENTED("xMessageBufferSend");
size_t xMessageBufferSendFromISR(MessageBufferHandle_t xMessageBuffer,
                                 const void *pvTxData,
                                 size_t xDataLengthBytes,
                                 BaseType_t *pxHigherPriorityTaskWoken)
    lwipsimNOT_IMPLEMENTED("xMessageBufferSendFromISR");
size_t xMessageBufferReceive(MessageBufferHandle_t xMessageBuffer,
                             void *pvRxData, size_t xBufferLengthBytes,
                             TickType_t xTicksToWait)
    lwipsimNOT_IMPLEMENTED("xMessageBufferReceive");
void vMessageBufferDelete(MessageBufferHandle_t xMessageBuffer)
    lwipsimNOT_IMPLEMENTED("vMessageBufferDelete");

#endif

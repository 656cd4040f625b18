/*
 * stream_buffer.h - lwipsim's FreeRTOS layer: stream buffers are not
 * implemented; every call stops the build naming it (docs/rtos-apis.md).
 * Written for lwipsim; not FreeRTOS code.
 */
#ifndef STREAM_BUFFER_H
#define STREAM_BUFFER_H

#include <stddef.h>

#include "FreeRTOS.h"

typedef struct lwipsimStreamBuffer *StreamBufferHandle_t;

StreamBufferHandle_t xStreamBufferCreate(size_t xBufferSizeBytes,
                                         size_t xTriggerLevelBytes)
    lwipsimNOT_IMPLEMENTED("xStreamBufferCreate");
size_t xStreamBufferSend(StreamBufferHandle_t xStreamBuffer,
                         const void *pvTxData, size_t xDataLengthBytes,
                         TickType_t xTicksToWait)
    lwipsimNOT_IMPLEMENTED("xStreamBufferSend");
size_t xStreamBufferSendFromISR(StreamBufferHandle_t xStreamBuffer,
                                const void *pvTxData, size_t xDataLengthBytes,
                                BaseType_t *pxHigherPriorityTaskWoken)
    lwipsimNOT_IMPLEMENTED("xStreamBufferSendFromISR");
size_t xStreamBufferReceive(StreamBufferHandle_t xStreamBuffer,
                            void *pvRxData, size_t xBufferLengthBytes,
                            TickType_t xTicksToWait)
    lwipsimNOT_IMPLEMENTED("xStreamBufferReceive");
size_t xStreamBufferReceiveFromISR(StreamBufferHandle_t xStreamBuffer,
                                   void *pvRxData, size_t xBufferLengthBytes,
                                   BaseType_t *pxHigherPriorityTaskWoken)
    lwipsimNOT_IMPLEMENTED("xStreamBufferReceiveFromISR");
void vStreamBufferDelete(StreamBufferHandle_t xStreamBuffer)
    lwipsimNOT_IMPLEMENTED("vStreamBufferDelete");

#endif

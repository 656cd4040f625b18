/*
 * portable.h - lwipsim's FreeRTOS layer: the port's header and the heap
 * (pvPortMalloc and friends: rtos/freertos/heap.c, first fit with
 * coalescing, protected by suspending the scheduler as heap_4 is).
 * Written for lwipsim; not FreeRTOS code.
 */
#ifndef PORTABLE_H
#define PORTABLE_H

#include "portmacro.h"

typedef struct xHeapStats {
  size_t xAvailableHeapSpaceInBytes;
  size_t xSizeOfLargestFreeBlockInBytes;
  size_t xSizeOfSmallestFreeBlockInBytes;
  size_t xNumberOfFreeBlocks;
  size_t xMinimumEverFreeBytesRemaining;
  size_t xNumberOfSuccessfulAllocations;
  size_t xNumberOfSuccessfulFrees;
} HeapStats_t;

void *pvPortMalloc(size_t xWantedSize);
void *pvPortCalloc(size_t xNum, size_t xSize);
void vPortFree(void *pv);
size_t xPortGetFreeHeapSize(void);
size_t xPortGetMinimumEverFreeHeapSize(void);
void vPortGetHeapStats(HeapStats_t *pxHeapStats);
void vPortInitialiseBlocks(void)
    __attribute__((error("vPortInitialiseBlocks is not implemented by "
                         "lwipsim's FreeRTOS layer (docs/rtos-apis.md)")));

#endif

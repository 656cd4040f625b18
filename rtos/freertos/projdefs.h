/*
 * projdefs.h - lwipsim's FreeRTOS layer: the kernel's basic constants
 * (written for lwipsim from the FreeRTOS API reference; not FreeRTOS code).
 */
#ifndef PROJDEFS_H
#define PROJDEFS_H

typedef void (*TaskFunction_t)(void *);

/* Milliseconds to ticks at the board's tick rate, truncating as the
 * kernel's default macro does (a board may define its own). */
#ifndef pdMS_TO_TICKS
#define pdMS_TO_TICKS(xTimeInMs)                                              \
  ((TickType_t)(((uint64_t)(xTimeInMs) * (uint64_t)configTICK_RATE_HZ) /      \
                (uint64_t)1000U))
#endif
#ifndef pdTICKS_TO_MS
#define pdTICKS_TO_MS(xTimeInTicks)                                           \
  ((TickType_t)(((uint64_t)(xTimeInTicks) * (uint64_t)1000U) /                \
                (uint64_t)configTICK_RATE_HZ))
#endif

#define pdFALSE ((BaseType_t)0)
#define pdTRUE ((BaseType_t)1)
#define pdFALSE_SIGNED ((BaseType_t)0)
#define pdTRUE_SIGNED ((BaseType_t)1)
#define pdFALSE_UNSIGNED ((UBaseType_t)0)
#define pdTRUE_UNSIGNED ((UBaseType_t)1)
#define pdPASS (pdTRUE)
#define pdFAIL (pdFALSE)
#define errQUEUE_EMPTY ((BaseType_t)0)
#define errQUEUE_FULL ((BaseType_t)0)
#define errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY (-1)
#define errQUEUE_BLOCKED (-4)
#define errQUEUE_YIELD (-5)

#endif

/*
 * FreeRTOS.h - lwipsim's FreeRTOS layer: the kernel API with the standard
 * names and signatures, implemented on lwipsim's deterministic core
 * (the .c files of rtos/freertos, on sim/).  Written for lwipsim from the FreeRTOS API
 * reference; no FreeRTOS code.  docs/rtos-apis.md lists what is
 * implemented; every other kernel call is declared so that calling it stops
 * the build with a message naming it.
 *
 * A board compiles its own FreeRTOSConfig.h unmodified: a setting the
 * kernel requires and the file lacks stops the build naming it, and a
 * setting this layer does not implement (cooperative scheduling, 16-bit
 * ticks) stops it too.
 */
#ifndef INC_FREERTOS_H
#define INC_FREERTOS_H

#include <stddef.h>
#include <stdint.h>

#include "FreeRTOSConfig.h"

/* ---- settings every configuration must give */
#ifndef configUSE_PREEMPTION
#error "FreeRTOSConfig.h must define configUSE_PREEMPTION"
#endif
#ifndef configTICK_RATE_HZ
#error "FreeRTOSConfig.h must define configTICK_RATE_HZ"
#endif
#ifndef configMAX_PRIORITIES
#error "FreeRTOSConfig.h must define configMAX_PRIORITIES"
#endif
#ifndef configMINIMAL_STACK_SIZE
#error "FreeRTOSConfig.h must define configMINIMAL_STACK_SIZE"
#endif
#ifndef configUSE_IDLE_HOOK
#error "FreeRTOSConfig.h must define configUSE_IDLE_HOOK"
#endif
#ifndef configUSE_TICK_HOOK
#error "FreeRTOSConfig.h must define configUSE_TICK_HOOK"
#endif
#if configUSE_PREEMPTION != 1
#error "lwipsim's FreeRTOS layer: configUSE_PREEMPTION 0 (cooperative scheduling) is not implemented"
#endif
#if configMAX_PRIORITIES < 1
#error "configMAX_PRIORITIES must be at least 1"
#endif

/* ---- optional settings, with the kernel's defaults */
#ifndef configSUPPORT_DYNAMIC_ALLOCATION
#define configSUPPORT_DYNAMIC_ALLOCATION 1
#endif
#ifndef configSUPPORT_STATIC_ALLOCATION
#define configSUPPORT_STATIC_ALLOCATION 0
#endif
#if configSUPPORT_DYNAMIC_ALLOCATION == 1 && !defined(configTOTAL_HEAP_SIZE) && \
    (!defined(configAPPLICATION_ALLOCATED_HEAP) || configAPPLICATION_ALLOCATED_HEAP == 0)
#error "FreeRTOSConfig.h must define configTOTAL_HEAP_SIZE (dynamic allocation uses the heap)"
#endif
#ifndef configAPPLICATION_ALLOCATED_HEAP
#define configAPPLICATION_ALLOCATED_HEAP 0
#endif
#ifndef configMAX_TASK_NAME_LEN
#define configMAX_TASK_NAME_LEN 16
#endif
#ifndef configUSE_MUTEXES
#define configUSE_MUTEXES 0
#endif
#ifndef configUSE_RECURSIVE_MUTEXES
#define configUSE_RECURSIVE_MUTEXES 0
#endif
#ifndef configUSE_COUNTING_SEMAPHORES
#define configUSE_COUNTING_SEMAPHORES 0
#endif
#ifndef configUSE_TIMERS
#define configUSE_TIMERS 0
#endif
#if configUSE_TIMERS == 1
#ifndef configTIMER_TASK_PRIORITY
#error "FreeRTOSConfig.h must define configTIMER_TASK_PRIORITY (configUSE_TIMERS is 1)"
#endif
#ifndef configTIMER_QUEUE_LENGTH
#error "FreeRTOSConfig.h must define configTIMER_QUEUE_LENGTH (configUSE_TIMERS is 1)"
#endif
#ifndef configTIMER_TASK_STACK_DEPTH
#error "FreeRTOSConfig.h must define configTIMER_TASK_STACK_DEPTH (configUSE_TIMERS is 1)"
#endif
#endif
#ifndef configUSE_TASK_NOTIFICATIONS
#define configUSE_TASK_NOTIFICATIONS 1
#endif
#ifndef configTASK_NOTIFICATION_ARRAY_ENTRIES
#define configTASK_NOTIFICATION_ARRAY_ENTRIES 1
#endif
#ifndef configNUM_THREAD_LOCAL_STORAGE_POINTERS
#define configNUM_THREAD_LOCAL_STORAGE_POINTERS 0
#endif
#ifndef configUSE_MALLOC_FAILED_HOOK
#define configUSE_MALLOC_FAILED_HOOK 0
#endif
#ifndef configQUEUE_REGISTRY_SIZE
#define configQUEUE_REGISTRY_SIZE 0U
#endif
#ifndef configUSE_QUEUE_SETS
#define configUSE_QUEUE_SETS 0
#endif
#if configUSE_QUEUE_SETS == 1
#error "lwipsim's FreeRTOS layer: queue sets (configUSE_QUEUE_SETS) are not implemented"
#endif
#ifndef configCHECK_FOR_STACK_OVERFLOW
#define configCHECK_FOR_STACK_OVERFLOW 0
#endif
#ifndef configASSERT
#define configASSERT(x)
#define configASSERT_DEFINED 0
#else
#define configASSERT_DEFINED 1
#endif
#ifndef INCLUDE_vTaskSuspend
#define INCLUDE_vTaskSuspend 0
#endif
#ifndef configSTACK_DEPTH_TYPE
#define configSTACK_DEPTH_TYPE uint16_t
#endif
#ifndef portTICK_TYPE_ENTER_CRITICAL
#define portTICK_TYPE_ENTER_CRITICAL()
#define portTICK_TYPE_EXIT_CRITICAL()
#endif
#ifndef mtCOVERAGE_TEST_MARKER
#define mtCOVERAGE_TEST_MARKER()
#endif
/* Trace macros a board may define are accepted and never called. */

#include "projdefs.h"
#include "portable.h"

/* A kernel call this layer does not implement: calling it fails the build
 * with a message naming it (never a silent stub). */
#define lwipsimNOT_IMPLEMENTED(call)                                          \
  __attribute__((error(call " is not implemented by lwipsim's FreeRTOS "     \
                            "layer (docs/rtos-apis.md)")))

/* ---- opaque storage for the static-allocation calls: the layer keeps
 * its bookkeeping in lwipsim's memory and uses these buffers for nothing
 * but their identity; their sizes are a 32-bit kernel's order. */
typedef struct xSTATIC_TCB {
  void *pvDummy[24];
} StaticTask_t;
typedef struct xSTATIC_QUEUE {
  void *pvDummy[20];
} StaticQueue_t;
typedef StaticQueue_t StaticSemaphore_t;
typedef struct xSTATIC_TIMER {
  void *pvDummy[12];
} StaticTimer_t;
typedef struct xSTATIC_EVENT_GROUP {
  void *pvDummy[8];
} StaticEventGroup_t;

#endif

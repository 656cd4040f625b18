/*
 * portmacro.h - lwipsim's FreeRTOS "port": the types and the port macros
 * of a 32-bit target, mapped onto lwipsim's deterministic core (written for
 * lwipsim; not FreeRTOS code).  Interrupts are lwipsim's simulated IRQs:
 * masking them is sim_irq_mask().
 */
#ifndef PORTMACRO_H
#define PORTMACRO_H

#include <stddef.h>
#include <stdint.h>

#define portCHAR char
#define portFLOAT float
#define portDOUBLE double
#define portLONG long
#define portSHORT short
#define portSTACK_TYPE uint32_t
#define portBASE_TYPE long

typedef portSTACK_TYPE StackType_t;
typedef long BaseType_t;
typedef unsigned long UBaseType_t;

#if defined(configUSE_16_BIT_TICKS) && configUSE_16_BIT_TICKS == 1
#error "lwipsim's FreeRTOS layer: configUSE_16_BIT_TICKS 1 is not implemented (32-bit ticks only)"
#endif
#if defined(configTICK_TYPE_WIDTH_IN_BITS) && configTICK_TYPE_WIDTH_IN_BITS != 1 /* TICK_TYPE_WIDTH_32_BITS */
#error "lwipsim's FreeRTOS layer: only configTICK_TYPE_WIDTH_IN_BITS TICK_TYPE_WIDTH_32_BITS is implemented"
#endif
#define TICK_TYPE_WIDTH_16_BITS 0
#define TICK_TYPE_WIDTH_32_BITS 1
#define TICK_TYPE_WIDTH_64_BITS 2
typedef uint32_t TickType_t;
#define portMAX_DELAY ((TickType_t)0xffffffffUL)
#define portTICK_TYPE_IS_ATOMIC 1

#define portSTACK_GROWTH (-1)
#define portTICK_PERIOD_MS ((TickType_t)1000 / configTICK_RATE_HZ)
#define portBYTE_ALIGNMENT 8
#define portBYTE_ALIGNMENT_MASK (0x0007)
#define portPOINTER_SIZE_TYPE uintptr_t

/* The port's functions (rtos/freertos/port.c). */
void vPortEnterCritical(void);
void vPortExitCritical(void);
UBaseType_t ulPortSetInterruptMask(void);
void vPortClearInterruptMask(UBaseType_t uxSavedStatus);
void vPortDisableInterrupts(void);
void vPortEnableInterrupts(void);
void vPortYield(void);
void vPortYieldFromISR(BaseType_t xSwitchRequired);
BaseType_t xPortIsInsideInterrupt(void);

#define portYIELD() vPortYield()
#define portYIELD_WITHIN_API() vPortYield()
#define portYIELD_FROM_ISR(x) vPortYieldFromISR((BaseType_t)(x))
#define portEND_SWITCHING_ISR(x) vPortYieldFromISR((BaseType_t)(x))
#define portENTER_CRITICAL() vPortEnterCritical()
#define portEXIT_CRITICAL() vPortExitCritical()
#define portSET_INTERRUPT_MASK_FROM_ISR() ulPortSetInterruptMask()
#define portCLEAR_INTERRUPT_MASK_FROM_ISR(x) vPortClearInterruptMask(x)
#define portDISABLE_INTERRUPTS() vPortDisableInterrupts()
#define portENABLE_INTERRUPTS() vPortEnableInterrupts()
#define portNOP()
#define portMEMORY_BARRIER() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#define portTASK_FUNCTION_PROTO(vFunction, pvParameters)                      \
  void vFunction(void *pvParameters)
#define portTASK_FUNCTION(vFunction, pvParameters) void vFunction(void *pvParameters)

#endif

/*
 * port.c - lwipsim's FreeRTOS "port": critical sections and interrupt
 * masking on lwipsim's simulated IRQs, and the yields.  Written for
 * lwipsim; not FreeRTOS code.
 *
 * taskENTER_CRITICAL masks lwipsim's interrupts (nesting; a switch made
 * necessary inside happens at the last exit); the FromISR forms do the
 * same from a handler; taskDISABLE_INTERRUPTS masks them until
 * taskENABLE_INTERRUPTS, without nesting, as the hardware mask does.
 * portYIELD_FROM_ISR: the switch an ISR made necessary happens when the
 * handler returns (lwipsim never switches inside a handler); the call is
 * recorded in the trace.
 */
#include "fr_priv.h"
#include "sim_trace.h"

void vPortEnterCritical(void)
{
  if (sim_in_isr())
    fr_fault("taskENTER_CRITICAL called from interrupt context (use "
             "taskENTER_CRITICAL_FROM_ISR)");
  fr_kernel_touch();
  sim_irq_mask();
}

void vPortExitCritical(void)
{
  if (sim_in_isr())
    fr_fault("taskEXIT_CRITICAL called from interrupt context (use "
             "taskEXIT_CRITICAL_FROM_ISR)");
  if (sim_irq_mask_depth() == 0)
    fr_fault("taskEXIT_CRITICAL without taskENTER_CRITICAL");
  sim_irq_unmask();
}

UBaseType_t ulPortSetInterruptMask(void)
{
  UBaseType_t was = sim_irq_mask_depth();
  sim_irq_mask();
  return was;
}

void vPortClearInterruptMask(UBaseType_t uxSavedStatus)
{
  if (sim_irq_mask_depth() != uxSavedStatus + 1)
    fr_fault("taskEXIT_CRITICAL_FROM_ISR(%lu): not the value the matching "
             "taskENTER_CRITICAL_FROM_ISR returned", (unsigned long)uxSavedStatus);
  sim_irq_unmask();
}

void vPortDisableInterrupts(void)
{
  fr_kernel_touch();
  if (fr_k.disabled)
    return;
  fr_k.disabled = 1;
  sim_irq_mask();
}

void vPortEnableInterrupts(void)
{
  if (!fr_k.disabled)
    return;
  fr_k.disabled = 0;
  sim_irq_unmask();
}

void vPortYield(void)
{
  fr_not_in_isr("portYIELD");
  sim_yield();
}

void vPortYieldFromISR(BaseType_t xSwitchRequired)
{
  if (xSwitchRequired != pdFALSE)
    sim_trace_event("freertos", "portYIELD_FROM_ISR");
  if (!sim_in_isr() && xSwitchRequired != pdFALSE)
    sim_yield();
}

BaseType_t xPortIsInsideInterrupt(void)
{
  return sim_in_isr() ? pdTRUE : pdFALSE;
}

/*
 * event_groups.h - lwipsim's FreeRTOS layer: event groups are not
 * implemented.  The header exists so that a board's code that includes it
 * compiles, and every call of it stops the build naming the call
 * (docs/rtos-apis.md).  Written for lwipsim; not FreeRTOS code.
 */
#ifndef EVENT_GROUPS_H
#define EVENT_GROUPS_H

#include "FreeRTOS.h"

typedef struct lwipsimEventGroup *EventGroupHandle_t;
typedef TickType_t EventBits_t;

EventGroupHandle_t xEventGroupCreate(void)
    lwipsimNOT_IMPLEMENTED("xEventGroupCreate");
EventGroupHandle_t xEventGroupCreateStatic(void *pxEventGroupBuffer)
    lwipsimNOT_IMPLEMENTED("xEventGroupCreateStatic");
void vEventGroupDelete(EventGroupHandle_t xEventGroup)
    lwipsimNOT_IMPLEMENTED("vEventGroupDelete");
EventBits_t xEventGroupWaitBits(EventGroupHandle_t xEventGroup,
                                const EventBits_t uxBitsToWaitFor,
                                const BaseType_t xClearOnExit,
                                const BaseType_t xWaitForAllBits,
                                TickType_t xTicksToWait)
    lwipsimNOT_IMPLEMENTED("xEventGroupWaitBits");
EventBits_t xEventGroupSetBits(EventGroupHandle_t xEventGroup,
                               const EventBits_t uxBitsToSet)
    lwipsimNOT_IMPLEMENTED("xEventGroupSetBits");
BaseType_t xEventGroupSetBitsFromISR(EventGroupHandle_t xEventGroup,
                                     const EventBits_t uxBitsToSet,
                                     BaseType_t *pxHigherPriorityTaskWoken)
    lwipsimNOT_IMPLEMENTED("xEventGroupSetBitsFromISR");
EventBits_t xEventGroupClearBits(EventGroupHandle_t xEventGroup,
                                 const EventBits_t uxBitsToClear)
    lwipsimNOT_IMPLEMENTED("xEventGroupClearBits");
EventBits_t xEventGroupGetBits(EventGroupHandle_t xEventGroup)
    lwipsimNOT_IMPLEMENTED("xEventGroupGetBits");
EventBits_t xEventGroupSync(EventGroupHandle_t xEventGroup,
                            const EventBits_t uxBitsToSet,
                            const EventBits_t uxBitsToWaitFor,
                            TickType_t xTicksToWait)
    lwipsimNOT_IMPLEMENTED("xEventGroupSync");

#endif

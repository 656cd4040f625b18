/* fr_load - descriptor (plain data; the code is fr_load.c). */
#include "sim_catalog.h"

SIM_SCENARIO(fr_load,
  "the freertos-board's own FreeRTOS port and tasks under ping, TFTP "
  "and two UDP echo channels",
  "field bugs: a port's per-task semaphore lookup kept the current task "
  "in a global (deadlock under load); a TX-complete ISR freed pbufs into "
  "an RTOS heap guarded only by vTaskSuspendAll",
  SIM_VARIANT("tls-lookup", "tls", NOT_REPRODUCED, RTOS, 0,
              "the port's lookup through the task's thread-local storage "
              "pointer, the driver frees sent pbufs with "
              "pbuf_free_callback: the same load, the same preemption "
              "inside the lookup; every task goes on, no heap re-entry"),
  SIM_VARIANT("shared-scratch", "scratch", REPRODUCED, RTOS, 0,
              "the port's lookup keeps the current task in a shared "
              "scratch variable; app_ctl preempts app_data inside it and "
              "app_data waits for ever on app_ctl's semaphore"),
  SIM_VARIANT("isr-free", "tls", REPRODUCED, RTOS, 0,
              "the driver frees sent pbufs with pbuf_free in the "
              "TX-complete ISR: a free lands while a task is inside "
              "pvPortMalloc and re-enters the heap"),
  SIM_VARIANT("callback-cable", "tls", NOT_REPRODUCED, RTOS, 0,
              "the driver frees sent pbufs with pbuf_free_callback under "
              "the same load and TX interrupts inside the heap, and the "
              "cable is pulled and plugged 1000 times (2 ms out of every "
              "6): lwIP sees every link change, traffic resumes after "
              "each plug, every frame released, heap back to its "
              "baseline, no re-entry"));

/*
 * port_reentrancy - descriptor (plain data; the code is port_reentrancy.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(port_reentrancy,
  "a port's per-thread semaphore lookup that is not reentrant",
  "field bug: a uC/OS port kept the current task's "
  "control block used by its per-task lookup in a global; a "
  "higher-priority task preempting the lookup made it return "
  "another task's data, and the board deadlocked under the "
  "ping_flood_load traffic",
  SIM_VARIANT("shared-scratch", "board-semthread", REPRODUCED, RTOS, 0,
              "the port's per-thread semaphore lookup goes through one "
              "global; app_ctl preempts app_data inside it, both get "
              "app_ctl's semaphore, app_data's write completion wakes "
              "app_ctl's select() and app_data waits for ever"),
  SIM_VARIANT("correct", "board-semthread", NOT_REPRODUCED, RTOS, 0,
              "the same load and the same preemption inside the lookup, "
              "with the correct lookup: both threads finish"));

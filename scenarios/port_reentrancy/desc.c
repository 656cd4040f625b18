/*
 * port_reentrancy - descriptor (plain data; the code is port_reentrancy.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_port_reentrancy_variants[] = {
    {.name = "shared-scratch",
     .summary = "the port's per-thread semaphore lookup goes through one "
                "global; app_ctl preempts app_data inside it, both get "
                "app_ctl's semaphore, app_data's write completion wakes "
                "app_ctl's select() and app_data waits for ever",
     .profile = "board-semthread",
     .expected = SIM_VERDICT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
    {.name = "correct",
     .summary = "the same load and the same preemption inside the lookup, "
                "with the correct lookup: both threads finish",
     .profile = "board-semthread",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_port_reentrancy_desc = {
    .name = "port_reentrancy",
    .summary = "a port's per-thread semaphore lookup that is not reentrant",
    .origin = "field bug: a uC/OS port kept the current task's "
              "control block used by its per-task lookup in a global; a "
              "higher-priority task preempting the lookup made it return "
              "another task's data, and the board deadlocked under the "
              "ping_flood_load traffic",
    .variants = scn_port_reentrancy_variants,
    .nvariants = sizeof scn_port_reentrancy_variants /
                 sizeof scn_port_reentrancy_variants[0],
};

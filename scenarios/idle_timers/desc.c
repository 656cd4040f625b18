/*
 * idle_timers - descriptor (plain data; the code is idle_timers.c).
 *
 * The time limit sits 100 s above the virtual hour the scenario sleeps, so
 * a run that loses time shows up as a failed oracle, not as a hang, and a
 * run whose clock stalls still ends.
 */
#include "sim_catalog.h"

static const sim_variant scn_idle_timers_variants[] = {
    {.name = "default",
     .summary = "one virtual hour idle with a TCP server listening",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS,
     .time_limit_us = 3700ull * 1000000ull},
};

const sim_scenario scn_idle_timers_desc = {
    .name = "idle_timers",
    .summary = "an idle board with one listening TCP socket runs lwIP's "
               "timers for one virtual hour",
    .origin = "baseline, no field bug: proves that virtual time advances "
              "exactly through lwIP's cyclic timers, that an idle hour "
              "leaks nothing, and how fast an idle hour simulates",
    .variants = scn_idle_timers_variants,
    .nvariants = sizeof scn_idle_timers_variants /
                 sizeof scn_idle_timers_variants[0],
};

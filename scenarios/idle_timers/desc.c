/*
 * idle_timers - descriptor (plain data; the code is idle_timers.c).
 *
 * The time limit sits 100 s above the virtual hour the scenario sleeps, so
 * a run that loses time shows up as a failed oracle, not as a hang, and a
 * run whose clock stalls still ends.
 */
#include "sim_catalog.h"

SIM_SCENARIO(idle_timers,
  "an idle board with one listening TCP socket runs lwIP's "
  "timers for one virtual hour",
  "baseline, no field bug: proves that virtual time advances "
  "exactly through lwIP's cyclic timers, that an idle hour "
  "leaks nothing, and how fast an idle hour simulates",
  SIM_VARIANT("default", "board", NOT_REPRODUCED, RTOS, 3700ull * 1000000ull,
              "one virtual hour idle with a TCP server listening"));

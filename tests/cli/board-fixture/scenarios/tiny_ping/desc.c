#include "sim_catalog.h"

#define TINY_PROFILE "default"

SIM_SCENARIO(tiny_ping,
  "a scripted peer pings the tiny board through its own driver",
  "baseline",
  SIM_VARIANT("default", TINY_PROFILE, NOT_REPRODUCED, RTOS, 0,
              "ARP, then 3 echo requests; all answered"));

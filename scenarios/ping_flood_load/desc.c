/*
 * ping_flood_load - descriptor (plain data; the code is ping_flood_load.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(ping_flood_load,
  "pools under ping -l 2000, TFTP and TCP echo at once",
  "field bug: a board under a continuous 2000-byte "
  "ping, a TFTP download and a TCP echo session stopped "
  "responding after a while",
  SIM_VARIANT("default", "board-tftp", NOT_REPRODUCED, RTOS, 0,
              "60 virtual seconds of fragmented 2000-byte pings every "
              "2 ms, a TFTP download of 64 KiB from lwIP's tftp "
              "server and a TCP echo session, on the board's MCU "
              "pools; the board survives, every drop counted"));

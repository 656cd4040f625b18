/*
 * board_ping - descriptor (plain data; the code is board_ping.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(board_ping,
  "a scripted peer pings the board through the EMAC model on "
  "the virtual wire (the capture shows ARP and ICMP)",
  "baseline, no field bug: proves the EMAC, the wire and the "
  "capture end to end",
  SIM_VARIANT("default", "board", NOT_REPRODUCED, RTOS, 0,
              "ARP, then 10 echo requests (56 and 1000 bytes) from a "
              "scripted peer; all answered"),
  SIM_VARIANT("cable-pull", "board", NOT_REPRODUCED, RTOS, 0,
              "the cable is pulled for 300 ms in the middle: the pings "
              "then are lost, the link comes back, the rest answered"));

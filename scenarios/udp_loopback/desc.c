/*
 * udp_loopback - descriptor (plain data; the code is udp_loopback.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(udp_loopback,
  "two threads exchange 1,000 UDP datagrams over the loopback "
  "netif through lwIP sockets",
  "baseline, no field bug: proves the scheduler, the port "
  "and the socket layer end to end (loss, reordering, leaks)",
  SIM_VARIANT("default", "board", NOT_REPRODUCED, RTOS, 0,
              "1,000 request/reply datagrams, replier in select()"));

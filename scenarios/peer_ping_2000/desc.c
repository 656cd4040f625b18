/*
 * peer_ping_2000 - descriptor (plain data; the code is peer_ping_2000.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(peer_ping_2000,
  "a scripted peer pings the board with 2000-byte payloads: "
  "the board reassembles each request and fragments each "
  "reply",
  "peer nodes: fragmented pings are the traffic of the "
  "ping-flood field bug; baseline, no defect expected",
  SIM_VARIANT("default", "board", NOT_REPRODUCED, RTOS, 0,
              "20 echo requests with 2000-byte payloads, one every "
              "100 ms, each in 2 IP fragments; all answered byte for "
              "byte, in 2 fragments"));

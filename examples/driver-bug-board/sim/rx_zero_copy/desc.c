/* rx_zero_copy - descriptor (the code is rx_zero_copy.c). */
#include "sim_catalog.h"

SIM_SCENARIO(rx_zero_copy,
  "the board's own zero-copy RX driver gives a descriptor its buffer "
  "back while lwIP still holds the frame in it",
  "field report IO-8 fw 1.6: the production-test station saw 1 board in "
  "5 fail the UDP echo test with echoes carrying another datagram's "
  "bytes, only in bursts; fine on fw 1.5 (copying RX driver)",
  SIM_VARIANT("rev1", "default", REPRODUCED, RTOS, 0,
              "driver as shipped: a burst of 8 datagrams while the echo "
              "task writes its log; the 5th frame lands in the 1st "
              "queued one's buffer"),
  SIM_VARIANT("rev2", "default", NOT_REPRODUCED, RTOS, 0,
              "the fixed driver: a fresh buffer per descriptor, lwIP's "
              "given back when its pbuf is freed; 8 of 8 echoes exact"));

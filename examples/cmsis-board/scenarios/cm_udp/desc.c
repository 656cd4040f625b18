/* cm_udp - descriptor (plain data; the code is cm_udp.c). */
#include "sim_catalog.h"

SIM_SCENARIO(cm_udp,
  "the cmsis-board's generated CMSIS-RTOS2 lwIP port and its UDP request "
  "server under ping, TFTP and bursts of requests",
  "application bug: a receive thread hands requests to its worker with "
  "osMessageQueuePut(..., 0) so as never to block; under bursts the "
  "queue is full and requests go unanswered",
  SIM_VARIANT("load", "default", NOT_REPRODUCED, RTOS, 0,
              "the receive thread waits for room (osWaitForever): every "
              "request of every burst answered, ping and TFTP intact"),
  SIM_VARIANT("queue-drop", "default", REPRODUCED, RTOS, 0,
              "timeout 0: osMessageQueuePut returns osErrorResource when "
              "the 4-deep queue is full and the request is lost"));

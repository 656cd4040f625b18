/* ctrl_reopen - descriptor (the code is ctrl_reopen.c). */
#include "sim_catalog.h"

SIM_SCENARIO(ctrl_reopen,
  "the control link's supervisor closes the UDP socket that the receive "
  "task is blocked in recvfrom() on",
  "field report GW-3 fw 3.2: after the plant controller rebooted (3 s "
  "of silence) some gateways never answered again; one logged a hard "
  "fault in xQueueReceive",
  SIM_VARIANT("fw-3.2", "default", REPRODUCED, RTOS, 0,
              "as shipped: ctrl_sup calls close() on ctrl_rx's socket "
              "while ctrl_rx waits in recvfrom(); lwIP frees the socket's "
              "receive mailbox under the waiting task"),
  SIM_VARIANT("fw-3.3", "default", NOT_REPRODUCED, RTOS, 0,
              "the fix: ctrl_sup asks, ctrl_rx (the socket's owner) "
              "re-opens it between receive timeouts; 10 of 10 requests "
              "answered"));

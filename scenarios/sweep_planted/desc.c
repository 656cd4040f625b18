/*
 * sweep_planted - descriptor (plain data; the code is sweep_planted.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(sweep_planted,
  "an application with one planted defect per variant, reached only "
  "when lwIP reports a failed allocation: lwipsim sweep's test fixture",
  "no field bug: proves that `lwipsim sweep` reports each class it "
  "names (leak, assert, crash, hang); without --fail every variant "
  "passes",
  SIM_VARIANT("handled", "board", NOT_REPRODUCED, RTOS, 0,
              "3 datagrams to itself over loopback; every lwIP error is "
              "handled: the socket is closed, the buffer checked"),
  SIM_VARIANT("leak", "board", NOT_REPRODUCED, RTOS, 0,
              "on an error from lwIP the application returns without "
              "closing its socket"),
  SIM_VARIANT("assert", "board", NOT_REPRODUCED, RTOS, 0,
              "on an error from lwIP the application's LWIP_ASSERT "
              "fires"),
  SIM_VARIANT("crash", "board", NOT_REPRODUCED, RTOS, 0,
              "writes into pbuf_alloc()'s buffer without checking it "
              "for NULL"),
  SIM_VARIANT("hang", "board", NOT_REPRODUCED, RTOS, 0,
              "on an error from lwIP the application waits for ever on "
              "a semaphore nobody signals"));

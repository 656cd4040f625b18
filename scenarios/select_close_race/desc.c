/*
 * select_close_race - descriptor (plain data; the code is
 * select_close_race.c, which holds each variant's schedule and threads).
 */
#include "sim_catalog.h"

#define SCR_LIMIT (2000ull * 1000000ull) /* virtual: 1,000 cycles of 1 s */

/* 2.0.x's alloc_socket() takes only a slot whose select_waiting is 0. */
#define SCR_NO_REUSE                                                        \
  "lwIP 2.0.x never reuses a slot whose select_waiting is not 0: it leaks " \
  "instead (see leak-2.0)"

SIM_SCENARIO(select_close_race,
  "one thread waits in select()/poll() on a socket while another "
  "closes it: leaked slots, ENFILE, assertions",
  "field bug: a diagnostics server on lwIP 2.0.x: after a few init/deinit "
  "cycles socket() failed with ENFILE although nothing was open; "
  "close() during select() left select_waiting at 1 on a free "
  "slot for ever",
  SIM_VARIANT("leak-2.0", "bug-select-leak", REPRODUCED, SCRIPT, SCR_LIMIT,
              "2.0.x defect (bug model): close() during select() leaks "
              "slots until socket() fails with ENFILE"),
  SIM_VARIANT_BY_VERSION("reuse-assert", "board", REPRODUCED, SCRIPT,
              SCR_LIMIT,
              "stock 2.1.3: socket() reuses the slot while select_waiting "
              "is 1; lwIP's assertion fires",
              SIM_BEFORE(2, 1, 0, NOT_REPRODUCED, SCR_NO_REUSE)),
  SIM_VARIANT_BY_VERSION("reuse-noassert", "board-noassert", REPRODUCED,
              SCRIPT, SCR_LIMIT,
              "the same with assertions off: what select() returns and "
              "the new socket's select_waiting",
              SIM_BEFORE(2, 1, 0, NOT_REPRODUCED, SCR_NO_REUSE)),
  SIM_VARIANT_BY_VERSION("poll-fullduplex", "fullduplex", REPRODUCED,
              SCRIPT, SCR_LIMIT,
              "stock 2.1.3, FULLDUPLEX=1: close() during lwip_poll() "
              "frees a slot with select_waiting 1; next socket() asserts",
              SIM_NA_BEFORE(2, 1, 0, "lwIP 2.0.x has no lwip_poll() "
                            "(LWIP_SOCKET_POLL came with 2.1.0)")),
  SIM_VARIANT_BY_VERSION("poll-fullduplex-fixed", "fullduplex-pollfix",
              NOT_REPRODUCED, SCRIPT, SCR_LIMIT,
              "poll-fullduplex's schedule with the proposed fix (bug model "
              "in the other direction): 1,000 cycles, no slot lost, no "
              "assertion",
              SIM_NA_BEFORE(2, 1, 0, "lwIP 2.0.x has no lwip_poll() "
                            "(LWIP_SOCKET_POLL came with 2.1.0)")),
  SIM_VARIANT_BY_VERSION("select-fullduplex", "fullduplex",
              NOT_REPRODUCED, SCRIPT, SCR_LIMIT,
              "poll-fullduplex's engine and schedule with select() instead "
              "of poll(): 1,000 cycles, no slot lost (upstream fixed "
              "select's twin defect, bug #57445)",
              SIM_NA_BEFORE(2, 1, 0, "the comparison is with "
                            "poll-fullduplex, which 2.0.x lacks")),
  SIM_VARIANT("workaround", "board", NOT_REPRODUCED, SCRIPT, SCR_LIMIT,
              "the field bug's serialisation of select()/close(), reuse "
              "schedule, stock engine, 1,000 cycles"),
  SIM_VARIANT("workaround-2.0", "bug-select-leak",
              NOT_REPRODUCED, SCRIPT, SCR_LIMIT,
              "the same serialisation, leak schedule, bug-model engine, "
              "1,000 cycles"),
  SIM_VARIANT_BY_VERSION("fixed", "board", NOT_REPRODUCED, SCRIPT,
              SCR_LIMIT,
              "stock 2.1.3 under the leak-2.0 schedule, 1,000 cycles: no "
              "slot lost",
              SIM_BEFORE(2, 1, 0, REPRODUCED, "lwIP 2.0.x has the defect "
                         "itself: close() during select() leaks the slot "
                         "(2.1.0 frees it; no bug model needed)")),
  SIM_VARIANT("leak-2.0-rtos-closer-high", "bug-select-leak",
              REPRODUCED, RTOS, SCR_LIMIT,
              "no script, rtos: closer above selector, close() completes "
              "before the selector runs; slots leak"),
  SIM_VARIANT("leak-2.0-rtos-closer-low", "bug-select-leak",
              NOT_REPRODUCED, RTOS, SCR_LIMIT,
              "no script, rtos: selector above closer preempts it when "
              "signalled; nothing leaks"));

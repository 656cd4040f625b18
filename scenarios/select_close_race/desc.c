/*
 * select_close_race - descriptor (plain data; the code is
 * select_close_race.c, which holds each variant's schedule and threads).
 */
#include "sim_catalog.h"

#define SCR_LIMIT (2000ull * 1000000ull) /* virtual: 1,000 cycles of 1 s */

static const sim_variant scn_select_close_race_variants[] = {
    {.name = "leak-2.0",
     .summary = "2.0.x defect (bug model): close() during select() leaks "
                "slots until socket() fails with ENFILE",
     .profile = "bug-select-leak",
     .expected = SIM_VERDICT_REPRODUCED,
     .policy = SIM_POLICY_SCRIPT,
     .time_limit_us = SCR_LIMIT},
    {.name = "reuse-assert",
     .summary = "stock 2.1.3: socket() reuses the slot while select_waiting "
                "is 1; lwIP's assertion fires",
     .profile = "board",
     .expected = SIM_VERDICT_REPRODUCED,
     .policy = SIM_POLICY_SCRIPT,
     .time_limit_us = SCR_LIMIT},
    {.name = "reuse-noassert",
     .summary = "the same with assertions off: what select() returns and "
                "the new socket's select_waiting",
     .profile = "board-noassert",
     .expected = SIM_VERDICT_REPRODUCED,
     .policy = SIM_POLICY_SCRIPT,
     .time_limit_us = SCR_LIMIT},
    {.name = "poll-fullduplex",
     .summary = "stock 2.1.3, FULLDUPLEX=1: close() during lwip_poll() "
                "frees a slot with select_waiting 1; next socket() asserts",
     .profile = "fullduplex",
     .expected = SIM_VERDICT_REPRODUCED,
     .policy = SIM_POLICY_SCRIPT,
     .time_limit_us = SCR_LIMIT},
    {.name = "workaround",
     .summary = "the field bug's serialisation of select()/close(), reuse "
                "schedule, stock engine, 1,000 cycles",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_SCRIPT,
     .time_limit_us = SCR_LIMIT},
    {.name = "workaround-2.0",
     .summary = "the same serialisation, leak schedule, bug-model engine, "
                "1,000 cycles",
     .profile = "bug-select-leak",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_SCRIPT,
     .time_limit_us = SCR_LIMIT},
    {.name = "fixed",
     .summary = "stock 2.1.3 under the leak-2.0 schedule, 1,000 cycles: no "
                "slot lost",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_SCRIPT,
     .time_limit_us = SCR_LIMIT},
    {.name = "leak-2.0-rtos-closer-high",
     .summary = "no script, rtos: closer above selector, close() completes "
                "before the selector runs; slots leak",
     .profile = "bug-select-leak",
     .expected = SIM_VERDICT_REPRODUCED,
     .policy = SIM_POLICY_RTOS,
     .time_limit_us = SCR_LIMIT},
    {.name = "leak-2.0-rtos-closer-low",
     .summary = "no script, rtos: selector above closer preempts it when "
                "signalled; nothing leaks",
     .profile = "bug-select-leak",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS,
     .time_limit_us = SCR_LIMIT},
};

const sim_scenario scn_select_close_race_desc = {
    .name = "select_close_race",
    .summary = "one thread waits in select()/poll() on a socket while another "
               "closes it: leaked slots, ENFILE, assertions",
    .origin = "field bug: a diagnostics server on lwIP 2.0.x: after a few init/deinit "
              "cycles socket() failed with ENFILE although nothing was open; "
              "close() during select() left select_waiting at 1 on a free "
              "slot for ever",
    .variants = scn_select_close_race_variants,
    .nvariants = sizeof scn_select_close_race_variants /
                 sizeof scn_select_close_race_variants[0],
};

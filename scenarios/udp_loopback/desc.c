/*
 * udp_loopback - descriptor (plain data; the code is udp_loopback.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_udp_loopback_variants[] = {
    {.name = "default",
     .summary = "1,000 request/reply datagrams, replier in select()",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_udp_loopback_desc = {
    .name = "udp_loopback",
    .summary = "two threads exchange 1,000 UDP datagrams over the loopback "
               "netif through lwIP sockets",
    .origin = "baseline, no field bug: proves the scheduler, the port "
              "and the socket layer end to end (loss, reordering, leaks)",
    .variants = scn_udp_loopback_variants,
    .nvariants = sizeof scn_udp_loopback_variants /
                 sizeof scn_udp_loopback_variants[0],
};

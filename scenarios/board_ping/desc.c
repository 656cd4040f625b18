/*
 * board_ping - descriptor (plain data; the code is board_ping.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_board_ping_variants[] = {
    {.name = "default",
     .summary = "ARP, then 10 echo requests (56 and 1000 bytes) from a "
                "scripted peer; all answered",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
    {.name = "cable-pull",
     .summary = "the cable is pulled for 300 ms in the middle: the pings "
                "then are lost, the link comes back, the rest answered",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_board_ping_desc = {
    .name = "board_ping",
    .summary = "a scripted peer pings the board through the EMAC model on "
               "the virtual wire (the capture shows ARP and ICMP)",
    .origin = "baseline, no field bug: proves the EMAC, the wire and the "
              "capture end to end",
    .variants = scn_board_ping_variants,
    .nvariants = sizeof scn_board_ping_variants /
                 sizeof scn_board_ping_variants[0],
};

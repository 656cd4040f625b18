/*
 * peer_ping_2000 - descriptor (plain data; the code is peer_ping_2000.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_peer_ping_2000_variants[] = {
    {.name = "default",
     .summary = "20 echo requests with 2000-byte payloads, one every "
                "100 ms, each in 2 IP fragments; all answered byte for "
                "byte, in 2 fragments",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_peer_ping_2000_desc = {
    .name = "peer_ping_2000",
    .summary = "a scripted peer pings the board with 2000-byte payloads: "
               "the board reassembles each request and fragments each "
               "reply",
    .origin = "peer nodes: fragmented pings are the traffic of the "
              "ping-flood field bug; baseline, no defect expected",
    .variants = scn_peer_ping_2000_variants,
    .nvariants = sizeof scn_peer_ping_2000_variants /
                 sizeof scn_peer_ping_2000_variants[0],
};

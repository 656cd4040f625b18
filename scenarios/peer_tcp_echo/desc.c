/*
 * peer_tcp_echo - descriptor (plain data; the code is peer_tcp_echo.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_peer_tcp_echo_variants[] = {
    {.name = "default",
     .summary = "100 round trips of 1000 bytes through the board's echo "
                "server on port 7, byte-exact",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_peer_tcp_echo_desc = {
    .name = "peer_tcp_echo",
    .summary = "an lwIP peer node (192.0.2.2) makes TCP echo round trips "
               "with the board's socket server over the virtual wire",
    .origin = "peer nodes: baseline, no defect expected; proves the "
              "peer node (a second, renamed lwIP instance) end to end",
    .variants = scn_peer_tcp_echo_variants,
    .nvariants = sizeof scn_peer_tcp_echo_variants /
                 sizeof scn_peer_tcp_echo_variants[0],
};

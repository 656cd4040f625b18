/*
 * peer_tcp_bulk - descriptor (plain data; the code is peer_tcp_bulk.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_peer_tcp_bulk_variants[] = {
    {.name = "default",
     .summary = "256 KiB from the peer to the board's discard server on "
                "port 9 through the board's 2-segment window; every byte "
                "arrives, in order",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_peer_tcp_bulk_desc = {
    .name = "peer_tcp_bulk",
    .summary = "the bulk sender of an lwIP peer node (192.0.2.2) uploads to "
               "the board's socket server over the virtual wire",
    .origin = "peer nodes: baseline, no defect expected; an upload "
              "(a firmware image) as the client of memory scenarios",
    .variants = scn_peer_tcp_bulk_variants,
    .nvariants = sizeof scn_peer_tcp_bulk_variants /
                 sizeof scn_peer_tcp_bulk_variants[0],
};

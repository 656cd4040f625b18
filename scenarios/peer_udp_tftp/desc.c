/*
 * peer_udp_tftp - descriptor (plain data; the code is peer_udp_tftp.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_peer_udp_tftp_variants[] = {
    {.name = "default",
     .summary = "a TFTP client reads a 3000-byte file (and asks for a "
                "missing one), UDP peers send 8 fragmented 3000-byte "
                "datagrams and 8 small ones (the board must ARP for that "
                "peer) to an echo service, an ARP peer resolves the board "
                "3 times; all complete, byte-exact",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
    {.name = "loss",
     .summary = "the same TFTP read on a wire that loses 10% of frames: "
                "both sides retransmit and the file still arrives exactly",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_peer_udp_tftp_desc = {
    .name = "peer_udp_tftp",
    .summary = "scripted UDP, TFTP and ARP peers against small socket "
               "services on the board",
    .origin = "peer nodes: proves the UDP sender, the TFTP client "
              "and the ARP responder; baseline, no defect expected",
    .variants = scn_peer_udp_tftp_variants,
    .nvariants = sizeof scn_peer_udp_tftp_variants /
                 sizeof scn_peer_udp_tftp_variants[0],
};

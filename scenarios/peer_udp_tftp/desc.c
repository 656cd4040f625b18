/*
 * peer_udp_tftp - descriptor (plain data; the code is peer_udp_tftp.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(peer_udp_tftp,
  "scripted UDP, TFTP and ARP peers against small socket "
  "services on the board",
  "peer nodes: proves the UDP sender, the TFTP client "
  "and the ARP responder; baseline, no defect expected",
  SIM_VARIANT("default", "board", NOT_REPRODUCED, RTOS, 0,
              "a TFTP client reads a 3000-byte file (and asks for a "
              "missing one), UDP peers send 8 fragmented 3000-byte "
              "datagrams and 8 small ones (the board must ARP for that "
              "peer) to an echo service, an ARP peer resolves the board "
              "3 times; all complete, byte-exact"),
  SIM_VARIANT("loss", "board", NOT_REPRODUCED, RTOS, 0,
              "the same TFTP read on a wire that loses 10% of frames: "
              "both sides retransmit and the file still arrives exactly"));

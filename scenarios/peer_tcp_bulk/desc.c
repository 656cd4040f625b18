/*
 * peer_tcp_bulk - descriptor (plain data; the code is peer_tcp_bulk.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(peer_tcp_bulk,
  "the bulk sender of an lwIP peer node (192.0.2.2) uploads to "
  "the board's socket server over the virtual wire",
  "peer nodes: baseline, no defect expected; an upload "
  "(a firmware image) as the client of memory scenarios",
  SIM_VARIANT("default", "board", NOT_REPRODUCED, RTOS, 0,
              "256 KiB from the peer to the board's discard server on "
              "port 9 through the board's 2-segment window; every byte "
              "arrives, in order"));

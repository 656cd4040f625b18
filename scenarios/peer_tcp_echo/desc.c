/*
 * peer_tcp_echo - descriptor (plain data; the code is peer_tcp_echo.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(peer_tcp_echo,
  "an lwIP peer node (192.0.2.2) makes TCP echo round trips "
  "with the board's socket server over the virtual wire",
  "peer nodes: baseline, no defect expected; proves the "
  "peer node (a second, renamed lwIP instance) end to end",
  SIM_VARIANT("default", "board", NOT_REPRODUCED, RTOS, 0,
              "100 round trips of 1000 bytes through the board's echo "
              "server on port 7, byte-exact"));

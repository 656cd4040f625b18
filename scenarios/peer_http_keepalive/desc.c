/*
 * peer_http_keepalive - descriptor (plain data; the code is
 * peer_http_keepalive.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(peer_http_keepalive,
  "an lwIP peer node asks the board's httpd for keep-alive "
  "and idles between requests",
  "peer nodes: baseline, no defect expected; the "
  "keep-alive and idle paths of the peer's HTTP client",
  SIM_VARIANT("default", "board", NOT_REPRODUCED, RTOS, 0,
              "2 connections x 2 GETs of /index.html asking for "
              "keep-alive, 200 ms idle before each; the HTTP/1.0 httpd "
              "closes, the client reconnects: all 200 and complete"));

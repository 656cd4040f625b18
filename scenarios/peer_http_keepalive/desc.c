/*
 * peer_http_keepalive - descriptor (plain data; the code is
 * peer_http_keepalive.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_peer_http_keepalive_variants[] = {
    {.name = "default",
     .summary = "2 connections x 2 GETs of /index.html asking for "
                "keep-alive, 200 ms idle before each; the HTTP/1.0 httpd "
                "closes, the client reconnects: all 200 and complete",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_peer_http_keepalive_desc = {
    .name = "peer_http_keepalive",
    .summary = "an lwIP peer node asks the board's httpd for keep-alive "
               "and idles between requests",
    .origin = "peer nodes: baseline, no defect expected; the "
              "keep-alive and idle paths of the peer's HTTP client",
    .variants = scn_peer_http_keepalive_variants,
    .nvariants = sizeof scn_peer_http_keepalive_variants /
                 sizeof scn_peer_http_keepalive_variants[0],
};

/*
 * peer_http_get - descriptor (plain data; the code is peer_http_get.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_peer_http_get_variants[] = {
    {.name = "default",
     .summary = "3 parallel GETs of / from the board's httpd: all 200, the "
                "whole index.html, byte-exact",
     .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_peer_http_get_desc = {
    .name = "peer_http_get",
    .summary = "an lwIP peer node (192.0.2.2) fetches / from lwIP's httpd "
               "on the board over 3 connections at once",
    .origin = "peer nodes: baseline, no defect expected; a browser "
              "opening a page, the client of the httpd memory scenarios",
    .variants = scn_peer_http_get_variants,
    .nvariants = sizeof scn_peer_http_get_variants /
                 sizeof scn_peer_http_get_variants[0],
};

/*
 * peer_http_get - descriptor (plain data; the code is peer_http_get.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(peer_http_get,
  "an lwIP peer node (192.0.2.2) fetches / from lwIP's httpd "
  "on the board over 3 connections at once",
  "peer nodes: baseline, no defect expected; a browser "
  "opening a page, the client of the httpd memory scenarios",
  SIM_VARIANT("default", "board", NOT_REPRODUCED, RTOS, 0,
              "3 parallel GETs of / from the board's httpd: all 200, the "
              "whole index.html, byte-exact"));

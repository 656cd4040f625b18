/*
 * peer_http_get - the board (192.0.2.1) runs lwIP's own httpd
 * (apps/http, the tree's default fsdata.c) on port 80; the HTTP client of
 * an lwIP peer node (192.0.2.2) on the virtual wire opens 3 connections at
 * once, as a browser opening a page, and GETs "/" on each (HTTP/1.0,
 * "Connection: close"), which the httpd serves from /index.html.
 *
 * Oracle (scn_peer_http.c): all 3 answered 200 with the whole body, equal
 * in length and FNV-1a hash to index.html as the board's fs holds it, no
 * reset or failed call, and the board's pools and heap back where they
 * were once httpd listened, after lwIP's TIME_WAIT.
 */
#include "scn.h"
#include "scn_peer_http.h"

static void phg_main(scn_run *run)
{
  peer_http_config c;
  peer_http_config_default(&c);
  c.path = "/";
  c.connections = 3;
  c.requests = 1;
  scn_peer_http_run(run, &c, "/index.html");
}

SCN_IMPL(peer_http_get, .main_prio = 2, .main = phg_main);

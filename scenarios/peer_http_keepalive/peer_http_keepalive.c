/*
 * peer_http_keepalive - the board runs lwIP's httpd as in peer_http_get;
 * the peer's HTTP client opens 2 connections and sends 2 GETs of
 * /index.html on each, the first with "HTTP/1.1, Connection: keep-alive",
 * each after 200 ms of idleness (a browser's preconnected socket).  lwIP's
 * default httpd answers HTTP/1.0 without keep-alive and closes, so the
 * client must notice and reconnect for the second request.
 *
 * Oracle (scn_peer_http.c): all 4 answered 200 with the whole body,
 * byte-exact, nothing failed or reset, the board's pools and heap back
 * where they were after lwIP's TIME_WAIT.
 */
#include "scn.h"
#include "scn_peer_http.h"

static void phk_main(scn_run *run)
{
  peer_http_config c;
  peer_http_config_default(&c);
  c.path = "/index.html";
  c.connections = 2;
  c.requests = 2;
  c.keep_alive = true;
  c.idle_us = 200000;
  scn_peer_http_run(run, &c, "/index.html");
}

SCN_IMPL(peer_http_keepalive, .main_prio = 2, .main = phk_main);

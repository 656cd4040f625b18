/*
 * peer_bulk.c - the bulk sender of the peer node: one connection that
 * pushes `total` bytes of peer_pattern(salt, i) in writes of `chunk` bytes
 * as fast as the board's window lets it (an upload, a firmware image),
 * then shuts its side down and, with wait_close, reads until the server
 * closes, so the duration covers the server's last byte.
 */
#include <errno.h>
#include <string.h>

#include "lwip/sockets.h"

#include "peer_priv.h"
#include "sim_clock.h"
#include "sim_trace.h"

void peer_bulk_config_default(peer_bulk_config *c)
{
  *c = (peer_bulk_config){.port = 9, .total = 64 * 1024, .chunk = 1460,
                          .wait_close = true, .timeout_us = 5000000,
                          .prio = 3};
}

static void peer_bulk_main(peer_app *a, unsigned index)
{
  (void)index;
  const peer_bulk_config *c = &a->u.bulk.cfg;
  peer_bulk_result *r = a->u.bulk.r;
  uint8_t buf[PEER_BUF_MAX];
  uint64_t t0 = sim_clock_now_us();
  int s = peer_app_connect(c->server, c->port, c->timeout_us, &r->fail,
                           &r->connect_us);
  if (s < 0)
    goto out;
  while (r->sent < c->total) {
    size_t n = c->total - r->sent < c->chunk ? c->total - r->sent : c->chunk;
    for (size_t i = 0; i < n; i++)
      buf[i] = peer_pattern(c->salt, r->sent + i);
    ssize_t w = lwip_send(s, buf, n, 0);
    if (w <= 0) {
      peer_app_failed(&r->fail, "send");
      break;
    }
    r->sent += (size_t)w;
  }
  if (!r->fail.call && lwip_shutdown(s, SHUT_WR) != 0)
    peer_app_failed(&r->fail, "shutdown");
  while (!r->fail.call && c->wait_close) {
    ssize_t n = lwip_recv(s, buf, sizeof buf, 0);
    if (n == 0)
      break;
    if (n < 0)
      peer_app_failed(&r->fail, "recv");
  }
  lwip_close(s);
out:
  r->duration_us = sim_clock_now_us() - t0;
  sim_trace_eventf("peer", "bulk: %zu of %zu bytes sent, %s", r->sent,
                   c->total, r->fail.call ? r->fail.call : "no failure");
}

peer_app *peer_bulk_start(const peer_bulk_config *c, peer_bulk_result *r)
{
  if (c->chunk == 0 || c->chunk > PEER_BUF_MAX)
    return NULL;
  peer_app *a = peer_app_new("peer_bulk", peer_bulk_main);
  if (!a)
    return NULL;
  memset(r, 0, sizeof *r);
  a->u.bulk.cfg = *c;
  a->u.bulk.r = r;
  return peer_app_start(a, 1, c->prio) ? a : NULL;
}

/*
 * peer_echo.c - the TCP echo client of the peer node: one connection, then
 * `trips` round trips of `bytes` bytes, each read back in full and compared
 * byte for byte with what was sent (trip k carries peer_pattern(salt + k,
 * i), so a segment from another trip shows).  Each trip's virtual duration
 * goes into the caller's array; the first wrong byte ends the client.
 */
#include <errno.h>
#include <string.h>

#include "lwip/sockets.h"

#include "peer_priv.h"
#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_trace.h"

void peer_echo_config_default(peer_echo_config *c)
{
  *c = (peer_echo_config){.port = 7, .trips = 10, .bytes = 1000,
                          .timeout_us = 2000000, .prio = 3};
}

static void peer_echo_main(peer_app *a, unsigned index)
{
  (void)index;
  const peer_echo_config *c = &a->u.echo.cfg;
  peer_echo_result *r = a->u.echo.r;
  uint8_t tx[PEER_BUF_MAX], rx[PEER_BUF_MAX];
  uint64_t t0 = sim_clock_now_us();
  int s = peer_app_connect(c->server, c->port, c->timeout_us, &r->fail,
                           &r->connect_us);
  if (s < 0)
    goto out;
  for (unsigned k = 0; k < c->trips; k++) {
    if (k && c->interval_us)
      sim_sleep_us(c->interval_us);
    for (size_t i = 0; i < c->bytes; i++)
      tx[i] = peer_pattern(c->salt + k, i);
    uint64_t start = sim_clock_now_us();
    if (peer_app_send_all(s, tx, c->bytes, &r->fail) != 0)
      break;
    size_t got = 0;
    while (got < c->bytes) {
      ssize_t n = lwip_recv(s, rx + got, c->bytes - got, 0);
      if (n <= 0) {
        if (n == 0)
          errno = 0; /* closed by the server: no errno */
        peer_app_failed(&r->fail, "recv");
        break;
      }
      got += (size_t)n;
    }
    if (got < c->bytes)
      break;
    if (memcmp(tx, rx, c->bytes) != 0) {
      size_t i = 0;
      while (tx[i] == rx[i])
        i++;
      r->mismatch_trip = (long)k;
      r->mismatch_at = i;
      break;
    }
    if (c->trip_us)
      c->trip_us[k] = sim_clock_now_us() - start;
    r->done++;
  }
  lwip_close(s);
out:
  r->total_us = sim_clock_now_us() - t0;
  sim_trace_eventf("peer", "echo: %u of %u trips, %s", r->done, c->trips,
                   r->fail.call ? r->fail.call : "no failure");
}

peer_app *peer_echo_start(const peer_echo_config *c, peer_echo_result *r)
{
  if (c->bytes == 0 || c->bytes > PEER_BUF_MAX)
    return NULL;
  peer_app *a = peer_app_new("peer_echo", peer_echo_main);
  if (!a)
    return NULL;
  memset(r, 0, sizeof *r);
  r->mismatch_trip = -1;
  a->u.echo.cfg = *c;
  a->u.echo.r = r;
  return peer_app_start(a, 1, c->prio) ? a : NULL;
}

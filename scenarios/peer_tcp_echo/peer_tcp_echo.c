/*
 * peer_tcp_echo - the board (192.0.2.1) runs a TCP echo server on port 7
 * (lwIP sockets, a sim thread); the echo client of an lwIP peer node
 * (192.0.2.2, peers/lwip/) on the virtual wire makes 100 round
 * trips of 1000 bytes.  Two complete lwIP instances in one process, no TCP
 * of ours.
 *
 * Oracle: 100 trips, each read back in full and equal byte for byte (trip
 * k carries its own pattern, so a stale or misplaced segment shows), the
 * server saw exactly 100,000 bytes, no call failed on either side, the
 * board's pools and heap are back where they were before the server
 * opened its socket, and the peer never ran short of memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/stats.h"

#include "scn.h"
#include "scn_board.h"
#include "scn_lwip.h"
#include "scn_peer.h"
#include "scn_svc.h"
#include "sim_sched.h"

#define PE_TRIPS 100
#define PE_BYTES 1000

static struct {
  scn_board board;
  scn_peer peer;
  scn_svc srv;
  uint64_t trip_us[PE_TRIPS];
  peer_echo_result echo;
} pe;

static int pe_cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static void pe_main(scn_run *run)
{
  memset(&pe, 0, sizeof pe);
  scn_board_up(run, &pe.board, NULL, NULL);
  scn_pools before;
  scn_pools_snapshot(&before);
  scn_svc_start(&pe.srv, "echo_srv", 7, true, 3);
  scn_peer_up(run, &pe.peer, &pe.board, NULL);

  peer_echo_config c;
  peer_echo_config_default(&c);
  memcpy(c.server, pe.board.host.ip, 4);
  c.trips = PE_TRIPS;
  c.bytes = PE_BYTES;
  c.salt = (uint32_t)run->seed;
  c.trip_us = pe.trip_us;
  peer_app *app = peer_echo_start(&c, &pe.echo);
  if (!app)
    sim_sched_finish(SIM_END_FAULT, "peer: cannot start the echo client");
  bool client_done = peer_app_wait(app, 60000000) == 0;
  bool srv_done = scn_svc_wait(&pe.srv, 5000);
  sim_sleep_us(1000000); /* the last FIN/ACK and deferred frees */
  char clean[512];
  bool is_clean = scn_peer_clean(&before, clean, sizeof clean);

  const emac_stats *es = emac_get_stats(pe.board.mac);
  unsigned n = pe.echo.done;
  uint64_t sorted[PE_TRIPS];
  memcpy(sorted, pe.trip_us, sizeof sorted);
  qsort(sorted, n, sizeof sorted[0], pe_cmp_u64);
  scn_counter(run, "trips", n);
  scn_counter(run, "connect_us", (long long)pe.echo.connect_us);
  if (n) {
    scn_counter(run, "trip_us_min", (long long)sorted[0]);
    scn_counter(run, "trip_us_median", (long long)sorted[n / 2]);
    scn_counter(run, "trip_us_max", (long long)sorted[n - 1]);
  }
  scn_counter(run, "server_bytes", (long long)pe.srv.bytes);
  scn_counter(run, "board_tcp_xmit", lwip_stats.tcp.xmit);
  scn_counter(run, "board_tx_drop_no_desc", (long long)es->tx_drop_no_desc);
  scn_counter(run, "board_rx_drops",
              (long long)(es->rx_drop_no_desc + es->rx_drop_no_pbuf +
                          es->rx_drop_queue_full));
  scn_peer_counters(run);

  const peer_failure *f = &pe.echo.fail;
  if (!client_done)
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "the echo client did not "
                "finish within 60 s (%u of %d trips)", n, PE_TRIPS);
  else if (pe.echo.mismatch_trip >= 0)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "trip %ld came back wrong at byte %zu",
                pe.echo.mismatch_trip, pe.echo.mismatch_at);
  else if (f->call)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "the peer's %s failed (errno %d%s) after %u of %d trips",
                f->call, f->err, f->reset ? ", reset" : "", n, PE_TRIPS);
  else if (!srv_done || pe.srv.fail)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "the board's echo server %s%s (errno %d)",
                srv_done ? "failed in " : "did not finish",
                pe.srv.fail ? pe.srv.fail : "", pe.srv.fail_errno);
  else if (n != PE_TRIPS || pe.srv.bytes != (size_t)PE_TRIPS * PE_BYTES)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "%u of %d trips; the server saw %zu bytes", n, PE_TRIPS,
                pe.srv.bytes);
  else if (!is_clean)
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "all %d trips fine, but %s",
                PE_TRIPS, clean);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%d of %d round trips of %d bytes byte-exact; trip "
                "%.3f/%.3f/%.3f ms (min/median/max); %s",
                n, PE_TRIPS, PE_BYTES, (double)sorted[0] / 1e3,
                (double)sorted[n / 2] / 1e3, (double)sorted[n - 1] / 1e3,
                clean);
}

const scn_impl scn_peer_tcp_echo_impl = {
    .name = "peer_tcp_echo",
    .main_prio = 2,
    .main = pe_main,
};

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

#include "scn.h"
#include "scn_rig.h"
#include "sim_sched.h"

#define PE_TRIPS 100
#define PE_BYTES 1000

static struct {
  scn_rig rig;
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
  scn_rig *r = &pe.rig;
  scn_rig_board_up(run, r);
  scn_rig_peer_up(run, r, "echo_srv", 7, true);

  peer_echo_config c;
  peer_echo_config_default(&c);
  memcpy(c.server, r->board.host.ip, 4);
  c.trips = PE_TRIPS;
  c.bytes = PE_BYTES;
  c.salt = (uint32_t)run->seed;
  c.trip_us = pe.trip_us;
  peer_app *app = peer_echo_start(&c, &pe.echo);
  if (!app)
    sim_sched_finish(SIM_END_FAULT, "peer: cannot start the echo client");
  scn_rig_wait(r, app, 60000000);
  scn_rig_settle(r, 1000000); /* the last FIN/ACK and deferred frees */

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
  scn_counter(run, "server_bytes", (long long)r->svc.bytes);
  scn_rig_counters(run, r);

  const peer_failure *f = &pe.echo.fail;
  if (!r->app_done)
    scn_verdict(run, SIM_VERDICT_FAULT, "the echo client did not "
                "finish within 60 s (%u of %d trips)", n, PE_TRIPS);
  else if (pe.echo.mismatch_trip >= 0)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "trip %ld came back wrong at byte %zu",
                pe.echo.mismatch_trip, pe.echo.mismatch_at);
  else if (f->call)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "the peer's %s failed (errno %d%s) after %u of %d trips",
                f->call, f->err, f->reset ? ", reset" : "", n, PE_TRIPS);
  else if (!r->svc_done || r->svc.fail)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "the board's echo server %s%s (errno %d)",
                r->svc_done ? "failed in " : "did not finish",
                r->svc.fail ? r->svc.fail : "", r->svc.fail_errno);
  else if (n != PE_TRIPS || r->svc.bytes != (size_t)PE_TRIPS * PE_BYTES)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%u of %d trips; the server saw %zu bytes", n, PE_TRIPS,
                r->svc.bytes);
  else if (!r->clean)
    scn_verdict(run, SIM_VERDICT_FAULT, "all %d trips fine, but %s",
                PE_TRIPS, r->clean_text);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%d of %d round trips of %d bytes byte-exact; trip "
                "%.3f/%.3f/%.3f ms (min/median/max); %s",
                n, PE_TRIPS, PE_BYTES, (double)sorted[0] / 1e3,
                (double)sorted[n / 2] / 1e3, (double)sorted[n - 1] / 1e3,
                r->clean_text);
}

SCN_IMPL(peer_tcp_echo, .main_prio = 2, .main = pe_main);

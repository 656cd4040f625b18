/*
 * peer_tcp_bulk - the board (192.0.2.1) runs a TCP discard server on port
 * 9 (lwIP sockets, a sim thread) that counts and hashes what arrives; the
 * bulk sender of an lwIP peer node (192.0.2.2) pushes 256 KiB with a PC's
 * 64 KiB window against the board's 2-segment one, shuts down and waits
 * for the board's close.
 *
 * Oracle: the peer's stack took all 256 KiB, the server received exactly
 * that many bytes with the FNV-1a hash of the pattern sent (every byte,
 * in order), no call failed on either side, the board's pools and heap are
 * back where they were before the server opened its socket, and the peer
 * never ran short of memory.
 */
#include <stdio.h>
#include <string.h>

#include "scn.h"
#include "scn_rig.h"
#include "sim_sched.h"

#define PB_BYTES (256 * 1024)

static struct {
  scn_rig rig;
  peer_bulk_result bulk;
} pb;

static void pb_main(scn_run *run)
{
  memset(&pb, 0, sizeof pb);
  scn_rig *r = &pb.rig;
  scn_rig_board_up(run, r);
  scn_rig_peer_up(run, r, "discard_srv", 9, false);

  peer_bulk_config c;
  peer_bulk_config_default(&c);
  memcpy(c.server, r->board.host.ip, 4);
  c.total = PB_BYTES;
  c.salt = (uint32_t)run->seed;
  peer_app *app = peer_bulk_start(&c, &pb.bulk);
  if (!app)
    sim_sched_finish(SIM_END_FAULT, "peer: cannot start the bulk sender");
  scn_rig_wait(r, app, 60000000);
  scn_rig_settle(r, 1000000); /* the last FIN/ACK and deferred frees */

  uint32_t want = PEER_FNV1A_INIT;
  for (size_t i = 0; i < PB_BYTES; i++) {
    uint8_t b = peer_pattern(c.salt, i);
    want = peer_fnv1a(want, &b, 1);
  }
  uint64_t us = pb.bulk.duration_us ? pb.bulk.duration_us : 1;
  double mbps = (double)r->svc.bytes * 8.0 / (double)us;
  scn_counter(run, "bulk_sent", (long long)pb.bulk.sent);
  scn_counter(run, "bulk_us", (long long)pb.bulk.duration_us);
  scn_counter(run, "server_bytes", (long long)r->svc.bytes);
  scn_rig_counters(run, r);

  const peer_failure *f = &pb.bulk.fail;
  if (!r->app_done)
    scn_verdict(run, SIM_VERDICT_FAULT, "the bulk sender did not "
                "finish within 60 s (%zu bytes sent)", pb.bulk.sent);
  else if (f->call)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "the peer's %s failed (errno %d%s) after %zu bytes", f->call,
                f->err, f->reset ? ", reset" : "", pb.bulk.sent);
  else if (!r->svc_done || r->svc.fail)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "the board's discard server %s%s (errno %d)",
                r->svc_done ? "failed in " : "did not finish",
                r->svc.fail ? r->svc.fail : "", r->svc.fail_errno);
  else if (pb.bulk.sent != PB_BYTES || r->svc.bytes != PB_BYTES ||
           r->svc.hash != want)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%zu of %d bytes sent, %zu received%s", pb.bulk.sent,
                PB_BYTES, r->svc.bytes,
                r->svc.hash != want ? ", with the wrong bytes" : "");
  else if (!r->clean)
    scn_verdict(run, SIM_VERDICT_FAULT, "all bytes arrived, but %s",
                r->clean_text);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%d bytes sent and received byte-exact in %.1f ms "
                "(%.1f Mbit/s); %s",
                PB_BYTES, (double)pb.bulk.duration_us / 1e3, mbps,
                r->clean_text);
}

SCN_IMPL(peer_tcp_bulk, .main_prio = 2, .main = pb_main);

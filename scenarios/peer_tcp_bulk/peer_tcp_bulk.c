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

#include "lwip/stats.h"

#include "scn.h"
#include "scn_board.h"
#include "scn_lwip.h"
#include "scn_peer.h"
#include "scn_svc.h"
#include "sim_sched.h"

#define PB_BYTES (256 * 1024)

static struct {
  scn_board board;
  scn_peer peer;
  scn_svc srv;
  peer_bulk_result bulk;
} pb;

static void pb_main(scn_run *run)
{
  memset(&pb, 0, sizeof pb);
  scn_board_up(run, &pb.board, NULL, NULL);
  scn_pools before;
  scn_pools_snapshot(&before);
  scn_svc_start(&pb.srv, "discard_srv", 9, false, 3);
  scn_peer_up(run, &pb.peer, &pb.board, NULL);

  peer_bulk_config c;
  peer_bulk_config_default(&c);
  memcpy(c.server, pb.board.host.ip, 4);
  c.total = PB_BYTES;
  c.salt = (uint32_t)run->seed;
  peer_app *app = peer_bulk_start(&c, &pb.bulk);
  if (!app)
    sim_sched_finish(SIM_END_FAULT, "peer: cannot start the bulk sender");
  bool client_done = peer_app_wait(app, 60000000) == 0;
  bool srv_done = scn_svc_wait(&pb.srv, 5000);
  sim_sleep_us(1000000); /* the last FIN/ACK and deferred frees */
  char clean[512];
  bool is_clean = scn_peer_clean(&before, clean, sizeof clean);

  uint32_t want = PEER_FNV1A_INIT;
  for (size_t i = 0; i < PB_BYTES; i++) {
    uint8_t b = peer_pattern(c.salt, i);
    want = peer_fnv1a(want, &b, 1);
  }
  const emac_stats *es = emac_get_stats(pb.board.mac);
  uint64_t us = pb.bulk.duration_us ? pb.bulk.duration_us : 1;
  double mbps = (double)pb.srv.bytes * 8.0 / (double)us;
  scn_counter(run, "bulk_sent", (long long)pb.bulk.sent);
  scn_counter(run, "bulk_us", (long long)pb.bulk.duration_us);
  scn_counter(run, "server_bytes", (long long)pb.srv.bytes);
  scn_counter(run, "board_tcp_xmit", lwip_stats.tcp.xmit);
  scn_counter(run, "board_tx_drop_no_desc", (long long)es->tx_drop_no_desc);
  scn_counter(run, "board_rx_drops",
              (long long)(es->rx_drop_no_desc + es->rx_drop_no_pbuf +
                          es->rx_drop_queue_full));
  scn_peer_counters(run);

  const peer_failure *f = &pb.bulk.fail;
  if (!client_done)
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "the bulk sender did not "
                "finish within 60 s (%zu bytes sent)", pb.bulk.sent);
  else if (f->call)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "the peer's %s failed (errno %d%s) after %zu bytes", f->call,
                f->err, f->reset ? ", reset" : "", pb.bulk.sent);
  else if (!srv_done || pb.srv.fail)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "the board's discard server %s%s (errno %d)",
                srv_done ? "failed in " : "did not finish",
                pb.srv.fail ? pb.srv.fail : "", pb.srv.fail_errno);
  else if (pb.bulk.sent != PB_BYTES || pb.srv.bytes != PB_BYTES ||
           pb.srv.hash != want)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "%zu of %d bytes sent, %zu received%s", pb.bulk.sent,
                PB_BYTES, pb.srv.bytes,
                pb.srv.hash != want ? ", with the wrong bytes" : "");
  else if (!is_clean)
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "all bytes arrived, but %s",
                clean);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%d bytes sent and received byte-exact in %.1f ms "
                "(%.1f Mbit/s); %s",
                PB_BYTES, (double)pb.bulk.duration_us / 1e3, mbps, clean);
}

const scn_impl scn_peer_tcp_bulk_impl = {
    .name = "peer_tcp_bulk",
    .main_prio = 2,
    .main = pb_main,
};

/*
 * board_ping - a scripted peer (192.0.2.99) on the virtual wire resolves the
 * board with ARP and sends it ICMP echo requests, one every 100 ms, each
 * waiting up to 500 ms for its reply; the board answers through lwIP and the
 * EMAC model.
 *
 * The peer is a sim thread plus a receive function that runs in event
 * context: it only parses the frame and gives a semaphore.  The oracle
 * counts replies with the right id, sequence and length (IP and ICMP
 * checksums verified).  In `cable-pull` the cable is out from 0.45 s to
 * 0.75 s of the ping sequence: the pings then must be lost (RX dropped,
 * "link down" in the capture), those before and after answered.  A
 * baseline has no field bug: any failure is `fault`, never `reproduced`.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/stats.h"

#include "emac.h"
#include "frames.h"
#include "scn.h"
#include "scn_board.h"
#include "scn_lwip.h"
#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"

#define BP_COUNT 10
#define BP_INTERVAL_US 100000
#define BP_TIMEOUT_US 500000
#define BP_ID 0x4c57
/* At the end, while a level is not back (a failed run only): the EMAC
 * frees a TX frame whose deferred free could not be posted at its PHY
 * task's next poll (every 100 ms). */
#define BP_DRAIN_STEP_US 100000ull
#define BP_DRAIN_MAX_US 1000000ull

static struct {
  scn_board board;
  frames_host me;
  int port;
  sim_sem *got;
  bool arp_ok;
  uint8_t board_mac[6];
  uint16_t last_seq;
  size_t last_payload;
  bool reply;
  int replies, lost, bad;
  uint64_t pull_at, plug_at;
  int lost_in_outage, lost_outside;
} bp;

static const char *bp_rx(void *node, const uint8_t *f, size_t len)
{
  (void)node;
  uint16_t id, seq;
  size_t payload;
  if (!bp.arp_ok && frames_arp_reply_parse(f, len, &bp.me, bp.board_mac)) {
    bp.arp_ok = true;
    sim_sem_give(bp.got);
  } else if (frames_icmp_reply_parse(f, len, &bp.me, &id, &seq, &payload) &&
             id == BP_ID) {
    bp.last_seq = seq;
    bp.last_payload = payload;
    bp.reply = true;
    sim_sem_give(bp.got);
  }
  return NULL;
}

static void bp_main(scn_run *run)
{
  memset(&bp, 0, sizeof bp);
  scn_board_up(run, &bp.board, NULL, NULL);
  /* lwIP up, the EMAC started, the link up: what every seed shares. */
  scn_start_point(run);
  scn_pools before;
  scn_pools_snapshot(&before);
  static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x99};
  static const uint8_t ip[4] = {192, 0, 2, 99};
  memcpy(bp.me.mac, mac, 6);
  memcpy(bp.me.ip, ip, 4);
  bp.got = sim_sem_new(0);
  bp.port = tapif_wire_attach(bp.board.wire, "peer", bp_rx, NULL);
  uint8_t f[TAPIF_FRAME_MAX];

  size_t len = frames_arp_request(f, &bp.me, bp.board.host.ip);
  tapif_wire_send(bp.board.wire, bp.port, f, len, NULL);
  if (sim_sem_take(bp.got, BP_TIMEOUT_US) != SIM_OK || !bp.arp_ok) {
    scn_verdict(run, SIM_VERDICT_FAULT, "no ARP reply from the board");
    return;
  }
  uint64_t t0 = sim_clock_now_us();
  if (scn_variant_is(run, "cable-pull")) {
    bp.pull_at = t0 + 450000;
    bp.plug_at = t0 + 750000;
    emac_set_cable_at(bp.board.mac, false, bp.pull_at);
    emac_set_cable_at(bp.board.mac, true, bp.plug_at);
  }
  for (int i = 0; i < BP_COUNT; i++) {
    uint64_t start = t0 + (uint64_t)i * BP_INTERVAL_US;
    if (sim_clock_now_us() < start)
      sim_sleep_us(start - sim_clock_now_us());
    size_t payload = i % 2 ? 1000 : 56;
    len = frames_icmp_echo(f, sizeof f, &bp.me, bp.board_mac,
                           bp.board.host.ip, BP_ID, (uint16_t)i,
                           (uint16_t)(100 + i), payload);
    uint64_t sent = sim_clock_now_us();
    bool outage = bp.pull_at && sent >= bp.pull_at && sent < bp.plug_at;
    bp.reply = false;
    tapif_wire_send(bp.board.wire, bp.port, f, len, NULL);
    if (sim_sem_take(bp.got, BP_TIMEOUT_US) != SIM_OK || !bp.reply) {
      bp.lost++;
      if (outage)
        bp.lost_in_outage++;
      else
        bp.lost_outside++;
    } else if (bp.last_seq != i || bp.last_payload != payload) {
      bp.bad++;
    } else {
      bp.replies++;
    }
  }
  scn_pools_settle(&before, BP_DRAIN_STEP_US, BP_DRAIN_MAX_US);
  const emac_stats *st = emac_get_stats(bp.board.mac);
  scn_counter(run, "replies", bp.replies);
  scn_counter(run, "lost", bp.lost);
  scn_counter(run, "bad", bp.bad);
  scn_counter(run, "emac_rx", (long long)st->rx_frames);
  scn_counter(run, "emac_tx", (long long)st->tx_frames);
  scn_counter(run, "rx_drop_link_down", (long long)st->rx_drop_link_down);
  scn_counter(run, "icmp_xmit", lwip_stats.icmp.xmit);
  if (bp.bad)
    scn_verdict(run, SIM_VERDICT_FAULT, "%d replies with a wrong "
                "sequence or length", bp.bad);
  else if (bp.lost_outside)
    scn_verdict(run, SIM_VERDICT_FAULT, "%d of %d pings lost while the "
                "link was up", bp.lost_outside, BP_COUNT);
  else if (bp.pull_at && !bp.lost_in_outage)
    scn_verdict(run, SIM_VERDICT_FAULT, "pings were answered while the "
                "cable was out");
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%d of %d echo replies (56 and 1000 bytes)%s; EMAC rx %llu "
                "tx %llu",
                bp.replies, BP_COUNT,
                bp.pull_at ? ", the rest lost while the cable was out" : "",
                (unsigned long long)st->rx_frames,
                (unsigned long long)st->tx_frames);
}

SCN_IMPL(board_ping, .main_prio = 2, .main = bp_main, .start_point = true);

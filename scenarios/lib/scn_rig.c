/*
 * scn_rig.c - the peer scenarios' common frame (see scn_rig.h).
 *
 * Every step makes the same lwIP and sim calls, in the same order, as the
 * scenarios made when each wrote it out, so their traces and digests are
 * those of before: a step a scenario does not take (no service) is
 * skipped, not replaced by an empty call.  The pools snapshot is a plain
 * read of lwIP's statistics with no sim call, so ping_flood_load, which
 * checks no pools, takes it at no cost to its trace.
 */
#include "scn_rig.h"

#include <string.h>

#include "lwip/stats.h"

#include "emac.h"
#include "sim_sched.h"

#define SCN_RIG_SVC_PRIO 3
#define SCN_RIG_SVC_WAIT_MS 5000
#define SCN_RIG_DRAIN_STEP_US 100000ull
#define SCN_RIG_DRAIN_MAX_US 20000000ull /* TCP RTOs (the first is 3 s) */

void scn_rig_board_up(scn_run *run, scn_rig *r)
{
  memset(r, 0, sizeof *r);
  scn_board_up(run, &r->board, NULL, NULL);
}

void scn_rig_peer_up(scn_run *run, scn_rig *r, const char *svc_name,
                     uint16_t port, bool echo)
{
  scn_pools_snapshot(&r->before);
  if (svc_name) {
    scn_svc_start(&r->svc, svc_name, port, echo, SCN_RIG_SVC_PRIO);
    r->svc_started = true;
  }
  scn_peer_up(run, &r->peer, &r->board, NULL);
}

void scn_rig_wait(scn_rig *r, peer_app *app, uint64_t app_us)
{
  r->app_done = peer_app_wait(app, app_us) == 0;
  r->svc_done = !r->svc_started || scn_svc_wait(&r->svc, SCN_RIG_SVC_WAIT_MS);
}

void scn_rig_settle(scn_rig *r, uint64_t settle_us)
{
  sim_sleep_us(settle_us);
  /* A failed run (a sweep's) may leave lwIP a retransmission to finish
   * (a dropped last ACK keeps the board's pcb in LAST_ACK until its FIN is
   * answered) or the EMAC a TX frame for the PHY task's next poll: wait for
   * the levels to come back, as long as a few RTOs.  A clean run's levels
   * are back already and its schedule is unchanged. */
  scn_pools_settle(&r->before, SCN_RIG_DRAIN_STEP_US, SCN_RIG_DRAIN_MAX_US);
  r->clean = scn_peer_clean(&r->before, r->clean_text, sizeof r->clean_text);
}

void scn_rig_counters(scn_run *run, const scn_rig *r)
{
  const emac_stats *es = emac_get_stats(r->board.mac);
  scn_counter(run, "board_tcp_xmit", lwip_stats.tcp.xmit);
  scn_counter(run, "board_tx_drop_no_desc", (long long)es->tx_drop_no_desc);
  scn_counter(run, "board_rx_drops", (long long)emac_rx_drops(es));
  scn_peer_counters(run);
}

/*
 * peer_ping_2000 - a scripted ICMP peer (192.0.2.99, peers/frame/peers.h) on the
 * virtual wire resolves the board with ARP and sends it 20 echo requests
 * with 2000-byte payloads, one every 100 ms, each waiting up to 1 s for
 * its reply.  A 2008-byte ICMP message does not fit Ethernet's 1500-byte
 * MTU, so each request goes as 2 IP fragments (1480 + 528 bytes); the
 * board's lwIP reassembles it (IP_REASSEMBLY), answers, and fragments the
 * reply (IP_FRAG); the peer reassembles the reply.
 *
 * Oracle: 20 of 20 replies within the timeout, each 2000 bytes equal to
 * what was sent, each in 2 fragments; lwIP counts no fragment dropped or
 * refused for memory; every pool and the heap back where they were before
 * the first ping (reassembly buffers and fragment pbufs returned; when a
 * level is not back, after waiting up to IP_REASS_MAXAGE for lwIP's timers).
 * Anything else is `reproduced`.  The virtual round trips go into the
 * counters and the message.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/ip4_frag.h"
#include "lwip/memp.h"
#include "lwip/stats.h"

#include "emac.h"
#include "peers.h"
#include "scn.h"
#include "scn_board.h"
#include "scn_lwip.h"
#include "sim_clock.h"
#include "sim_sched.h"

#define PP_COUNT 20
#define PP_PAYLOAD 2000
#define PP_INTERVAL_US 100000
#define PP_TIMEOUT_US 1000000
#define PP_SETTLE_US 50000 /* TX completions and deferred frees */
/* When a level is not back after PP_SETTLE_US (a failed run): long enough
 * for lwIP's reassembly timer to free a partial datagram and for the
 * EMAC's PHY poll to free a TX frame it was left. */
#define PP_DRAIN_STEP_US 100000ull
#define PP_DRAIN_MAX_US (IP_REASS_MAXAGE * IP_TMR_INTERVAL * 1000ull + 1000000ull)

static struct {
  scn_board board;
  peers_node *ping;
} pp;

static void pp_free_peer(void *arg)
{
  peers_free(arg);
}

static long long pp_pool_max(memp_t pool)
{
  return lwip_stats.memp[pool] ? (long long)lwip_stats.memp[pool]->max : -1;
}

/* The first echo that was not answered in 2 fragments with the right
 * payload, or -1. */
static int pp_first_odd(const peers_ping_result *r)
{
  for (unsigned i = 0; i < r->count; i++) {
    const peers_echo *x = &r->echo[i];
    if (!x->answered || !x->payload_ok || x->fragments != 2 ||
        x->reply_fragments != 2)
      return (int)i;
  }
  return -1;
}

static void pp_main(scn_run *run)
{
  memset(&pp, 0, sizeof pp);
  scn_board_up(run, &pp.board, NULL, NULL);
  scn_pools before, after;
  scn_pools_snapshot(&before);

  peers_ping_config pc;
  peers_ping_config_default(&pc, "ping2000", 99);
  pc.count = PP_COUNT;
  pc.payload = PP_PAYLOAD;
  pc.interval_us = PP_INTERVAL_US;
  pc.timeout_us = PP_TIMEOUT_US;
  char err[160];
  pp.ping = peers_ping_start(pp.board.wire, &pc, err, sizeof err);
  if (!pp.ping)
    sim_sched_finish(SIM_END_FAULT, "%s", err);
  scn_at_end(run, pp_free_peer, pp.ping);
  peers_wait(pp.ping, SIM_FOREVER);
  sim_sleep_us(PP_SETTLE_US);
  scn_pools_settle(&before, PP_DRAIN_STEP_US, PP_DRAIN_MAX_US);
  scn_pools_snapshot(&after);
  char leaks[512];
  int nleaks = scn_pools_diff(&before, &after, leaks, sizeof leaks);

  const peers_ping_result *r = peers_get_ping(pp.ping);
  const emac_stats *st = emac_get_stats(pp.board.mac);
  unsigned long long avg = r->replies ? r->rtt_sum_us / r->replies : 0;
  scn_counter(run, "replies", r->replies);
  scn_counter(run, "lost", r->lost);
  scn_counter(run, "late", r->late);
  scn_counter(run, "bad", r->bad);
  scn_counter(run, "rtt_min_us", (long long)r->rtt_min_us);
  scn_counter(run, "rtt_avg_us", (long long)avg);
  scn_counter(run, "rtt_max_us", (long long)r->rtt_max_us);
  scn_counter(run, "peer_reassembled", (long long)r->st.reassembled);
  scn_counter(run, "ip_frag_recv", lwip_stats.ip_frag.recv);
  scn_counter(run, "ip_frag_xmit", lwip_stats.ip_frag.xmit);
  scn_counter(run, "ip_frag_drop", lwip_stats.ip_frag.drop);
  scn_counter(run, "ip_frag_memerr", lwip_stats.ip_frag.memerr);
  scn_counter(run, "icmp_xmit", lwip_stats.icmp.xmit);
  scn_counter(run, "reassdata_max", pp_pool_max(MEMP_REASSDATA));
  scn_counter(run, "frag_pbuf_max", pp_pool_max(MEMP_FRAG_PBUF));
  scn_counter(run, "pbuf_pool_max", pp_pool_max(MEMP_PBUF_POOL));
  scn_counter(run, "heap_max", (long long)lwip_stats.mem.max);
  scn_counter(run, "emac_rx", (long long)st->rx_frames);
  scn_counter(run, "emac_tx", (long long)st->tx_frames);
  scn_counter(run, "emac_rx_drops",
              (long long)(emac_rx_drops(st) + st->rx_drop_oversize));

  int odd = pp_first_odd(r);
  if (!r->st.resolved)
    scn_verdict(run, SIM_VERDICT_FAULT, "no ARP reply from the board");
  else if (r->replies != PP_COUNT || r->bad || odd >= 0)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%u of %d echo replies, %u with a wrong payload, %u late; "
                "echo %d first went wrong (%s); lwIP ip_frag drop %u "
                "memerr %u",
                r->replies, PP_COUNT, r->bad, r->late, odd,
                odd < 0 ? "-"
                : !r->echo[odd].answered ? "no reply"
                : !r->echo[odd].payload_ok ? "payload differs"
                                            : "not 2 fragments",
                (unsigned)lwip_stats.ip_frag.drop,
                (unsigned)lwip_stats.ip_frag.memerr);
  else if (lwip_stats.ip_frag.drop || lwip_stats.ip_frag.memerr)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "all answered, but lwIP dropped %u fragments (%u for "
                "memory)",
                (unsigned)lwip_stats.ip_frag.drop,
                (unsigned)lwip_stats.ip_frag.memerr);
  else if (nleaks)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "all answered, but the pools did not come back: %s", leaks);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%u of %d echo replies of %d bytes, byte-exact, 2 fragments "
                "each way; rtt min/avg/max %llu/%llu/%llu us (virtual); "
                "lwIP fragments in %u out %u; pools back",
                r->replies, PP_COUNT, PP_PAYLOAD,
                (unsigned long long)r->rtt_min_us, avg,
                (unsigned long long)r->rtt_max_us,
                (unsigned)lwip_stats.ip_frag.recv,
                (unsigned)lwip_stats.ip_frag.xmit);
}

SCN_IMPL(peer_ping_2000, .main_prio = 2, .main = pp_main);

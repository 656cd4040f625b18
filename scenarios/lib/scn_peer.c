/*
 * scn_peer.c - a peer node on the board's wire (see scn_peer.h).
 *
 * The peer object knows nothing of the wire (contrib_port/ may not include
 * tapif/): it gets a send function, and its receive function is attached
 * here.  The node is attached before it starts, because it announces
 * itself with a gratuitous ARP as soon as its netif is up.
 */
#include "scn_peer.h"

#include <stdio.h>
#include <string.h>

#include "sim_sched.h"

static int scn_peer_send(void *ctx, const uint8_t *frame, size_t len)
{
  scn_peer *p = ctx;
  return tapif_wire_send(p->board->wire, p->port, frame, len, NULL);
}

void scn_peer_up(scn_run *run, scn_peer *p, scn_board *b,
                 const peer_node_config *cfg)
{
  (void)run;
  peer_node_config c;
  if (cfg)
    c = *cfg;
  else
    peer_node_config_default(&c);
  memset(p, 0, sizeof *p);
  p->board = b;
  c.send = scn_peer_send;
  c.send_ctx = p;
  char err[160];
  p->node = peer_node_new(&c, err, sizeof err);
  if (!p->node)
    sim_sched_finish(SIM_END_FAULT, "%s", err);
  p->port = tapif_wire_attach(b->wire, "peer", peer_node_rx, p->node);
  if (p->port < 0)
    sim_sched_finish(SIM_END_FAULT, "peer: the wire is full");
  memcpy(p->host.mac, c.mac, 6);
  memcpy(p->host.ip, c.ip, 4);
  if (peer_node_start(p->node, err, sizeof err) != 0)
    sim_sched_finish(SIM_END_FAULT, "%s", err);
}

void scn_peer_counters(scn_run *run)
{
  peer_node_stats st;
  peer_node_get_stats(&st);
  scn_counter(run, "peer_nic_rx", (long long)st.nic_rx);
  scn_counter(run, "peer_nic_tx", (long long)st.nic_tx);
  scn_counter(run, "peer_nic_drops",
              (long long)(st.nic_drop_ring + st.nic_drop_pbuf +
                          st.nic_drop_input + st.nic_tx_fail));
  scn_counter(run, "peer_tcp_xmit", (long long)st.tcp_xmit);
  scn_counter(run, "peer_tcp_drop", (long long)st.tcp_drop);
  scn_counter(run, "peer_mem_err",
              (long long)(st.mem_err + st.memp_err));
}

bool scn_peer_clean(const scn_pools *before, char *buf, size_t len)
{
  scn_pools after;
  scn_pools_snapshot(&after);
  char leak[400];
  if (scn_pools_diff(before, &after, leak, sizeof leak)) {
    snprintf(buf, len, "the board leaked: %s", leak);
    return false;
  }
  peer_node_stats st;
  peer_node_get_stats(&st);
  if (st.mem_err || st.memp_err) {
    snprintf(buf, len, "the peer ran out of memory (heap %llu, pools %llu "
             "failures)", (unsigned long long)st.mem_err,
             (unsigned long long)st.memp_err);
    return false;
  }
  snprintf(buf, len, "board pools and heap as before");
  return true;
}

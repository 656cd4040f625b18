/*
 * peer_node.c - the peer node's life: claim the instance, start its lwIP
 * (tcpip_init: the "peer_tcpip" thread), add its NIC's netif, start the RX
 * thread; and its statistics for oracles.
 *
 * The instance is this object's static state (lwIP's globals, renamed
 * peer_*), so a process has one peer node, claimed by peer_node_new() and
 * never released: engines run one scenario per process.  Setting up and
 * starting are two steps so that the scenario can attach the node to the
 * wire in between: the netif announces itself (gratuitous ARP) as soon as
 * it is up, and that frame needs a port to leave from.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"

#include "peer_priv.h"

static peer_node peer_node_the;

void peer_node_config_default(peer_node_config *c)
{
  static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
  static const uint8_t ip[4] = {192, 0, 2, 2};
  memset(c, 0, sizeof *c);
  memcpy(c->mac, mac, sizeof mac);
  memcpy(c->ip, ip, sizeof ip);
  c->prefix = 24;
  c->rx_ring = 64;
  c->rx_prio = 5;
}

peer_node *peer_node_new(const peer_node_config *c, char *err, size_t errlen)
{
  peer_node *n = &peer_node_the;
  if (n->claimed) {
    snprintf(err, errlen, "peer: one peer node per process (its lwIP "
             "state is static)");
    return NULL;
  }
  if (!c->send) {
    snprintf(err, errlen, "peer: no send function");
    return NULL;
  }
  if (c->rx_ring == 0 || c->rx_ring > PEER_RX_RING_MAX) {
    snprintf(err, errlen, "peer: rx_ring %u not in 1..%u", c->rx_ring,
             PEER_RX_RING_MAX);
    return NULL;
  }
  if (c->prefix < 0 || c->prefix > 32) {
    snprintf(err, errlen, "peer: prefix /%d", c->prefix);
    return NULL;
  }
  memset(n, 0, sizeof *n);
  n->cfg = *c;
  n->claimed = true;
  return n;
}

static void peer_node_init_done(void *arg)
{
  sys_sem_signal((sys_sem_t *)arg);
}

static void peer_ip4(ip4_addr_t *a, const uint8_t b[4])
{
  IP4_ADDR(a, b[0], b[1], b[2], b[3]);
}

int peer_node_start(peer_node *n, char *err, size_t errlen)
{
  if (!n || !n->claimed || n->started) {
    snprintf(err, errlen, "peer: node not set up, or started twice");
    return -1;
  }
  sys_sem_t ready;
  if (sys_sem_new(&ready, 0) != ERR_OK ||
      sys_sem_new(&n->rx_sem, 0) != ERR_OK) {
    snprintf(err, errlen, "peer: no semaphore");
    return -1;
  }
  tcpip_init(peer_node_init_done, &ready);
  sys_arch_sem_wait(&ready, 0);
  sys_sem_free(&ready);

  ip4_addr_t addr, mask, gw;
  uint32_t m = n->cfg.prefix == 0 ? 0 : 0xffffffffu << (32 - n->cfg.prefix);
  const uint8_t mb[4] = {(uint8_t)(m >> 24), (uint8_t)(m >> 16),
                         (uint8_t)(m >> 8), (uint8_t)m};
  peer_ip4(&addr, n->cfg.ip);
  peer_ip4(&mask, mb);
  peer_ip4(&gw, n->cfg.gw);
  /* Frames may arrive from here on: the ring is empty and the RX thread
   * starts below, before anything can wait on it. */
  n->started = true;
  LOCK_TCPIP_CORE();
  struct netif *nf = netif_add(&n->netif, &addr, &mask, &gw, n,
                               peer_nic_init, tcpip_input);
  if (nf) {
    netif_set_default(nf);
    netif_set_up(nf);
    netif_set_link_up(nf);
  }
  UNLOCK_TCPIP_CORE();
  if (!nf) {
    n->started = false;
    snprintf(err, errlen, "peer: netif_add failed");
    return -1;
  }
  if (!sys_thread_new("peer_rx", peer_nic_rx_task, n, 0, n->cfg.rx_prio)) {
    snprintf(err, errlen, "peer: no RX thread");
    return -1;
  }
  return 0;
}

void peer_node_get_stats(peer_node_stats *st)
{
  const peer_node *n = &peer_node_the;
  *st = n->nic;
  st->tcp_xmit = lwip_stats.tcp.xmit;
  st->tcp_recv = lwip_stats.tcp.recv;
  st->tcp_drop = lwip_stats.tcp.drop;
  st->tcp_err = lwip_stats.tcp.err;
  st->ip_frag_recv = lwip_stats.ip_frag.recv;
  st->ip_frag_xmit = lwip_stats.ip_frag.xmit;
  st->mem_used = lwip_stats.mem.used;
  st->mem_err = lwip_stats.mem.err;
  st->memp_err = 0;
  for (int i = 0; i < MEMP_MAX; i++)
    if (lwip_stats.memp[i])
      st->memp_err += lwip_stats.memp[i]->err;
}

/*
 * peer_nic.c - the peer node's NIC: a PC's Ethernet card on the virtual
 * wire, driven by its own lwIP instance.
 *
 * Receive.  The wire delivers frames in event context (a sim_call_at
 * callback, interrupt rules): nothing there may block, and the peer's
 * lwIP may not be entered (pbuf_alloc takes SYS_ARCH_PROTECT, a
 * scheduling point).  So peer_node_rx() only filters the frame by MAC,
 * copies it into a slot of a fixed ring and gives the RX semaphore, like a
 * NIC's DMA and interrupt; the RX thread ("peer_rx") copies each slot into
 * a PBUF_POOL pbuf and hands it to tcpip_input.  The ring is static, so
 * nothing is allocated in event context and nothing is left to free when a
 * run ends with frames queued.  The wire fills at `head`, the thread
 * empties at `tail`; a slot stays counted until the thread is done with
 * it, so the wire never overwrites a slot being copied.  A full ring drops
 * the frame (counted and traced), as a NIC whose host is behind does.
 *
 * Transmit.  linkoutput runs where the peer's lwIP sends (its tcpip_thread
 * or an app thread holding its core lock: one at a time), flattens the
 * pbuf chain into a buffer, pads it to the Ethernet minimum as a NIC does
 * and passes the bytes to the scenario's send function; the wire copies
 * them and clocks each port's frames out at its link speed.  Only bytes
 * cross to the board, never pbufs.
 */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"

#include "peer_priv.h"
#include "sim_sched.h"
#include "sim_trace.h"

static err_t peer_nic_output(struct netif *netif, struct pbuf *p)
{
  peer_node *n = netif->state;
  if (p->tot_len > sizeof n->txbuf) {
    n->nic.nic_tx_fail++;
    LINK_STATS_INC(link.err);
    return ERR_BUF;
  }
  size_t len = pbuf_copy_partial(p, n->txbuf, sizeof n->txbuf, 0);
  if (len < PEER_FRAME_MIN) {
    memset(n->txbuf + len, 0, PEER_FRAME_MIN - len);
    len = PEER_FRAME_MIN;
  }
  if (n->cfg.send(n->cfg.send_ctx, n->txbuf, len) != 0) {
    n->nic.nic_tx_fail++;
    LINK_STATS_INC(link.drop);
    return ERR_IF;
  }
  n->nic.nic_tx++;
  LINK_STATS_INC(link.xmit);
  return ERR_OK;
}

err_t peer_nic_init(struct netif *netif)
{
  peer_node *n = netif->state;
  netif->name[0] = 'p';
  netif->name[1] = 'n';
  netif->output = etharp_output;
  netif->linkoutput = peer_nic_output;
  netif->mtu = 1500;
  netif->hwaddr_len = ETH_HWADDR_LEN;
  memcpy(netif->hwaddr, n->cfg.mac, ETH_HWADDR_LEN);
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                 NETIF_FLAG_ETHERNET;
  return ERR_OK;
}

const char *peer_node_rx(void *node, const uint8_t *frame, size_t len)
{
  peer_node *n = node;
  if (!n || !n->started)
    return NULL; /* the card is not up yet: nothing listens */
  if (len < 14 || len > PEER_FRAME_MAX) {
    n->nic.nic_drop_filtered++;
    return NULL;
  }
  /* Unicast for another MAC: the card's address filter. */
  if (!(frame[0] & 1) && memcmp(frame, n->cfg.mac, 6) != 0) {
    n->nic.nic_drop_filtered++;
    return NULL;
  }
  if (n->count == n->cfg.rx_ring) {
    n->nic.nic_drop_ring++;
    sim_trace_eventf("peer", "rx dropped: ring full (%zu bytes)", len);
    return NULL;
  }
  peer_frame_slot *s = &n->ring[n->head];
  memcpy(s->data, frame, len);
  s->len = (uint16_t)len;
  n->head = (n->head + 1) % n->cfg.rx_ring;
  n->count++;
  sys_sem_signal(&n->rx_sem);
  return NULL;
}

/* The ring's counter is shared with peer_node_rx() in event context: read
 * and moved in model sections (sim_model_lock). */
static unsigned peer_nic_pending(peer_node *n)
{
  sim_model_lock();
  unsigned c = n->count;
  sim_model_unlock();
  return c;
}

void peer_nic_rx_task(void *arg)
{
  peer_node *n = arg;
  for (;;) {
    sys_arch_sem_wait(&n->rx_sem, 0);
    while (peer_nic_pending(n)) {
      peer_frame_slot *s = &n->ring[n->tail];
      struct pbuf *p = pbuf_alloc(PBUF_RAW, s->len, PBUF_POOL);
      if (!p) {
        n->nic.nic_drop_pbuf++;
        LINK_STATS_INC(link.memerr);
        sim_trace_eventf("peer", "rx dropped: no pool pbuf (%u bytes)",
                         (unsigned)s->len);
      } else {
        pbuf_take(p, s->data, s->len);
        LINK_STATS_INC(link.recv);
        if (n->netif.input(p, &n->netif) != ERR_OK) {
          n->nic.nic_drop_input++;
          sim_trace_event("peer", "rx dropped: input queue full");
          pbuf_free(p);
        } else {
          n->nic.nic_rx++;
        }
      }
      sim_model_lock();
      n->tail = (n->tail + 1) % n->cfg.rx_ring;
      n->count--;
      sim_model_unlock();
    }
  }
}

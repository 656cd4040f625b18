/*
 * emac.c - lwIP's reference driver for the board's MAC device (macdev.h),
 * an ordinary client of the device, in the shape of a typical MCU
 * `ethernetif.c` (see emac.h).
 *
 * Contexts.  The RX ISR reads and clears the device's RX status bits and
 * gives the RX semaphore.  The RX task (a sim thread) takes filled
 * descriptors in ring order, passes their pbufs to netif->input and gives
 * each descriptor a fresh PBUF_POOL pbuf (its segments are the DMA's
 * scatter list); a descriptor whose refill failed stays the driver's and
 * is retried.  low_level_output runs wherever lwIP sends (tcpip_thread, or
 * an application thread holding the core lock): it keeps a reference to
 * the pbuf, hands its segments to a TX descriptor (the DMA gathers them)
 * and the TX-complete ISR releases the reference once the device has given
 * the descriptor back, in the ISR or deferred, by configuration.  The PHY
 * task polls the device's link bit.
 *
 * Invariants.  rx_p[i] is the pbuf whose segments descriptor i holds, or
 * NULL when a refill failed; tx_p[i] is the pbuf of a frame handed to
 * descriptor i and not yet released.  Descriptors change hands with
 * event/IRQ context only in model sections (sim_model_lock): nothing under
 * the deterministic scheduler, the interrupt mask on free-running threads.
 */
#include "emac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"

#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_trace.h"

struct emac {
  emac_config cfg;
  macdev *dev;
  struct netif *netif;
  struct pbuf **rx_p;
  unsigned rx_tail;
  struct pbuf **tx_p;
  unsigned tx_head, tx_tail;
  uint8_t *tx_bounce; /* a frame of more segments than a descriptor takes */
  sys_sem_t rx_sem;
  int rx_irq, tx_irq;
  bool link_reported; /* what the PHY task last told lwIP */
  /* Sent frames whose deferred free could not be posted from the ISR
   * (pbuf_free_callback found no message): freed by the PHY task, in
   * thread context, at its next poll.  At most tx_ring of them. */
  struct pbuf **tx_orphan;
  unsigned n_orphans;
  bool tx_stalled; /* sent frames left on the ring for the PHY task */
  emac_stats st;      /* the driver's counters; the device's added on read */
};

void emac_config_default(emac_config *c)
{
  *c = (emac_config){.rx_ring = 4, .tx_ring = 4, .rx_buf = 1536,
                     .tx_free = EMAC_TXFREE_DEFERRED,
                     .mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01},
                     .link_mbps = 100, .rx_irq_prio = 2, .tx_irq_prio = 1,
                     .rx_task_prio = 5, .phy_task_prio = 1,
                     .phy_poll_ms = 100, .refill_retry_ms = 50,
                     .cable_plugged = true};
}

/* The segments of a pbuf chain; 0 when it has more than a descriptor
 * takes. */
static unsigned emac_segs(struct pbuf *p, macdev_seg *seg)
{
  unsigned n = 0;
  for (struct pbuf *q = p; q; q = q->next) {
    if (q->len == 0)
      continue;
    if (n == MACDEV_MAX_SEGS)
      return 0;
    seg[n++] = (macdev_seg){q->payload, q->len};
  }
  return n;
}

/* ------------------------------------------------------------------ */
/* receive                                                             */

static void emac_rx_isr(void *arg)
{
  emac *e = arg;
  macdev_irq_clear(e->dev, macdev_irq_status(e->dev) &
                               (MACDEV_IRQ_RX | MACDEV_IRQ_RXERR));
  sys_sem_signal(&e->rx_sem);
}

/* Gives descriptor i a fresh pool pbuf (or leaves it the driver's). */
static void emac_refill(emac *e, unsigned i)
{
  struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)e->cfg.rx_buf, PBUF_POOL);
  macdev_seg seg[MACDEV_MAX_SEGS];
  unsigned n = p ? emac_segs(p, seg) : 0;
  if (p && n && macdev_rx_give(e->dev, i, seg, n) == MACDEV_OK) {
    e->rx_p[i] = p;
    return;
  }
  if (p)
    pbuf_free(p);
  e->rx_p[i] = NULL;
  e->st.refill_failures++;
}

/* One pass over the ring: every filled descriptor in ring order to
 * netif->input, then the refills that failed before.  Returns the frames
 * passed up. */
static unsigned emac_rx_pass(emac *e)
{
  unsigned frames = 0;
  for (;;) {
    /* The descriptor changes hands with the DMA: a model section. */
    sim_model_lock();
    int len = macdev_rx_take(e->dev, e->rx_tail);
    if (len <= 0) {
      sim_model_unlock();
      break;
    }
    struct pbuf *p = e->rx_p[e->rx_tail];
    pbuf_realloc(p, (u16_t)len);
    emac_refill(e, e->rx_tail);
    e->rx_tail = (e->rx_tail + 1) % e->cfg.rx_ring;
    sim_model_unlock();
    frames++;
    if (e->netif->input(p, e->netif) != ERR_OK) {
      e->st.rx_drop_queue_full++;
      sim_trace_event("emac", "rx dropped: input queue full");
      pbuf_free(p);
    } else {
      e->st.rx_frames++;
    }
  }
  sim_model_lock();
  for (unsigned i = 0; i < e->cfg.rx_ring; i++)
    if (!e->rx_p[i])
      emac_refill(e, i);
  sim_model_unlock();
  return frames;
}

static void emac_rx_task(void *arg)
{
  emac *e = arg;
  for (;;) {
    sys_arch_sem_wait(&e->rx_sem, e->cfg.refill_retry_ms);
    emac_rx_pass(e);
  }
}

/* ------------------------------------------------------------------ */
/* transmit                                                            */

static err_t emac_output_locked(emac *e, struct pbuf *p)
{
  if (!macdev_link_up(e->dev)) {
    e->st.tx_drop_link_down++;
    sim_trace_event("emac", "tx dropped: link down");
    return ERR_IF;
  }
  unsigned i = e->tx_head;
  if (e->tx_p[i] || macdev_tx_owned(e->dev, i)) {
    e->st.tx_drop_no_desc++;
    sim_trace_event("emac", "tx dropped: no free descriptor");
    return ERR_MEM;
  }
  macdev_seg seg[MACDEV_MAX_SEGS];
  unsigned n = emac_segs(p, seg);
  if (n == 0) { /* too many segments: through the descriptor's bounce */
    uint8_t *b = e->tx_bounce + (size_t)i * TAPIF_FRAME_MAX;
    seg[0] = (macdev_seg){b, pbuf_copy_partial(p, b, TAPIF_FRAME_MAX, 0)};
    n = 1;
  }
  if (e->cfg.tx_free == EMAC_TXFREE_ISR)
    macdev_note_next_tx(e->dev, "tx: freed in ISR");
  pbuf_ref(p);
  e->tx_p[i] = p;
  e->tx_head = (i + 1) % e->cfg.tx_ring;
  int r = macdev_tx_submit(e->dev, i, seg, n);
  if (r == MACDEV_OK)
    e->st.tx_frames++;
  else if (r == MACDEV_DROPPED)
    e->st.tx_drop_mac++;
  return ERR_OK;
}

/* The TX ring is shared with the TX-complete IRQ: a model section, as a
 * driver masks its interrupt around the ring. */
static err_t emac_output(struct netif *netif, struct pbuf *p)
{
  emac *e = netif->state;
  sim_model_lock();
  err_t err = emac_output_locked(e, p);
  sim_model_unlock();
  return err;
}

/* Takes the frames the device has sent off the ring, oldest first.  In
 * the ISR (thread == false) a frame is freed as the TX-free policy says;
 * a deferred free that cannot be posted keeps the frame as an orphan for
 * the PHY task; with no room for another orphan the ring stalls there
 * (the PHY task takes the rest, in thread context). */
static void emac_tx_reclaim(emac *e, bool thread, struct pbuf **out, unsigned *n_out)
{
  while (e->tx_p[e->tx_tail] && !macdev_tx_owned(e->dev, e->tx_tail)) {
    struct pbuf *p = e->tx_p[e->tx_tail];
    if (thread) {
      out[(*n_out)++] = p;
    } else if (e->cfg.tx_free == EMAC_TXFREE_ISR) {
      e->st.tx_freed_isr++;
      pbuf_free(p); /* in interrupt context: what the classic bug does */
    } else if (pbuf_free_callback(p) == ERR_OK) {
      e->st.tx_freed_deferred++;
    } else if (e->n_orphans < e->cfg.tx_ring) {
      e->st.tx_freed_deferred++;
      e->tx_orphan[e->n_orphans++] = p;
      sim_trace_event("emac", "tx: pbuf_free_callback failed, freed at the next PHY poll");
    } else {
      e->tx_stalled = true;
      sim_trace_event("emac", "tx: pbuf_free_callback failed, ring held until the next PHY poll");
      return;
    }
    e->tx_p[e->tx_tail] = NULL;
    e->tx_tail = (e->tx_tail + 1) % e->cfg.tx_ring;
  }
}

static void emac_tx_isr(void *arg)
{
  emac *e = arg;
  macdev_irq_clear(e->dev, MACDEV_IRQ_TX | MACDEV_IRQ_TXERR);
  emac_tx_reclaim(e, false, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* PHY and cable                                                       */

static void emac_link_up(void *arg)
{
  netif_set_link_up(((emac *)arg)->netif);
}

static void emac_link_down(void *arg)
{
  netif_set_link_down(((emac *)arg)->netif);
}

/* Frees, in thread context, the sent frames the TX-complete ISR could not
 * hand to lwIP (emac_tx_reclaim), and a ring it left stalled.  Reading
 * the two fields needs no lock: the ISR runs only at a scheduling point,
 * and there is none between the read and the lock; with nothing to do
 * nothing is done (no scheduling point added to a run without failures). */
static void emac_free_orphans(emac *e)
{
  if (e->n_orphans == 0 && !e->tx_stalled)
    return;
  struct pbuf *p[2 * e->cfg.tx_ring];
  sim_model_lock();
  unsigned n = e->n_orphans;
  memcpy(p, e->tx_orphan, n * sizeof p[0]);
  e->n_orphans = 0;
  e->tx_stalled = false;
  emac_tx_reclaim(e, true, p, &n);
  sim_model_unlock();
  sim_trace_eventf("emac", "tx: %u frame(s) the ISR could not release freed by the PHY task", n);
  for (unsigned i = 0; i < n; i++)
    pbuf_free(p[i]);
}

static void emac_phy_task(void *arg)
{
  emac *e = arg;
  for (;;) {
    emac_free_orphans(e);
    bool up = macdev_link_up(e->dev);
    if (up != e->link_reported) {
      e->link_reported = up;
      sim_trace_eventf("emac", "phy: link %s", up ? "up" : "down");
      if (tcpip_callback(up ? emac_link_up : emac_link_down, e) != ERR_OK) {
        e->link_reported = !up; /* told nobody: try again at the next poll */
        sim_trace_event("emac", "phy: tcpip_callback failed, link change retried at the next poll");
      }
    }
    sim_sleep_us((uint64_t)e->cfg.phy_poll_ms * 1000u);
  }
}

void emac_set_cable(emac *e, bool plugged)
{
  macdev_set_link(e->dev, plugged);
}

void emac_set_cable_at(emac *e, bool plugged, uint64_t t_us)
{
  macdev_set_link_at(e->dev, plugged, t_us);
}

/* ------------------------------------------------------------------ */
/* life cycle                                                          */

emac *emac_new(const emac_config *c, tapif_wire *wire, const char *name)
{
  if (c->rx_ring == 0 || c->tx_ring == 0)
    return NULL;
  emac *e = calloc(1, sizeof *e);
  if (!e)
    return NULL;
  e->cfg = *c;
  e->rx_p = calloc(c->rx_ring, sizeof *e->rx_p);
  e->tx_p = calloc(c->tx_ring, sizeof *e->tx_p);
  e->tx_bounce = malloc((size_t)c->tx_ring * TAPIF_FRAME_MAX);
  e->tx_orphan = calloc(c->tx_ring, sizeof *e->tx_orphan);
  macdev_config dc;
  macdev_config_default(&dc);
  dc.rx_ring = c->rx_ring;
  dc.tx_ring = c->tx_ring;
  memcpy(dc.mac, c->mac, 6);
  dc.link_mbps = c->link_mbps;
  dc.max_frame = c->rx_buf;
  dc.link_up = c->cable_plugged;
  if (e->rx_p && e->tx_p && e->tx_bounce && e->tx_orphan)
    e->dev = macdev_new(&dc, wire, name);
  if (!e->dev) {
    emac_free(e);
    return NULL;
  }
  return e;
}

err_t emac_netif_init(struct netif *netif)
{
  emac *e = netif->state;
  netif->name[0] = 'e';
  netif->name[1] = 'n';
  netif->output = etharp_output;
  netif->linkoutput = emac_output;
  netif->mtu = 1500;
  netif->hwaddr_len = ETH_HWADDR_LEN;
  macdev_get_mac(e->dev, netif->hwaddr);
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                 NETIF_FLAG_ETHERNET;
  e->netif = netif;
  return ERR_OK;
}

void emac_start(emac *e, struct netif *netif)
{
  e->netif = netif;
  sys_sem_new(&e->rx_sem, 0);
  e->rx_irq = macdev_irq_attach(e->dev, MACDEV_LINE_RX, "emac_rx",
                                e->cfg.rx_irq_prio, emac_rx_isr, e);
  e->tx_irq = macdev_irq_attach(e->dev, MACDEV_LINE_TX, "emac_tx",
                                e->cfg.tx_irq_prio, emac_tx_isr, e);
  macdev_irq_enable(e->dev, MACDEV_IRQ_RX);
  if (!e->cfg.tx_irq_external)
    macdev_irq_enable(e->dev, MACDEV_IRQ_TX | MACDEV_IRQ_TXERR);
  for (unsigned i = 0; i < e->cfg.rx_ring; i++)
    emac_refill(e, i);
  sys_thread_new("emac_rx", emac_rx_task, e, 0, e->cfg.rx_task_prio);
  sys_thread_new("emac_phy", emac_phy_task, e, 0, e->cfg.phy_task_prio);
}

void emac_note_next_tx(emac *e, const char *note)
{
  macdev_note_next_tx(e->dev, NULL);
  if (note)
    macdev_note_next_tx(e->dev, note);
}

int emac_tx_irq(const emac *e)
{
  return e->tx_irq;
}

macdev *emac_device(const emac *e)
{
  return e->dev;
}

const emac_stats *emac_get_stats(emac *e)
{
  const macdev_stats *d = macdev_get_stats(e->dev);
  e->st.rx_drop_no_desc = d->rx_drop_no_desc;
  e->st.rx_drop_no_pbuf = d->rx_drop_no_buf;
  e->st.rx_drop_link_down = d->rx_drop_link_down;
  e->st.rx_drop_oversize = d->rx_drop_oversize;
  e->st.rx_drop_runt = d->rx_drop_runt;
  return &e->st;
}

uint64_t emac_rx_drops(const emac_stats *s)
{
  return s->rx_drop_no_desc + s->rx_drop_no_pbuf + s->rx_drop_queue_full;
}

void emac_free(emac *e)
{
  if (!e)
    return;
  /* The pbufs still in descriptors belong to lwIP's static pool. */
  macdev_free(e->dev);
  free(e->rx_p);
  free(e->tx_p);
  free(e->tx_bounce);
  free(e->tx_orphan);
  free(e);
}

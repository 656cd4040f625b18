/*
 * emac.c - the board's EMAC model and driver (see emac.h for the shape).
 *
 * Contexts.  Frames arrive from the wire in event context (the "DMA"): the
 * receive function copies into the descriptor at rx_head and raises the RX
 * IRQ; it never allocates.  The RX ISR only gives the RX semaphore.  The RX
 * task (a sim thread) hands full descriptors to netif->input in ring order
 * and refills them from PBUF_POOL.  low_level_output runs wherever lwIP
 * sends (tcpip_thread, or an application thread holding the core lock); the
 * TX-complete IRQ fires when the frame has left at link speed and releases
 * the descriptor's pbuf reference, in the ISR or deferred, by configuration.
 *
 * Invariants.  A descriptor is EMPTY (has a buffer), NOBUF (refill failed)
 * or FULL (a frame waits for the RX task).  The DMA never skips a
 * descriptor: a FULL or NOBUF one at rx_head drops the frame, as a real ring
 * stalls.  Every frame lands in exactly one counter.
 *
 * Descriptors change hands between a thread and event/IRQ context only in
 * model sections (sim_model_lock): nothing under the deterministic
 * scheduler, the interrupt mask on free-running threads.
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

typedef enum { EMAC_RX_EMPTY, EMAC_RX_NOBUF, EMAC_RX_FULL } emac_rx_state;

typedef struct {
  struct pbuf *p;
  uint16_t len;
  emac_rx_state st;
} emac_rx_desc;

typedef struct {
  struct pbuf *p;
  uint64_t done_at;
  bool busy;
} emac_tx_desc;

struct emac {
  emac_config cfg;
  tapif_wire *wire;
  int port;
  char name[16];
  struct netif *netif;
  emac_rx_desc *rx;
  unsigned rx_head, rx_tail;
  emac_tx_desc *tx;
  unsigned tx_head, tx_tail;
  uint64_t tx_busy_until;
  sys_sem_t rx_sem;
  int rx_irq, tx_irq;
  bool cable;         /* the physical cable */
  bool link_reported; /* what the PHY task last told lwIP */
  emac_stats st;
  uint8_t txbuf[TAPIF_FRAME_MAX];
  char tx_note[128]; /* for the next frame sent (emac_note_next_tx) */
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

/* ------------------------------------------------------------------ */
/* receive                                                             */

static const char *emac_rx_frame(void *node, const uint8_t *frame,
                                 size_t len)
{
  emac *e = node;
  const char *why = NULL;
  if (!e->cable) {
    e->st.rx_drop_link_down++;
    why = "rx dropped: link down";
  } else if (len > e->cfg.rx_buf) {
    e->st.rx_drop_oversize++;
    why = "rx dropped: oversize";
  } else if (e->rx[e->rx_head].st == EMAC_RX_FULL) {
    e->st.rx_drop_no_desc++;
    why = "rx dropped: no free descriptor";
  } else if (e->rx[e->rx_head].st == EMAC_RX_NOBUF) {
    e->st.rx_drop_no_pbuf++;
    why = "rx dropped: no pool pbuf";
  }
  if (why) {
    sim_trace_eventf("emac", "%s (%zu bytes)", why, len);
    return why;
  }
  emac_rx_desc *d = &e->rx[e->rx_head];
  pbuf_take(d->p, frame, (u16_t)len); /* the DMA copy */
  d->len = (uint16_t)len;
  d->st = EMAC_RX_FULL;
  e->rx_head = (e->rx_head + 1) % e->cfg.rx_ring;
  sim_irq_raise(e->rx_irq);
  return NULL;
}

static void emac_rx_isr(void *arg)
{
  emac *e = arg;
  sys_sem_signal(&e->rx_sem);
}

static void emac_refill(emac *e, emac_rx_desc *d)
{
  d->p = pbuf_alloc(PBUF_RAW, (u16_t)e->cfg.rx_buf, PBUF_POOL);
  if (d->p) {
    d->st = EMAC_RX_EMPTY;
  } else {
    d->st = EMAC_RX_NOBUF;
    e->st.refill_failures++;
  }
}

static void emac_rx_task(void *arg)
{
  emac *e = arg;
  for (;;) {
    sys_arch_sem_wait(&e->rx_sem, e->cfg.refill_retry_ms);
    for (;;) {
      /* The descriptor changes hands with the DMA: a model section. */
      sim_model_lock();
      emac_rx_desc *d = &e->rx[e->rx_tail];
      if (d->st != EMAC_RX_FULL) {
        sim_model_unlock();
        break;
      }
      struct pbuf *p = d->p;
      pbuf_realloc(p, d->len);
      emac_refill(e, d);
      e->rx_tail = (e->rx_tail + 1) % e->cfg.rx_ring;
      sim_model_unlock();
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
      if (e->rx[i].st == EMAC_RX_NOBUF)
        emac_refill(e, &e->rx[i]);
    sim_model_unlock();
  }
}

/* ------------------------------------------------------------------ */
/* transmit                                                            */

static err_t emac_output_locked(emac *e, struct pbuf *p)
{
  if (!e->cable) {
    e->st.tx_drop_link_down++;
    sim_trace_event("emac", "tx dropped: link down");
    return ERR_IF;
  }
  emac_tx_desc *d = &e->tx[e->tx_head];
  if (d->busy) {
    e->st.tx_drop_no_desc++;
    sim_trace_event("emac", "tx dropped: no free descriptor");
    return ERR_MEM;
  }
  size_t len = pbuf_copy_partial(p, e->txbuf, sizeof e->txbuf, 0);
  if (len < 60) { /* the MAC pads short frames, as hardware does */
    memset(e->txbuf + len, 0, 60 - len);
    len = 60;
  }
  pbuf_ref(p);
  d->p = p;
  d->busy = true;
  /* The frame leaves at link speed (with preamble and inter-frame gap),
   * after the frames queued before it. */
  uint64_t now = sim_clock_now_us();
  uint64_t start = e->tx_busy_until > now ? e->tx_busy_until : now;
  uint64_t bits = (uint64_t)(len + 20) * 8;
  d->done_at = start + (bits + e->cfg.link_mbps - 1) / e->cfg.link_mbps;
  e->tx_busy_until = d->done_at;
  e->tx_head = (e->tx_head + 1) % e->cfg.tx_ring;
  e->st.tx_frames++;
  const char *note =
      e->cfg.tx_free == EMAC_TXFREE_ISR ? "tx: freed in ISR" : NULL;
  char both[sizeof e->tx_note + 32];
  if (e->tx_note[0]) {
    snprintf(both, sizeof both, "%s%s%s", e->tx_note, note ? "\n" : "",
             note ? note : "");
    note = both;
    e->tx_note[0] = 0;
  }
  tapif_wire_send(e->wire, e->port, e->txbuf, len, note);
  if (!e->cfg.tx_irq_external)
    sim_irq_raise_at(e->tx_irq, d->done_at);
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

static void emac_tx_isr(void *arg)
{
  emac *e = arg;
  uint64_t now = sim_clock_now_us();
  while (e->tx[e->tx_tail].busy && e->tx[e->tx_tail].done_at <= now) {
    emac_tx_desc *d = &e->tx[e->tx_tail];
    struct pbuf *p = d->p;
    d->p = NULL;
    d->busy = false;
    e->tx_tail = (e->tx_tail + 1) % e->cfg.tx_ring;
    if (e->cfg.tx_free == EMAC_TXFREE_ISR) {
      e->st.tx_freed_isr++;
      pbuf_free(p); /* in interrupt context: what the classic bug does */
    } else {
      e->st.tx_freed_deferred++;
      if (pbuf_free_callback(p) != ERR_OK)
        sim_trace_event("emac", "tx: pbuf_free_callback failed, pbuf lost");
    }
  }
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

static void emac_phy_task(void *arg)
{
  emac *e = arg;
  for (;;) {
    if (e->cable != e->link_reported) {
      e->link_reported = e->cable;
      sim_trace_eventf("emac", "phy: link %s", e->cable ? "up" : "down");
      tcpip_callback(e->cable ? emac_link_up : emac_link_down, e);
    }
    sim_sleep_us((uint64_t)e->cfg.phy_poll_ms * 1000u);
  }
}

void emac_set_cable(emac *e, bool plugged)
{
  if (e->cable != plugged)
    sim_trace_eventf("emac", "cable %s", plugged ? "plugged" : "pulled");
  e->cable = plugged;
}

static void emac_cable_in(void *arg)
{
  emac_set_cable(arg, true);
}

static void emac_cable_out(void *arg)
{
  emac_set_cable(arg, false);
}

void emac_set_cable_at(emac *e, bool plugged, uint64_t t_us)
{
  sim_call_at(t_us, plugged ? emac_cable_in : emac_cable_out, e);
}

/* ------------------------------------------------------------------ */
/* life cycle                                                          */

emac *emac_new(const emac_config *c, tapif_wire *wire, const char *name)
{
  emac *e = calloc(1, sizeof *e);
  if (!e)
    return NULL;
  e->cfg = *c;
  e->rx = calloc(c->rx_ring, sizeof *e->rx);
  e->tx = calloc(c->tx_ring, sizeof *e->tx);
  if (!e->rx || !e->tx || c->rx_ring == 0 || c->tx_ring == 0) {
    emac_free(e);
    return NULL;
  }
  snprintf(e->name, sizeof e->name, "%s", name);
  e->wire = wire;
  e->port = tapif_wire_attach(wire, name, emac_rx_frame, e);
  tapif_wire_set_board(wire, e->port);
  e->cable = c->cable_plugged;
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
  memcpy(netif->hwaddr, e->cfg.mac, ETH_HWADDR_LEN);
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                 NETIF_FLAG_ETHERNET;
  e->netif = netif;
  return ERR_OK;
}

void emac_start(emac *e, struct netif *netif)
{
  e->netif = netif;
  sys_sem_new(&e->rx_sem, 0);
  e->rx_irq = sim_irq_register("emac_rx", e->cfg.rx_irq_prio, emac_rx_isr, e);
  e->tx_irq = sim_irq_register("emac_tx", e->cfg.tx_irq_prio, emac_tx_isr, e);
  for (unsigned i = 0; i < e->cfg.rx_ring; i++)
    emac_refill(e, &e->rx[i]);
  sys_thread_new("emac_rx", emac_rx_task, e, 0, e->cfg.rx_task_prio);
  sys_thread_new("emac_phy", emac_phy_task, e, 0, e->cfg.phy_task_prio);
}

void emac_note_next_tx(emac *e, const char *note)
{
  snprintf(e->tx_note, sizeof e->tx_note, "%s", note ? note : "");
}

int emac_tx_irq(const emac *e)
{
  return e->tx_irq;
}

const emac_stats *emac_get_stats(const emac *e)
{
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
  free(e->rx);
  free(e->tx);
  free(e);
}

/*
 * macdev.c - the board's MAC device (see macdev.h for its shape).
 *
 * Contexts.  Frames arrive from the wire in event context (the DMA): the
 * receive function copies the frame into the buffer segments of the RX
 * descriptor at the head of the ring, hands the descriptor back to the
 * driver and sets the RX status bit; it never allocates.  TX descriptors
 * are handed over from wherever the driver transmits: the frame's bytes
 * are gathered and put on the wire at once (the wire delays them), and
 * the descriptor comes back to the driver when the frame has left at link
 * speed, after the frames handed over before it.  That return is computed
 * when the driver next looks (a descriptor's owner, the status register),
 * so a completion costs no event of its own; the TX line is raised at that
 * virtual time when the TX interrupt is enabled.
 *
 * Invariants.  An RX descriptor is DMA (given, empty), FULL (a frame the
 * driver has not taken) or CPU (taken, no buffer given back).  The DMA
 * only writes the descriptor at rx_head and advances only past a filled
 * one.  Every frame lands in exactly one counter.
 */
#include "macdev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_trace.h"

typedef enum { MACDEV_RX_CPU = 0, MACDEV_RX_DMA, MACDEV_RX_FULL } macdev_rx_own;

typedef struct {
  macdev_seg seg[MACDEV_MAX_SEGS];
  unsigned nseg;
  size_t cap; /* bytes in all segments */
  size_t len; /* FULL: the frame's length */
  macdev_rx_own own;
} macdev_rx_desc;

typedef struct {
  uint64_t done_at;
  bool own; /* the DMA's until done_at */
} macdev_tx_desc;

struct macdev;
static struct macdev *macdev_the_board; /* macdev_board() */

struct macdev {
  macdev_config cfg;
  tapif_wire *wire;
  int port;
  macdev_rx_desc *rx;
  unsigned rx_head;
  macdev_tx_desc *tx;
  uint64_t tx_busy_until;
  bool link;
  uint32_t status, enabled;
  int line_irq[MACDEV_LINES];
  struct {
    void (*fn)(void *arg);
    void *arg;
  } isr[MACDEV_LINES];
  macdev_stats st;
  uint8_t txbuf[TAPIF_FRAME_MAX];
  char note[256];
};

const char *macdev_strerror(int err)
{
  switch (err) {
  case MACDEV_OK: return "ok";
  case MACDEV_DROPPED: return "dropped";
  case MACDEV_ERR_INDEX: return "no such descriptor";
  case MACDEV_ERR_OWNED: return "the device owns the descriptor";
  case MACDEV_ERR_SEGS: return "bad buffer segments";
  case MACDEV_ERR_MEM: return "out of memory";
  }
  return "unknown error";
}

void macdev_config_default(macdev_config *c)
{
  *c = (macdev_config){.rx_ring = 4, .tx_ring = 4,
                       .mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01},
                       .link_mbps = 100, .max_frame = 1536, .link_up = true};
}

/* ------------------------------------------------------------------ */
/* interrupts                                                          */

static uint32_t macdev_line_bits(macdev_line l)
{
  switch (l) {
  case MACDEV_LINE_RX: return MACDEV_IRQ_RX | MACDEV_IRQ_RXERR;
  case MACDEV_LINE_TX: return MACDEV_IRQ_TX | MACDEV_IRQ_TXERR;
  case MACDEV_LINE_PHY: return MACDEV_IRQ_LINK;
  default: return 0;
  }
}

/* Sets status bits and raises the lines of those that are enabled. */
static void macdev_signal(macdev *d, uint32_t bits)
{
  d->status |= bits;
  for (int l = 0; l < MACDEV_LINES; l++)
    if ((bits & d->enabled & macdev_line_bits(l)) && d->line_irq[l] >= 0)
      sim_irq_raise(d->line_irq[l]);
}

/* TX descriptors whose frame has left come back to the driver. */
static void macdev_tx_sync(macdev *d)
{
  uint64_t now = sim_clock_now_us();
  for (unsigned i = 0; i < d->cfg.tx_ring; i++)
    if (d->tx[i].own && d->tx[i].done_at <= now) {
      d->tx[i].own = false;
      d->status |= MACDEV_IRQ_TX;
    }
}

/* Each line's handler runs through a trampoline that then ends a
 * super-loop's wait for interrupt (sim_wfi). */
static void macdev_isr(macdev *d, macdev_line l)
{
  d->isr[l].fn(d->isr[l].arg);
  sim_wfi_wake();
}
static void macdev_isr_rx(void *arg) { macdev_isr(arg, MACDEV_LINE_RX); }
static void macdev_isr_tx(void *arg) { macdev_isr(arg, MACDEV_LINE_TX); }
static void macdev_isr_phy(void *arg) { macdev_isr(arg, MACDEV_LINE_PHY); }

int macdev_irq_attach(macdev *d, macdev_line line, const char *name,
                      int prio, void (*fn)(void *arg), void *arg)
{
  static void (*const tramp[MACDEV_LINES])(void *) = {
      macdev_isr_rx, macdev_isr_tx, macdev_isr_phy};
  if ((unsigned)line >= MACDEV_LINES || !fn)
    return -1;
  d->isr[line].fn = fn;
  d->isr[line].arg = arg;
  d->line_irq[line] = sim_irq_register(name, prio, tramp[line], d);
  return d->line_irq[line];
}

int macdev_irq_number(const macdev *d, macdev_line line)
{
  return (unsigned)line < MACDEV_LINES ? d->line_irq[line] : -1;
}

void macdev_irq_enable(macdev *d, uint32_t bits)
{
  d->enabled |= bits & MACDEV_IRQ_ALL;
}

void macdev_irq_disable(macdev *d, uint32_t bits)
{
  d->enabled &= ~bits;
}

uint32_t macdev_irq_status(macdev *d)
{
  sim_model_lock();
  macdev_tx_sync(d);
  uint32_t s = d->status;
  sim_model_unlock();
  return s;
}

void macdev_irq_clear(macdev *d, uint32_t bits)
{
  sim_model_lock();
  d->status &= ~bits;
  sim_model_unlock();
}

/* ------------------------------------------------------------------ */
/* PHY                                                                 */

bool macdev_link_up(const macdev *d)
{
  return d->link;
}

void macdev_set_link(macdev *d, bool up)
{
  if (d->link == up)
    return;
  sim_trace_eventf("emac", "cable %s", up ? "plugged" : "pulled");
  d->link = up;
  macdev_signal(d, MACDEV_IRQ_LINK);
}

static void macdev_link_in(void *arg)
{
  macdev_set_link(arg, true);
}

static void macdev_link_out(void *arg)
{
  macdev_set_link(arg, false);
}

void macdev_set_link_at(macdev *d, bool up, uint64_t t_us)
{
  sim_call_at(t_us, up ? macdev_link_in : macdev_link_out, d);
}

/* ------------------------------------------------------------------ */
/* receive                                                             */

static int macdev_check_segs(const macdev_seg *segs, unsigned nseg,
                             size_t *cap)
{
  if (!segs || nseg == 0 || nseg > MACDEV_MAX_SEGS)
    return MACDEV_ERR_SEGS;
  size_t n = 0;
  for (unsigned i = 0; i < nseg; i++) {
    if (!segs[i].buf || segs[i].len == 0)
      return MACDEV_ERR_SEGS;
    n += segs[i].len;
  }
  *cap = n;
  return MACDEV_OK;
}

static const char *macdev_rx_frame(void *node, const uint8_t *frame,
                                   size_t len)
{
  macdev *d = node;
  macdev_rx_desc *r = &d->rx[d->rx_head];
  const char *why = NULL;
  if (!d->link) {
    d->st.rx_drop_link_down++;
    why = "rx dropped: link down";
  } else if (len < 14) {
    d->st.rx_drop_runt++;
    why = "rx dropped: runt";
  } else if (len > d->cfg.max_frame ||
             (r->own == MACDEV_RX_DMA && len > r->cap)) {
    d->st.rx_drop_oversize++;
    why = "rx dropped: oversize";
  } else if (r->own == MACDEV_RX_FULL) {
    d->st.rx_drop_no_desc++;
    why = "rx dropped: no free descriptor";
  } else if (r->own == MACDEV_RX_CPU) {
    d->st.rx_drop_no_buf++;
    why = "rx dropped: descriptor without buffer";
  }
  if (why) {
    sim_trace_eventf("emac", "%s (%zu bytes)", why, len);
    if (d->link)
      macdev_signal(d, MACDEV_IRQ_RXERR);
    return why;
  }
  size_t off = 0; /* the DMA copy, scattered over the segments */
  for (unsigned i = 0; i < r->nseg && off < len; i++) {
    size_t n = len - off < r->seg[i].len ? len - off : r->seg[i].len;
    memcpy(r->seg[i].buf, frame + off, n);
    off += n;
  }
  r->len = len;
  r->own = MACDEV_RX_FULL;
  d->rx_head = (d->rx_head + 1) % d->cfg.rx_ring;
  d->st.rx_frames++;
  macdev_signal(d, MACDEV_IRQ_RX);
  return NULL;
}

int macdev_rx_give(macdev *d, unsigned i, const macdev_seg *segs,
                   unsigned nseg)
{
  if (i >= d->cfg.rx_ring)
    return MACDEV_ERR_INDEX;
  size_t cap;
  int err = macdev_check_segs(segs, nseg, &cap);
  if (err)
    return err;
  sim_model_lock();
  macdev_rx_desc *r = &d->rx[i];
  if (r->own == MACDEV_RX_DMA) {
    sim_model_unlock();
    return MACDEV_ERR_OWNED;
  }
  /* A FULL descriptor given back loses its frame: the driver's choice. */
  memcpy(r->seg, segs, nseg * sizeof *segs);
  r->nseg = nseg;
  r->cap = cap;
  r->len = 0;
  r->own = MACDEV_RX_DMA;
  sim_model_unlock();
  return MACDEV_OK;
}

int macdev_rx_take(macdev *d, unsigned i)
{
  if (i >= d->cfg.rx_ring)
    return MACDEV_ERR_INDEX;
  sim_model_lock();
  macdev_rx_desc *r = &d->rx[i];
  int len = 0;
  if (r->own == MACDEV_RX_FULL) {
    len = (int)r->len;
    r->own = MACDEV_RX_CPU;
    r->nseg = 0;
    r->cap = 0;
  }
  sim_model_unlock();
  return len;
}

bool macdev_rx_owned(macdev *d, unsigned i)
{
  return i < d->cfg.rx_ring && d->rx[i].own == MACDEV_RX_DMA;
}

/* ------------------------------------------------------------------ */
/* transmit                                                            */

void macdev_note_next_tx(macdev *d, const char *note)
{
  if (!note) {
    d->note[0] = 0;
    return;
  }
  size_t n = strlen(d->note);
  snprintf(d->note + n, sizeof d->note - n, "%s%s", n ? "\n" : "", note);
}

bool macdev_tx_owned(macdev *d, unsigned i)
{
  if (i >= d->cfg.tx_ring)
    return false;
  sim_model_lock();
  macdev_tx_sync(d);
  bool own = d->tx[i].own;
  sim_model_unlock();
  return own;
}

static int macdev_tx_submit_locked(macdev *d, unsigned i,
                                   const macdev_seg *segs, unsigned nseg)
{
  macdev_tx_sync(d);
  if (d->tx[i].own)
    return MACDEV_ERR_OWNED;
  size_t cap;
  int err = macdev_check_segs(segs, nseg, &cap);
  if (err)
    return err;
  if (cap > sizeof d->txbuf) {
    d->st.tx_drop_oversize++;
    sim_trace_eventf("emac", "tx dropped: oversize (%zu bytes)", cap);
    macdev_signal(d, MACDEV_IRQ_TXERR);
    return MACDEV_DROPPED;
  }
  if (!d->link) {
    d->st.tx_drop_link_down++;
    sim_trace_event("emac", "tx dropped: link down");
    macdev_signal(d, MACDEV_IRQ_TXERR);
    return MACDEV_DROPPED;
  }
  size_t len = 0; /* the DMA gather */
  for (unsigned k = 0; k < nseg; k++) {
    memcpy(d->txbuf + len, segs[k].buf, segs[k].len);
    len += segs[k].len;
  }
  if (len < 60) {
    memset(d->txbuf + len, 0, 60 - len);
    len = 60;
  }
  /* The frame leaves at link speed (with preamble and inter-frame gap),
   * after the frames queued before it. */
  uint64_t now = sim_clock_now_us();
  uint64_t start = d->tx_busy_until > now ? d->tx_busy_until : now;
  uint64_t bits = (uint64_t)(len + 20) * 8;
  d->tx[i].done_at = start + (bits + d->cfg.link_mbps - 1) / d->cfg.link_mbps;
  d->tx[i].own = true;
  d->tx_busy_until = d->tx[i].done_at;
  d->st.tx_frames++;
  char note[sizeof d->note];
  memcpy(note, d->note, sizeof note);
  d->note[0] = 0;
  tapif_wire_send(d->wire, d->port, d->txbuf, len, note[0] ? note : NULL);
  if ((d->enabled & MACDEV_IRQ_TX) && d->line_irq[MACDEV_LINE_TX] >= 0)
    sim_irq_raise_at(d->line_irq[MACDEV_LINE_TX], d->tx[i].done_at);
  return MACDEV_OK;
}

int macdev_tx_submit(macdev *d, unsigned i, const macdev_seg *segs,
                     unsigned nseg)
{
  if (i >= d->cfg.tx_ring)
    return MACDEV_ERR_INDEX;
  sim_model_lock();
  int err = macdev_tx_submit_locked(d, i, segs, nseg);
  sim_model_unlock();
  return err;
}

/* ------------------------------------------------------------------ */
/* life cycle                                                          */

macdev *macdev_new(const macdev_config *c, tapif_wire *wire,
                   const char *name)
{
  if (c->rx_ring == 0 || c->tx_ring == 0 || c->link_mbps == 0)
    return NULL;
  macdev *d = calloc(1, sizeof *d);
  if (!d)
    return NULL;
  d->cfg = *c;
  d->rx = calloc(c->rx_ring, sizeof *d->rx);
  d->tx = calloc(c->tx_ring, sizeof *d->tx);
  if (!d->rx || !d->tx) {
    macdev_free(d);
    return NULL;
  }
  for (int l = 0; l < MACDEV_LINES; l++)
    d->line_irq[l] = -1;
  d->wire = wire;
  d->port = tapif_wire_attach(wire, name, macdev_rx_frame, d);
  tapif_wire_set_board(wire, d->port);
  d->link = c->link_up;
  return d;
}

void macdev_free(macdev *d)
{
  if (!d)
    return;
  if (macdev_the_board == d)
    macdev_the_board = NULL;
  free(d->rx);
  free(d->tx);
  free(d);
}

void macdev_get_mac(const macdev *d, uint8_t mac[6])
{
  memcpy(mac, d->cfg.mac, 6);
}

unsigned macdev_rx_ring(const macdev *d)
{
  return d->cfg.rx_ring;
}

unsigned macdev_tx_ring(const macdev *d)
{
  return d->cfg.tx_ring;
}

const macdev_stats *macdev_get_stats(const macdev *d)
{
  return &d->st;
}

macdev *macdev_board(void)
{
  return macdev_the_board;
}

void macdev_set_board(macdev *d)
{
  macdev_the_board = d;
}

/*
 * vwire.c - the virtual wire: an in-process Ethernet segment joining up to
 * VWIRE_PORTS nodes, with seeded latency, jitter and loss.
 *
 * A sent frame is copied once per receiver and delivered by a virtual-time
 * event (sim_call_at), so delivery order is (time, send order) - never
 * address or hash order - and a run stays a pure function of its seed.
 * Frames still in flight when the run ends are freed by destroy().  A send
 * is one model section (sim_model_lock): on free-running threads a send
 * and a delivery event may otherwise overlap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_clock.h"
#include "sim_prng.h"
#include "sim_sched.h"
#include "sim_trace.h"
#include "wire.h"

#define VWIRE_PORTS 16

typedef struct {
  char name[32];
  tapif_rx_fn rx;
  void *node;
  uint64_t busy_until; /* the port's transmitter is busy until then */
} vwire_port;

typedef struct vwire_frame vwire_frame;

typedef struct {
  tapif_wire base;
  tapif_vwire_config cfg;
  sim_prng prng;
  vwire_port ports[VWIRE_PORTS];
  int nports;
  vwire_frame *inflight; /* doubly linked, for destroy() */
} vwire;

struct vwire_frame {
  vwire *w;
  int to;
  size_t len;
  vwire_frame *prev, *next;
  uint8_t data[];
};

void tapif_vwire_config_default(tapif_vwire_config *c)
{
  memset(c, 0, sizeof *c);
  c->link_mbps = 100;
  c->latency_us = 50;
}

static int vwire_attach(tapif_wire *base, const char *name, tapif_rx_fn rx,
                        void *node)
{
  vwire *w = (vwire *)base;
  if (w->nports == VWIRE_PORTS)
    return -1;
  vwire_port *p = &w->ports[w->nports];
  snprintf(p->name, sizeof p->name, "%s", name);
  p->rx = rx;
  p->node = node;
  return w->nports++;
}

static void vwire_unlink(vwire_frame *f)
{
  if (f->prev)
    f->prev->next = f->next;
  else
    f->w->inflight = f->next;
  if (f->next)
    f->next->prev = f->prev;
}

static void vwire_deliver(void *arg)
{
  vwire_frame *f = arg;
  vwire *w = f->w;
  vwire_unlink(f);
  vwire_port *p = &w->ports[f->to];
  const char *note = p->rx(p->node, f->data, f->len);
  w->base.frames_delivered++;
  if (f->to == w->base.board_port)
    tapif_wire_record(&w->base, PCAPIO_IN, f->data, f->len, note);
  free(f);
}

static int vwire_send_locked(tapif_wire *base, int from, const uint8_t *frame,
                             size_t len, const char *note)
{
  vwire *w = (vwire *)base;
  if (from < 0 || from >= w->nports || len == 0 || len > TAPIF_FRAME_MAX)
    return -1;
  uint64_t now = sim_clock_now_us();
  base->frames_sent++;
  if (base->mirror_fd >= 0 &&
      write(base->mirror_fd, frame, len) == (ssize_t)len)
    base->frames_mirrored++; /* a failed mirror write is not the run's */
  /* Frames from one port leave back to back at link speed: a burst does
   * not arrive in a single instant. */
  vwire_port *src = &w->ports[from];
  uint64_t start = src->busy_until > now ? src->busy_until : now;
  uint64_t mbps = w->cfg.link_mbps ? w->cfg.link_mbps : 100;
  uint64_t done = start + ((uint64_t)(len + 20) * 8 + mbps - 1) / mbps;
  src->busy_until = done;
  if (from == base->board_port)
    tapif_wire_record(base, PCAPIO_OUT, frame, len, note);
  for (int to = 0; to < w->nports; to++) {
    if (to == from)
      continue;
    if (w->cfg.loss_ppm &&
        sim_prng_below(&w->prng, 1000000) < w->cfg.loss_ppm) {
      base->frames_lost++;
      sim_trace_eventf("wire", "lost %zu bytes %s -> %s", len,
                       w->ports[from].name, w->ports[to].name);
      continue;
    }
    uint64_t delay = done - now + w->cfg.latency_us;
    if (w->cfg.jitter_us)
      delay += sim_prng_below(&w->prng, w->cfg.jitter_us + 1);
    vwire_frame *f = malloc(sizeof *f + len);
    if (!f)
      return -1;
    f->w = w;
    f->to = to;
    f->len = len;
    memcpy(f->data, frame, len);
    f->prev = NULL;
    f->next = w->inflight;
    if (w->inflight)
      w->inflight->prev = f;
    w->inflight = f;
    sim_call_at(now + delay, vwire_deliver, f);
  }
  return 0;
}

/* Senders are threads; deliveries are events: the in-flight list, the
 * ports and the PRNG are shared between them (sim_model_lock). */
static int vwire_send(tapif_wire *base, int from, const uint8_t *frame,
                      size_t len, const char *note)
{
  sim_model_lock();
  int rc = vwire_send_locked(base, from, frame, len, note);
  sim_model_unlock();
  return rc;
}

static void vwire_destroy(tapif_wire *base)
{
  vwire *w = (vwire *)base;
  while (w->inflight) {
    vwire_frame *f = w->inflight;
    w->inflight = f->next;
    free(f);
  }
  free(w);
}

static const tapif_wire_ops vwire_ops = {
    .kind = "virtual",
    .attach = vwire_attach,
    .send = vwire_send,
    .destroy = vwire_destroy,
};

tapif_wire *tapif_vwire_new(const tapif_vwire_config *c)
{
  vwire *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->base.ops = &vwire_ops;
  w->base.board_port = -1;
  w->base.mirror_fd = -1;
  w->cfg = *c;
  sim_prng_seed(&w->prng, c->seed, SIM_STREAM_WIRE);
  return &w->base;
}

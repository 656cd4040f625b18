/*
 * replaywire.c - the `replay:FILE` wire: re-injects a recorded run's
 * inbound frames into the board at their recorded virtual times.
 *
 * The frames are read with libpcap (pcapio_read_*); their directions, which
 * libpcap does not expose, come from our own walk over the blocks
 * (pcapio_read_meta), matched by frame number.  When the board attaches,
 * every inbound frame becomes a virtual-time event, so the run is as
 * deterministic as any virtual-wire run.  What the board sends goes nowhere
 * (it is counted, and captured if the replay itself is captured).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapio.h"
#include "sim_clock.h"
#include "sim_sched.h"
#include "wire.h"

typedef struct {
  tapif_wire base;
  tapif_rx_fn rx;
  void *node;
  tapif_frame *frames;
  size_t nframes;
  uint64_t sent;
} replaywire;

typedef struct {
  replaywire *w;
  size_t i;
} replay_event;

static void replaywire_deliver(void *arg)
{
  replaywire *w = arg;
  /* Events fire in time order, ties in creation order: frame order. */
  tapif_frame *f = &w->frames[w->base.frames_delivered++];
  const char *note = w->rx(w->node, f->data, f->len);
  tapif_wire_record(&w->base, PCAPIO_IN, f->data, f->len, note);
}

static int replaywire_attach(tapif_wire *base, const char *name,
                             tapif_rx_fn rx, void *node)
{
  replaywire *w = (replaywire *)base;
  (void)name;
  if (w->rx)
    return -1;
  w->rx = rx;
  w->node = node;
  for (size_t i = 0; i < w->nframes; i++)
    sim_call_at(w->frames[i].t_us, replaywire_deliver, w);
  return 0;
}

static int replaywire_send(tapif_wire *base, int port, const uint8_t *frame,
                           size_t len, const char *note)
{
  replaywire *w = (replaywire *)base;
  if (port != 0)
    return -1;
  w->sent++;
  base->frames_sent++;
  tapif_wire_record(base, PCAPIO_OUT, frame, len, note);
  return 0;
}

static void replaywire_destroy(tapif_wire *base)
{
  replaywire *w = (replaywire *)base;
  tapif_frames_free(w->frames, w->nframes);
  free(w);
}

static const tapif_wire_ops replaywire_ops = {
    .kind = "replay",
    .attach = replaywire_attach,
    .send = replaywire_send,
    .destroy = replaywire_destroy,
};

void tapif_frames_free(tapif_frame *frames, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(frames[i].data);
  free(frames);
}

tapif_wire *tapif_replay_new_frames(tapif_frame *frames, size_t n)
{
  replaywire *w = calloc(1, sizeof *w);
  if (!w) {
    tapif_frames_free(frames, n);
    return NULL;
  }
  w->base.ops = &replaywire_ops;
  w->base.board_port = 0;
  w->base.mirror_fd = -1;
  w->frames = frames;
  w->nframes = n;
  return &w->base;
}

int tapif_capture_inbound(const char *path, tapif_frame **out, size_t *nout,
                          char *err, size_t errlen)
{
  *out = NULL;
  *nout = 0;
  pcapio_meta meta;
  if (pcapio_read_meta(path, &meta, err, errlen) != 0)
    return -1;
  pcapio_reader *r = pcapio_read_open(path, err, errlen);
  if (!r) {
    pcapio_meta_free(&meta);
    return -1;
  }
  tapif_frame *frames = NULL;
  size_t nframes = 0;
  size_t expect = meta.nframes;
  pcapio_frame f;
  size_t n = 0, cap = 0;
  int rc;
  uint64_t last_t = 0;
  while ((rc = pcapio_read_next(r, &f)) == 1) {
    if (n >= expect) {
      rc = -2;
      break;
    }
    if (meta.dirs[n++] != PCAPIO_IN)
      continue;
    if (f.t_us < last_t) {
      snprintf(err, errlen, "capture %s: frame %lu goes back in time", path,
               f.number);
      rc = -3;
      break;
    }
    last_t = f.t_us;
    if (nframes == cap) {
      cap = cap ? cap * 2 : 64;
      tapif_frame *nf = realloc(frames, cap * sizeof *nf);
      if (!nf) {
        rc = -4;
        break;
      }
      frames = nf;
    }
    tapif_frame *rf = &frames[nframes];
    rf->data = malloc(f.len ? f.len : 1);
    if (!rf->data) {
      rc = -4;
      break;
    }
    memcpy(rf->data, f.data, f.len);
    rf->len = f.len;
    rf->t_us = f.t_us;
    nframes++;
  }
  if (rc == -1)
    snprintf(err, errlen, "capture %s: %s", path, pcapio_read_error(r));
  else if (rc == -2 || (rc == 0 && n != expect))
    snprintf(err, errlen, "capture %s: libpcap and the block walk disagree "
             "on the number of frames", path);
  else if (rc == -4)
    snprintf(err, errlen, "out of memory reading %s", path);
  pcapio_read_close(r);
  pcapio_meta_free(&meta);
  if (rc != 0 || n != expect) {
    tapif_frames_free(frames, nframes);
    return -1;
  }
  *out = frames;
  *nout = nframes;
  return 0;
}

tapif_wire *tapif_replay_new(const char *path, char *err, size_t errlen)
{
  tapif_frame *frames;
  size_t n;
  if (tapif_capture_inbound(path, &frames, &n, err, errlen) != 0)
    return NULL;
  tapif_wire *w = tapif_replay_new_frames(frames, n);
  if (!w)
    snprintf(err, errlen, "out of memory");
  return w;
}

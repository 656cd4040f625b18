/*
 * wire.c - what every wire shares: which node is the board, the capture
 * interface its frames are recorded on, and the frame observer (the HTML
 * report's packets).
 */
#include <stdio.h>

#include "sim_clock.h"
#include "wire.h"

static tapif_frame_observer tapif_wire_obs;
static void *tapif_wire_obs_ctx;

void tapif_wire_set_observer(tapif_frame_observer fn, void *ctx)
{
  tapif_wire_obs = fn;
  tapif_wire_obs_ctx = ctx;
}

void tapif_wire_record(tapif_wire *w, int direction, const uint8_t *frame,
                       size_t len, const char *note)
{
  uint64_t now = sim_clock_now_us();
  if (w->cap)
    pcapio_write_frame(w->cap, w->cap_ifid, now, direction, frame, len,
                       note);
  if (tapif_wire_obs)
    tapif_wire_obs(tapif_wire_obs_ctx, now, w->ops->kind, direction, frame,
                   len, note);
}

void tapif_wire_set_board(tapif_wire *w, int port)
{
  w->board_port = port;
}

int tapif_wire_capture(tapif_wire *w, pcapio_writer *cap, const char *ifname,
                       char *err, size_t errlen)
{
  char desc[64];
  snprintf(desc, sizeof desc, "lwipsim %s wire", w->ops->kind);
  int id = pcapio_add_interface(cap, ifname, desc, 1, 65535);
  if (id < 0) {
    snprintf(err, errlen, "cannot add the capture interface %s", ifname);
    return -1;
  }
  w->cap = cap;
  w->cap_ifid = id;
  return 0;
}

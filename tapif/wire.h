/*
 * wire.h - what lies under the board's EMAC: an Ethernet segment behind one
 * ops struct (virtual today; TAP and replay later), so nodes never touch
 * file descriptors.
 *
 * Nodes attach with a receive function.  A frame a node sends reaches every
 * other node later, at a virtual time the wire decides, in event context
 * (sim_call_at): the receiver may give semaphores or raise IRQs but never
 * block.  The receive function returns a note for the capture ("rx dropped:
 * no free descriptor") or NULL.  One node may be marked as the board: the
 * capture then records every frame from its point of view, outbound when it
 * sends, inbound when a frame reaches it.
 */
#ifndef TAPIF_WIRE_H
#define TAPIF_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "pcapio.h"

#define TAPIF_FRAME_MAX 1518 /* Ethernet without FCS, with a VLAN tag: 1522 */

typedef struct tapif_wire tapif_wire;

/* Receives a frame; returns a capture comment or NULL. */
typedef const char *(*tapif_rx_fn)(void *node, const uint8_t *frame,
                                   size_t len);

typedef struct {
  const char *kind;
  /* Returns the node's port number, or -1 if the wire is full. */
  int (*attach)(tapif_wire *w, const char *name, tapif_rx_fn rx, void *node);
  /* Sends from port; `note` (may be NULL) goes with the frame into the
   * capture when the sender is the board.  Returns 0 or -1 (dropped). */
  int (*send)(tapif_wire *w, int port, const uint8_t *frame, size_t len,
              const char *note);
  void (*destroy)(tapif_wire *w);
} tapif_wire_ops;

struct tapif_wire {
  const tapif_wire_ops *ops;
  int board_port;        /* -1: no board attached yet */
  pcapio_writer *cap;    /* may be NULL */
  int cap_ifid;
  int mirror_fd;         /* --mirror-tap: every frame written here, or -1 */
  uint64_t frames_mirrored;
  /* counters */
  uint64_t frames_sent, frames_delivered, frames_lost;
};

/* Settings of the virtual wire (all virtual time). */
typedef struct {
  uint32_t link_mbps;  /* each sender's frames leave one after another at
                          this speed (with preamble and gap), default 100 */
  uint64_t latency_us; /* then travel this long, default 50 */
  uint64_t jitter_us;  /* plus a seeded 0..jitter, default 0 */
  uint32_t loss_ppm;   /* seeded loss per delivery, parts per million */
  uint64_t seed;       /* the run's seed (a wire stream is derived) */
} tapif_vwire_config;

void tapif_vwire_config_default(tapif_vwire_config *c);
tapif_wire *tapif_vwire_new(const tapif_vwire_config *c);

/* The `replay:FILE` wire: the inbound frames of a capture, re-injected at
 * their recorded virtual times (replaywire.c).  NULL with a one-line
 * reason for a file that is not a readable Ethernet capture. */
tapif_wire *tapif_replay_new(const char *path, char *err, size_t errlen);

/* A frame with its virtual time. */
typedef struct {
  uint64_t t_us;
  size_t len;
  uint8_t *data; /* malloc'ed */
} tapif_frame;

/* The inbound frames of a capture, in order, into a malloc'ed array:
 * 0, or -1 with a one-line reason. */
int tapif_capture_inbound(const char *path, tapif_frame **frames, size_t *n,
                          char *err, size_t errlen);
void tapif_frames_free(tapif_frame *frames, size_t n);
/* A replay wire over `frames` (taken over, freed with the wire; times
 * ascending); NULL when out of memory (the frames are freed). */
tapif_wire *tapif_replay_new_frames(tapif_frame *frames, size_t n);

/* Every frame the capture would record (the board's point of view) is
 * also handed to one process-wide observer, if set, whether or not a
 * capture is open: the HTML report takes its packets from it.  It sees
 * the frame after the capture has it and must not trace or send, so
 * neither the capture bytes nor the digest change.  `iface` is the wire's
 * kind ("virtual", "tap", "replay"); `note` may be NULL. */
typedef void (*tapif_frame_observer)(void *ctx, uint64_t t_us,
                                     const char *iface, int direction,
                                     const uint8_t *frame, size_t len,
                                     const char *note);
void tapif_wire_set_observer(tapif_frame_observer fn, void *ctx);
/* A frame seen by the board (PCAPIO_IN or PCAPIO_OUT) at the current
 * virtual time: into the capture, if any, and to the observer.  Wires
 * call this instead of writing the capture themselves. */
void tapif_wire_record(tapif_wire *w, int direction, const uint8_t *frame,
                       size_t len, const char *note);

/* Marks `port` as the board (capture point of view). */
void tapif_wire_set_board(tapif_wire *w, int port);
/* Records frames into `cap` as interface `ifname`; returns 0 or -1. */
int tapif_wire_capture(tapif_wire *w, pcapio_writer *cap, const char *ifname,
                       char *err, size_t errlen);

static inline int tapif_wire_attach(tapif_wire *w, const char *name,
                                    tapif_rx_fn rx, void *node)
{
  return w->ops->attach(w, name, rx, node);
}

static inline int tapif_wire_send(tapif_wire *w, int port,
                                  const uint8_t *frame, size_t len,
                                  const char *note)
{
  return w->ops->send(w, port, frame, len, note);
}

static inline void tapif_wire_destroy(tapif_wire *w)
{
  if (w)
    w->ops->destroy(w);
}

#endif

/*
 * tapwire.h - the `tap:NAME` wire (see tapwire.c).
 */
#ifndef TAPIF_TAPWIRE_H
#define TAPIF_TAPWIRE_H

#include <stddef.h>

#include "sim_sched.h"
#include "wire.h"

/* Creates TAP device NAME; NULL with a one-line reason (no /dev/net/tun,
 * no permission, name too long, busy). */
tapif_wire *tapif_tap_new(const char *name, char *err, size_t errlen);
/* Opens (creates) TAP device NAME: its descriptor, or -1 with a one-line
 * reason. */
int tapif_tap_open(const char *name, char *err, size_t errlen);
/* The same, brought up with no address, for --mirror-tap: lwipsim writes
 * every frame of a virtual wire to it and never reads. */
int tapif_mirror_open(const char *name, char *err, size_t errlen);
/* The live-mode event source for sim_config.live. */
const sim_external *tapif_tap_external(tapif_wire *w);
/* Ends a live run at the next idle moment; async-signal-safe. */
void tapif_tap_request_stop(void);

#endif

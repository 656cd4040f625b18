/*
 * serve.h - `lwipsim serve`: the board live over a TAP device, with the
 * services a user pokes at: ICMP echo (lwIP itself), a TCP echo server
 * on port 7, lwIP's httpd on port 80 and lwiperf on port 5001.  Runs until the live event source says stop (SIGINT/SIGTERM).
 */
#ifndef SCN_SERVE_H
#define SCN_SERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "scn.h"
#include "wire.h"

typedef struct {
  tapif_wire *wire; /* the TAP wire; the board takes it over */
  uint8_t ip[4];
  int prefix;
  bool quiet;       /* no "serving on" line (the RX fuzz harness) */
} scn_serve_config;

/* The serve session's "main" thread; `run` carries the config in `arg`. */
void scn_serve_main(scn_run *run, const scn_serve_config *cfg);
/* Records the session's counters in `run` (after the run, before the
 * clean-ups free the board). */
void scn_serve_counters(scn_run *run);

#endif

/*
 * scn_rig.h - the frame the peer scenarios share: the board on a new
 * virtual wire, its pools and heap as they were before its services
 * opened sockets, a board-side TCP service (scn_svc) if the scenario wants
 * one, one lwIP peer node, and at the end the waits, the clean check and
 * the board's and the peer's common counters.
 *
 * Set-up is two calls because some scenarios start more on the board
 * between them (httpd, the ping_flood_load traffic), and the snapshot must
 * come after that and before the service's socket:
 *
 *   scn_rig_board_up(run, &r);
 *   ... what else the board runs ...
 *   scn_rig_peer_up(run, &r, "echo_srv", 7, true);
 *   ... the peer's application ...
 *   scn_rig_wait(&r, app, 60000000);
 *   scn_rig_settle(&r, 1000000);
 *   scn_rig_counters(run, &r);
 */
#ifndef SCN_RIG_H
#define SCN_RIG_H

#include <stdbool.h>
#include <stdint.h>

#include "scn.h"
#include "scn_board.h"
#include "scn_lwip.h"
#include "scn_peer.h"
#include "scn_svc.h"

typedef struct {
  scn_board board;
  scn_peer peer;
  scn_svc svc;            /* the board-side service, if svc_started */
  bool svc_started;
  scn_pools before;       /* taken by scn_rig_peer_up */
  /* results of scn_rig_wait */
  bool app_done;          /* the peer's application ended in time */
  bool svc_done;          /* the service ended in time (true without one) */
  /* results of scn_rig_settle */
  bool clean;             /* see scn_peer_clean */
  char clean_text[512];   /* its reason, or "board pools and heap as ..." */
} scn_rig;

/* Zeroes `r` and brings the board up with the defaults (scn_board_up). */
void scn_rig_board_up(scn_run *run, scn_rig *r);
/* Takes the snapshot of the board's pools and heap, starts the board-side
 * TCP service `svc_name` on `port` (echo or discard, priority 3; NULL:
 * none) and puts the peer node on the wire (scn_peer_up, the defaults). */
void scn_rig_peer_up(scn_run *run, scn_rig *r, const char *svc_name,
                     uint16_t port, bool echo);
/* Waits up to `app_us` for the peer's application `app`, then up to 5 s
 * for the board's service; sets app_done and svc_done. */
void scn_rig_wait(scn_rig *r, peer_app *app, uint64_t app_us);
/* Lets `settle_us` of virtual time pass (the last FIN/ACK, deferred frees,
 * TIME_WAIT), then checks the board against the snapshot and the peer's
 * memory (scn_peer_clean); sets clean and clean_text. */
void scn_rig_settle(scn_rig *r, uint64_t settle_us);
/* Adds the board's TCP and EMAC figures ("board_tcp_xmit",
 * "board_tx_drop_no_desc", "board_rx_drops") and the peer's
 * (scn_peer_counters) to the run's counters. */
void scn_rig_counters(scn_run *run, const scn_rig *r);

#endif

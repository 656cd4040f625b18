/*
 * scn_peer.h - an lwIP peer node (peers/lwip/peer.h) on the board's
 * virtual wire, for scenarios: the node attached as "peer", sending
 * through the wire, started, and its figures added to the run's counters.
 */
#ifndef SCN_PEER_H
#define SCN_PEER_H

#include <stdbool.h>
#include <stddef.h>

#include "peer.h"
#include "scn.h"
#include "scn_board.h"
#include "scn_lwip.h"

typedef struct {
  scn_board *board;
  int port; /* on the board's wire */
  peer_node *node;
  frames_host host; /* the peer's MAC and IPv4 address */
} scn_peer;

/* Puts a peer node on `b`'s wire and starts it; `cfg` may be NULL for
 * peer_node_config_default (192.0.2.2/24).  Its send function is set here.
 * Ends the run with a fault on failure. */
void scn_peer_up(scn_run *run, scn_peer *p, scn_board *b,
                 const peer_node_config *cfg);
/* Adds the peer's statistics to the run's counters ("peer_*"). */
void scn_peer_counters(scn_run *run);
/* The common end of a peer scenario's oracle: true if the board's pools
 * and heap are as in `before` and the peer never ran short of memory (a
 * client that fails is not a board bug); otherwise false with the reason
 * in buf. */
bool scn_peer_clean(const scn_pools *before, char *buf, size_t len);

#endif

/*
 * scn_board.h - the board on the virtual wire, for scenarios: lwIP up, the
 * EMAC and its netif (192.0.2.1/24 by default, link up), the capture
 * attached when the run has one, and clean-up registered with the run.
 */
#ifndef SCN_BOARD_H
#define SCN_BOARD_H

#include "lwip/netif.h"

#include "emac.h"
#include "frames.h"
#include "scn.h"
#include "wire.h"

typedef struct {
  tapif_wire *wire;
  emac *mac;          /* the reference driver (NULL on a user's board) */
  macdev *dev;        /* the MAC device under the board's driver */
  struct netif *nif;  /* the board's netif: &netif, or the user's */
  struct netif netif;
  frames_host host; /* the board's MAC and IPv4 address */
  scn_run *run;
} scn_board;

/* Starts lwIP (scn_lwip_start) and brings the board up on a new virtual
 * wire; `ecfg` and `wcfg` may be NULL for the defaults.  Waits until the
 * PHY task has reported the link.  Ends the run with a fault on failure. */
void scn_board_up(scn_run *run, scn_board *b, const emac_config *ecfg,
                  const tapif_vwire_config *wcfg);
/* The same on a given wire (e.g. a TAP device) with address ip/prefix; the
 * board takes ownership of the wire. */
void scn_board_up_wire(scn_run *run, scn_board *b, const emac_config *ecfg,
                       tapif_wire *wire, const uint8_t ip[4], int prefix);

/* A board project's board (make BOARD=DIR): the MAC device on a new
 * virtual wire (`mcfg`, `wcfg` may be NULL for the defaults), set as
 * macdev_board() for the board's own driver, the capture attached; then
 * the board's entry (board.mk BOARD_ENTRY: what its main does after
 * hardware init) runs as sim thread "board" with priority `prio`.  Waits
 * until the entry has made a netif the default with its link up (5 s of
 * virtual time at most; else a fault).  b->mac is NULL, b->nif the
 * user's netif. */
void scn_board_up_user(scn_run *run, scn_board *b, const macdev_config *mcfg,
                       const tapif_vwire_config *wcfg, int prio);
/* The same on a given wire (serve's TAP); the board takes it over. */
void scn_board_up_user_wire(scn_run *run, scn_board *b,
                            const macdev_config *mcfg, tapif_wire *wire,
                            int prio);

#endif

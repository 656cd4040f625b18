/*
 * scn_board_user.c - a board project's board (see scn_board.h,
 * scn_board_up_user): the MAC device under the user's own driver, and the
 * board's entry.  Apart from scn_board.c so that a board engine links
 * none of the reference driver's bring-up (which needs lwIP's tcpip
 * thread started by lwipsim).
 */
#include "scn_board.h"

#include <string.h>

#include "lwip/netif.h"

#include "sim_sched.h"

static void scn_board_user_free(void *arg)
{
  scn_board *b = arg;
  if (b->run && b->wire)
    b->run->mirrored = b->wire->frames_mirrored;
  macdev_free(b->dev);
  tapif_wire_destroy(b->wire);
  b->dev = NULL;
  b->wire = NULL;
}

/* The board entry of a board project (generated from board.mk's
 * BOARD_ENTRY into the board's engines); in-tree engines have none. */
void scn_board_entry(void) __attribute__((weak));

static void scn_board_entry_thread(void *arg)
{
  (void)arg;
  scn_board_entry();
}

void scn_board_up_user(scn_run *run, scn_board *b, const macdev_config *mcfg,
                       const tapif_vwire_config *wcfg, int prio)
{
  tapif_vwire_config wc;
  if (wcfg) {
    wc = *wcfg;
  } else {
    tapif_vwire_config_default(&wc);
    wc.seed = run->seed;
  }
  if (run->link_mbps)
    wc.link_mbps = run->link_mbps;
  tapif_wire *w = tapif_vwire_new(&wc);
  if (!w)
    sim_sched_finish(SIM_END_FAULT, "board: cannot create the wire");
  scn_board_up_user_wire(run, b, mcfg, w, prio);
}

void scn_board_up_user_wire(scn_run *run, scn_board *b,
                            const macdev_config *mcfg, tapif_wire *wire,
                            int prio)
{
  memset(b, 0, sizeof *b);
  b->wire = wire;
  if (!scn_board_entry)
    sim_sched_finish(SIM_END_FAULT, "board: this engine has no board entry");
  macdev_config mc;
  if (mcfg)
    mc = *mcfg;
  else
    macdev_config_default(&mc);
  if (run->link_mbps)
    mc.link_mbps = run->link_mbps;
  b->run = run;
  if (run->mirror_fd > 0)
    b->wire->mirror_fd = run->mirror_fd;
  b->dev = macdev_new(&mc, b->wire, "board");
  if (!b->dev)
    sim_sched_finish(SIM_END_FAULT, "board: cannot create the MAC device");
  macdev_set_board(b->dev);
  scn_at_end(run, scn_board_user_free, b);
  if (run->capture) {
    char err[160];
    if (tapif_wire_capture(b->wire, run->capture, "en0", err, sizeof err) !=
        0)
      sim_sched_finish(SIM_END_FAULT, "board: %s", err);
    run->captured = true;
  }
  memcpy(b->host.mac, mc.mac, 6);
  sim_thread_create("board", prio, scn_board_entry_thread, NULL);
  for (int i = 0; i < 500; i++) {
    struct netif *n = netif_default;
    if (n && netif_is_up(n) && netif_is_link_up(n)) {
      b->nif = n;
      memcpy(b->host.ip, &netif_ip4_addr(n)->addr, 4);
      return;
    }
    sim_sleep_us(10000);
  }
  sim_sched_finish(SIM_END_FAULT, "board: no default netif with its link "
                   "up 5 s after the board's entry started");
}

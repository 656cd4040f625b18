/*
 * scn_board_serve.c - `lwipsim serve --board B`: a board project's own
 * firmware live on the TAP wire.  Linked into board engines in place of
 * scn_serve.c (whose services are lwipsim's board's): the board's entry
 * runs as on the virtual wire, with the address its firmware gives
 * itself (serve's --ip is not the board's to set), until the live event
 * source says stop.
 */
#include <stdio.h>
#include <string.h>

#include "scn_board.h"
#include "scn_serve.h"
#include "sim_sync.h"

static scn_board bsv;

void scn_serve_main(scn_run *run, const scn_serve_config *cfg)
{
  memset(&bsv, 0, sizeof bsv);
  scn_board_up_user_wire(run, &bsv, NULL, cfg->wire, 3);
  if (!cfg->quiet)
    fprintf(stderr, "lwipsim: serving the board's firmware on "
            "%u.%u.%u.%u (its own address); SIGINT or SIGTERM stops\n",
            bsv.host.ip[0], bsv.host.ip[1], bsv.host.ip[2], bsv.host.ip[3]);
  sim_sem *forever = sim_sem_new(0);
  sim_sem_take(forever, SIM_FOREVER);
}

void scn_serve_counters(scn_run *run)
{
  if (!bsv.dev)
    return;
  const macdev_stats *st = macdev_get_stats(bsv.dev);
  scn_counter(run, "frames_in", (long long)st->rx_frames);
  scn_counter(run, "frames_out", (long long)st->tx_frames);
}

/*
 * ping_flood_load - the board (192.0.2.1, board profile: PBUF_POOL_SIZE
 * 16, lwIP's default reassembly limits) under three loads at once on the
 * virtual wire, for 60 virtual seconds:
 *
 *   ping   a scripted peer (192.0.2.99) sends 2000-byte echo requests
 *          every 2 ms, each in 2 IP fragments, and lwIP fragments each
 *          reply;
 *   tftp   a scripted TFTP client (192.0.2.20) reads a 64 KiB file from
 *          lwIP's own tftp server app (tftp_init), served from an
 *          in-memory file of this scenario;
 *   echo   the echo client of an lwIP peer node (192.0.2.2) makes round
 *          trips of 1000 bytes through the whole minute with the board's
 *          socket echo server on port 7.
 *
 * The ping and TFTP load is scn_load.c's, shared with port_reentrancy.
 *
 * Oracle (`not-reproduced` = the board survives): no assertion and no
 * deadlock (either ends the run as `fault` or `deadlock`), the TFTP file
 * complete and byte-exact, every echo trip complete and byte-exact, and
 * the board still answers pings in the last seconds.  `reproduced` only
 * with the field report's own evidence: the board stopped answering (none
 * of the last pings answered) and the flood drained its pools (a PBUF_POOL,
 * TCPIP_MSG_INPKT or reassembly allocation refused, or the EMAC without a
 * pbuf for a frame); stopped with no pool dry is `fault`.  A TFTP or echo failure while the board
 * still answers is `fault`: not the field bug's stop.  Lost pings are the
 * load, not a failure; the message and the counters give every drop
 * counter (memp PBUF_POOL err, TCPIP_MSG_INPKT err, ip_frag memerr/drop,
 * the EMAC's drops by reason, tcp.drop) and each pool's high-water mark.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/memp.h"
#include "lwip/stats.h"

#include "emac.h"
#include "scn.h"
#include "scn_load.h"
#include "scn_rig.h"
#include "sim_sched.h"

#define PF_RUN_US 60000000ull
#define PF_ECHO_BYTES 1000
#define PF_ECHO_TRIPS 1000

static struct {
  scn_rig rig;
  scn_load load;
  peer_echo_result echo;
} pf;

static void pf_main(scn_run *run)
{
  memset(&pf, 0, sizeof pf);
  scn_rig *rig = &pf.rig;
  scn_rig_board_up(run, rig);
  scn_load_start(run, &pf.load, &rig->board, PF_RUN_US);
  scn_rig_peer_up(run, rig, "echo_srv", 7, true);

  peer_echo_config ec;
  peer_echo_config_default(&ec);
  memcpy(ec.server, rig->board.host.ip, 4);
  ec.trips = PF_ECHO_TRIPS;
  ec.bytes = PF_ECHO_BYTES;
  ec.salt = (uint32_t)run->seed;
  ec.timeout_us = 20000000;
  peer_app *app = peer_echo_start(&ec, &pf.echo);
  if (!app)
    sim_sched_finish(SIM_END_FAULT, "peer: cannot start the echo client");

  scn_load_wait(&pf.load);
  scn_rig_wait(rig, app, 30000000);

  const peers_ping_result *r = peers_get_ping(pf.load.ping);
  const peers_tftp_result *t = peers_get_tftp(pf.load.tftp);
  bool file_ok = scn_load_file_exact(&pf.load);
  unsigned tail = scn_load_tail_answered(&pf.load);
  char drops[400], maxes[600];
  scn_load_summary(run, &pf.load, &rig->board, drops, sizeof drops, maxes,
                  sizeof maxes);
  scn_counter(run, "echo_trips", pf.echo.done);

  const peer_failure *f = &pf.echo.fail;
  const char *still = "the board still answers pings: not the field bug's "
                      "stop";
  /* The field report's cause: the flood drained the board's pools. */
  const emac_stats *es = emac_get_stats(rig->board.mac);
  const struct stats_mem *pool = lwip_stats.memp[MEMP_PBUF_POOL];
  const struct stats_mem *inpkt = lwip_stats.memp[MEMP_TCPIP_MSG_INPKT];
  bool drained = (pool && pool->err) || (inpkt && inpkt->err) ||
                 lwip_stats.ip_frag.memerr || es->rx_drop_no_pbuf ||
                 es->refill_failures;
  if (tail == 0 && !drained)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "the board stopped answering pings (none of the last %d, "
                "%u of %u in all), but no pool ran dry: %s: not the field "
                "bug's drain", SCN_LOAD_TAIL, r->replies, r->sent, drops);
  else if (tail == 0)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "the board stopped answering pings: none of the last %d "
                "answered (%u of %u in all); tftp %s, echo %u of %d trips; "
                "%s", SCN_LOAD_TAIL, r->replies, r->sent,
                file_ok ? "exact" : "failed", pf.echo.done, PF_ECHO_TRIPS,
                drops);
  else if (!file_ok)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "tftp: %s (%zu of %d bytes, %u retransmissions%s%s); %s; %s",
                t->complete ? "file differs" : "incomplete", t->len,
                SCN_LOAD_FILE_LEN, t->retransmits, t->failed ? ", " : "",
                t->failed ? t->error_msg : "", still, drops);
  else if (!rig->app_done || f->call || pf.echo.mismatch_trip >= 0 ||
           pf.echo.done != PF_ECHO_TRIPS)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "echo: %u of %d trips%s%s (errno %d); %s; %s", pf.echo.done,
                PF_ECHO_TRIPS, f->call ? ", failed in " : "",
                f->call ? f->call : "", f->err, still, drops);
  else if (!rig->svc_done || rig->svc.fail)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "the board's echo server %s; %s; %s",
                rig->svc_done ? rig->svc.fail : "did not finish", still,
                drops);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "survived 60 s: tftp %d bytes exact (%u client "
                "retransmissions, %llu us), echo %u trips exact, pings "
                "%u of %u answered (%u of the last %d); %s; pool max: %s",
                SCN_LOAD_FILE_LEN, t->retransmits,
                (unsigned long long)t->duration_us, pf.echo.done,
                r->replies, r->sent, tail, SCN_LOAD_TAIL, drops, maxes);
}

SCN_IMPL(ping_flood_load, .main_prio = 2, .main = pf_main);

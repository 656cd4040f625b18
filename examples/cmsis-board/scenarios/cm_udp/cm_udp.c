/*
 * cm_udp - the cmsis-board's firmware (its generated CMSIS-RTOS2 port,
 * driver and UDP request server, LWIP/App/udp_server.c) under lwipsim's
 * scripted load (scn_load.h: 2000-byte pings every 2 ms for CM_LOAD_US, a
 * 64 KiB TFTP download) and CM_BURSTS bursts of CM_BURST requests 100 us
 * apart, each from its own UDP peer.  The worker takes a tick per request.
 *
 *   load        the receive thread queues with osWaitForever;
 *   queue-drop  with timeout 0, as the application did.
 *
 * Oracle.  `reproduced` only with the bug's own evidence: the put
 * returned osErrorResource (the queue full), and exactly the requests it
 * refused went unanswered.  `not-reproduced`: no put failed, every
 * request answered, the TFTP file exact.  Anything else is `fault`.
 */
#include <stdio.h>
#include <string.h>

#include "cmsis_os2.h"

#include "peers.h"
#include "scn.h"
#include "scn_board.h"
#include "scn_load.h"
#include "sim_sched.h"

#include "udp_server.h"

#define CM_LOAD_US 1000000ull
#define CM_BURSTS 5
#define CM_BURST 12

static struct {
  scn_board board;
  scn_load load;
  peers_node *burst[CM_BURSTS];
} cm;

static const char *cm_status(int st)
{
  switch (st) {
  case osErrorResource: return "osErrorResource";
  case osErrorTimeout: return "osErrorTimeout";
  case osErrorParameter: return "osErrorParameter";
  case osErrorISR: return "osErrorISR";
  default: return "another error";
  }
}

static void cm_main(scn_run *run)
{
  memset(&cm, 0, sizeof cm);
  udp_server_put_timeout =
      scn_variant_is(run, "queue-drop") ? 0 : osWaitForever;
  scn_board_up_user(run, &cm.board, NULL, NULL, 3);
  scn_load_start(run, &cm.load, &cm.board, CM_LOAD_US);
  for (int i = 0; i < CM_BURSTS; i++) {
    peers_udp_config c;
    char name[16];
    snprintf(name, sizeof name, "burst%d", i);
    peers_udp_config_default(&c, name, (uint8_t)(40 + i));
    c.dport = UDP_SERVER_PORT;
    c.count = CM_BURST;
    c.interval_us = 100;
    c.size = 32;
    c.c.start_us = 100000 + 150000 * (uint64_t)i;
    char err[160];
    cm.burst[i] = peers_udp_start(cm.board.wire, &c, err, sizeof err);
    if (!cm.burst[i])
      sim_sched_finish(SIM_END_FAULT, "%s: %s", name, err);
  }
  unsigned sent = 0, got = 0;
  for (int i = 0; i < CM_BURSTS; i++) {
    peers_wait(cm.burst[i], 2 * CM_LOAD_US);
    sent += peers_get_udp(cm.burst[i])->sent;
    got += peers_get_udp(cm.burst[i])->received;
  }
  scn_load_wait(&cm.load);

  const udp_server_stats_t *st = &udp_server_stats;
  scn_counter(run, "requests", (long long)st->requests);
  scn_counter(run, "answered", (long long)st->answered);
  scn_counter(run, "queue_errors", (long long)st->queue_errors);
  scn_counter(run, "replies", got);
  const char *not_bug = "not the application's queue bug";
  if (st->failed)
    scn_verdict(run, SIM_VERDICT_FAULT, "the server's %s failed; %s",
                st->failed, not_bug);
  else if (!scn_load_file_exact(&cm.load))
    scn_verdict(run, SIM_VERDICT_FAULT, "tftp: file incomplete or "
                "different; %s", not_bug);
  else if (st->queue_errors && st->first_error == osErrorResource &&
           st->requests == sent && got + st->queue_errors == sent)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "osMessageQueuePut(req_q, ..., timeout 0) returned "
                "osErrorResource for %lu of %lu requests (the queue of %d "
                "full; first at request #%lu, tick %lu): exactly those "
                "went unanswered (%u of %u replies)",
                st->queue_errors, st->requests, UDP_SERVER_QUEUE_LEN,
                st->first_error_req, (unsigned long)st->first_error_tick,
                got, sent);
  else if (!st->queue_errors && got == sent)
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%u of %u requests in %d bursts answered, no put refused; "
                "tftp 64 KiB exact, pings %u of %u answered", got, sent,
                CM_BURSTS, peers_get_ping(cm.load.ping)->replies,
                peers_get_ping(cm.load.ping)->sent);
  else
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%u of %u requests answered, %lu received, %lu puts "
                "refused (%s): %s", got, sent, st->requests,
                st->queue_errors,
                st->queue_errors ? cm_status(st->first_error) : "none",
                not_bug);
}

SCN_IMPL(cm_udp, .main_prio = 2, .main = cm_main);

/*
 * page_burst - the web panel's "http_accept: Out of memory, RST": a
 * browser opening the page gets some of its resources reset.
 *
 * The board is the panel's firmware as built from this project: a
 * NO_SYS=1 super-loop with its own driver and lwIP's httpd, unmodified.
 * An lwIP peer node is the browser: it loads /index.html, then, as a
 * browser does once it has parsed the page, its four resources at once,
 * one connection each (HTTP/1.0, closed by the server after the file).
 * The chart and the history, some kilobytes each, take the board a few
 * round trips (TCP_SND_BUF is two segments); the style sheet's and the
 * script's handshakes complete meanwhile.
 *
 * The panel's httpd takes a connection state from a pool of
 * MEMP_NUM_PARALLEL_HTTPD_CONNS when a connection's handshake completes
 * (http_accept); with no state left it prints "http_accept: Out of
 * memory, RST" (HTTPD_DEBUG is on in the firmware) and returns ERR_MEM,
 * and lwIP resets the connection.  The diag hook puts that line into the
 * trace and as a comment on the next frame the MAC sends: the RST.
 *
 * Oracle.  `reproduced` only with the report's own evidence, both
 * halves: a resource connection reset right after its handshake (no
 * response byte) and http_accept's out-of-memory line during the burst.
 * `not-reproduced` when the page and every resource arrived with status
 * 200, byte-exact, and the board's pools and heap are back where they
 * were once lwIP's TIME_WAIT has passed.  Anything else is `fault`.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/memp.h"
#include "lwip/stats.h"

#include "scn.h"
#include "scn_board.h"
#include "scn_lwip.h"
#include "scn_peer.h"
#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_trace.h"
#include "sys_arch_sim.h"
#include "webfs.h"

#define PB_OOM_LINE "http_accept: Out of memory, RST"
#define PB_WAIT_US 20000000ull       /* for a resource, at most */
#define PB_TIME_WAIT_US 125000000ull /* lwIP's 2 * TCP_MSL and more */
#define PB_MAX_FILES 8

static struct {
  scn_board board;
  scn_peer peer;
  peer_http_request req[PB_MAX_FILES];
  unsigned oom_lines;
} pb;

/* LWIP_PLATFORM_DIAG lines, in the super-loop's context.  Only the fixed
 * line reaches the trace (others print pointers). */
static void pb_diag(const char *line)
{
  if (strncmp(line, PB_OOM_LINE, strlen(PB_OOM_LINE)) != 0)
    return;
  pb.oom_lines++;
  macdev_note_next_tx(pb.board.dev, PB_OOM_LINE);
  sim_trace_event("httpd", PB_OOM_LINE);
}

static void pb_unhook(void *arg)
{
  (void)arg;
  sys_arch_set_diag_hook(NULL);
}

static peer_app *pb_get(size_t i)
{
  peer_http_config c;
  peer_http_config_default(&c);
  memcpy(c.server, pb.board.host.ip, 4);
  c.path = webfs_paths[i];
  peer_app *a = peer_http_start(&c, &pb.req[i]);
  if (!a)
    sim_sched_finish(SIM_END_FAULT, "peer: cannot GET %s", c.path);
  return a;
}

/* File i arrived whole: status 200, its body byte for byte. */
static bool pb_ok(size_t i)
{
  const peer_http_request *q = &pb.req[i];
  size_t n;
  const char *body = webfs_body(i, &n);
  return body && q->status == 200 && q->complete && !q->fail.call &&
         q->body_bytes == n &&
         q->body_hash == peer_fnv1a(PEER_FNV1A_INIT, body, n);
}

static void pb_main(scn_run *run)
{
  memset(&pb, 0, sizeof pb);
  if (webfs_nfiles > PB_MAX_FILES || webfs_nfiles < 2)
    sim_sched_finish(SIM_END_FAULT, "page_burst: %zu files in webfs",
                     webfs_nfiles);
  macdev_config mc; /* the panel's MAC: 8 descriptors each way */
  macdev_config_default(&mc);
  mc.rx_ring = mc.tx_ring = 8;
  scn_board_up_user(run, &pb.board, &mc, NULL, 3);
  sys_arch_set_diag_hook(pb_diag);
  scn_at_end(run, pb_unhook, NULL);
  scn_pools before;
  scn_pools_snapshot(&before);
  scn_peer_up(run, &pb.peer, &pb.board, NULL);

  /* The page, then its resources at once. */
  sim_trace_event("browser", "GET /index.html");
  peer_app_wait(pb_get(0), PB_WAIT_US);
  bool page_ok = pb_ok(0);
  unsigned oom_before = pb.oom_lines;
  uint64_t t_res = sim_clock_now_us();
  sim_trace_event("browser", "the page's resources, one connection each");
  peer_app *apps[PB_MAX_FILES];
  for (size_t i = 1; i < webfs_nfiles; i++)
    apps[i] = pb_get(i);
  bool done = true;
  for (size_t i = 1; i < webfs_nfiles; i++)
    done &= peer_app_wait(apps[i], PB_WAIT_US) == 0;
  unsigned ok = 0, reset_early = 0, failed = 0, total = 0;
  uint64_t took = 0;
  const char *first_bad = NULL;
  for (size_t i = 1; i < webfs_nfiles; i++) {
    const peer_http_request *q = &pb.req[i];
    total++;
    if (q->start_us + q->duration_us - t_res > took)
      took = q->start_us + q->duration_us - t_res;
    if (pb_ok(i)) {
      ok++;
      continue;
    }
    if (q->fail.reset && q->status == 0 && q->header_bytes == 0)
      reset_early++;
    else
      failed++;
    if (!first_bad)
      first_bad = webfs_paths[i];
  }
  unsigned oom = pb.oom_lines - oom_before;

  /* After lwIP's TIME_WAIT the board's pools must be back. */
  sim_sleep_us(PB_TIME_WAIT_US);
  scn_pools after;
  scn_pools_snapshot(&after);
  char leak[400] = "";
  int nleak = scn_pools_diff(&before, &after, leak, sizeof leak);

  scn_counter(run, "resources_ok", ok);
  scn_counter(run, "resources_reset", reset_early);
  scn_counter(run, "resources_failed", failed);
  scn_counter(run, "resources_us", (long long)took);
  scn_counter(run, "http_accept_oom", oom);
  scn_counter(run, "tcp_memerr", lwip_stats.tcp.memerr);
  const macdev_stats *st = macdev_get_stats(pb.board.dev);
  scn_counter(run, "board_rx_frames", (long long)st->rx_frames);
  scn_counter(run, "board_tx_frames", (long long)st->tx_frames);
  scn_counter(run, "board_rx_drops",
              (long long)(st->rx_drop_no_desc + st->rx_drop_no_buf));
  scn_peer_counters(run);

  if (!page_ok)
    scn_verdict(run, SIM_VERDICT_FAULT, "/index.html did not load "
                "(status %d, %zu body bytes): the set-up, not the report",
                pb.req[0].status, pb.req[0].body_bytes);
  else if (reset_early && oom)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "%u of %u resource connections reset right after the "
                "handshake, on http_accept's out-of-memory path (\"%s\" "
                "x %u); %u of %u resources arrived", reset_early, total,
                PB_OOM_LINE, oom, ok, total);
  else if (reset_early)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%u of %u resource connections reset right after the "
                "handshake, but no \"%s\": not the field bug", reset_early,
                total, PB_OOM_LINE);
  else if (!done || ok != total)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "resources incomplete: %u of %u (first bad %s)%s, none "
                "reset right after the handshake: not the field bug", ok,
                total, first_bad, done ? "" : ", browser still waiting");
  else if (nleak)
    scn_verdict(run, SIM_VERDICT_FAULT, "every resource arrived, but after "
                "TIME_WAIT: %s: a leak, not the field bug", leak);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "the page and its %u resources arrived, byte-exact, the "
                "resources in %.3f ms over %u parallel connections; pools "
                "and heap back after TIME_WAIT", total, (double)took / 1e3,
                total);
}

SCN_IMPL(page_burst, .main_prio = 2, .main = pb_main);

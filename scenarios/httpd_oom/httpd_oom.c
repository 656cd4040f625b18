/*
 * httpd_oom - the field bug "http_accept: Out of memory, RST" during page
 * switches.
 *
 * The board runs lwIP's httpd, unmodified, with the profile of the
 * variant (contrib_port/lwipopts/httpd-*): in the field bug's set-up a
 * connection's http_state comes from a pool of two, an idle keep-alive
 * connection keeps its state until http_poll has counted
 * HTTPD_MAX_RETRIES polls of HTTPD_POLL_INTERVAL ticks without traffic,
 * and when no state is left http_accept returns ERR_MEM, on which lwIP
 * resets the connection right after its handshake.
 *
 * Pages.  The httpd serves four files from this file's fs_open_custom
 * (LWIP_HTTPD_CUSTOM_FILES): page A is /a.html and /a.bin, page B is
 * /b.html and /b.bin; the .bin files are larger than TCP_SND_BUF.  Each
 * file carries its own HTTP/1.1 headers with a Content-Length and is
 * marked persistent, so httpd keeps a connection alive when asked.  The
 * bodies are text made from peer_pattern(), built once, the same in every
 * run.
 *
 * The browser.  An lwIP peer node loads page A as a browser does: one
 * connection per resource, in parallel, each asking for keep-alive and
 * then left open and idle (peer_http_config.linger_us).  At
 * SCN_HTTPD_OOM_SWITCH_US after page A's start, within the field bug's 2 s,
 * it switches to page B: again one connection per resource, in parallel.
 *
 * The RST's comment.  The profiles turn on HTTPD_DEBUG, so httpd prints
 * "http_accept: Out of memory, RST" through LWIP_PLATFORM_DIAG just
 * before it returns ERR_MEM; the diag hook sees that line in
 * tcpip_thread and attaches it to the board's next transmitted frame
 * (emac_note_next_tx), which is the RST lwIP then sends from the same
 * call.  Other diag lines carry pointers and are dropped; only that fixed
 * line goes into the trace, so the trace stays the same from run to run.
 *
 * Oracle.  `reproduced` only with the field report's own evidence, both
 * halves of it: lwIP's http_accept took its out-of-memory path during
 * page B (httpd's "http_accept: Out of memory, RST" line; the profiles
 * set HTTPD_DEBUG for it - the HTTPD_STATE pool's err count alone is no
 * proof, kill-old raises it too), and a connection of page B was
 * reset without a response byte (right after its handshake); and the
 * out-of-memory was lwIP's own (a refusal in lwIP's counters during page
 * B, not only an allocation failed by --fail).
 * `not-reproduced` when page B's resources all arrived with status 200,
 * byte-exact, and the board's pools and heap are back where they were
 * once the peer's connections are gone (after lwIP's TIME_WAIT).
 * Anything else - page A not loading, page B incomplete or reset without
 * http_accept's out-of-memory path, that path taken only for an injected
 * failure, a leak after TIME_WAIT - is `fault`,
 * saying it is not the field bug.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/apps/fs.h"
#include "lwip/apps/httpd.h"
#include "lwip/apps/httpd_opts.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"

#include "scn.h"
#include "scn_rig.h"
#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_trace.h"
#include "sys_arch_mem.h"
#include "sys_arch_sim.h"

#define SCN_HTTPD_OOM_SWITCH_US 1500000ull  /* page A -> page B */
#define SCN_HTTPD_OOM_LINGER_US 10000000ull /* the browser's idle time */
#define SCN_HTTPD_OOM_WAIT_US 30000000ull   /* for a page, at most */
#define SCN_HTTPD_OOM_TIME_WAIT_US 125000000ull /* 2 * TCP_MSL and more */
#define SCN_HTTPD_OOM_HDR_MAX 160
#define SCN_HTTPD_OOM_OOM_LINE "http_accept: Out of memory, RST"

/* One file of the board's file system: headers and body in one buffer. */
typedef struct {
  const char *path;
  const char *type;
  size_t body_len;
  char page; /* 'A' or 'B' */
  char *data;
  size_t len;
  size_t hdr_len;
} scn_httpd_oom_file;

static char scn_httpd_oom_store[SCN_HTTPD_OOM_HDR_MAX * 4 + 900 + 5000 +
                                1800 + 12000];

static scn_httpd_oom_file scn_httpd_oom_files[] = {
    {"/a.html", "text/html", 900, 'A', NULL, 0, 0},
    {"/a.bin", "application/octet-stream", 5000, 'A', NULL, 0, 0},
    {"/b.html", "text/html", 1800, 'B', NULL, 0, 0},
    {"/b.bin", "application/octet-stream", 12000, 'B', NULL, 0, 0},
};
#define SCN_HTTPD_OOM_NFILES \
  (sizeof scn_httpd_oom_files / sizeof scn_httpd_oom_files[0])

static struct {
  scn_rig rig;
  peer_http_request req[SCN_HTTPD_OOM_NFILES];
  unsigned oom_lines; /* "http_accept: Out of memory, RST" seen */
} sho;

/* Builds the files once: headers, then printable text from the pattern
 * (salted by the file's index, so no two files are alike). */
static void scn_httpd_oom_build(void)
{
  if (scn_httpd_oom_files[0].data)
    return;
  char *at = scn_httpd_oom_store;
  for (size_t i = 0; i < SCN_HTTPD_OOM_NFILES; i++) {
    scn_httpd_oom_file *f = &scn_httpd_oom_files[i];
    int n = snprintf(at, SCN_HTTPD_OOM_HDR_MAX,
                     "HTTP/1.1 200 OK\r\nServer: lwipsim-board\r\n"
                     "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                     f->type, f->body_len);
    f->data = at;
    f->hdr_len = (size_t)n;
    for (size_t k = 0; k < f->body_len; k++)
      at[n + k] = (char)('a' + peer_pattern((uint32_t)i, k) % 26);
    f->len = f->hdr_len + f->body_len;
    at += f->len;
  }
}

#if LWIP_HTTPD_CUSTOM_FILES
/* lwIP's fs asks here first (fs.c); 0 sends it to its own fsdata. */
int fs_open_custom(struct fs_file *file, const char *name)
{
  scn_httpd_oom_build();
  for (size_t i = 0; i < SCN_HTTPD_OOM_NFILES; i++) {
    const scn_httpd_oom_file *f = &scn_httpd_oom_files[i];
    if (strcmp(name, f->path) != 0)
      continue;
    memset(file, 0, sizeof *file);
    file->data = f->data;
    file->len = (int)f->len;
    file->index = (int)f->len;
    file->flags =
        FS_FILE_FLAGS_HEADER_INCLUDED | FS_FILE_FLAGS_HEADER_PERSISTENT;
    return 1;
  }
  return 0;
}

void fs_close_custom(struct fs_file *file)
{
  LWIP_UNUSED_ARG(file); /* the files are static */
}
#endif

#if HTTPD_USE_MEM_POOL
/* httpd's private pool (LWIP_MEMPOOL_DECLARE in httpd.c): not one of
 * lwip_stats.memp[], but its descriptor is global and holds the stats. */
extern const struct memp_desc memp_HTTPD_STATE;
#endif

/* HTTPD_STATE allocation failures, or -1 without the pool. */
static long long scn_httpd_oom_state_err(void)
{
#if HTTPD_USE_MEM_POOL && MEMP_STATS
  return (long long)memp_HTTPD_STATE.stats->err;
#else
  return -1;
#endif
}

/* LWIP_PLATFORM_DIAG lines, in the context that printed them. */
static void scn_httpd_oom_diag(const char *line)
{
  size_t n = strlen(SCN_HTTPD_OOM_OOM_LINE);
  if (strncmp(line, SCN_HTTPD_OOM_OOM_LINE, n) != 0)
    return;
  sho.oom_lines++;
  emac_note_next_tx(sho.rig.board.mac, SCN_HTTPD_OOM_OOM_LINE);
  sim_trace_event("httpd", SCN_HTTPD_OOM_OOM_LINE);
}

static void scn_httpd_oom_unhook(void *arg)
{
  (void)arg;
  sys_arch_set_diag_hook(NULL);
}

/* Starts one connection for file i: GET, keep-alive and idle for page A,
 * "Connection: close" for page B. */
static peer_app *scn_httpd_oom_get(size_t i)
{
  peer_http_config c;
  peer_http_config_default(&c);
  memcpy(c.server, sho.rig.board.host.ip, 4);
  c.path = scn_httpd_oom_files[i].path;
  if (scn_httpd_oom_files[i].page == 'A') {
    c.keep_alive = true;
    c.linger_us = SCN_HTTPD_OOM_LINGER_US;
  }
  peer_app *a = peer_http_start(&c, &sho.req[i]);
  if (!a)
    sim_sched_finish(SIM_END_FAULT, "peer: cannot GET %s", c.path);
  return a;
}

/* Page `page`'s result: resources fine, resets without a response,
 * other failures, and the virtual time from `t0` to its last byte. */
typedef struct {
  unsigned ok, reset_early, failed, total;
  uint64_t took_us;
  const char *first_bad;
} scn_httpd_oom_page;

static scn_httpd_oom_page scn_httpd_oom_judge(char page, uint64_t t0)
{
  scn_httpd_oom_page r = {0};
  for (size_t i = 0; i < SCN_HTTPD_OOM_NFILES; i++) {
    const scn_httpd_oom_file *f = &scn_httpd_oom_files[i];
    if (f->page != page)
      continue;
    const peer_http_request *q = &sho.req[i];
    r.total++;
    uint64_t end = q->start_us + q->duration_us;
    if (end > t0 && end - t0 > r.took_us)
      r.took_us = end - t0;
    const char *body = f->data + f->hdr_len;
    if (q->status == 200 && q->complete && !q->fail.call &&
        q->body_bytes == f->body_len &&
        q->body_hash == peer_fnv1a(PEER_FNV1A_INIT, body, f->body_len)) {
      r.ok++;
      continue;
    }
    if (q->fail.reset && q->status == 0 && q->header_bytes == 0)
      r.reset_early++;
    else
      r.failed++;
    if (!r.first_bad)
      r.first_bad = f->path;
  }
  return r;
}

static void scn_httpd_oom_main(scn_run *run)
{
  memset(&sho, 0, sizeof sho);
  if (!LWIP_HTTPD_CUSTOM_FILES)
    sim_sched_finish(SIM_END_FAULT, "httpd_oom needs a profile with "
                     "LWIP_HTTPD_CUSTOM_FILES (httpd-*)");
  scn_httpd_oom_build();
  scn_rig_board_up(run, &sho.rig);
  sys_arch_set_diag_hook(scn_httpd_oom_diag);
  scn_at_end(run, scn_httpd_oom_unhook, NULL);
  LOCK_TCPIP_CORE();
  httpd_init();
  UNLOCK_TCPIP_CORE();
  scn_rig_peer_up(run, &sho.rig, NULL, 0, false);
  const scn_pools *before = &sho.rig.before;

  /* Page A: every resource at once; the connections then stay idle. */
  uint64_t t_a = sim_clock_now_us();
  sim_trace_event("browser", "page A: GET /a.html, /a.bin (keep-alive)");
  peer_app *apps[SCN_HTTPD_OOM_NFILES];
  for (size_t i = 0; i < SCN_HTTPD_OOM_NFILES; i++)
    if (scn_httpd_oom_files[i].page == 'A')
      apps[i] = scn_httpd_oom_get(i);

  /* The switch, within 2 s of page A. */
  sim_sleep_us(t_a + SCN_HTTPD_OOM_SWITCH_US - sim_clock_now_us());
  scn_httpd_oom_page pa = scn_httpd_oom_judge('A', t_a);
  uint64_t t_b = sim_clock_now_us();
  long long state_err_before = scn_httpd_oom_state_err();
  long long mem_err_before = (long long)lwip_stats.mem.err;
  unsigned fired_before = sys_arch_mem_fails_fired();
  unsigned oom_before = sho.oom_lines;
  sim_trace_event("browser", "page B: GET /b.html, /b.bin");
  for (size_t i = 0; i < SCN_HTTPD_OOM_NFILES; i++)
    if (scn_httpd_oom_files[i].page == 'B')
      apps[i] = scn_httpd_oom_get(i);
  bool b_done = true;
  for (size_t i = 0; i < SCN_HTTPD_OOM_NFILES; i++)
    if (scn_httpd_oom_files[i].page == 'B')
      b_done &= peer_app_wait(apps[i], SCN_HTTPD_OOM_WAIT_US) == 0;
  scn_httpd_oom_page pb = scn_httpd_oom_judge('B', t_b);
  long long state_err = scn_httpd_oom_state_err();
  /* lwIP's own refusals during page B (an allocation failed by --fail
   * reaches none of lwIP's counters), and the failures --fail made. */
  long long refused_b = (state_err >= 0 ? state_err - state_err_before : 0) +
                        (long long)lwip_stats.mem.err - mem_err_before;
  unsigned injected_b = sys_arch_mem_fails_fired() - fired_before;

  /* Page A's idle connections close when the browser or httpd gives up;
   * then lwIP's TIME_WAIT, and the board's pools must be back. */
  for (size_t i = 0; i < SCN_HTTPD_OOM_NFILES; i++)
    if (scn_httpd_oom_files[i].page == 'A')
      peer_app_wait(apps[i], SCN_HTTPD_OOM_WAIT_US);
  sim_sleep_us(SCN_HTTPD_OOM_TIME_WAIT_US);
  scn_pools after;
  scn_pools_snapshot(&after);
  /* A leak is a level above the baseline (the allocation errors the
   * field bug makes on the way are not one). */
  char leak[512] = "";
  bool leaked = !scn_pools_back(before, &after);
  if (leaked)
    scn_pools_diff(before, &after, leak, sizeof leak);

  scn_counter(run, "page_a_us", (long long)pa.took_us);
  scn_counter(run, "page_b_us", (long long)pb.took_us);
  scn_counter(run, "page_b_ok", pb.ok);
  scn_counter(run, "page_b_resets", pb.reset_early);
  scn_counter(run, "http_accept_oom", sho.oom_lines);
  scn_counter(run, "httpd_state_err", state_err);
  scn_counter(run, "tcp_memerr", lwip_stats.tcp.memerr);
  scn_counter(run, "mem_err", lwip_stats.mem.err);
  scn_counter(run, "board_tcp_xmit", lwip_stats.tcp.xmit);
  scn_peer_counters(run);

  char err_text[96];
  if (state_err >= 0)
    snprintf(err_text, sizeof err_text, "memp HTTPD_STATE err %lld (%lld "
             "during page B)", state_err, state_err - state_err_before);
  else
    snprintf(err_text, sizeof err_text, "no HTTPD_STATE pool");
  /* http_accept's out-of-memory path during page B: its own line.  The
   * HTTPD_STATE pool's err count is no proof: with
   * LWIP_HTTPD_KILL_OLD_ON_CONNECTIONS_EXCEEDED a failed allocation is
   * followed by killing an old connection and a second, successful one. */
  unsigned oom_b = sho.oom_lines - oom_before;
  bool oom_path = oom_b > 0;
  if (pa.ok != pa.total)
    scn_verdict(run, SIM_VERDICT_FAULT, "page A did not load (%u of %u, "
                "first bad %s): the set-up, not the report", pa.ok,
                pa.total, pa.first_bad);
  else if (pb.reset_early && oom_path && injected_b && !refused_b)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%u of %u page-B connections reset right after the "
                "handshake on http_accept's out-of-memory path (\"%s\" x "
                "%u), but lwIP refused no allocation during page B (%s, "
                "mem.err 0): %u allocation%s failed by --fail, an injected "
                "failure, not the field bug",
                pb.reset_early, pb.total, SCN_HTTPD_OOM_OOM_LINE, oom_b,
                err_text, injected_b, injected_b == 1 ? "" : "s");
  else if (pb.reset_early && oom_path)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "%u of %u page-B connections reset right after the "
                "handshake, on http_accept's out-of-memory path (\"%s\" x "
                "%u during page B); %s; page B %s: %u of %u resources in "
                "%.3f ms",
                pb.reset_early, pb.total, SCN_HTTPD_OOM_OOM_LINE, oom_b,
                err_text, pb.ok == pb.total ? "complete" : "failed", pb.ok,
                pb.total, (double)pb.took_us / 1e3);
  else if (pb.reset_early)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%u of %u page-B connections reset right after the "
                "handshake, but not on http_accept's out-of-memory path "
                "(no \"%s\" during page B; %s): not the field bug",
                pb.reset_early, pb.total, SCN_HTTPD_OOM_OOM_LINE, err_text);
  else if (!b_done || pb.ok != pb.total)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "page B incomplete: %u of %u resources (first bad %s)%s, "
                "none reset right after the handshake (\"%s\" x %u during "
                "page B; %s): not the field bug",
                pb.ok, pb.total, pb.first_bad,
                b_done ? "" : ", client still waiting",
                SCN_HTTPD_OOM_OOM_LINE, oom_b, err_text);
  else if (leaked)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "page B complete, but after TIME_WAIT: %s: a leak, not the "
                "field bug", leak);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "page B complete: %u of %u resources, byte-exact, in "
                "%.3f ms (page A %.3f ms); %s; tcp.memerr %u, mem.err %u; "
                "pools and heap back after TIME_WAIT",
                pb.ok, pb.total, (double)pb.took_us / 1e3,
                (double)pa.took_us / 1e3, err_text,
                (unsigned)lwip_stats.tcp.memerr,
                (unsigned)lwip_stats.mem.err);
}

SCN_IMPL(httpd_oom, .main_prio = 2, .main = scn_httpd_oom_main);

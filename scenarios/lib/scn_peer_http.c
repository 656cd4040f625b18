/*
 * scn_peer_http.c - the HTTP peer scenarios' common body (see
 * scn_peer_http.h).
 *
 * The expected body is read from the board's own fs (fs_open), not
 * written down here, so the oracle follows whatever fsdata.c the tree
 * carries (2.0's has no Content-Length: the client then reads up to the
 * close).  The pools are compared after lwIP's TIME_WAIT, 2 * TCP_MSL
 * (2 min of virtual time, counted in 500 ms slow-timer ticks), because the
 * httpd closes first and its pcbs wait that long; virtual time makes the
 * wait free.  These scenarios are baselines with no field bug: any
 * failure is `fault`, never `reproduced`.
 */
#include "scn_peer_http.h"

#include <stdio.h>
#include <string.h>

#include "lwip/apps/fs.h"
#include "lwip/apps/httpd.h"
#include "lwip/tcpip.h"

#include "scn_rig.h"
#include "sim_sched.h"

#define SCN_PEER_HTTP_MAX 16
#define SCN_PEER_HTTP_TIME_WAIT_US 125000000ull /* 2 min and a few ticks */

static struct {
  scn_rig rig;
  peer_http_request req[SCN_PEER_HTTP_MAX];
} sph;

bool scn_peer_http_body(const char *path, size_t *len, uint32_t *hash)
{
  struct fs_file f;
  if (fs_open(&f, path) != ERR_OK)
    return false;
  const char *body = f.data;
  size_t n = (size_t)f.len;
  if (f.flags & FS_FILE_FLAGS_HEADER_INCLUDED) {
    const char *eoh = NULL;
    for (size_t i = 0; i + 4 <= n && !eoh; i++)
      if (memcmp(f.data + i, "\r\n\r\n", 4) == 0)
        eoh = f.data + i + 4;
    if (!eoh) {
      fs_close(&f);
      return false;
    }
    n -= (size_t)(eoh - body);
    body = eoh;
  }
  *len = n;
  *hash = peer_fnv1a(PEER_FNV1A_INIT, body, n);
  fs_close(&f);
  return true;
}

void scn_peer_http_run(scn_run *run, const peer_http_config *cfg,
                       const char *fs_path)
{
  memset(&sph, 0, sizeof sph);
  peer_http_config c = *cfg;
  unsigned total = c.connections * c.requests;
  if (total == 0 || total > SCN_PEER_HTTP_MAX)
    sim_sched_finish(SIM_END_FAULT, "http: %u requests (1..%d)", total,
                     SCN_PEER_HTTP_MAX);
  scn_rig *r = &sph.rig;
  scn_rig_board_up(run, r);
  LOCK_TCPIP_CORE();
  httpd_init();
  UNLOCK_TCPIP_CORE();
  size_t want_len;
  uint32_t want_hash;
  if (!scn_peer_http_body(fs_path, &want_len, &want_hash))
    sim_sched_finish(SIM_END_FAULT, "the board's fs has no %s", fs_path);
  scn_rig_peer_up(run, r, NULL, 0, false);

  memcpy(c.server, r->board.host.ip, 4);
  peer_app *app = peer_http_start(&c, sph.req);
  if (!app)
    sim_sched_finish(SIM_END_FAULT, "peer: cannot start the HTTP client");
  scn_rig_wait(r, app, 30000000);
  scn_rig_settle(r, SCN_PEER_HTTP_TIME_WAIT_US);

  unsigned ok = 0, resets = 0;
  uint64_t dmin = UINT64_MAX, dmax = 0;
  const peer_http_request *bad = NULL;
  for (unsigned i = 0; i < total; i++) {
    const peer_http_request *q = &sph.req[i];
    resets += q->fail.reset;
    if (q->status == 200 && q->complete && !q->fail.call &&
        q->body_bytes == want_len && q->body_hash == want_hash) {
      ok++;
      dmin = q->duration_us < dmin ? q->duration_us : dmin;
      dmax = q->duration_us > dmax ? q->duration_us : dmax;
    } else if (!bad) {
      bad = q;
    }
  }
  scn_counter(run, "requests_ok", ok);
  scn_counter(run, "resets", resets);
  scn_counter(run, "body_bytes_expected", (long long)want_len);
  if (ok) {
    scn_counter(run, "request_us_min", (long long)dmin);
    scn_counter(run, "request_us_max", (long long)dmax);
  }
  scn_rig_counters(run, r);

  if (!r->app_done)
    scn_verdict(run, SIM_VERDICT_FAULT, "the HTTP client did not "
                "finish within 30 s (%u of %u requests fine)", ok, total);
  else if (bad)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "request %u: status %d, %zu body bytes (Content-Length "
                "%ld, %s has %zu)%s%s%s%s; %u of %u fine",
                (unsigned)(bad - sph.req), bad->status, bad->body_bytes,
                bad->content_length, fs_path, want_len,
                bad->complete && bad->body_hash != want_hash
                    ? ", wrong bytes" : "",
                bad->fail.call ? ", failed in " : "",
                bad->fail.call ? bad->fail.call : "",
                bad->fail.reset ? " (reset)" : "", ok, total);
  else if (!r->clean)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "all %u requests fine, but %s", total, r->clean_text);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%u of %u GETs of %s answered 200 with %s's %zu bytes, "
                "byte-exact, in %.3f..%.3f ms; %s after TIME_WAIT",
                ok, total, c.path, fs_path, want_len, (double)dmin / 1e3,
                (double)dmax / 1e3, r->clean_text);
}

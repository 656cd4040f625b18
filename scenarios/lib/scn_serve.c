/*
 * serve.c - the live board of `lwipsim serve` (see serve.h).
 *
 * The board comes up on the TAP wire exactly as scenarios bring it up on the
 * virtual one (scn_board_up_wire), with lwIP's httpd on port 80 (the tree's
 * default pages) and lwiperf on port 5001 (iperf 2 clients), then a TCP
 * echo server accepts on port 7
 * and gives each connection a thread of its own ("echo-N"), which echoes
 * until the peer closes.  The main thread then waits for ever: the session
 * ends when the live event source reports a stop.  Counters (connections,
 * bytes echoed, EMAC frames) are kept for the summary.
 */
#include "scn_serve.h"

#include <stdio.h>
#include <string.h>

#include "lwip/apps/httpd.h"
#include "lwip/apps/lwiperf.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"

#include "emac.h"
#include "scn_board.h"
#include "scn_lwip.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"
#include "sys_arch_sim.h"

#define SERVE_ECHO_PORT 7
#define SERVE_APP_PRIO 3

static struct {
  scn_board board;
  long long connections, echoed;
  long long iperf_sessions, iperf_bytes, iperf_ms;
} sv;

/* lwiperf's report, in tcpip_thread: one per finished iperf session. */
static void serve_iperf_report(void *arg, enum lwiperf_report_type type,
                               const ip_addr_t *local_addr, u16_t local_port,
                               const ip_addr_t *remote_addr, u16_t remote_port,
                               u32_t bytes_transferred, u32_t ms_duration,
                               u32_t bandwidth_kbitpsec)
{
  (void)arg, (void)type, (void)local_addr, (void)local_port;
  (void)remote_addr, (void)remote_port, (void)bandwidth_kbitpsec;
  sv.iperf_sessions++;
  sv.iperf_bytes += bytes_transferred;
  sv.iperf_ms += ms_duration;
}

static void serve_echo_conn(void *arg)
{
  int c = (int)(intptr_t)arg;
  char buf[1024];
  for (;;) {
    ssize_t n = lwip_recv(c, buf, sizeof buf, 0);
    if (n <= 0)
      break;
    if (lwip_send(c, buf, (size_t)n, 0) != n)
      break;
    sv.echoed += n;
  }
  lwip_close(c);
}

static void serve_echo_server(void *arg)
{
  (void)arg;
  char err[160];
  int s = lwip_socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = lwip_htons(SERVE_ECHO_PORT);
  a.sin_addr.s_addr = IPADDR_ANY;
  if (s < 0 || lwip_bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
      lwip_listen(s, 4) != 0) {
    snprintf(err, sizeof err, "echo server: errno %d", errno);
    sim_sched_finish(SIM_END_FAULT, "%s", err);
  }
  for (;;) {
    int c = lwip_accept(s, NULL, NULL);
    if (c < 0) {
      sim_sleep_us(100000);
      continue;
    }
    char name[32];
    snprintf(name, sizeof name, "echo-%lld", ++sv.connections);
    sys_thread_new(name, serve_echo_conn, (void *)(intptr_t)c, 0,
                   SERVE_APP_PRIO);
  }
}

/* lwIP diagnostics that name a frame the board sends next (profiles with
 * LWIP_DEBUG, e.g. httpd_oom's): the line becomes that frame's capture
 * comment and a trace record.  Only fixed texts: other diagnostics may
 * carry pointers. */
static const char *const serve_frame_notes[] = {
    "http_accept: Out of memory, RST",
};

static void serve_diag(const char *line)
{
  for (size_t i = 0; i < sizeof serve_frame_notes / sizeof *serve_frame_notes;
       i++) {
    size_t n = strlen(serve_frame_notes[i]);
    if (sv.board.mac && strncmp(line, serve_frame_notes[i], n) == 0) {
      emac_note_next_tx(sv.board.mac, serve_frame_notes[i]);
      sim_trace_event("diag", serve_frame_notes[i]);
    }
  }
}

static void serve_unhook(void *arg)
{
  (void)arg;
  sys_arch_set_diag_hook(NULL);
}

void scn_serve_main(scn_run *run, const scn_serve_config *cfg)
{
  memset(&sv, 0, sizeof sv);
  sys_arch_set_diag_hook(serve_diag);
  scn_at_end(run, serve_unhook, NULL);
  scn_board_up_wire(run, &sv.board, NULL, cfg->wire, cfg->ip, cfg->prefix);
  LOCK_TCPIP_CORE();
  httpd_init();
  lwiperf_start_tcp_server_default(serve_iperf_report, NULL);
  UNLOCK_TCPIP_CORE();
  sys_thread_new("echo_server", serve_echo_server, NULL, 0, SERVE_APP_PRIO);
  if (!cfg->quiet)
    fprintf(stderr, "lwipsim: serving on %u.%u.%u.%u/%d (ICMP echo, TCP "
            "echo port 7, HTTP port 80, lwiperf port 5001); SIGINT or "
            "SIGTERM stops\n", cfg->ip[0], cfg->ip[1], cfg->ip[2],
            cfg->ip[3], cfg->prefix);
  sim_sem *forever = sim_sem_new(0);
  sim_sem_take(forever, SIM_FOREVER);
}

void scn_serve_counters(scn_run *run)
{
  if (!sv.board.mac)
    return;
  const emac_stats *st = emac_get_stats(sv.board.mac);
  scn_counter(run, "frames_in", (long long)st->rx_frames);
  scn_counter(run, "frames_out", (long long)st->tx_frames);
  scn_counter(run, "tcp_echo_connections", sv.connections);
  scn_counter(run, "tcp_echo_bytes", sv.echoed);
  scn_counter(run, "iperf_sessions", sv.iperf_sessions);
  scn_counter(run, "iperf_bytes", sv.iperf_bytes);
  scn_counter(run, "iperf_ms", sv.iperf_ms);
}

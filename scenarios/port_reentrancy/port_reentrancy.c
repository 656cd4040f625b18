/*
 * port_reentrancy - a port whose per-thread semaphore lookup is not
 * reentrant.  The board (board-semthread profile: the ping_flood_load
 * board with LWIP_NETCONN_SEM_PER_THREAD=1) runs under the ping_flood_load
 * traffic (scn_load.c: 2000-byte pings every 2 ms, a 64 KiB TFTP download)
 * for PR_LOAD_US, and two application socket threads serve an lwIP peer
 * node (192.0.2.2):
 *
 *   app_ctl   priority 4, the control channel on port 7: a select() loop
 *             (1 s timeout) that echoes what arrives: the peer's echo
 *             client polls with 500 bytes every PR_CTL_INTERVAL_US;
 *   app_data  priority 3, the data channel on port 9000: reads each 8 KiB
 *             record of the peer's second echo client and writes it back
 *             in one blocking send(), which waits on the thread's
 *             semaphore whenever the board's 2,920-byte send buffer fills.
 *
 * With the board's core locking, lwIP takes the calling thread's semaphore
 * (LWIP_NETCONN_THREAD_SEM_GET) for every netconn call and waits on it in
 * blocking writes, connect, close and select(); lwip_netconn_do_writemore
 * and select's event callback signal it from tcpip_thread.
 *
 *   shared-scratch  the port's lookup keeps the current thread in one
 *                   global (sys_arch_set_sem_lookup), as the field bug's
 *                   uC/OS port kept its current TCB;
 *   correct         the lookup keeps it in a local.
 *
 * Schedule (rtos policy, both variants): on its PR_PIN_SEND-th send,
 * app_data is preempted inside the lookup (at SYS_ARCH_SEM_LOOKUP_POINT,
 * between writing and reading the current thread) by app_ctl, which runs
 * until it waits in select() again - a script hold that lasts while
 * app_ctl waits for its next control message, armed by app_data just
 * before that send (sim_script_add).  With the shared scratch variable
 * app_data then reads app_ctl's thread and both wait on app_ctl's
 * semaphore; app_ctl, the higher priority, gets the signal of app_data's
 * completed write, its select() wakes with nothing to read and goes round
 * again, and app_data waits for ever.
 *
 * Under --policy random or pct (or a schedule recorded under them)
 * nothing is pinned and every scheduling point costs PR_POINT_COST_NS of
 * virtual CPU, so frames land between any two points: explore finds the
 * window and the other ways the wrong semaphore shows (lwIP asserting
 * "state!" when a write wakes early).
 *
 * Oracle: when the load and both peers are done, both threads must finish
 * within PR_GRACE_MS.  A thread still blocked then on a semaphore ends the
 * run as a deadlock that names the waiting thread, the semaphore (and
 * whose it is), who signalled it last and which thread took that signal;
 * on_end makes it `reproduced` only when the port's lookup handed a
 * thread another's semaphore before it (the message names that lookup),
 * and so lwIP's own assertion after such a lookup.  Otherwise both echo
 * channels must be complete and byte-exact and the TFTP file exact:
 * `not-reproduced`.  Anything else - an echo or TFTP failure with every
 * thread finished, a deadlock or an assertion with no wrong lookup - is
 * `fault`, saying it is not the port's defect.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lwip/sockets.h"
#include "lwip/sys.h"

#include "peer.h"
#include "scn.h"
#include "scn_board.h"
#include "scn_load.h"
#include "scn_peer.h"
#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"
#include "sys_arch_sim.h"

#define PR_LOAD_US 20000000ull
#define PR_CTL_PORT 7
#define PR_CTL_BYTES 500
#define PR_CTL_INTERVAL_US 10000
#define PR_CTL_TRIPS ((unsigned)(PR_LOAD_US / PR_CTL_INTERVAL_US))
#define PR_DATA_PORT 9000
#define PR_DATA_BYTES 8192
#define PR_DATA_TRIPS 40
#define PR_PIN_SEND 3
#define PR_SELECT_TIMEOUT_MS 1000
#define PR_PEER_TIMEOUT_US 3000000 /* per receive of the peer's clients */
#define PR_GRACE_MS 5000
#define PR_POINT_COST_NS 1000

typedef struct {
  const char *name;
  uint16_t port;
  size_t bytes;     /* echoed */
  uint32_t hash;    /* peer_fnv1a of what was echoed */
  const char *fail; /* the call that failed */
  int fail_errno;
  sys_sem_t done;
  bool finished;
} pr_app;

static struct {
  scn_board board;
  scn_peer peer;
  scn_load load;
  pr_app ctl, data;
  peer_echo_result ctl_echo, data_echo;
  bool pinned;
  unsigned sends;           /* app_data's */
  uint64_t armed_us;
  unsigned long selects, timeouts, empty_wakes;
  uint64_t first_empty_us;
  sim_sem_history first_empty; /* the semaphore that woke it so... */
  const char *first_empty_owner; /* ...and whose it is */
} pr;

static const sim_script_step pr_hold = {
    .thread = "app_data",
    .point = SYS_ARCH_SEM_LOOKUP_POINT,
    .nth = 1,
    .action = SIM_ACT_HOLD,
    .target = "app_data",
    .keep = true,
};

static const sim_script_step pr_release = {
    .thread = "app_ctl",
    .point = SYS_ARCH_POINT_SEM_WAIT,
    .nth = 1,
    .action = SIM_ACT_RELEASE,
    .target = "app_data",
};

/* Random, pct, or a schedule recorded under them. */
static bool pr_unpinned(const scn_run *run)
{
  return run->policy == SIM_POLICY_RANDOM || run->policy == SIM_POLICY_PCT ||
         run->schedule;
}

static void pr_failed(pr_app *a, const char *call)
{
  if (!a->fail) {
    a->fail = call;
    a->fail_errno = errno;
  }
}

static bool pr_send_all(pr_app *a, int c, const uint8_t *buf, size_t n)
{
  for (size_t off = 0; off < n;) {
    ssize_t w = lwip_send(c, buf + off, n - off, 0);
    if (w <= 0) {
      pr_failed(a, "send");
      return false;
    }
    off += (size_t)w;
  }
  a->bytes += n;
  a->hash = peer_fnv1a(a->hash, buf, n);
  return true;
}

/* The listening socket of a, or -1 (the failure recorded). */
static int pr_listen(pr_app *a)
{
  int l = lwip_socket(AF_INET, SOCK_STREAM, 0);
  if (l < 0) {
    pr_failed(a, "socket");
    return -1;
  }
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = lwip_htons(a->port);
  sa.sin_addr.s_addr = lwip_htonl(INADDR_ANY);
  if (lwip_bind(l, (struct sockaddr *)&sa, sizeof sa) != 0)
    pr_failed(a, "bind");
  else if (lwip_listen(l, 1) != 0)
    pr_failed(a, "listen");
  else
    return l;
  lwip_close(l);
  return -1;
}

/* A board's server task: it serves one connection after another and never
 * ends; `done` is signalled after each. */
static void pr_server(pr_app *a, void (*serve)(pr_app *a, int c))
{
  int l = pr_listen(a);
  for (;;) {
    int c = l >= 0 ? lwip_accept(l, NULL, NULL) : -1;
    if (c < 0) {
      pr_failed(a, l >= 0 ? "accept" : "listen");
      sys_sem_signal(&a->done);
      break;
    }
    serve(a, c);
    lwip_close(c);
    a->finished = true;
    sys_sem_signal(&a->done);
  }
  if (l >= 0)
    lwip_close(l);
}

/* The control channel: select() with a timeout, then echo what arrived. */
static void pr_ctl_serve(pr_app *a, int c)
{
  uint8_t buf[PR_CTL_BYTES];
  for (;;) {
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(c, &rd);
    struct timeval tv = {.tv_sec = PR_SELECT_TIMEOUT_MS / 1000, .tv_usec = 0};
    uint64_t t0 = sim_clock_now_us();
    int n = lwip_select(c + 1, &rd, NULL, NULL, &tv);
    pr.selects++;
    if (n < 0) {
      pr_failed(a, "select");
      break;
    }
    if (n == 0) {
      uint64_t waited = sim_clock_now_us() - t0;
      if (waited >= (uint64_t)PR_SELECT_TIMEOUT_MS * 1000u) {
        pr.timeouts++;
      } else if (pr.empty_wakes++ == 0) {
        /* Woken before its timeout with nothing to read: a signal meant
         * for someone else. */
        pr.first_empty_us = sim_clock_now_us();
        /* The semaphore select() waited on: the one whose last unit
         * went to this thread most recently (the lookup may have handed
         * it the other thread's). */
        static const char *const owners[] = {"app_ctl", "app_data"};
        for (size_t i = 0; i < 2; i++) {
          struct sim_sem *sem = sys_arch_netconn_sem_of(owners[i]);
          sim_sem_history h;
          if (!sem)
            continue;
          sim_sem_get_history(sem, &h);
          bool later = !pr.first_empty_owner ||
                       h.taken_us >= pr.first_empty.taken_us;
          if (h.takes && strcmp(h.taker, a->name) == 0 && later) {
            pr.first_empty = h;
            pr.first_empty_owner = owners[i];
          }
        }
        sim_trace_eventf("app", "app_ctl: select() woke after %llu us with "
                         "nothing ready", (unsigned long long)waited);
      }
      continue;
    }
    ssize_t r = lwip_recv(c, buf, sizeof buf, 0);
    if (r <= 0) {
      if (r < 0)
        pr_failed(a, "recv");
      break;
    }
    if (!pr_send_all(a, c, buf, (size_t)r))
      break;
  }
}

static void pr_ctl_thread(void *arg)
{
  pr_server(arg, pr_ctl_serve);
}

/* The data channel: a whole record, then one blocking write of it. */
static void pr_data_serve(pr_app *a, int c)
{
  static uint8_t rec[PR_DATA_BYTES];
  for (;;) {
    size_t have = 0;
    while (have < sizeof rec) {
      ssize_t r = lwip_recv(c, rec + have, sizeof rec - have, 0);
      if (r <= 0) {
        if (r < 0)
          pr_failed(a, "recv");
        break;
      }
      have += (size_t)r;
    }
    if (have < sizeof rec)
      break; /* the client closed (between records: the end) */
    /* Not when app_ctl has ended on a failed call (a sweep's): its wait,
     * which releases the hold, would never come. */
    if (++pr.sends == PR_PIN_SEND && pr.pinned && !pr.ctl.fail) {
      /* The next lookup is this send's: app_ctl preempts it there. */
      sim_script_add(&pr_hold);
      sim_script_add(&pr_release);
      pr.armed_us = sim_clock_now_us();
      sim_trace_eventf("app", "app_data: send %u, preempted inside the "
                       "semaphore lookup by app_ctl", pr.sends);
    }
    if (!pr_send_all(a, c, rec, sizeof rec))
      break;
  }
}

static void pr_data_thread(void *arg)
{
  pr_server(arg, pr_data_serve);
}

static void pr_app_start(pr_app *a, const char *name, uint16_t port,
                         int prio, void (*fn)(void *))
{
  memset(a, 0, sizeof *a);
  a->name = name;
  a->port = port;
  a->hash = PEER_FNV1A_INIT;
  if (sys_sem_new(&a->done, 0) != ERR_OK)
    sim_sched_finish(SIM_END_FAULT, "%s: no semaphore", name);
  sys_thread_new(name, fn, a, 0, prio);
}

static peer_app *pr_client(const scn_run *run, uint16_t port, size_t bytes,
                           unsigned trips, uint64_t interval_us,
                           uint32_t salt, peer_echo_result *r)
{
  peer_echo_config ec;
  peer_echo_config_default(&ec);
  memcpy(ec.server, pr.board.host.ip, 4);
  ec.port = port;
  ec.trips = trips;
  ec.bytes = bytes;
  ec.interval_us = interval_us;
  ec.salt = (uint32_t)run->seed ^ salt;
  ec.timeout_us = PR_PEER_TIMEOUT_US;
  peer_app *app = peer_echo_start(&ec, r);
  if (!app)
    sim_sched_finish(SIM_END_FAULT, "peer: cannot start an echo client");
  return app;
}

/* "app_data waits (take) for ever on sem#7 'netconn sem of app_ctl' ..." */
static bool pr_stuck(const pr_app *a, char *buf, size_t len)
{
  if (a->finished)
    return false;
  const sim_thread *t = sim_thread_find(a->name);
  char what[200];
  uint64_t since = 0;
  if (!t || !sim_thread_wait_info(t, what, sizeof what, &since)) {
    /* Ended after a call lwIP failed (a sweep's socket() or listen()):
     * not stuck; the verdict names the call. */
    if (a->fail)
      return false;
    snprintf(buf, len, "%s did not finish and is not blocked", a->name);
    return true;
  }
  uint64_t now = sim_clock_now_us();
  snprintf(
      buf, len, "%s [prio %d] waits (%s) since t=%llu.%06llus, %llu ms",
      a->name, sim_thread_prio(t), what,
      (unsigned long long)(since / 1000000),
      (unsigned long long)(since % 1000000),
      (unsigned long long)((now - since) / 1000));
  return true;
}

/* The variant is the port's lookup; `serve --config` runs it live too. */
static void pr_serve_setup(const sim_variant *v)
{
  sys_arch_set_sem_lookup(strcmp(v->name, "shared-scratch") == 0
                              ? SYS_ARCH_SEM_LOOKUP_SHARED_SCRATCH
                              : SYS_ARCH_SEM_LOOKUP_CORRECT);
}

static void pr_main(scn_run *run)
{
  memset(&pr, 0, sizeof pr);
  pr.pinned = !pr_unpinned(run);
  pr_serve_setup(run->variant);
  scn_board_up(run, &pr.board, NULL, NULL);
  scn_load_start(run, &pr.load, &pr.board, PR_LOAD_US);
  pr_app_start(&pr.ctl, "app_ctl", PR_CTL_PORT, 4, pr_ctl_thread);
  pr_app_start(&pr.data, "app_data", PR_DATA_PORT, 3, pr_data_thread);
  scn_peer_up(run, &pr.peer, &pr.board, NULL);
  peer_app *ctl = pr_client(run, PR_CTL_PORT, PR_CTL_BYTES, PR_CTL_TRIPS,
                            PR_CTL_INTERVAL_US, 0x1000, &pr.ctl_echo);
  peer_app *data = pr_client(run, PR_DATA_PORT, PR_DATA_BYTES,
                             PR_DATA_TRIPS, 0, 0x2000, &pr.data_echo);

  scn_load_wait(&pr.load);
  bool ctl_done = peer_app_wait(ctl, 2 * PR_LOAD_US) == 0;
  bool data_done = peer_app_wait(data, 2 * PR_LOAD_US) == 0;
  /* The clients have closed: both threads must end. */
  bool ctl_end = sys_arch_sem_wait(&pr.ctl.done, PR_GRACE_MS) !=
                 SYS_ARCH_TIMEOUT;
  bool data_end = sys_arch_sem_wait(&pr.data.done, PR_GRACE_MS) !=
                  SYS_ARCH_TIMEOUT;

  sys_arch_sem_lookup_stats ls;
  sys_arch_get_sem_lookup_stats(&ls);
  char drops[400], maxes[600];
  scn_load_summary(run, &pr.load, &pr.board, drops, sizeof drops, maxes,
                  sizeof maxes);
  scn_counter(run, "sem_lookups", (long long)ls.lookups);
  scn_counter(run, "sem_lookups_wrong", (long long)ls.wrong);
  scn_counter(run, "ctl_trips", pr.ctl_echo.done);
  scn_counter(run, "data_trips", pr.data_echo.done);
  scn_counter(run, "ctl_selects", (long long)pr.selects);
  scn_counter(run, "ctl_select_timeouts", (long long)pr.timeouts);
  scn_counter(run, "ctl_select_empty_wakes", (long long)pr.empty_wakes);

  char handed[200] = "";
  if (ls.wrong)
    snprintf(handed, sizeof handed,
             "the port's lookup handed %s %s's semaphore at "
             "t=%llu.%06llus (%llu of %llu lookups wrong)",
             ls.first_thread, ls.first_owner,
             (unsigned long long)(ls.first_us / 1000000),
             (unsigned long long)(ls.first_us % 1000000), ls.wrong,
             ls.lookups);
  char stuck[2][700];
  bool s_ctl = !ctl_end && pr_stuck(&pr.ctl, stuck[0], sizeof stuck[0]);
  bool s_data = !data_end && pr_stuck(&pr.data, stuck[1], sizeof stuck[1]);
  if (s_ctl || s_data) {
    char wakes[240] = "";
    const sim_sem_history *h = &pr.first_empty;
    if (pr.empty_wakes && pr.first_empty_owner)
      snprintf(wakes, sizeof wakes,
               "; the signal %s gave %s's semaphore at t=%llu.%06llus "
               "went to %s, whose select() woke with nothing to read (%lu "
               "such wake-ups)",
               h->giver, pr.first_empty_owner,
               (unsigned long long)(h->given_us / 1000000),
               (unsigned long long)(h->given_us % 1000000), h->taker,
               pr.empty_wakes);
    /* Not a verdict of main's: the run ends as a deadlock (on_end). */
    sim_sched_finish(
        SIM_END_DEADLOCK,
        "deadlock %llu ms after the load ended: %s%s%s%s%s%s; data echo "
        "%u of %d trips, control echo %u of %u",
        (unsigned long long)PR_GRACE_MS, s_data ? stuck[1] : "",
        s_data && s_ctl ? "; " : "", s_ctl ? stuck[0] : "",
        handed[0] ? "; " : "", handed, wakes, pr.data_echo.done,
        PR_DATA_TRIPS, pr.ctl_echo.done, PR_CTL_TRIPS);
  }

  const peers_tftp_result *t = peers_get_tftp(pr.load.tftp);
  const peer_echo_result *bad =
      !ctl_done || pr.ctl_echo.fail.call || pr.ctl_echo.mismatch_trip >= 0 ||
              pr.ctl_echo.done != PR_CTL_TRIPS
          ? &pr.ctl_echo
      : !data_done || pr.data_echo.fail.call ||
              pr.data_echo.mismatch_trip >= 0 ||
              pr.data_echo.done != PR_DATA_TRIPS
          ? &pr.data_echo
          : NULL;
  /* With both threads finished, a failure is not the field bug's stuck
   * thread, even after a wrong lookup: the load broke something (on
   * free-running threads, say, where the board falls behind in real time),
   * or the wrong semaphore showed some other way. */
  sim_verdict failed = SIM_VERDICT_FAULT;
  char none[160];
  if (!ls.wrong)
    snprintf(none, sizeof none,
             "; no lookup wrong (%llu): the load, not the port's defect",
             ls.lookups);
  else
    snprintf(none, sizeof none, "; both threads finished: not the port's "
             "defect (a thread stuck on another's semaphore)");
  if (!scn_load_file_exact(&pr.load))
    scn_verdict(run, failed, "tftp: %s (%zu of %d bytes)%s; %s",
                t->complete ? "file differs" : "incomplete", t->len,
                SCN_LOAD_FILE_LEN, none, drops);
  else if (bad)
    scn_verdict(run, failed, "%s echo: %u trips%s%s (errno %d)%s%s%s; %s",
                bad == &pr.ctl_echo ? "control" : "data", bad->done,
                bad->fail.call ? ", failed in " : "",
                bad->fail.call ? bad->fail.call : "", bad->fail.err,
                handed[0] ? "; " : "", handed, none, drops);
  else if (pr.ctl.fail || pr.data.fail)
    scn_verdict(run, failed, "%s: %s failed (errno %d)%s",
                pr.ctl.fail ? "app_ctl" : "app_data",
                pr.ctl.fail ? pr.ctl.fail : pr.data.fail,
                pr.ctl.fail ? pr.ctl.fail_errno : pr.data.fail_errno, none);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "both threads finished: control echo %u trips, data echo "
                "%u trips of %d bytes, byte-exact; %llu semaphore lookups, "
                "%llu wrong%s%s; app_ctl's select(): %lu calls, %lu "
                "timeouts, %lu empty wake-ups; tftp %d bytes exact; pings "
                "%u of %u answered; %s",
                pr.ctl_echo.done, pr.data_echo.done, PR_DATA_BYTES,
                ls.lookups, ls.wrong, handed[0] ? ": " : "", handed,
                pr.selects, pr.timeouts, pr.empty_wakes, SCN_LOAD_FILE_LEN,
                peers_get_ping(pr.load.ping)->replies,
                peers_get_ping(pr.load.ping)->sent, drops);
}

/* The deadlock main reported, or lwIP's own assertion when a thread woke
 * on a signal that was not its own, is the defect showing itself - when
 * the port's lookup went wrong before it. */
static void pr_on_end(scn_run *run, const sim_outcome *out)
{
  sys_arch_sem_lookup_stats ls;
  sys_arch_get_sem_lookup_stats(&ls);
  if (out->end == SIM_END_DEADLOCK && ls.wrong && strstr(out->message,
                                                        "lookup handed"))
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "%s", out->message);
  else if (out->end == SIM_END_DEADLOCK && ls.wrong)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "%s; after the port's lookup handed %s %s's semaphore at "
                "t=%llu.%06llus (%llu of %llu lookups wrong)",
                out->message, ls.first_thread, ls.first_owner,
                (unsigned long long)(ls.first_us / 1000000),
                (unsigned long long)(ls.first_us % 1000000), ls.wrong,
                ls.lookups);
  else if (out->end == SIM_END_DEADLOCK)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%s; no lookup was wrong (%llu): not the port's defect",
                out->message, ls.lookups);
  else if (out->end == SIM_END_ASSERT && ls.wrong)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "%s, after the port's lookup handed %s %s's semaphore at "
                "t=%llu.%06llus",
                out->message, ls.first_thread, ls.first_owner,
                (unsigned long long)(ls.first_us / 1000000),
                (unsigned long long)(ls.first_us % 1000000));
  else if (out->end == SIM_END_ASSERT)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%s; no lookup was wrong (%llu): not the port's defect",
                out->message, ls.lookups);
}

static int pr_configure(scn_run *run, sim_config *cfg, char *err,
                        size_t errlen)
{
  (void)err, (void)errlen;
  if (pr_unpinned(run))
    cfg->point_cost_ns = PR_POINT_COST_NS;
  return 0;
}

SCN_IMPL(port_reentrancy, .main_prio = 2, .main = pr_main,
         .configure = pr_configure, .on_end = pr_on_end,
         .serve_setup = pr_serve_setup);

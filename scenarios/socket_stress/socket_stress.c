/*
 * socket_stress - application tasks sharing lwIP sockets the way real
 * applications do, over TCP and UDP on the board's loopback (127.0.0.1):
 * one task blocks in a call while another closes or shuts the socket down,
 * several tasks select()/poll() on overlapping sets, a listener is closed
 * with a connection still queued, a non-blocking connect is waited for with
 * select(), and a reset from the other end arrives while a task is blocked.
 *
 * Each variant runs every behaviour its profile supports, in sequence, on
 * one engine; the four variants cover LWIP_NETCONN_FULLDUPLEX 0/1 times
 * LWIP_TCPIP_CORE_LOCKING 0/1.  Steps that need one socket used from two
 * threads at once (close during recv/send/accept, shutdown during recv)
 * run only with FULLDUPLEX=1: lwIP's opt.h requires it for that, and with
 * FULLDUPLEX=0 lwIP frees the mailbox the blocked task waits on.
 *
 * Oracle per call: the result lwIP's code gives (ret and errno; see
 * docs/scenarios/socket_stress.md for where each comes from).  At the end:
 * every task finished (a task still blocked 2 s after its step is "stuck"),
 * no lwIP assertion (the run would end as a fault), every socket slot free
 * with select_waiting 0, and the pools and heap as before the first step
 * (after TIME_WAIT has run out).
 *
 * The loop variants exchange one UDP datagram over 127.0.0.1 instead: as
 * is (loop-udp, for `lwipsim sweep`), or sent right after a task above
 * tcpip_thread filled its queue (loop-stranded), where stock lwIP leaves
 * the datagram on the loopback queue
 * (docs/findings/loopback-poll-stranded.md).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/opt.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"

#include "scn.h"
#include "scn_lwip.h"
#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"

#if LWIP_VERSION_MAJOR < 2 || (LWIP_VERSION_MAJOR == 2 && LWIP_VERSION_MINOR < 1)
/* The variants are n/a below 2.1.0 (desc.c): no lwip_poll(), no
 * lwip_socket_dbg_get_socket(). */
static void ss_main(scn_run *run)
{
  sim_sched_finish(SIM_END_FAULT, "socket_stress %s needs lwIP 2.1.0 or "
                   "later", run->variant->name);
}

SCN_IMPL(socket_stress, .main_prio = 2, .main = ss_main);
#else
#include "lwip/priv/sockets_priv.h"

#define SS_PORT 5000
#define SS_STUCK_US 2000000ull  /* a task blocked this long after its cue */
#define SS_SETTLE_US 130000000ull /* 2 * TCP_MSL (60 s) and some */
#define SS_TASKS 3
#define SS_NUM_SOCKETS MEMP_NUM_NETCONN

/* One application task: runs `fn` once, records its result, signals. */
typedef struct ss_task {
  const char *name;
  void (*fn)(struct ss_task *t);
  int fd, fd2, fd3;     /* the sockets it uses */
  int ret, err;         /* what its call returned */
  int revents[3];       /* poll: revents; select: 1 if the fd was set */
  int posted;           /* burst: callbacks tcpip_thread's queue took */
  int timeout_ms;       /* select/poll: 10 s unless a step says */
  uint64_t start_us, end_us; /* virtual time around its call */
  sim_sem *done;
  bool finished;
} ss_task;

static struct {
  scn_run *run;
  int steps, calls;
  char fail[700];       /* the first mismatch */
  char stuck[200];
  char stranded[300];   /* a loopback packet left on the queue */
  unsigned long msg_err; /* TCPIP_MSG_API refusals a step provoked */
  int port;
} ss;

static void ss_failf(const char *step, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void ss_failf(const char *step, const char *fmt, ...)
{
  if (ss.fail[0])
    return;
  int n = snprintf(ss.fail, sizeof ss.fail, "%s: ", step);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ss.fail + n, sizeof ss.fail - (size_t)n, fmt, ap);
  va_end(ap);
}

/* ret/errno of a call against the documented result: want_err 0 checks
 * ret only (errno is not set on success). */
static void ss_check(const char *step, const char *call, int ret, int err,
                     int want_ret, int want_err)
{
  ss.calls++;
  if (ret != want_ret || (want_ret < 0 && want_err && err != want_err))
    ss_failf(step, "%s returned %d (errno %d), lwIP documents %d%s%.0d",
             call, ret, ret < 0 ? err : 0, want_ret,
             want_ret < 0 ? " errno " : "", want_ret < 0 ? want_err : 0);
}

/* The result of a call in another task that a close() ends: -1 with
 * want_err when the close() came while the call waited, or -1 EBADF when
 * the call began after it (the descriptor was gone: PCT and the other
 * policies may run the closer first; the default order never does). */
static void ss_check_closed(const char *step, const char *call, int ret,
                            int err, int want_err)
{
  if (ret == -1 && err == EBADF)
    ss.calls++;
  else
    ss_check(step, call, ret, err, -1, want_err);
}

/* --- tasks --------------------------------------------------------------- */

static void ss_task_entry(void *arg)
{
  ss_task *t = arg;
  t->start_us = sim_clock_now_us();
  t->fn(t);
  t->end_us = sim_clock_now_us();
  t->finished = true;
  sim_sem_give(t->done);
}

/* ss_prep fills the task; ss_go starts it (fields set between the two
 * are seen: the task preempts main as soon as it exists). */
static void ss_prep(ss_task *t, const char *name, void (*fn)(ss_task *),
                    int fd)
{
  memset(t, 0, sizeof *t);
  t->name = name;
  t->fn = fn;
  t->fd = fd;
  t->fd2 = t->fd3 = -1;
  t->ret = -99;
  t->timeout_ms = 10000;
  t->done = sim_sem_new(0);
}

static void ss_go_prio(ss_task *t, int prio)
{
  sys_thread_new(t->name, ss_task_entry, t, 0, prio);
}

static void ss_go(ss_task *t)
{
  /* Above main (prio 2): the task runs into its call before main goes on. */
  ss_go_prio(t, 3);
}

static void ss_start(ss_task *t, const char *name, void (*fn)(ss_task *),
                     int fd)
{
  ss_prep(t, name, fn, fd);
  ss_go(t);
}

/* Waits for the task; false (and the run's "stuck" note) if it is still
 * blocked SS_STUCK_US later. */
static bool ss_join(const char *step, ss_task *t)
{
  int rc = sim_sem_take(t->done, SS_STUCK_US);
  if (rc != SIM_OK || !t->finished) {
    if (!ss.stuck[0])
      snprintf(ss.stuck, sizeof ss.stuck,
               "%s: task %s still blocked %llu ms after its cue", step,
               t->name, SS_STUCK_US / 1000);
    return false;
  }
  sim_sem_free(t->done);
  return true;
}

static void ss_t_recv(ss_task *t)
{
  char buf[64];
  t->ret = lwip_recv(t->fd, buf, sizeof buf, 0);
  t->err = errno;
}

static void ss_t_send(ss_task *t)
{
  static char big[16384];
  t->ret = lwip_send(t->fd, big, sizeof big, 0);
  t->err = errno;
}

static void ss_t_accept(ss_task *t)
{
  t->ret = lwip_accept(t->fd, NULL, NULL);
  t->err = errno;
  if (t->ret >= 0)
    lwip_close(t->ret);
}

/* select() for reading (and exceptions) on fd, fd2, fd3 (those >= 0). */
static void ss_t_select(ss_task *t)
{
  fd_set rf, ef;
  FD_ZERO(&rf);
  FD_ZERO(&ef);
  int fds[3] = {t->fd, t->fd2, t->fd3}, maxfd = -1;
  for (int i = 0; i < 3; i++)
    if (fds[i] >= 0) {
      FD_SET(fds[i], &rf);
      FD_SET(fds[i], &ef);
      maxfd = fds[i] > maxfd ? fds[i] : maxfd;
    }
  struct timeval tv = {.tv_sec = t->timeout_ms / 1000,
                      .tv_usec = (t->timeout_ms % 1000) * 1000};
  t->ret = lwip_select(maxfd + 1, &rf, NULL, &ef, &tv);
  t->err = errno;
  for (int i = 0; i < 3; i++)
    t->revents[i] = fds[i] >= 0 && t->ret > 0
                        ? (FD_ISSET(fds[i], &rf) ? 1 : 0) |
                              (FD_ISSET(fds[i], &ef) ? 2 : 0)
                        : 0;
}

static void ss_t_poll(ss_task *t)
{
  struct pollfd p[3];
  int fds[3] = {t->fd, t->fd2, t->fd3};
  nfds_t n = 0;
  for (int i = 0; i < 3; i++)
    if (fds[i] >= 0)
      p[n++] = (struct pollfd){.fd = fds[i], .events = POLLIN};
  t->ret = lwip_poll(p, n, t->timeout_ms);
  t->err = errno;
  n = 0;
  for (int i = 0; i < 3; i++)
    t->revents[i] = fds[i] >= 0 ? p[n++].revents : 0;
}

/* --- sockets ------------------------------------------------------------- */

static struct sockaddr_in ss_addr(int port)
{
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_len = sizeof a;
  a.sin_family = AF_INET;
  a.sin_port = lwip_htons((u16_t)port);
  a.sin_addr.s_addr = lwip_htonl(0x7f000001u);
  return a;
}

static int ss_listener(const char *step, int port)
{
  int l = lwip_socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = ss_addr(port);
  if (l < 0 || lwip_bind(l, (struct sockaddr *)&a, sizeof a) != 0 ||
      lwip_listen(l, 2) != 0) {
    ss_failf(step, "listener on port %d: errno %d", port, errno);
    if (l >= 0)
      lwip_close(l);
    return -1;
  }
  return l;
}

static int ss_connect(const char *step, int port)
{
  int c = lwip_socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = ss_addr(port);
  if (c < 0 || lwip_connect(c, (struct sockaddr *)&a, sizeof a) != 0) {
    ss_failf(step, "connect to port %d: errno %d", port, errno);
    if (c >= 0)
      lwip_close(c);
    return -1;
  }
  return c;
}

/* A connected TCP pair on a fresh port: *cli connected, *srv accepted. */
static bool ss_pair(const char *step, int *cli, int *srv)
{
  int port = ss.port++;
  *cli = *srv = -1;
  int l = ss_listener(step, port);
  if (l < 0)
    return false;
  *cli = ss_connect(step, port);
  if (*cli >= 0) {
    *srv = lwip_accept(l, NULL, NULL);
    if (*srv < 0)
      ss_failf(step, "accept: errno %d", errno);
  }
  lwip_close(l);
  if (*srv < 0 && *cli >= 0) {
    lwip_close(*cli);
    *cli = -1;
  }
  return *srv >= 0;
}

static void ss_close(int fd)
{
  if (fd >= 0)
    lwip_close(fd);
}

/* SO_RCVTIMEO: a step whose packet can be lost to an allocation failure
 * (a reset is never sent again) ends with a documented timeout instead of
 * a task blocked for ever. */
static void ss_rcvtimeo(int fd, int ms)
{
  struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
  lwip_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/* Lets the tasks run into their blocking calls and tcpip_thread move. */
static void ss_pause(void)
{
  sim_sleep_us(5000);
}

/* --- the behaviours ------------------------------------------------------ */

/* close() (or shutdown(SHUT_RDWR)) of a connected socket while another
 * task, `who`, is blocked in `call` on it (fn: ss_t_recv or ss_t_send). */
static void ss_during(const char *step, const char *who,
                      void (*fn)(ss_task *), const char *call, bool shutdown)
{
  int c, s;
  if (!ss_pair(step, &c, &s))
    return;
  ss_task t;
  ss_start(&t, who, fn, s);
  ss_pause();
  int r = shutdown ? lwip_shutdown(s, SHUT_RDWR) : lwip_close(s);
  ss_check(step, shutdown ? "shutdown(SHUT_RDWR)" : "close()", r, errno, 0,
           0);
  if (ss_join(step, &t)) {
    if (shutdown) /* the descriptor stays: never EBADF */
      ss_check(step, call, t.ret, t.err, -1, ENOTCONN);
    else
      ss_check_closed(step, call, t.ret, t.err, ENOTCONN);
  }
  if (shutdown)
    ss_close(s);
  ss_close(c);
}

static void ss_close_during_recv(void)
{
  ss_during("close-during-recv", "reader", ss_t_recv, "the reader's recv()",
            false);
}

static void ss_shutdown_during_recv(void)
{
  ss_during("shutdown-during-recv", "reader", ss_t_recv,
            "the reader's recv()", true);
}

/* The other end does not read, so the send buffer and window fill. */
static void ss_close_during_send(void)
{
  ss_during("close-during-send", "writer", ss_t_send, "the writer's send()",
            false);
}

/* close() of the listener while another task is blocked in accept(). */
static void ss_close_during_accept(void)
{
  const char *step = "close-during-accept";
  int l = ss_listener(step, ss.port++);
  if (l < 0)
    return;
  ss_task t;
  ss_start(&t, "acceptor", ss_t_accept, l);
  ss_pause();
  int r = lwip_close(l);
  ss_check(step, "close()", r, errno, 0, 0);
  if (ss_join(step, &t))
    ss_check_closed(step, "the acceptor's accept()", t.ret, t.err, ENOTCONN);
}

/* close() while another task waits in select() or poll() on the socket. */
static void ss_close_during_wait(bool poll, bool udp)
{
  const char *step = poll ? (udp ? "close-during-poll-udp"
                                 : "close-during-poll-tcp")
                          : (udp ? "close-during-select-udp"
                                 : "close-during-select-tcp");
  int c = -1, s;
  if (udp) {
    s = lwip_socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) {
      ss_failf(step, "socket(): errno %d", errno);
      return;
    }
  } else if (!ss_pair(step, &c, &s))
    return;
  ss_task t;
  ss_prep(&t, poll ? "poller" : "selector", poll ? ss_t_poll : ss_t_select,
          s);
  t.timeout_ms = 1000; /* below SS_STUCK_US: a wait no close ends returns */
  ss_go(&t);
  ss_pause();
  int r = lwip_close(s);
  ss_check(step, "close()", r, errno, 0, 0);
  if (ss_join(step, &t)) {
    /* lwip_netconn_do_delconn() ends with RCVPLUS and SENDPLUS events
     * ("this lets select make the socket readable and writable, which is
     * wrong!"); a TCP close also reports an error (do_close_internal). The
     * waiter wakes at once, before close() returns, and sees the socket
     * still in its table: readable (TCP: and in error) under the default
     * order.  Under other orders it may run between the two events (TCP:
     * in error only, or readable only), or only after the close() freed
     * the descriptor (select: -1 EBADF; poll: POLLNVAL): each is what
     * lwIP's code gives at that moment, none leaves the waiter asleep. */
    if (t.end_us - t.start_us >= (uint64_t)t.timeout_ms * 1000)
      ss_failf(step, "the %s was not woken by close(): it returned at its "
               "timeout", poll ? "poll()" : "select()");
    if (poll) {
      unsigned got = (unsigned)t.revents[0];
      /* Freed while poll() waited: the scan after the wait finds no
       * socket, marks it POLLNVAL and lwip_poll() returns -1 (its
       * lwip_pollscan() does so for an invalid descriptor; only with
       * FULLDUPLEX and the fix of docs/findings/poll-fullduplex.md, since
       * stock lwIP asserts there first). */
      if (t.ret == -1 && got == POLLNVAL)
        ss.calls++;
      else
        ss_check(step, "the poller's poll()", t.ret, t.err, 1, 0);
      bool lawful = got == POLLNVAL || got == POLLIN ||
                    (!udp && (got == (POLLIN | POLLERR) || got == POLLERR));
      if (t.ret == 1 && !lawful)
        ss_failf(step, "poll() revents 0x%x, lwIP gives 0x%x (by the "
                 "order of the events also %sPOLLNVAL)", got,
                 udp ? POLLIN : POLLIN | POLLERR,
                 udp ? "" : "POLLIN, POLLERR or ");
    } else if (t.ret < 0) {
      ss_check(step, "the selector's select()", t.ret, t.err, -1, EBADF);
    } else {
      /* revents[0]: 1 readable, 2 in the except set */
      int want = udp ? 1 : 3;
      int n = (t.revents[0] & 1) + (t.revents[0] >> 1 & 1);
      ss.calls++;
      if (t.ret != n || t.revents[0] == 0 || (t.revents[0] & ~want))
        ss_failf(step, "select() returned %d and sets %s%s, lwIP gives "
                 "read%s", t.ret, t.revents[0] & 1 ? "read " : "",
                 t.revents[0] & 2 ? "except" : "",
                 udp ? "" : " and/or except");
    }
  }
  ss_close(c);
}

/* Three tasks wait on overlapping sets (select {a,b}, poll {b,c},
 * select {a,c}); data for b wakes the first two, then data for c the
 * third. */
static void ss_overlap(void)
{
  const char *step = "overlapping-select-poll";
  int c[3], s[3];
  for (int i = 0; i < 3; i++)
    if (!ss_pair(step, &c[i], &s[i])) {
      for (int j = 0; j < i; j++) {
        ss_close(c[j]);
        ss_close(s[j]);
      }
      return;
    }
  ss_task t[3];
  ss_prep(&t[0], "sel_ab", ss_t_select, s[0]);
  t[0].fd2 = s[1];
  ss_prep(&t[1], "poll_bc", ss_t_poll, s[1]);
  t[1].fd2 = s[2];
  ss_prep(&t[2], "sel_ac", ss_t_select, s[0]);
  t[2].fd3 = s[2];
  for (int i = 0; i < 3; i++)
    ss_go(&t[i]);
  ss_pause();
  ss_check(step, "send() to b", (int)lwip_send(c[1], "b", 1, 0), errno, 1, 0);
  ss_pause();
  bool ok0 = ss_join(step, &t[0]), ok1 = ss_join(step, &t[1]);
  if (ok0) {
    ss_check(step, "sel_ab's select()", t[0].ret, t[0].err, 1, 0);
    if (t[0].revents[0] || t[0].revents[1] != 1)
      ss_failf(step, "sel_ab: a %d b %d, wanted b readable only",
               t[0].revents[0], t[0].revents[1]);
  }
  if (ok1) {
    ss_check(step, "poll_bc's poll()", t[1].ret, t[1].err, 1, 0);
    if (t[1].revents[0] != POLLIN || t[1].revents[1])
      ss_failf(step, "poll_bc: revents b 0x%x c 0x%x, wanted POLLIN on b",
               (unsigned)t[1].revents[0], (unsigned)t[1].revents[1]);
  }
  if (t[2].finished)
    ss_failf(step, "sel_ac returned %d before any data for a or c", t[2].ret);
  ss_check(step, "send() to c", (int)lwip_send(c[2], "c", 1, 0), errno, 1, 0);
  if (ss_join(step, &t[2])) {
    ss_check(step, "sel_ac's select()", t[2].ret, t[2].err, 1, 0);
    if (t[2].revents[0] || t[2].revents[2] != 1)
      ss_failf(step, "sel_ac: a %d c %d, wanted c readable only",
               t[2].revents[0], t[2].revents[2]);
  }
  for (int i = 0; i < 3; i++) {
    ss_close(c[i]);
    ss_close(s[i]);
  }
}

/* The listener is closed with a connection queued that nobody accepted
 * yet, while a task is about to accept: the queued connection is reset,
 * accept() on the closed descriptor fails. */
static void ss_accept_vs_listener_close(void)
{
  const char *step = "accept-vs-listener-close";
  int l = ss_listener(step, ss.port++);
  if (l < 0)
    return;
  int c = ss_connect(step, ss.port - 1);
  if (c < 0) {
    lwip_close(l);
    return;
  }
  ss_check(step, "close() of the listener", lwip_close(l), errno, 0, 0);
  int a = lwip_accept(l, NULL, NULL);
  ss_check(step, "accept() after close", a, errno, -1, EBADF);
  ss_close(a >= 0 ? a : -1);
  ss_pause();
  ss_rcvtimeo(c, 1000);
  char buf[8];
  int r = lwip_recv(c, buf, sizeof buf, 0);
  ss_check(step, "the queued client's recv()", r, errno, -1, ECONNRESET);
  ss_close(c);
}

/* Non-blocking connect() waited for with select(): to a listener (writable,
 * SO_ERROR 0), then to a closed port (the RST: writable and in error,
 * SO_ERROR ECONNRESET - lwIP maps ERR_RST so and has no ECONNREFUSED). */
static void ss_nb_connect(bool refused)
{
  const char *step = refused ? "nonblocking-connect-refused"
                             : "nonblocking-connect";
  int l = -1;
  if (!refused && (l = ss_listener(step, ss.port)) < 0)
    return;
  int port = ss.port++;
  int c = lwip_socket(AF_INET, SOCK_STREAM, 0);
  if (c < 0) {
    ss_failf(step, "socket(): errno %d", errno);
    ss_close(l);
    return;
  }
  ss_check(step, "fcntl(O_NONBLOCK)", lwip_fcntl(c, F_SETFL, O_NONBLOCK),
           errno, 0, 0);
  struct sockaddr_in a = ss_addr(port);
  int r = lwip_connect(c, (struct sockaddr *)&a, sizeof a);
  int cerr = errno;
  ss_check(step, "connect()", r, cerr, -1, EINPROGRESS);
  if (r != -1 || cerr != EINPROGRESS) {
    /* No connection under way (e.g. ENOMEM when the SYN could not be
     * queued): nothing to wait for or accept; the mismatch is recorded. */
    ss_close(c);
    ss_close(l);
    return;
  }
  fd_set wf, ef;
  FD_ZERO(&wf);
  FD_ZERO(&ef);
  FD_SET(c, &wf);
  FD_SET(c, &ef);
  struct timeval tv = {.tv_sec = 5, .tv_usec = 0};
  r = lwip_select(c + 1, NULL, &wf, &ef, &tv);
  if (refused && r == 1) {
    /* The RST's error and writable events wake select() one at a time:
     * woken between them, it sees one of the two (not under the default
     * order, where both are in before it looks). */
    ss.calls++;
  } else {
    ss_check(step, "select() for writing", r, errno, refused ? 2 : 1, 0);
  }
  int soerr = -1;
  socklen_t len = sizeof soerr;
  ss_check(step, "getsockopt(SO_ERROR)",
           lwip_getsockopt(c, SOL_SOCKET, SO_ERROR, &soerr, &len), errno, 0,
           0);
  if (soerr != (refused ? ECONNRESET : 0))
    ss_failf(step, "SO_ERROR %d, lwIP gives %d", soerr,
             refused ? ECONNRESET : 0);
  if (!refused && r == 1 && soerr == 0) {
    /* Only a connection the select() showed established is in the
     * listener's queue; accept() would wait for ever on any other. */
    int s = lwip_accept(l, NULL, NULL);
    ss_check(step, "accept() of the connection", s >= 0 ? 0 : -1, errno, 0,
             0);
    ss_close(s);
  }
  ss_close(c);
  ss_close(l);
}

/* A reset from the other end while a task is blocked in recv() or send(),
 * or waits in select() or poll(): the other end closes with unread data,
 * lwIP sends RST. */
typedef enum { SS_RST_RECV, SS_RST_SELECT, SS_RST_POLL, SS_RST_SEND } ss_rst_mode;

static void ss_rst_during(ss_rst_mode mode)
{
  static const char *const steps[] = {"rst-during-recv", "rst-during-select",
                                      "rst-during-poll", "rst-during-send"};
  static const char *const who[] = {"reader", "selector", "poller",
                                    "writer"};
  static void (*const fns[])(ss_task *) = {ss_t_recv, ss_t_select,
                                           ss_t_poll, ss_t_send};
  const char *step = steps[mode];
  int c, s;
  if (!ss_pair(step, &c, &s))
    return;
  ss_check(step, "send() of unread data", (int)lwip_send(c, "xyz", 3, 0),
           errno, 3, 0);
  ss_pause();
  ss_rcvtimeo(c, 1000);
  if (mode == SS_RST_SEND) {
    /* the writer's 16 KiB fill s's window, which s never reads; a lost
     * RST must not block it beyond its step */
    struct timeval tv = {.tv_sec = 1, .tv_usec = 0};
    lwip_setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  ss_task t;
  ss_prep(&t, who[mode], fns[mode], c);
  t.timeout_ms = 1000; /* below SS_STUCK_US, as SO_RCVTIMEO */
  ss_go(&t);
  ss_pause();
  /* s has unread bytes: close() aborts with RST (tcp_close_shutdown). */
  ss_check(step, "close() of the other end", lwip_close(s), errno, 0, 0);
  if (!ss_join(step, &t))
    return; /* c stays open: a task still waits on it */
  if (mode == SS_RST_SELECT || mode == SS_RST_POLL) {
    /* the RST is an error event and a readable one: both under the
     * default order (select: read and except sets, 2; poll: 1 with
     * POLLIN|POLLERR); woken between the two events (each wakes the
     * waiter, one at a time) it sees one of them */
    unsigned got = (unsigned)t.revents[0];
    bool lawful;
    if (mode == SS_RST_SELECT)
      lawful = t.ret >= 1 && t.ret == (int)((got & 1) + (got >> 1 & 1));
    else
      lawful = t.ret == 1 && (got == (POLLIN | POLLERR) || got == POLLIN ||
                              got == POLLERR);
    ss.calls++;
    if (!lawful)
      ss_failf(step, "the %s returned %d (errno %d) with %s 0x%x, lwIP "
               "gives %s", mode == SS_RST_SELECT ? "select()" : "poll()",
               t.ret, t.ret < 0 ? t.err : 0,
               mode == SS_RST_SELECT ? "sets" : "revents", got,
               mode == SS_RST_SELECT ? "read and/or except"
                                     : "POLLIN and/or POLLERR");
    char buf[8];
    int r = lwip_recv(c, buf, sizeof buf, 0);
    ss_check(step, mode == SS_RST_SELECT ? "recv() after the select()"
                                         : "recv() after the poll()",
             r, errno, -1, ECONNRESET);
  } else {
    ss_check(step, mode == SS_RST_SEND ? "the writer's send()"
                                       : "the reader's recv()",
             t.ret, t.err, -1, ECONNRESET);
  }
  ss_close(c);
}

/* --- the loopback queue ------------------------------------------------ */

#define SS_LOOP_WAIT_MS 1500 /* SO_RCVTIMEO of both ends, below SS_STUCK_US */

static void ss_noop(void *arg)
{
  (void)arg;
}

/* The echo end: one datagram back to where it came from. */
static void ss_t_echo(ss_task *t)
{
  char buf[64];
  struct sockaddr_in from;
  socklen_t flen = sizeof from;
  t->ret = lwip_recvfrom(t->fd, buf, sizeof buf, 0, (struct sockaddr *)&from,
                         &flen);
  t->err = errno;
  if (t->ret > 0)
    lwip_sendto(t->fd, buf, (size_t)t->ret, 0, (struct sockaddr *)&from, flen);
}

/* A task above tcpip_thread defers work with tcpip_try_callback() (as
 * pbuf_free_callback() and mem_free_callback() do) until tcpip_thread's
 * queue takes no more, then sends one datagram to 127.0.0.1. */
static void ss_t_burst_send(ss_task *t)
{
  int posted = 0;
  while (posted < 64 && tcpip_try_callback(ss_noop, NULL) == ERR_OK)
    posted++;
  t->posted = posted;
  struct sockaddr_in a = ss_addr(t->fd2);
  t->ret = (int)lwip_sendto(t->fd, "loop-req", 8, 0, (struct sockaddr *)&a,
                            sizeof a);
  t->err = errno;
}

/* Packets on the loopback netif's queue that no netif_poll() has taken
 * (the loop variants run on core-locking profiles: netif_find() wants the
 * core lock). */
static int ss_loop_queued(void)
{
  int n = 0;
  LOCK_TCPIP_CORE();
  struct netif *lo = netif_find("lo0");
  for (struct pbuf *q = lo ? lo->loop_first : NULL; q != NULL; q = q->next)
    if (q->len == q->tot_len)
      n++; /* the last pbuf of a packet */
  UNLOCK_TCPIP_CORE();
  return n;
}

/* One UDP request and its echo over 127.0.0.1.  burst: the request is sent
 * by a task above tcpip_thread right after it filled tcpip_thread's queue
 * (ss_t_burst_send), so netif_loop_output() cannot schedule netif_poll().
 * Either end's recv() has SO_RCVTIMEO; a datagram that did not arrive and
 * is still on the loopback queue is the evidence of
 * docs/findings/loopback-poll-stranded.md. */
static void ss_loop(bool burst)
{
  const char *step = burst ? "loop-stranded" : "loop-udp";
  int port = ss.port++;
  int e = lwip_socket(AF_INET, SOCK_DGRAM, 0);
  int c = lwip_socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = ss_addr(port);
  if (e < 0 || c < 0 || lwip_bind(e, (struct sockaddr *)&a, sizeof a) != 0) {
    ss_failf(step, "UDP sockets on port %d: errno %d", port, errno);
    ss_close(e);
    ss_close(c);
    return;
  }
  ss_rcvtimeo(e, SS_LOOP_WAIT_MS);
  ss_rcvtimeo(c, SS_LOOP_WAIT_MS);
  ss_task echo, burster;
  ss_start(&echo, "echo", ss_t_echo, e);
  ss_pause();
  int posted = 0;
  if (burst) {
    scn_pools p0, p1;
    scn_pools_snapshot(&p0);
    ss_prep(&burster, "burst", ss_t_burst_send, c);
    burster.fd2 = port;
    ss_go_prio(&burster, TCPIP_THREAD_PRIO + 1);
    if (ss_join(step, &burster))
      ss_check(step, "the burst task's sendto()", burster.ret, burster.err, 8,
               0);
    posted = burster.posted;
    /* The refusals the full queue gives are the step's own doing: the
     * pool check at the end looks at what is held, not at those. */
    scn_pools_snapshot(&p1);
    ss.msg_err += p1.memp_err[MEMP_TCPIP_MSG_API] -
                  p0.memp_err[MEMP_TCPIP_MSG_API];
  } else {
    ss_check(step, "sendto()",
             (int)lwip_sendto(c, "loop-req", 8, 0, (struct sockaddr *)&a,
                              sizeof a),
             errno, 8, 0);
  }
  char buf[16];
  int r = lwip_recv(c, buf, sizeof buf, 0);
  int rerr = errno;
  bool echoed = ss_join(step, &echo);
  int queued = ss_loop_queued();
  if (r != 8 && queued > 0) {
    char why[80] = "";
    if (burst)
      snprintf(why, sizeof why, "; tcpip_try_callback() refused after %d "
               "deferred callbacks", posted);
    if (!ss.stranded[0])
      snprintf(ss.stranded, sizeof ss.stranded,
               "%s: %d datagram%s sent to 127.0.0.1 still on the loopback "
               "queue %d ms later (the echo end's recv() %d errno %d, the "
               "sender's %d errno %d%s)",
               step, queued, queued > 1 ? "s" : "", SS_LOOP_WAIT_MS,
               echoed ? echo.ret : -99, echoed ? echo.err : 0, r, rerr, why);
  } else {
    ss_check(step, "the sender's recv() of the echo", r, rerr, 8, 0);
    if (echoed)
      ss_check(step, "the echo end's recvfrom()", echo.ret, echo.err, 8, 0);
  }
  if (echoed)
    ss_close(e);
  ss_close(c);
}

static void ss_loop_udp(void) { ss_loop(false); }
static void ss_loop_stranded(void) { ss_loop(true); }

static void ss_close_during_select_udp(void) { ss_close_during_wait(false, true); }
static void ss_close_during_select_tcp(void) { ss_close_during_wait(false, false); }
static void ss_close_during_poll_udp(void) { ss_close_during_wait(true, true); }
static void ss_close_during_poll_tcp(void) { ss_close_during_wait(true, false); }
static void ss_nb_connect_ok(void) { ss_nb_connect(false); }
static void ss_nb_connect_refused(void) { ss_nb_connect(true); }
static void ss_rst_during_recv(void) { ss_rst_during(SS_RST_RECV); }
static void ss_rst_during_select(void) { ss_rst_during(SS_RST_SELECT); }
static void ss_rst_during_poll(void) { ss_rst_during(SS_RST_POLL); }
static void ss_rst_during_send(void) { ss_rst_during(SS_RST_SEND); }

/* --- the run ------------------------------------------------------------- */

typedef struct {
  const char *variant;
  bool fullduplex;   /* the steps that need LWIP_NETCONN_FULLDUPLEX=1 */
  bool queued_close; /* accept-vs-listener-close (asserts with FD1) */
  bool only_queued;  /* that step alone */
  int loop;          /* 1: loop-udp alone, 2: loop-stranded alone */
} ss_config;

static const ss_config ss_configs[] = {
    {"fd0-cl1", false, true, false, 0},
    {"fd0-cl0", false, true, false, 0},
    {"fd1-cl1", true, false, false, 0},
    {"fd1-cl0", true, false, false, 0},
    {"fd1-cl1-pollfix", true, false, false, 0},
    {"fd1-cl0-pollfix", true, false, false, 0},
    {"listener-queued-fd1", true, true, true, 0},
    {"listener-queued-fd1-fixed", true, true, true, 0},
    {"fd0-cl1-loopfix", false, true, false, 0},
    {"loop-udp", false, false, false, 1},
    {"loop-udp-fixed", false, false, false, 1},
    {"loop-stranded", false, false, false, 2},
    {"loop-stranded-fixed", false, false, false, 2},
};

/* Free slots that cannot be allocated any more (select_waiting left set),
 * and slots still in use. */
static int ss_bad_slots(char *buf, size_t len)
{
  int bad = 0;
  size_t pos = 0;
  buf[0] = 0;
  for (int i = 0; i < SS_NUM_SOCKETS; i++) {
    struct lwip_sock *sock = lwip_socket_dbg_get_socket(i + LWIP_SOCKET_OFFSET);
    if (!sock || (sock->conn == NULL && sock->select_waiting == 0))
      continue;
    bad++;
    if (pos < len)
      pos += (size_t)snprintf(buf + pos, len - pos, "%sfd %d %s (select_waiting %d)",
                              bad > 1 ? ", " : "", i + LWIP_SOCKET_OFFSET,
                              sock->conn ? "open" : "free",
                              (int)sock->select_waiting);
  }
  return bad;
}

static void ss_main(scn_run *run)
{
  memset(&ss, 0, sizeof ss);
  ss.run = run;
  ss.port = SS_PORT;
  const ss_config *cfg = NULL;
  for (size_t i = 0; i < sizeof ss_configs / sizeof ss_configs[0]; i++)
    if (scn_variant_is(run, ss_configs[i].variant))
      cfg = &ss_configs[i];
  if (!cfg)
    sim_sched_finish(SIM_END_FAULT, "socket_stress: no set-up for %s",
                     run->variant->name);
  scn_lwip_start();
  scn_pools before, after;
  scn_pools_snapshot(&before);

  void (*steps[24])(void);
  int n = 0;
  if (cfg->loop)
    steps[n++] = cfg->loop == 1 ? ss_loop_udp : ss_loop_stranded;
  else if (!cfg->only_queued) {
    if (cfg->fullduplex) {
      steps[n++] = ss_close_during_recv;
      steps[n++] = ss_shutdown_during_recv;
      steps[n++] = ss_close_during_send;
      steps[n++] = ss_close_during_accept;
    }
    steps[n++] = ss_close_during_select_udp;
    steps[n++] = ss_close_during_select_tcp;
    steps[n++] = ss_close_during_poll_udp;
    steps[n++] = ss_close_during_poll_tcp;
    steps[n++] = ss_overlap;
    steps[n++] = ss_nb_connect_ok;
    steps[n++] = ss_nb_connect_refused;
    steps[n++] = ss_rst_during_recv;
    steps[n++] = ss_rst_during_select;
    steps[n++] = ss_rst_during_poll;
    steps[n++] = ss_rst_during_send;
  }
  if (cfg->queued_close)
    steps[n++] = ss_accept_vs_listener_close;
  for (int i = 0; i < n && !ss.stuck[0]; i++) {
    steps[i]();
    ss.steps++;
  }

  char slots[400];
  int bad = ss.stuck[0] ? 0 : ss_bad_slots(slots, sizeof slots);
  char diff[512] = "";
  int ndiff = 0;
  if (!ss.stuck[0]) {
    sim_sleep_us(SS_SETTLE_US); /* TIME_WAIT ends, deferred frees run */
    scn_pools_snapshot(&after);
    before.memp_err[MEMP_TCPIP_MSG_API] += ss.msg_err;
    ndiff = scn_pools_diff(&before, &after, diff, sizeof diff);
  }
  scn_counter(run, "steps", ss.steps);
  scn_counter(run, "calls_checked", ss.calls);
  scn_counter(run, "bad_slots", bad);
  scn_counter(run, "pool_diffs", ndiff);
  scn_counter(run, "fullduplex", LWIP_NETCONN_FULLDUPLEX);
  scn_counter(run, "core_locking", LWIP_TCPIP_CORE_LOCKING);

  if (ss.stuck[0])
    scn_verdict(run, SIM_VERDICT_FAULT, "%s%s%s", ss.stuck,
                ss.fail[0] ? "; before that: " : "", ss.fail);
  else if (ss.stranded[0])
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "%s%s%s%s%s", ss.stranded,
                ndiff ? "; still held after the settling time: " : "",
                ndiff ? diff : "", ss.fail[0] ? "; also: " : "", ss.fail);
  else if (ss.fail[0])
    scn_verdict(run, SIM_VERDICT_FAULT, "%s", ss.fail);
  else if (bad)
    scn_verdict(run, SIM_VERDICT_FAULT, "after %d steps, socket slots not "
                "free: %s", ss.steps, slots);
  else if (ndiff)
    scn_verdict(run, SIM_VERDICT_FAULT, "after %d steps and %llu s: %s",
                ss.steps, SS_SETTLE_US / 1000000, diff);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%d steps, %d results as lwIP documents (FULLDUPLEX %d, "
                "CORE_LOCKING %d); no task stuck, every slot free, pools and "
                "heap as before",
                ss.steps, ss.calls, LWIP_NETCONN_FULLDUPLEX,
                LWIP_TCPIP_CORE_LOCKING);
}

/* With FULLDUPLEX, closing a listener whose accept queue holds a
 * connection makes netconn_drain() drain the queued netconn, which nobody
 * marked closed: LWIP_ASSERT("netconn marked closed") fires
 * (docs/findings/listener-close-fullduplex.md).  That assertion is the
 * defect's own evidence; any other ends as a fault. */
static void ss_on_end(scn_run *run, const sim_outcome *out)
{
  if (out->end == SIM_END_ASSERT &&
      strstr(out->message, "netconn marked closed") != NULL &&
      scn_variant_is(run, "listener-queued-fd1"))
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "%s: close() of a listener with an unaccepted connection "
                "queued (step %d, %s)",
                out->message, ss.steps + 1,
                ss.fail[0] ? ss.fail : "every result before it as documented");
}

SCN_IMPL(socket_stress, .main_prio = 2, .main = ss_main, .on_end = ss_on_end);
#endif

/*
 * pool.c - the front end's pool of engine workers (pool.h).
 */
#define _GNU_SOURCE
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"

static volatile sig_atomic_t pool_signal;

static void pool_on_signal(int sig)
{
  pool_signal = sig;
}

static double pool_secs_since(const struct timespec *t0)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) +
         (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int cli_pool_start(cli_pool *p, int n, char **argv, char *err,
                   size_t errlen)
{
  p->status = "complete";
  for (; p->nw < n; p->nw++) {
    cli_worker *w = &p->w[p->nw];
    int in[2], out[2];
    w->in_fd = w->out_fd = -1;
    w->buf = malloc(p->line_max);
    w->err_fd = memfd_create("lwipsim-worker-err", MFD_CLOEXEC);
    if (!w->buf || w->err_fd < 0 || pipe2(in, O_CLOEXEC) != 0) {
      snprintf(err, errlen, "cannot start a worker: %s", strerror(errno));
      goto fail;
    }
    if (pipe2(out, O_CLOEXEC) != 0) {
      snprintf(err, errlen, "cannot start a worker: %s", strerror(errno));
      close(in[0]);
      close(in[1]);
      goto fail;
    }
    cli_spawn_io io = {in[0], out[1], w->err_fd, p->nw, true};
    pid_t pid = cli_spawn(argv, &io);
    close(in[0]);
    close(out[1]);
    if (pid < 0) {
      snprintf(err, errlen, "cannot start a worker: %s", strerror(errno));
      close(in[1]);
      close(out[0]);
      goto fail;
    }
    w->pid = pid;
    w->in_fd = in[1];
    w->out_fd = out[0];
  }
  return 0;
fail:
  /* This one is not a worker: what it holds goes now. */
  free(p->w[p->nw].buf);
  p->w[p->nw].buf = NULL;
  if (p->w[p->nw].err_fd >= 0)
    close(p->w[p->nw].err_fd);
  p->stopping = true;
  return -1;
}

/* Queues jobs on w; closes its input when no more will come (the worker
 * ends after its queue). */
static void pool_feed(cli_pool *p, cli_worker *w)
{
  while (!p->stopping && w->in_fd >= 0 && w->inflight < CLI_POOL_QUEUE) {
    char line[512];
    uint64_t tag;
    if (!p->next(p->ctx, line, sizeof line, &tag)) {
      p->stopping = true; /* every job handed out: not a stop */
      break;
    }
    size_t len = strlen(line);
    if (write(w->in_fd, line, len) != (ssize_t)len)
      break;
    w->queue[(w->qhead + w->inflight) % CLI_POOL_QUEUE] = tag;
    w->inflight++;
  }
  if (p->stopping && w->in_fd >= 0) {
    close(w->in_fd);
    w->in_fd = -1;
  }
}

/* Reads what a worker wrote; false once it has closed its output. */
static bool pool_read(cli_pool *p, cli_worker *w)
{
  ssize_t n = read(w->out_fd, w->buf + w->len, p->line_max - 1 - w->len);
  if (n < 0 && errno == EINTR)
    return true;
  if (n <= 0)
    return false;
  w->len += (size_t)n;
  w->buf[w->len] = 0;
  char *s = w->buf, *nl;
  while ((nl = strchr(s, '\n'))) {
    *nl = 0;
    if (*s && w->inflight > 0) {
      uint64_t tag = w->queue[w->qhead];
      w->qhead = (w->qhead + 1) % CLI_POOL_QUEUE;
      w->inflight--;
      p->result(p->ctx, tag, s);
    }
    s = nl + 1;
  }
  w->len = (size_t)(w->buf + w->len - s);
  memmove(w->buf, s, w->len);
  if (w->len == p->line_max - 1)
    w->len = 0; /* a line too long for an answer: dropped */
  return true;
}

/* A worker closed its output.  With jobs still queued (and no signal to
 * explain it) it died: the pool stops, and says why with the first line
 * the worker wrote on stderr. */
static void pool_worker_ended(cli_pool *p, cli_worker *w)
{
  close(w->out_fd);
  w->out_fd = -1;
  if (w->inflight <= 0 || p->signal || p->died[0])
    return;
  char *e = NULL;
  off_t sz = lseek(w->err_fd, 0, SEEK_END);
  if (sz > 0 && (e = calloc(1, (size_t)sz + 1)))
    (void)pread(w->err_fd, e, (size_t)sz, 0);
  if (e)
    e[strcspn(e, "\n")] = 0;
  snprintf(p->died, sizeof p->died, "a worker ended with %d runs queued%s%s",
           w->inflight, e && *e ? ": " : "", e ? e : "");
  free(e);
  p->stopping = true;
  p->status = "worker failed";
}

static void pool_loop(cli_pool *p)
{
  for (;;) {
    if (pool_signal && !p->signal) {
      /* Interrupted: the running children are told to stop too. */
      p->signal = pool_signal;
      p->stopping = true;
      p->status = "interrupted";
      for (int i = 0; i < p->nw; i++)
        kill(p->w[i].pid, SIGTERM);
    }
    if (p->time_limit_s && !p->stopping &&
        pool_secs_since(p->t0) >= (double)p->time_limit_s) {
      p->stopping = true;
      p->status = "time limit";
    }
    struct pollfd pf[256];
    int np = 0, map[256];
    for (int i = 0; i < p->nw && np < 256; i++) {
      pool_feed(p, &p->w[i]);
      if (p->w[i].out_fd >= 0) {
        pf[np].fd = p->w[i].out_fd;
        pf[np].events = POLLIN;
        map[np++] = i;
      }
    }
    if (np == 0)
      break;
    int r = poll(pf, (nfds_t)np, 100);
    if (r < 0 && errno != EINTR)
      break;
    for (int i = 0; r > 0 && i < np; i++)
      if ((pf[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
          !pool_read(p, &p->w[map[i]]))
        pool_worker_ended(p, &p->w[map[i]]);
    if (p->progress)
      p->progress(p->ctx, false);
  }
}

void cli_pool_run(cli_pool *p)
{
  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = pool_on_signal; /* no SA_RESTART: poll() wakes */
  pool_signal = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  signal(SIGPIPE, SIG_IGN);
  pool_loop(p);
  for (int i = 0; i < p->nw; i++) {
    cli_worker *w = &p->w[i];
    if (w->in_fd >= 0)
      close(w->in_fd);
    if (w->out_fd >= 0)
      close(w->out_fd);
    w->in_fd = w->out_fd = -1;
    if (pool_signal)
      kill(w->pid, SIGTERM);
    int st;
    cli_spawn_wait(w->pid, &st);
  }
  if (pool_signal && !p->signal) {
    p->signal = pool_signal;
    p->status = "interrupted";
  }
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  if (p->progress)
    p->progress(p->ctx, true);
}

void cli_pool_free(cli_pool *p)
{
  for (int i = 0; i < p->nw; i++) {
    if (p->w[i].err_fd >= 0)
      close(p->w[i].err_fd);
    free(p->w[i].buf);
  }
  p->nw = 0;
}

/*
 * pool.h - the front end's pool of engine workers, for explore and sweep.
 *
 * A worker is an engine started in its fork-server mode: it reads one job
 * per line on its stdin, runs each in a child forked from itself, and
 * answers one line per job on its stdout, in the order of the jobs.  The
 * pool keeps up to CLI_POOL_QUEUE jobs queued on each worker, reads the
 * answers as they come and hands each to the caller with the tag of its
 * job.  It stops handing out jobs on SIGINT/SIGTERM (the running children
 * are told to stop too), at the time limit, or when a worker dies with
 * jobs queued; the jobs already queued finish, and then the workers are
 * waited for.
 */
#ifndef LWIPSIM_CLI_POOL_H
#define LWIPSIM_CLI_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define CLI_POOL_QUEUE 8 /* jobs in flight per worker */

typedef struct {
  pid_t pid;
  int in_fd, out_fd, err_fd;
  uint64_t queue[CLI_POOL_QUEUE]; /* tags of the jobs in flight, oldest first */
  int qhead, inflight;
  char *buf; /* a partial answer line */
  size_t len;
} cli_worker;

typedef struct {
  /* set by the caller */
  void *ctx;
  /* The next job: its line (ending in '\n') into line, its tag; false
   * when there is none left. */
  bool (*next)(void *ctx, char *line, size_t len, uint64_t *tag);
  /* One answer line (without its '\n') to the job tagged tag. */
  void (*result)(void *ctx, uint64_t tag, const char *line);
  /* Called after each round of reading (last: once at the end). */
  void (*progress)(void *ctx, bool last);
  unsigned time_limit_s;         /* 0: none */
  const struct timespec *t0;     /* the time limit counts from here */
  size_t line_max;               /* the longest answer line */
  /* the pool's state */
  cli_worker *w;
  int nw;
  bool stopping;                 /* no more jobs are handed out */
  const char *status;            /* "complete", "interrupted", "time limit",
                                    "worker failed" */
  int signal;                    /* the signal that stopped it, or 0 */
  char died[512];                /* how a worker died, or "" */
} cli_pool;

/* Starts n workers running argv (worker i in slot i).  -1 with the reason
 * in err when one cannot be started; the ones started are kept (run and
 * free end them). */
int cli_pool_start(cli_pool *p, int n, char **argv, char *err,
                   size_t errlen);
/* Hands out jobs and reads answers until every worker has closed its
 * output, then waits for the workers.  SIGINT and SIGTERM are caught
 * meanwhile (p->signal). */
void cli_pool_run(cli_pool *p);
/* Frees what start allocated. */
void cli_pool_free(cli_pool *p);

#endif

/*
 * worker.c - explore's worker: a fork server.
 *
 * `explore` starts one worker per job.  It reads seeds, one per line, and
 * runs each in a child forked from this process, which has parsed its
 * arguments and found its scenario but never started a sim thread (fork()
 * copies only the calling thread): every run starts from the same fresh
 * state, lwIP's globals included, without an exec.  Each child prints its
 * result as one JSON line (result.c); a child that dies gets a line from
 * the worker.
 *
 * Each child costs what it touches: the engines are linked with immediate
 * binding (-z now: no symbol lookups after the fork), malloc keeps one
 * arena (the fiber carrier thread would otherwise start a second one, 64
 * MiB of address space and its first page faults, in every child).
 */
#define _GNU_SOURCE
#include "engine.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int engine_worker(proto_opts *o, const scn_impl *impl)
{
  char line[160]; /* "SEED" or, from sweep, "SEED SPEC" */
  o->json = true;
  signal(SIGPIPE, SIG_IGN);
  mallopt(M_ARENA_MAX, 1);
  while (fgets(line, sizeof line, stdin)) {
    uint64_t seed;
    line[strcspn(line, "\n")] = 0;
    char err[512];
    if (engine_sweep_line(o, line, &seed, err, sizeof err) != 0) {
      fprintf(stderr, "lwipsim: %s\n", err);
      return PROTO_EXIT_USAGE;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
      fprintf(stderr, "lwipsim: worker: fork: %s\n", strerror(errno));
      return PROTO_EXIT_FAULT;
    }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM); /* the worker's end is the run's */
      o->seed = seed;
      int code = engine_run(o, impl);
      fflush(NULL);
      _exit(code);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
      ;
    if (WIFSIGNALED(st))
      engine_result_killed(stdout, seed, WTERMSIG(st));
    fflush(stdout);
  }
  return PROTO_EXIT_OK;
}

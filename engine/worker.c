/*
 * worker.c - explore's worker: a fork server.
 *
 * `explore` starts one worker per job.  It reads seeds, one per line, and
 * runs each in a child forked from this process, answering with one JSON
 * line per run (result.c); a child that dies gets a line from the worker.
 *
 * Where each run starts.  A scenario that declares a start point
 * (scn_impl.start_point: its set-up does not depend on the seed or the
 * policy) is run once up to there in the worker, under the fiber
 * backend: lwIP and the board initialised, the link up, every sim thread
 * parked (fibers are memory: fork() copies them all, and the one OS
 * thread under them has ended, so the worker forks as a process of one
 * thread).  Each child then resumes that snapshot with its own seed
 * (sim_sched_resume), which gives the run, digest and result that `run
 * --seed S` gives from the beginning.  Without a start point, under the
 * pthread backend (a fork keeps one thread), with fault injection
 * (sweep's specs count allocations from the first) or with output files,
 * each child starts the run from the beginning: the worker has parsed its
 * arguments and found its scenario but never started a sim thread.
 *
 * Each child costs what it touches: the engines are linked with immediate
 * binding (-z now: no symbol lookups after the fork), malloc keeps one
 * arena (the fiber carrier thread would otherwise start a second one, 64
 * MiB of address space and its first page faults, in every child).  -z
 * now binds only the engine's own references; the shared libraries'
 * (jansson's, libxxhash's, libc's own) stay lazy, and each child looked
 * up again those the worker had not called yet (11 of about 90 page
 * faults per child), so the worker execs itself once with LD_BIND_NOW=1,
 * which binds every library at load.
 */
#define _GNU_SOURCE
#include "engine.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Forks one run (`run` in the child, which never returns); waits for it
 * and writes the line of a child that died.  0, or -1 (said) if fork
 * failed. */
static int engine_worker_fork(uint64_t seed, int (*run)(proto_opts *o,
                                                        uint64_t seed,
                                                        const void *arg),
                              proto_opts *o, const void *arg)
{
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "lwipsim: worker: fork: %s\n", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM); /* the worker's end is the run's */
    o->seed = seed;
    int code = run(o, seed, arg);
    fflush(NULL);
    _exit(code);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  if (WIFSIGNALED(st))
    engine_result_killed(stdout, seed, WTERMSIG(st));
  fflush(stdout);
  return 0;
}

/* A child from the beginning. */
static int engine_worker_whole(proto_opts *o, uint64_t seed, const void *arg)
{
  (void)seed;
  return engine_run(o, arg);
}

/* A child from the snapshot: `arg` is how the set-up ended (parked at the
 * start point, or over before it: then the run is what it was, for every
 * seed). */
static int engine_worker_resume(proto_opts *o, uint64_t seed,
                                const void *arg)
{
  sim_outcome out = *(const sim_outcome *)arg;
  engine_run_signals();
  if (out.parked)
    engine_run_resume(seed, &out);
  return engine_run_end(o, &out);
}

/* Can this worker's runs be forked from the start point? */
static bool engine_worker_snapshots(const proto_opts *o, const scn_impl *impl)
{
  return impl->start_point && sim_sched_can_park() && !o->sweep_report &&
         o->nfails == 0 && !o->pcap_path && !o->trace_path &&
         !o->report_path && !o->record_schedule && !o->check_trace &&
         !o->mirror_tap;
}

/* The worker of a scenario with a start point: the set-up once, then
 * every seed forked from there.  The snapshot is never torn down: the
 * worker leaves with _exit() once its input ends. */
static int engine_worker_snapshot(proto_opts *o, const scn_impl *impl)
{
  char line[160];
  int code = engine_run_begin(o, impl, true);
  if (code != PROTO_EXIT_OK)
    return code;
  sim_outcome snap;
  engine_run_go(&snap);
  if (snap.parked)
    fprintf(stderr, "lwipsim: worker: each run forked from %s's start "
            "point (t=%llu us, after %llu scheduling points)\n",
            o->scn->name, (unsigned long long)snap.end_us,
            (unsigned long long)snap.points);
  else
    fprintf(stderr, "lwipsim: worker: %s ended before its start point; "
            "each seed gives that end\n", o->scn->name);
  /* The worker itself dies of a signal, as without a snapshot; each
   * child takes the run's handlers again. */
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  code = PROTO_EXIT_OK;
  while (fgets(line, sizeof line, stdin)) {
    uint64_t seed;
    line[strcspn(line, "\n")] = 0;
    if (proto_parse_seed(line, &seed) != 0) {
      fprintf(stderr, "lwipsim: worker: bad seed line '%s' (a --fail spec "
              "needs runs from the beginning)\n", line);
      code = PROTO_EXIT_USAGE;
      break;
    }
    if (engine_worker_fork(seed, engine_worker_resume, o, &snap) != 0) {
      code = PROTO_EXIT_FAULT;
      break;
    }
  }
  fflush(NULL);
  _exit(code);
}

/* Execs this engine again with LD_BIND_NOW=1 and the same arguments,
 * unless it is set; returns only if that cannot be done (the worker then
 * goes on with lazy binding). */
static void engine_worker_bind_now(void)
{
  if (getenv("LD_BIND_NOW"))
    return;
  static char cmd[65536];
  FILE *f = fopen("/proc/self/cmdline", "r");
  if (!f)
    return;
  size_t n = fread(cmd, 1, sizeof cmd - 1, f);
  bool whole = feof(f);
  fclose(f);
  if (!whole || n == 0)
    return;
  cmd[n] = 0;
  char *argv[64];
  int argc = 0;
  for (size_t i = 0; i < n && argc < 63; i += strlen(cmd + i) + 1)
    argv[argc++] = cmd + i;
  argv[argc] = NULL;
  if (argc == 63)
    return;
  fflush(NULL);
  setenv("LD_BIND_NOW", "1", 1);
  execv("/proc/self/exe", argv);
  unsetenv("LD_BIND_NOW");
}

int engine_worker(proto_opts *o, const scn_impl *impl)
{
  engine_worker_bind_now();
  char line[160]; /* "SEED" or, from sweep, "SEED SPEC" */
  o->json = true;
  signal(SIGPIPE, SIG_IGN);
  mallopt(M_ARENA_MAX, 1);
  if (engine_worker_snapshots(o, impl))
    return engine_worker_snapshot(o, impl);
  if (impl->start_point)
    fprintf(stderr, "lwipsim: worker: %s has a start point, but each run "
            "starts from the beginning: %s\n", o->scn->name,
            !sim_sched_can_park()
                ? "the pthread backend cannot keep threads across fork()"
            : o->sweep_report || o->nfails
                ? "injected failures count allocations from the first"
                : "a run with output files");
  while (fgets(line, sizeof line, stdin)) {
    uint64_t seed;
    line[strcspn(line, "\n")] = 0;
    char err[512];
    if (engine_sweep_line(o, line, &seed, err, sizeof err) != 0) {
      fprintf(stderr, "lwipsim: %s\n", err);
      return PROTO_EXIT_USAGE;
    }
    if (engine_worker_fork(seed, engine_worker_whole, o, impl) != 0)
      return PROTO_EXIT_FAULT;
  }
  return PROTO_EXIT_OK;
}

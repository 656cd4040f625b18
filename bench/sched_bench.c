/*
 * sched_bench.c - microbenchmark of the deterministic scheduler alone (no
 * lwIP): how many scheduling points and how many token handoffs it passes
 * per wall-clock second.
 *
 * Measures, one run of the scheduler each (init, run, fini), with the trace
 * digest on as in every real run (no trace file):
 *   rtos_points            one thread, sim_point_silent() N times, pinned.
 *   rtos_handoffs          two equal-priority threads ping-pong through two
 *                          semaphores; each take finds nothing and blocks,
 *                          so every give+take hands the token over once.
 *   rtos_handoffs_preempt  the same with the waiter one priority above the
 *                          giver, so the giver is preempted inside the give
 *                          (as when a task wakes the higher-priority
 *                          tcpip_thread).
 *   rtos_handoffs_unpinned rtos_handoffs with cfg.pin_cpu off: the price of
 *                          a handoff that may cross CPUs (ROUNDS / 4).
 *   random_handoffs        rtos_handoffs under the seeded random policy.
 *   os_handoffs            the floor: two bare pthreads ping-pong through
 *                          two POSIX semaphores on one CPU, with no
 *                          scheduler at all; the gap to rtos_handoffs is
 *                          what the scheduler adds per handoff.
 * For handoffs, `count` is what the scheduler itself counted as switches
 * (sim_outcome.switches), so a run that failed to switch shows up.
 *
 * Output: one line per measure, "name count wall_s rate_per_s", after a
 * '#' header.  Wall time comes from CLOCK_MONOTONIC: this is a benchmark,
 * not a deterministic run, and nothing here reaches a digest that matters.
 *
 * Usage: sched_bench [POINTS [ROUNDS]]  (ROUNDS ping-pong rounds = about
 * 2 x ROUNDS handoffs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"

#define SB_DEFAULT_POINTS 10000000ull
#define SB_DEFAULT_ROUNDS 100000ull

static double sb_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sb_print(const char *name, uint64_t count, double wall)
{
  printf("%-24s %12" PRIu64 " %10.6f %14.0f\n", name, count, wall,
         wall > 0 ? (double)count / wall : 0.0);
  fflush(stdout);
}

/* State of the measure under way; the sim threads run one at a time, so
 * plain globals are safe. */
static struct {
  uint64_t n;
  double t0, t1;
  int ncpus; /* CPUs the sim threads may use, seen from inside the run */
  sim_sem *ping, *pong, *done;
} sb;

static int sb_cpus_allowed(void)
{
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    return -1;
  return CPU_COUNT(&set);
}

/* Initialises the trace digest and the scheduler, runs `fn` as main, and
 * tears down.  Returns 0, or -1 with a message in err. */
static int sb_run(sim_policy policy, bool pin, sim_thread_fn fn, int prio,
                  sim_outcome *out, char *err, size_t errlen)
{
  sim_config cfg = {.policy = policy, .seed = 7, .pin_cpu = pin};
  if (sim_trace_open(NULL, err, errlen) != 0)
    return -1;
  if (sim_sched_init(&cfg, err, errlen) != 0) {
    sim_trace_abandon();
    return -1;
  }
  sim_sched_run(fn, NULL, prio, out);
  sim_sched_fini();
  if (sim_trace_close(err, errlen) != 0)
    return -1;
  if (out->end != SIM_END_NORMAL) {
    snprintf(err, errlen, "run ended %s: %s", sim_end_name(out->end),
             out->message);
    return -1;
  }
  return 0;
}

/* --- (a) scheduling points */

static void sb_points_main(void *arg)
{
  (void)arg;
  sb.ncpus = sb_cpus_allowed();
  uint64_t n = sb.n;
  sb.t0 = sb_now();
  for (uint64_t i = 0; i < n; i++)
    sim_point_silent("bench");
  sb.t1 = sb_now();
}

/* --- (b, c) handoffs */

static void sb_pinger(void *arg)
{
  (void)arg;
  for (uint64_t i = 0; i < sb.n; i++) {
    sim_sem_give(sb.ping);
    (void)sim_sem_take(sb.pong, SIM_FOREVER);
  }
  sim_sem_give(sb.done);
}

static void sb_ponger(void *arg)
{
  (void)arg;
  for (uint64_t i = 0; i < sb.n; i++) {
    (void)sim_sem_take(sb.ping, SIM_FOREVER);
    sim_sem_give(sb.pong);
  }
  sim_sem_give(sb.done);
}

/* Priorities of the two players; main (above both) only starts them, so
 * neither runs before both exist, and waits for the end. */
static int sb_ping_prio, sb_pong_prio;

static void sb_handoff_main(void *arg)
{
  (void)arg;
  sb.ncpus = sb_cpus_allowed();
  sb.ping = sim_sem_new(0);
  sb.pong = sim_sem_new(0);
  sb.done = sim_sem_new(0);
  sim_thread_create("ping", sb_ping_prio, sb_pinger, NULL);
  sim_thread_create("pong", sb_pong_prio, sb_ponger, NULL);
  sb.t0 = sb_now();
  (void)sim_sem_take(sb.done, SIM_FOREVER);
  (void)sim_sem_take(sb.done, SIM_FOREVER);
  sb.t1 = sb_now();
  sim_sem_free(sb.ping);
  sim_sem_free(sb.pong);
  sim_sem_free(sb.done);
}

static int sb_handoffs(const char *name, sim_policy policy, bool pin,
                       int ping_prio, int pong_prio, uint64_t rounds,
                       char *err, size_t errlen)
{
  sim_outcome out;
  memset(&sb, 0, sizeof sb);
  sb.n = rounds;
  sb_ping_prio = ping_prio;
  sb_pong_prio = pong_prio;
  int main_prio = (ping_prio > pong_prio ? ping_prio : pong_prio) + 1;
  if (sb_run(policy, pin, sb_handoff_main, main_prio, &out, err, errlen))
    return -1;
  /* Under rtos the two players switch exactly twice per round; fewer
   * would mean a give or take did not hand the token over. */
  if (policy == SIM_POLICY_RTOS && out.switches < 2 * rounds) {
    snprintf(err, errlen, "%s: %" PRIu64 " switches for %" PRIu64
             " rounds, expected at least %" PRIu64, name, out.switches,
             rounds, 2 * rounds);
    return -1;
  }
  sb_print(name, out.switches, sb.t1 - sb.t0);
  return 0;
}

/* --- the floor: bare pthreads and POSIX semaphores */

static sem_t sb_os_ping, sb_os_pong;

static void *sb_os_ponger(void *arg)
{
  (void)arg;
  for (uint64_t i = 0; i < sb.n; i++) {
    while (sem_wait(&sb_os_ping) != 0) {
    }
    sem_post(&sb_os_pong);
  }
  return NULL;
}

/* Runs on a helper pthread so that pinning it (and the ponger it creates,
 * which inherits the mask) leaves the process's own thread alone. */
static void *sb_os_run(void *arg)
{
  (void)arg;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
  (void)sched_setaffinity(0, sizeof one, &one);
  sem_init(&sb_os_ping, 0, 0);
  sem_init(&sb_os_pong, 0, 0);
  pthread_t t;
  if (pthread_create(&t, NULL, sb_os_ponger, NULL) != 0)
    return (void *)1;
  sb.t0 = sb_now();
  for (uint64_t i = 0; i < sb.n; i++) {
    sem_post(&sb_os_ping);
    while (sem_wait(&sb_os_pong) != 0) {
    }
  }
  sb.t1 = sb_now();
  pthread_join(t, NULL);
  sem_destroy(&sb_os_ping);
  sem_destroy(&sb_os_pong);
  return NULL;
}

static int sb_os_handoffs(uint64_t rounds, char *err, size_t errlen)
{
  memset(&sb, 0, sizeof sb);
  sb.n = rounds;
  pthread_t t;
  void *rc = NULL;
  if (pthread_create(&t, NULL, sb_os_run, NULL) != 0 ||
      pthread_join(t, &rc) != 0 || rc != NULL) {
    snprintf(err, errlen, "os_handoffs: cannot start threads");
    return -1;
  }
  sb_print("os_handoffs", 2 * rounds, sb.t1 - sb.t0);
  return 0;
}

static int sb_parse(const char *s, uint64_t *out)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || *end || v == 0 || s[0] == '-')
    return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv)
{
  uint64_t points = SB_DEFAULT_POINTS, rounds = SB_DEFAULT_ROUNDS;
  if (argc > 3 || (argc > 1 && sb_parse(argv[1], &points) != 0) ||
      (argc > 2 && sb_parse(argv[2], &rounds) != 0)) {
    fprintf(stderr, "usage: sched_bench [POINTS [ROUNDS]] (positive "
                    "integers; defaults %llu and %llu)\n",
            (unsigned long long)SB_DEFAULT_POINTS,
            (unsigned long long)SB_DEFAULT_ROUNDS);
    return 2;
  }

  char err[1200];
  sim_outcome out;
  printf("# %-22s %12s %10s %14s\n", "measure", "count", "wall_s",
         "rate_per_s");

  memset(&sb, 0, sizeof sb);
  sb.n = points;
  if (sb_run(SIM_POLICY_RTOS, true, sb_points_main, 1, &out, err,
             sizeof err) != 0)
    goto fail;
  if (out.points < points) {
    snprintf(err, sizeof err, "rtos_points: scheduler counted %" PRIu64
             " points, expected at least %" PRIu64, out.points, points);
    goto fail;
  }
  sb_print("rtos_points", points, sb.t1 - sb.t0);
  int pinned_cpus = sb.ncpus;

  if (sb_handoffs("rtos_handoffs", SIM_POLICY_RTOS, true, 2, 2, rounds, err,
                  sizeof err) != 0 ||
      sb_handoffs("rtos_handoffs_preempt", SIM_POLICY_RTOS, true, 2, 3,
                  rounds, err, sizeof err) != 0)
    goto fail;
  /* A quarter of the rounds: a handoff across CPUs can cost ten times
   * more, and the rate is what matters. */
  uint64_t unpinned_rounds = rounds / 4 ? rounds / 4 : 1;
  if (sb_handoffs("rtos_handoffs_unpinned", SIM_POLICY_RTOS, false, 2, 2,
                  unpinned_rounds, err, sizeof err) != 0)
    goto fail;
  int unpinned_cpus = sb.ncpus;
  if (sb_handoffs("random_handoffs", SIM_POLICY_RANDOM, true, 2, 2, rounds,
                  err, sizeof err) != 0)
    goto fail;
  if (sb_os_handoffs(rounds, err, sizeof err) != 0)
    goto fail;
  printf("# sim threads could use %d CPU(s) pinned, %d unpinned\n",
         pinned_cpus, unpinned_cpus);
  return 0;

fail:
  fprintf(stderr, "sched_bench: %s\n", err);
  return 3;
}

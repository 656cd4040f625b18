/*
 * test_snapshot.c - unit tests of start points and snapshots (sim/sched.c,
 * sim_sched_start_point): before the start point a run takes rtos's
 * decisions whatever its policy and seed, after it the seed and policy
 * take over; a run parked at its start point and resumed, in the same
 * process or in forked children, gives the digest and log of the same
 * run done straight through.
 *
 * The threads: main creates "a", "b" and "c" (equal priority, each
 * notes its name at every step and passes a scheduling point between
 * steps), lets them run three steps before the start point and three
 * after.  Under rtos each runs its steps in one go (a a a b b b ...);
 * under random the points interleave them, as the seed says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"

#include "harness.h"

#define SP_STEPS 3

/* One worker's steps: SP_STEPS before the gate (st->gate[0], given once
 * per worker at the start point), SP_STEPS after. */
static void sp_worker(void *arg)
{
  ts *st = arg;
  for (int i = 0; i < SP_STEPS; i++) {
    note(st, "%s", me());
    sim_point("step");
  }
  sim_sem_give(st->done);
  (void)sim_sem_take(st->gate[0], SIM_FOREVER);
  for (int i = 0; i < SP_STEPS; i++) {
    note(st, "%s", me());
    sim_point("step");
  }
  sim_sem_give(st->done);
}

static void sp_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->gate[0] = sim_sem_new(0);
  note(st, "seed=%llu", (unsigned long long)sim_sched_seed());
  sim_thread_create("a", 2, sp_worker, st);
  sim_thread_create("b", 2, sp_worker, st);
  sim_thread_create("c", 2, sp_worker, st);
  wait_done(st, 3);
  sim_sched_start_point();
  note(st, "|start seed=%llu|", (unsigned long long)sim_sched_seed());
  for (int i = 0; i < 3; i++)
    sim_sem_give(st->gate[0]);
  wait_done(st, 3);
}

/* The log before "|start", and the part from there. */
static void sp_split(const ts *st, char *pre, char *post, size_t len)
{
  const char *m = strstr(st->log, "|start");
  assert_non_null(m);
  snprintf(pre, len, "%.*s", (int)(m - st->log), st->log);
  snprintf(post, len, "%s", m);
}

/* A straight run of policy `p` and `seed` with a start point. */
static void sp_straight(ts *st, sim_policy p, uint64_t seed)
{
  st->cfg.policy = p;
  st->cfg.seed = seed;
  st->cfg.start_point = true;
  run_main(st, sp_main, 1);
  assert_normal_end(st);
  assert_true(st->out.started);
}

static void test_before_the_start_point_rtos_and_no_seed(void **state)
{
  ts *st = *state;
  char pre[LOG_MAX], post[LOG_MAX], pre1[LOG_MAX], post1[LOG_MAX];
  sp_straight(st, SIM_POLICY_RANDOM, 1);
  sp_split(st, pre1, post1, sizeof pre1);
  assert_string_equal(pre1, "seed=0 a a a b b b c c c ");
  assert_non_null(strstr(post1, "|start seed=1|"));
  /* Another seed: the same set-up, another shuffle after it. */
  stop(st);
  reset_log(st);
  sp_straight(st, SIM_POLICY_RANDOM, 2);
  sp_split(st, pre, post, sizeof pre);
  assert_string_equal(pre, pre1);
  assert_non_null(strstr(post, "|start seed=2|"));
  assert_string_not_equal(post + 16, post1 + 16);
}

static void test_start_point_undeclared_is_a_fault(void **state)
{
  ts *st = *state;
  run_main(st, sp_main, 1);
  assert_end(st, SIM_END_FAULT);
  assert_non_null(strstr(st->out.message, "declares none"));
}

static void test_park_needs_a_start_point(void **state)
{
  ts *st = *state;
  char err[256] = "";
  st->cfg.park_at_start = true;
  assert_int_equal(sim_sched_init(&st->cfg, err, sizeof err), -1);
  assert_non_null(strstr(err, "without a start point"));
}

/* Parks, then resumes in this process: the same log and digest as the
 * straight run. */
static void test_park_and_resume_is_the_straight_run(void **state)
{
  ts *st = *state;
  if (!sim_sched_can_park())
    skip();
  sp_straight(st, SIM_POLICY_RANDOM, 7);
  char log[LOG_MAX];
  snprintf(log, sizeof log, "%s", st->log);
  uint64_t digest = st->digest;
  stop(st);
  reset_log(st);
  st->cfg.seed = 99; /* resume says the seed */
  st->cfg.park_at_start = true;
  run_main(st, sp_main, 1);
  assert_true(st->out.parked);
  assert_false(st->out.started);
  assert_int_equal(st->out.end, SIM_END_NONE);
  sim_sched_resume(7, &st->out);
  st->digest = sim_trace_digest();
  assert_normal_end(st);
  assert_true(st->out.started);
  assert_string_equal(st->log, log);
  assert_int_equal(st->digest, digest);
}

/* Parks, then resumes in two forked children with two seeds: each gives
 * the straight run's digest for its seed. */
#if defined(__SANITIZE_THREAD__)
#define SP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SP_TSAN 1
#endif
#endif

static void test_forked_resumes_are_the_straight_runs(void **state)
{
  ts *st = *state;
  if (!sim_sched_can_park())
    skip();
#ifdef SP_TSAN
  /* TSan's runtime keeps a thread of its own, and refuses to start a
   * thread in a child forked from a process with more than one (the
   * carrier the resumed run needs). */
  skip();
#endif
  uint64_t want[2];
  for (int i = 0; i < 2; i++) {
    sp_straight(st, SIM_POLICY_PCT, 11 + (uint64_t)i);
    want[i] = st->digest;
    stop(st);
    reset_log(st);
  }
  assert_int_not_equal(want[0], want[1]);
  st->cfg.park_at_start = true;
  run_main(st, sp_main, 1);
  assert_true(st->out.parked);
  for (int i = 0; i < 2; i++) {
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      sim_outcome out;
      sim_sched_resume(11 + (uint64_t)i, &out);
      uint64_t d = out.end == SIM_END_NORMAL ? sim_trace_digest() : 0;
      _exit(write(fd[1], &d, sizeof d) == sizeof d ? 0 : 1);
    }
    close(fd[1]);
    uint64_t got = 0;
    assert_int_equal(read(fd[0], &got, sizeof got), (ssize_t)sizeof got);
    close(fd[0]);
    int wst;
    assert_int_equal(waitpid(pid, &wst, 0), pid);
    assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
    assert_int_equal(got, want[i]);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      HARNESS_TEST(test_before_the_start_point_rtos_and_no_seed),
      HARNESS_TEST(test_start_point_undeclared_is_a_fault),
      HARNESS_TEST(test_park_needs_a_start_point),
      HARNESS_TEST(test_park_and_resume_is_the_straight_run),
      HARNESS_TEST(test_forked_resumes_are_the_straight_runs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_sched.c - unit tests of the deterministic scheduler (sim/sched.c):
 * priorities, FIFO among equals, preemption, the random and script
 * policies, virtual time, interrupts and the ways a run ends.
 *
 * The harness (harness.h) gives each test a fresh scheduler; sim threads
 * log what they see with note(), and the test asserts the exact log (and,
 * where it must see what the scheduler itself did, selected trace
 * records) once the run is over.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"

#include "harness.h"

/* ------------------------------------------------------------------ */
/* helpers of these tests                                              */

/* A worker that says who it is and reports done. */
static void named_worker(void *arg)
{
  ts *st = arg;
  note(st, "%s", me());
  sim_sem_give(st->done);
}

/* ------------------------------------------------------------------ */
/* 1. priorities                                                       */

static void prio_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  sim_thread_create("low", 1, named_worker, st);
  sim_thread_create("mid", 2, named_worker, st);
  sim_thread_create("high", 3, named_worker, st);
  note(st, "main:created");
  wait_done(st, 3);
  note(st, "main:done");
}

static void test_highest_priority_runs_first(void **state)
{
  expect_run(*state, prio_main, 10, SIM_END_NORMAL,
             "main:created high mid low main:done");
}

/* ------------------------------------------------------------------ */
/* 2. FIFO among equal priorities                                      */

/* Threads "a", "b", "c" wait on gate[0], gate[1], gate[2]. */
static void fifo_worker(void *arg)
{
  ts *st = arg;
  note(st, "%s:wait", me());
  (void)sim_sem_take(st->gate[me()[0] - 'a'], SIM_FOREVER);
  note(st, "%s:run", me());
  sim_sem_give(st->done);
}

static void fifo_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  for (int i = 0; i < 3; i++)
    st->gate[i] = sim_sem_new(0);
  sim_thread_create("a", 5, fifo_worker, st);
  sim_thread_create("b", 5, fifo_worker, st);
  sim_thread_create("c", 5, fifo_worker, st);
  note(st, "main:created");
  sim_sleep_us(1);
  /* Ready order b, c, a differs from creation order a, b, c; main has the
   * higher priority, so none of them runs before main blocks. */
  sim_sem_give(st->gate[1]);
  sim_sem_give(st->gate[2]);
  sim_sem_give(st->gate[0]);
  note(st, "main:gave");
  wait_done(st, 3);
}

static void test_equal_priorities_run_fifo(void **state)
{
  expect_run(*state, fifo_main, 10, SIM_END_NORMAL,
             "main:created a:wait b:wait c:wait main:gave "
             "b:run c:run a:run");
}

/* ------------------------------------------------------------------ */
/* 3. preemption by sim_sem_give                                       */

static void give_high_waiter(void *arg)
{
  ts *st = arg;
  (void)sim_sem_take(st->sem, SIM_FOREVER);
  note(st, "high:got");
  sim_sem_give(st->done);
}

static void give_low_giver(void *arg)
{
  ts *st = arg;
  note(st, "low:before");
  sim_sem_give(st->sem);
  note(st, "low:after");
  sim_sem_give(st->done);
}

static void give_up_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->sem = sim_sem_new(0);
  sim_thread_create("high", 5, give_high_waiter, st);
  sim_thread_create("low", 1, give_low_giver, st);
  wait_done(st, 2);
}

static void test_give_to_higher_waiter_preempts(void **state)
{
  /* "high" runs between the giver's two statements. */
  expect_run(*state, give_up_main, 10, SIM_END_NORMAL,
             "low:before high:got low:after");
}

static void give_low_waiter(void *arg)
{
  ts *st = arg;
  note(st, "low:wait");
  (void)sim_sem_take(st->sem, SIM_FOREVER);
  note(st, "low:got@%llu", now());
  sim_sem_give(st->done);
}

static void give_high_giver(void *arg)
{
  ts *st = arg;
  sim_sleep_us(10); /* lets "low" reach its take first */
  note(st, "high:before");
  sim_sem_give(st->sem);
  note(st, "high:after count=%u", sim_sem_count(st->sem));
  sim_sem_give(st->done);
}

static void give_down_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->sem = sim_sem_new(0);
  sim_thread_create("low", 1, give_low_waiter, st);
  sim_thread_create("high", 5, give_high_giver, st);
  wait_done(st, 2);
}

static void test_give_to_lower_waiter_does_not_switch(void **state)
{
  /* The unit went straight to the waiter (count stays 0), and the waiter
   * runs only after the giver is done. */
  expect_run(*state, give_down_main, 10, SIM_END_NORMAL,
             "low:wait high:before high:after count=0 low:got@10");
}

/* ------------------------------------------------------------------ */
/* 4. thread creation                                                  */

static void create_child(void *arg)
{
  ts *st = arg;
  note(st, "%s:run", me());
}

static void create_main(void *arg)
{
  ts *st = arg;
  note(st, "main:1");
  sim_thread_create("high", 5, create_child, st);
  note(st, "main:2");
  sim_thread_create("peer", 1, create_child, st);
  note(st, "main:3");
  sim_thread_create("low", 0, create_child, st);
  note(st, "main:4");
  sim_sleep_us(1);
  note(st, "main:5");
}

static void test_create_higher_priority_preempts(void **state)
{
  /* Only the higher-priority child runs at once; an equal or lower one
   * waits until main blocks. */
  expect_run(*state, create_main, 1, SIM_END_NORMAL,
             "main:1 high:run main:2 main:3 main:4 "
             "peer:run low:run main:5");
}

/* ------------------------------------------------------------------ */
/* 5. the random policy                                                */

static void rnd_worker(void *arg)
{
  ts *st = arg;
  for (int i = 0; i < 4; i++) {
    note(st, "%s%d", me(), i);
    sim_point("step");
  }
  sim_sem_give(st->done);
}

static void rnd_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  sim_thread_create("a", 1, rnd_worker, st);
  sim_thread_create("b", 1, rnd_worker, st);
  sim_thread_create("c", 1, rnd_worker, st);
  wait_done(st, 3);
}

/* One complete run under the random policy; copies the log out. */
static uint64_t rnd_run(ts *st, uint64_t seed, char *log, size_t len)
{
  reset_log(st);
  st->cfg.policy = SIM_POLICY_RANDOM;
  st->cfg.seed = seed;
  run_main(st, rnd_main, 1);
  assert_normal_end(st);
  uint64_t digest = st->digest;
  snprintf(log, len, "%s", st->log);
  stop(st);
  return digest;
}

/* PCT: a thread whose own timed wait expires while it is the last one
 * to have run (nothing else ready) runs at its deadline, not at the next
 * timer of another thread. */
static void pct_sleeper(void *arg)
{
  ts *st = arg;
  sim_sleep_us(1000000); /* a timer far away, as lwIP's */
  sim_sem_give(st->done);
}

static void pct_timeout_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  sim_thread_create("far", 1, pct_sleeper, st);
  sim_sem *never = sim_sem_new(0);
  (void)sim_sem_take(never, 100);
  note(st, "woke@%llu", now());
  sim_sleep_us(50);
  note(st, "slept@%llu", now());
  wait_done(st, 1);
}

static void test_pct_own_timeout_runs_at_deadline(void **state)
{
  ts *st = *state;
  for (uint64_t seed = 1; seed <= 5; seed++) {
    reset_log(st);
    st->cfg.policy = SIM_POLICY_PCT;
    st->cfg.seed = seed;
    run_main(st, pct_timeout_main, 2);
    assert_normal_end(st);
    assert_string_equal(st->log, "woke@100 slept@150");
    stop(st);
  }
}

static void test_random_policy_reproducible_per_seed(void **state)
{
  ts *st = *state;
  char a[LOG_MAX], b[LOG_MAX];
  uint64_t da = rnd_run(st, 7, a, sizeof a);
  uint64_t db = rnd_run(st, 7, b, sizeof b);
  assert_string_equal(a, b);
  assert_int_equal(da, db);
  assert_int_not_equal(da, 0);

  /* Among a handful of seeds at least two interleavings differ, and runs
   * whose interleavings differ have different digests. */
  char logs[6][LOG_MAX];
  uint64_t digests[6];
  int distinct = 0;
  for (int i = 0; i < 6; i++) {
    digests[i] = rnd_run(st, (uint64_t)i + 1, logs[i], sizeof logs[i]);
    /* Every worker step ran exactly once, in its own order. */
    assert_int_equal(strlen(logs[i]), strlen("a0 a1 a2 a3 b0 b1 b2 b3 "
                                             "c0 c1 c2 c3"));
    bool seen = false;
    for (int j = 0; j < i; j++) {
      if (strcmp(logs[i], logs[j]) == 0) {
        seen = true;
        assert_int_equal(digests[i], digests[j]);
      } else {
        assert_int_not_equal(digests[i], digests[j]);
      }
    }
    if (!seen)
      distinct++;
  }
  assert_in_range(distinct, 2, 6);
}

/* ------------------------------------------------------------------ */
/* 6. timeouts and virtual time                                        */

static void tmo_giver(void *arg)
{
  ts *st = arg;
  sim_sleep_us(400);
  sim_sem_give(st->gate[0]);
}

static void tmo_main(void *arg)
{
  ts *st = arg;
  sim_sem *s = sim_sem_new(0);
  sim_sleep_us(250);
  st->t[0] = sim_clock_now_us();
  st->rc = sim_sem_take(s, 1500);
  st->t[1] = sim_clock_now_us();
  sim_sleep_us(700);
  st->t[2] = sim_clock_now_us();
  /* A take woken before its deadline; its stale timer must not cut the
   * next take short. */
  st->gate[0] = sim_sem_new(0);
  sim_thread_create("giver", 1, tmo_giver, st);
  int rc = sim_sem_take(st->gate[0], 1000);
  note(st, "take1=%d@%llu", rc, now());
  rc = sim_sem_take(st->gate[0], 2000);
  note(st, "take2=%d@%llu", rc, now());
}

static void test_timeouts_fire_at_exact_virtual_time(void **state)
{
  ts *st = *state;
  run_main(st, tmo_main, 5);
  assert_normal_end(st);
  assert_int_equal(st->t[0], 250);
  assert_int_equal(st->rc, SIM_ETIMEDOUT);
  assert_int_equal(st->t[1], 250 + 1500);
  assert_int_equal(st->t[2], 250 + 1500 + 700);
  assert_string_equal(st->log, "take1=0@2850 take2=-1@4850");
  assert_int_equal(st->out.end_us, 4850);
}

/* "a", "b", "c" (equal priority) first sleep 300, 200, 100 us, then until
 * t = 1000: their second timers are created in the order c, b, a. */
static void deadline_worker(void *arg)
{
  ts *st = arg;
  uint64_t first = (uint64_t)(3 - (me()[0] - 'a')) * 100;
  sim_sleep_us(first);
  sim_sleep_us(1000 - first);
  note(st, "%s@%llu", me(), now());
  sim_sem_give(st->done);
}

static void deadline_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  sim_thread_create("a", 3, deadline_worker, st);
  sim_thread_create("b", 3, deadline_worker, st);
  sim_thread_create("c", 3, deadline_worker, st);
  wait_done(st, 3);
}

static void test_equal_deadlines_fire_in_creation_order(void **state)
{
  expect_run(*state, deadline_main, 10, SIM_END_NORMAL,
             "c@1000 b@1000 a@1000");
}

static void hour_main(void *arg)
{
  ts *st = arg;
  sim_sleep_us(3600ull * 1000000ull);
  st->t[0] = sim_clock_now_us();
}

static double wall_ms_since(const struct timespec *t0)
{
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
         (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void test_virtual_time_jumps(void **state)
{
  ts *st = *state;
  st->cfg.time_limit_us = 2 * 3600ull * 1000000ull;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  run_main(st, hour_main, 1);
  int ms = (int)wall_ms_since(&t0);
  assert_normal_end(st);
  assert_int_equal(st->t[0], 3600ull * 1000000ull);
  assert_int_equal(st->out.end_us, 3600ull * 1000000ull);
  /* A virtual hour costs no wall time (generous bound for sanitizers). */
  assert_in_range(ms, 0, 500);
}

/* ------------------------------------------------------------------ */
/* 7. interrupts                                                       */

static void isr_note(void *arg)
{
  ts *st = arg;
  note(st, "isr(in_isr=%d)", sim_in_isr());
}

static void irq_raise_main(void *arg)
{
  ts *st = arg;
  st->irq = sim_irq_register("rx", 1, isr_note, st);
  note(st, "main(in_isr=%d)", sim_in_isr());
  sim_irq_raise(st->irq);
  note(st, "raised");
  sim_point("p");
  note(st, "after");
}

static void test_irq_runs_at_next_point(void **state)
{
  ts *st = *state;
  run_main(st, irq_raise_main, 1);
  assert_normal_end(st);
  assert_string_equal(st->log, "main(in_isr=0) raised isr(in_isr=1) after");
  assert_int_equal(st->out.irqs, 1);
}

static void irq_mask_main(void *arg)
{
  ts *st = arg;
  st->irq = sim_irq_register("rx", 1, isr_note, st);
  sim_irq_mask();
  sim_irq_mask();
  note(st, "depth=%u", sim_irq_mask_depth());
  sim_irq_raise(st->irq);
  sim_point("masked");
  note(st, "point");
  sim_irq_unmask();
  note(st, "unmask depth=%u", sim_irq_mask_depth());
  sim_point("still_masked");
  note(st, "point");
  sim_irq_unmask();
  note(st, "unmask depth=%u", sim_irq_mask_depth());
  sim_point("unmasked");
  note(st, "end");
}

static void test_irq_held_back_while_masked(void **state)
{
  ts *st = *state;
  run_main(st, irq_mask_main, 1);
  assert_normal_end(st);
  /* Only the outer unmask delivers, inside the unmask call itself. */
  assert_string_equal(st->log, "depth=2 point unmask depth=1 point "
                               "isr(in_isr=1) unmask depth=0 end");
  assert_int_equal(st->out.irqs, 1);
}

static void isr_time_give(void *arg)
{
  ts *st = arg;
  note(st, "isr@%llu(in_isr=%d)", now(), sim_in_isr());
  sim_sem_give(st->sem);
}

static void irq_at_waiter(void *arg)
{
  ts *st = arg;
  (void)sim_sem_take(st->sem, SIM_FOREVER);
  note(st, "waiter@%llu", now());
}

static void irq_at_main(void *arg)
{
  ts *st = arg;
  st->sem = sim_sem_new(0);
  st->irq = sim_irq_register("timer", 1, isr_time_give, st);
  sim_thread_create("waiter", 5, irq_at_waiter, st);
  sim_irq_raise_at(st->irq, 5000);
  sim_sleep_us(10000);
  note(st, "main@%llu", now());
}

static void test_irq_raise_at_fires_while_all_sleep(void **state)
{
  expect_run(*state, irq_at_main, 1, SIM_END_NORMAL,
             "isr@5000(in_isr=1) waiter@5000 main@10000");
}

static void pin_isr(void *arg)
{
  ts *st = arg;
  note(st, "isr");
}

static void pin_isr_any(void *arg)
{
  ts *st = arg;
  note(st, "isr_any");
}

static void pin_worker(void *arg)
{
  ts *st = arg;
  int n = strcmp(me(), "worker") == 0 ? 5 : 3;
  for (int i = 1; i <= n; i++) {
    sim_point("loop");
    note(st, "%s%d", me(), i);
  }
  sim_sem_give(st->done);
}

static void pin_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->irq = sim_irq_register("pinned", 1, pin_isr, st);
  st->irq2 = sim_irq_register("any", 1, pin_isr_any, st);
  /* "other" hits "loop" first; only worker's hits count for the first pin,
   * every thread's for the second. */
  sim_irq_pin(st->irq, "worker", "loop", 3);
  sim_irq_pin(st->irq2, NULL, "loop", 2);
  sim_thread_create("other", 5, pin_worker, st);
  sim_thread_create("worker", 5, pin_worker, st);
  wait_done(st, 2);
}

static void test_irq_pin_fires_at_nth_hit(void **state)
{
  ts *st = *state;
  run_main(st, pin_main, 10);
  assert_normal_end(st);
  assert_string_equal(st->log, "other1 isr_any other2 other3 "
                               "worker1 worker2 isr worker3 worker4 worker5");
  assert_int_equal(st->out.irqs, 2);
}

static void isr_give_high(void *arg)
{
  ts *st = arg;
  note(st, "isr:give");
  sim_sem_give(st->sem);
  note(st, "isr:return");
}

static void isr_high_waiter(void *arg)
{
  ts *st = arg;
  (void)sim_sem_take(st->sem, SIM_FOREVER);
  note(st, "high:woke(in_isr=%d)", sim_in_isr());
  sim_sem_give(st->done);
}

static void isr_low_raiser(void *arg)
{
  ts *st = arg;
  note(st, "low:raise");
  sim_irq_raise(st->irq);
  sim_point("p");
  note(st, "low:after");
  sim_sem_give(st->done);
}

static void isr_preempt_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->sem = sim_sem_new(0);
  st->irq = sim_irq_register("rx", 1, isr_give_high, st);
  sim_thread_create("high", 5, isr_high_waiter, st);
  sim_thread_create("low", 1, isr_low_raiser, st);
  wait_done(st, 2);
}

static void test_irq_give_preempts_after_return(void **state)
{
  /* No switch inside the handler; "high" runs as soon as it returns, before
   * the interrupted thread's next statement. */
  expect_run(*state, isr_preempt_main, 10, SIM_END_NORMAL,
             "low:raise isr:give isr:return "
             "high:woke(in_isr=0) low:after");
}

static void call_at_fn(void *arg)
{
  ts *st = arg;
  note(st, "event@%llu(in_isr=%d)", now(), sim_in_isr());
  sim_sem_give(st->sem);
}

static void call_at_main(void *arg)
{
  ts *st = arg;
  st->sem = sim_sem_new(0);
  sim_call_at(3000, call_at_fn, st);
  st->rc = sim_sem_take(st->sem, SIM_FOREVER);
  note(st, "main@%llu", now());
}

static void test_call_at_runs_at_virtual_time(void **state)
{
  ts *st = *state;
  run_main(st, call_at_main, 1);
  assert_normal_end(st);
  assert_int_equal(st->rc, SIM_OK);
  assert_string_equal(st->log, "event@3000(in_isr=1) main@3000");
}

/* An IRQ raised just before its thread blocks is still pending when no
 * thread is ready: it must be delivered at that virtual time (it is a
 * pending event), not ignored or delivered after the clock jumped.  Before
 * sched_idle() learnt this, the handler ran at t = 5100 after the take had
 * timed out (and with no timeout the run ended as a false deadlock). */
static void pending_main(void *arg)
{
  ts *st = arg;
  st->sem = sim_sem_new(0);
  st->irq = sim_irq_register("rx", 1, isr_time_give, st);
  sim_sleep_us(100);
  sim_irq_raise(st->irq);
  st->rc = sim_sem_take(st->sem, 5000);
  note(st, "main=%d@%llu", st->rc, now());
}

static void test_irq_pending_when_thread_blocks(void **state)
{
  expect_run(*state, pending_main, 1, SIM_END_NORMAL,
             "isr@100(in_isr=1) main=0@100");
}

/* ------------------------------------------------------------------ */
/* 8. blocking in an ISR                                               */

static void isr_blocks(void *arg)
{
  ts *st = arg;
  note(st, "isr:enter");
  (void)sim_sem_take(st->sem, SIM_FOREVER);
  note(st, "isr:after");
}

static void isr_block_main(void *arg)
{
  ts *st = arg;
  st->sem = sim_sem_new(0);
  st->irq = sim_irq_register("bad", 1, isr_blocks, st);
  sim_sleep_us(20);
  sim_irq_raise(st->irq);
  sim_point("p");
  note(st, "main:after");
}

static void test_blocking_in_isr_is_a_fault(void **state)
{
  ts *st = *state;
  run_main(st, isr_block_main, 1);
  assert_string_equal(sim_end_name(st->out.end),
                      sim_end_name(SIM_END_FAULT));
  assert_string_equal(st->out.message, "blocking call (take sem#1) in "
                                       "interrupt context isr:bad");
  assert_string_equal(st->log, "isr:enter");
  assert_int_equal(st->out.end_us, 20);
}

/* ------------------------------------------------------------------ */
/* 9. deadlock summaries                                              */

static void dl_alpha(void *arg)
{
  ts *st = arg;
  sim_point("alpha_wait");
  (void)sim_sem_take(st->sem, SIM_FOREVER);
}

static void dl_beta(void *arg)
{
  (void)arg;
  sim_sleep_us(2500);
  sim_sem *own = sim_sem_new(0);
  sim_point("beta_wait");
  (void)sim_sem_take(own, SIM_FOREVER);
}

static void dl_sem_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->sem = sim_sem_new(0);
  sim_sem_set_name(st->sem, "gate");
  sim_thread_create("alpha", 3, dl_alpha, st);
  sim_thread_create("beta", 2, dl_beta, st);
  wait_done(st, 1);
}

static void test_deadlock_report_names_every_waiter(void **state)
{
  ts *st = *state;
  run_main(st, dl_sem_main, 10);
  assert_string_equal(sim_end_name(st->out.end),
                      sim_end_name(SIM_END_DEADLOCK));
  assert_string_equal(
      st->out.message,
      "no thread ready and no event pending at t=0.002500s:"
      " main [prio 10] waits (take) on sem#1 (created by main at "
      "t=0.000000s) at thread_new;"
      " alpha [prio 3] waits (take) on sem#2 'gate' (created by main at "
      "t=0.000000s) at alpha_wait;"
      " beta [prio 2] waits (take) on sem#3 (created by beta at "
      "t=0.002500s) at beta_wait");
  assert_int_equal(st->out.end_us, 2500);
}

static void dl_t1(void *arg)
{
  ts *st = arg;
  sim_mutex_lock(st->mtx[0]);
  sim_sleep_us(10);
  sim_point("t1_wants_m2");
  sim_mutex_lock(st->mtx[1]);
}

static void dl_t2(void *arg)
{
  ts *st = arg;
  sim_mutex_lock(st->mtx[1]);
  sim_sleep_us(10);
  sim_point("t2_wants_m1");
  sim_mutex_lock(st->mtx[0]);
}

static void dl_mutex_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->mtx[0] = sim_mutex_new();
  st->mtx[1] = sim_mutex_new();
  sim_thread_create("t1", 2, dl_t1, st);
  sim_thread_create("t2", 3, dl_t2, st);
  wait_done(st, 1);
}

static void test_deadlock_report_mutex_cycle(void **state)
{
  ts *st = *state;
  run_main(st, dl_mutex_main, 10);
  assert_string_equal(sim_end_name(st->out.end),
                      sim_end_name(SIM_END_DEADLOCK));
  /* t1 shows the priority it inherited from t2. */
  assert_string_equal(
      st->out.message,
      "no thread ready and no event pending at t=0.000010s:"
      " main [prio 10] waits (take) on sem#1 (created by main at "
      "t=0.000000s) at thread_new;"
      " t1 [prio 3] waits (lock) on mutex#2 (created by main at "
      "t=0.000000s) at t1_wants_m2;"
      " t2 [prio 3] waits (lock) on mutex#1 (created by main at "
      "t=0.000000s) at t2_wants_m1");
}

/* ------------------------------------------------------------------ */
/* 10. the virtual time limit                                          */

static void hang_main(void *arg)
{
  ts *st = arg;
  for (;;) {
    sim_sleep_us(100000);
    st->rc++;
  }
}

static void test_time_limit_ends_in_hang(void **state)
{
  ts *st = *state;
  st->cfg.time_limit_us = 1000000;
  run_main(st, hang_main, 1);
  assert_string_equal(sim_end_name(st->out.end), sim_end_name(SIM_END_HANG));
  assert_int_equal(st->out.end_us, 1000000);
  /* The wake-up at exactly the limit still happens; the next does not. */
  assert_int_equal(st->rc, 10);
  assert_string_equal(st->out.message,
                      "virtual time limit reached at t=1.000000s:"
                      " main [prio 1] waits (sleep) at sleep");
}

/* A signal (SIGINT in the engine) ends a run that would go on for ever:
 * the handler's sim_sched_interrupt() is seen at the next point or idle
 * moment.  Here a plain pthread plays the signal handler. */
static void *interrupt_later(void *arg)
{
  (void)arg;
  struct timespec d = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000};
  nanosleep(&d, NULL);
  sim_sched_interrupt(2);
  return NULL;
}

static void spin_main(void *arg)
{
  ts *st = arg;
  for (;;) {
    sim_sleep_us(1000); /* virtual: a billion years fit in the limit */
    st->rc++;
  }
}

static void test_interrupt_ends_the_run(void **state)
{
  ts *st = *state;
  st->cfg.time_limit_us = UINT64_MAX;
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, interrupt_later, NULL), 0);
  run_main(st, spin_main, 1);
  pthread_join(t, NULL);
  assert_string_equal(sim_end_name(st->out.end), sim_end_name(SIM_END_FAULT));
  assert_string_equal(st->out.message, "interrupted by signal 2");
  assert_true(st->rc > 0);
}

/* ------------------------------------------------------------------ */
/* 11. the script policy                                               */

static void scr_t(void *arg)
{
  ts *st = arg;
  note(st, "T:1");
  sim_point("P");
  note(st, "T:2");
  sim_point("P");
  note(st, "T:3");
  sim_sem_give(st->done);
}

static void scr_u(void *arg)
{
  ts *st = arg;
  note(st, "U:1");
  sim_point("Q");
  note(st, "U:2");
  sim_sem_give(st->done);
}

static void scr_hold_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  sim_thread_create("T", 5, scr_t, st);
  sim_thread_create("U", 1, scr_u, st);
  wait_done(st, 2);
}

static const sim_script_step scr_hold_steps[] = {
    {.thread = "T", .point = "P", .nth = 2, .action = SIM_ACT_HOLD,
     .target = "T"},
    {.thread = "U", .point = "Q", .nth = 1, .action = SIM_ACT_RELEASE,
     .target = "T"},
};

static void test_script_hold_and_release(void **state)
{
  ts *st = *state;
  run_script(st, scr_hold_steps, 2, scr_hold_main, 10, false);
  assert_normal_end(st);
  /* T is held at its second P until U reaches Q. */
  assert_string_equal(st->log, "T:1 T:2 U:1 T:3 U:2");
}

static void test_script_ignored_under_rtos(void **state)
{
  ts *st = *state;
  st->cfg.script = scr_hold_steps;
  st->cfg.script_len = 2;
  run_main(st, scr_hold_main, 10);
  assert_normal_end(st);
  assert_string_equal(st->log, "T:1 T:2 T:3 U:1 U:2");
}

/* "lo" starts, then main preempts it at its give: "lo" is a started thread,
 * ready at a low priority, when main reaches "go". */
static void scr_lo(void *arg)
{
  ts *st = arg;
  note(st, "lo:1");
  sim_sem_give(st->sem);
  note(st, "lo:2");
  sim_point("lo_p");
  note(st, "lo:3");
  sim_sem_give(st->done);
}

static void scr_run_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->sem = sim_sem_new(0);
  sim_thread_create("lo", 1, scr_lo, st);
  (void)sim_sem_take(st->sem, SIM_FOREVER);
  sim_thread_create("mid", 5, named_worker, st);
  note(st, "main:before");
  sim_point("go");
  note(st, "main:after");
  wait_done(st, 2);
}

static const sim_script_step scr_run_steps[] = {
    {.thread = "main", .point = "go", .nth = 1, .action = SIM_ACT_RUN,
     .target = "lo"},
};

static void test_script_run_overrides_priority_once(void **state)
{
  ts *st = *state;
  run_script(st, scr_run_steps, 1, scr_run_main, 10, false);
  assert_normal_end(st);
  /* "lo" runs at "go" ahead of main and mid, up to its next point; then the
   * rtos order resumes.  Without the step: "lo:1 main:before main:after mid
   * lo:2 lo:3". */
  assert_string_equal(st->log, "lo:1 main:before lo:2 main:after mid lo:3");
}

/* A RUN step whose target has not started yet: the target keeps its claim
 * through its "thread_start" point (where priority order would otherwise
 * switch straight back) and runs up to its first point of its own. */
static void scr_unstarted_lo(void *arg)
{
  ts *st = arg;
  note(st, "lo:1");
  sim_point("lo_p");
  note(st, "lo:2");
  sim_sem_give(st->done);
}

static void scr_unstarted_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  sim_thread_create("lo", 1, scr_unstarted_lo, st);
  sim_thread_create("mid", 5, named_worker, st);
  note(st, "main:before");
  sim_point("go");
  note(st, "main:after");
  wait_done(st, 2);
}

static void test_script_run_unstarted_thread(void **state)
{
  ts *st = *state;
  run_script(st, scr_run_steps, 1, scr_unstarted_main, 10, false);
  assert_normal_end(st);
  assert_string_equal(st->log, "main:before lo:1 main:after mid lo:2");
}

/* ------------------------------------------------------------------ */
/* 12. sim_sched_finish                                                */

static void fin_asserter(void *arg)
{
  ts *st = arg;
  note(st, "asserter");
  sim_sched_finish(SIM_END_ASSERT, "boom %d", 42);
}

static void fin_sleeper(void *arg)
{
  ts *st = arg;
  sim_sleep_us(10);
  note(st, "sleeper");
}

static void fin_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  sim_thread_create("sleeper", 5, fin_sleeper, st);
  sim_thread_create("asserter", 1, fin_asserter, st);
  sim_thread_create("other", 1, named_worker, st);
  wait_done(st, 1);
  note(st, "main:after");
}

static void test_finish_ends_run_at_once(void **state)
{
  ts *st = *state;
  run_main(st, fin_main, 10);
  assert_string_equal(sim_end_name(st->out.end),
                      sim_end_name(SIM_END_ASSERT));
  assert_string_equal(st->out.message, "boom 42");
  assert_int_equal(st->out.end_us, 0);
  /* Neither the ready "other" nor the sleeper nor main ran afterwards. */
  assert_string_equal(st->log, "asserter");
}

/* ------------------------------------------------------------------ */
/* 13. main returning; clean-up and a second run                       */

static void count_dtor(void *v)
{
  (*(int *)v)++;
}

static void ret_waiter(void *arg)
{
  ts *st = arg;
  *sim_thread_tls(sim_thread_self(), 0) = &st->dtor_calls;
  note(st, "waiter:wait");
  (void)sim_sem_take(st->sem, SIM_FOREVER);
  note(st, "waiter:woke");
}

static void ret_sleeper(void *arg)
{
  ts *st = arg;
  *sim_thread_tls(sim_thread_self(), 0) = &st->dtor_calls;
  note(st, "sleeper:sleep");
  sim_sleep_us(1000000);
  note(st, "sleeper:woke");
}

static void ret_main(void *arg)
{
  ts *st = arg;
  sim_thread_set_tls_dtor(0, count_dtor);
  st->sem = sim_sem_new(0);
  sim_thread_create("waiter", 5, ret_waiter, st);
  sim_thread_create("sleeper", 5, ret_sleeper, st);
  note(st, "main:return");
}

static void second_main(void *arg)
{
  (void)arg;
  (void)sim_sem_take(sim_sem_new(0), SIM_FOREVER);
}

static void test_main_return_ends_run_and_fini_cleans_up(void **state)
{
  ts *st = *state;
  run_main(st, ret_main, 1);
  assert_normal_end(st);
  assert_int_equal(st->out.end_us, 0);
  assert_string_equal(st->log, "waiter:wait sleeper:sleep main:return");
  assert_int_equal(st->dtor_calls, 0);
  stop(st);
  /* Tearing down ended both blocked threads (their TLS destructors ran). */
  assert_int_equal(st->dtor_calls, 2);
  assert_string_equal(st->log, "waiter:wait sleeper:sleep main:return");

  /* A second run starts from scratch: clock at 0, objects numbered from 1,
   * no thread or timer left over from the first run. */
  run_main(st, second_main, 1);
  assert_string_equal(sim_end_name(st->out.end),
                      sim_end_name(SIM_END_DEADLOCK));
  assert_string_equal(st->out.message,
                      "no thread ready and no event pending at t=0.000000s:"
                      " main [prio 1] waits (take) on sem#1 (created by main "
                      "at t=0.000000s) at thread_start");
  assert_int_equal(st->dtor_calls, 2);
}

/* ------------------------------------------------------------------ */
/* 14. script steps that repeat; holds that give way                   */

/* "lo" starts and hands the token back at its give (main, waiting on the
 * semaphore, preempts it); from then on it takes one step per turn it gets.
 * Main passes "go" four times without blocking. */
static void every_lo(void *arg)
{
  ts *st = arg;
  note(st, "lo:start");
  sim_sem_give(st->sem);
  for (int i = 1; i <= 3; i++) {
    note(st, "lo%d", i);
    sim_point("lo_p");
  }
  sim_sem_give(st->done);
}

static void every_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->sem = sim_sem_new(0);
  sim_thread_create("lo", 1, every_lo, st);
  (void)sim_sem_take(st->sem, SIM_FOREVER);
  for (int i = 1; i <= 4; i++) {
    note(st, "m%d", i);
    sim_point("go");
  }
  note(st, "m:end");
  wait_done(st, 1);
}

static const sim_script_step every_steps[] = {
    {.thread = "main", .point = "go", .nth = 2, .action = SIM_ACT_RUN,
     .target = "lo", .every = true},
};

static const sim_script_step once_steps[] = {
    {.thread = "main", .point = "go", .nth = 2, .action = SIM_ACT_RUN,
     .target = "lo"},
};

static void test_script_every_fires_from_nth_hit_on(void **state)
{
  ts *st = *state;
  run_script(st, every_steps, 1, every_main, 10, true);
  assert_normal_end(st);
  /* Hits 2, 3 and 4 of "go" each give "lo" one step ahead of main; hit 1
   * does not. */
  assert_string_equal(st->log, "lo:start m1 m2 lo1 m3 lo2 m4 lo3 m:end");
  assert_trace(st, "script",
               "main@0 script run lo (main at go #2) | "
               "main@0 script run lo (main at go #3) | "
               "main@0 script run lo (main at go #4)");
}

static void test_script_step_without_every_fires_once(void **state)
{
  ts *st = *state;
  run_script(st, once_steps, 1, every_main, 10, true);
  assert_normal_end(st);
  /* Only hit 2 gives "lo" a step; its other steps wait until main blocks. */
  assert_string_equal(st->log, "lo:start m1 m2 lo1 m3 m4 m:end lo2 lo3");
  assert_trace(st, "script",
               "main@0 script run lo (main at go #2)");
}

/* The threads of the hold tests.  "T" (prio 5) holds itself at its first
 * "P", so it could run at every later point of the others but may not;
 * once released it gives gate[0] and reports done. */
static const sim_script_step hold_t_steps[] = {
    {.thread = "T", .point = "P", .nth = 1, .action = SIM_ACT_HOLD,
     .target = "T"},
};

static void held_t(void *arg)
{
  ts *st = arg;
  note(st, "T:1");
  sim_point("P");
  note(st, "T:2@%llu", now());
  sim_sem_give(st->gate[0]);
  sim_sem_give(st->done);
}

/* "U" (prio 1) takes three steps, then waits for "T" for ever: once it
 * blocks nothing can run and nothing is pending, so only the hold stands
 * between the run and a deadlock. */
static void waiting_u(void *arg)
{
  ts *st = arg;
  for (int i = 1; i <= 3; i++) {
    note(st, "U:%d", i);
    sim_point("Q");
  }
  (void)sim_sem_take(st->gate[0], SIM_FOREVER);
  note(st, "U:woke");
  sim_sem_give(st->done);
}

static void hold_deadlock_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->gate[0] = sim_sem_new(0);
  sim_thread_create("T", 5, held_t, st);
  sim_thread_create("U", 1, waiting_u, st);
  wait_done(st, 2);
  note(st, "main:end");
}

static void test_script_hold_gives_way_instead_of_deadlock(void **state)
{
  ts *st = *state;
  run_script(st, hold_t_steps, 1, hold_deadlock_main, 10, true);
  assert_normal_end(st);
  assert_int_equal(st->out.end_us, 0);
  /* T outranks U at each of U's points, yet runs only after U blocked. */
  assert_string_equal(st->log, "T:1 U:1 U:2 U:3 T:2@0 U:woke main:end");
  /* The release is the scheduler's own, traced, and comes right after the
   * last thread that could run blocked. */
  assert_trace(st, "script block",
               "main@0 block take sem#1 | "
               "T@0 script hold T (T at P #1) | "
               "U@0 block take sem#2 | "
               "idle@0 script release T (nothing else can run) | "
               "main@0 block take sem#1");
}

/* "U" sleeps instead: its timer is due later, not now, so the hold gives
 * way at the current time rather than let the clock move first. */
static void sleeping_u(void *arg)
{
  ts *st = arg;
  note(st, "U:1");
  sim_sleep_us(100);
  note(st, "U:slept@%llu", now());
  (void)sim_sem_take(st->gate[0], SIM_FOREVER);
  sim_sem_give(st->done);
}

static void hold_sleep_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->gate[0] = sim_sem_new(0);
  sim_thread_create("T", 5, held_t, st);
  sim_thread_create("U", 1, sleeping_u, st);
  wait_done(st, 2);
  note(st, "main:end");
}

static void test_script_hold_gives_way_before_time_moves(void **state)
{
  ts *st = *state;
  run_script(st, hold_t_steps, 1, hold_sleep_main, 10, false);
  assert_normal_end(st);
  assert_string_equal(st->log, "T:1 U:1 T:2@0 U:slept@100 main:end");
  assert_int_equal(st->out.end_us, 100);
}

/* "U" and "V" (prio 1 each) hand a semaphore back and forth: each blocks
 * in turn, but whenever one blocks the other can run, so the hold on "T"
 * must stand until both have finished. */
static void pingpong_u(void *arg)
{
  ts *st = arg;
  for (int i = 1; i <= 2; i++) {
    note(st, "U:%d", i);
    sim_sem_give(st->gate[1]);
    (void)sim_sem_take(st->gate[2], SIM_FOREVER);
  }
  sim_sem_give(st->done);
}

static void pingpong_v(void *arg)
{
  ts *st = arg;
  for (int i = 1; i <= 2; i++) {
    (void)sim_sem_take(st->gate[1], SIM_FOREVER);
    note(st, "V:%d", i);
    sim_sem_give(st->gate[2]);
  }
  sim_sem_give(st->done);
}

static void hold_busy_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  for (int i = 0; i < 3; i++)
    st->gate[i] = sim_sem_new(0);
  sim_thread_create("T", 5, held_t, st);
  sim_thread_create("U", 1, pingpong_u, st);
  sim_thread_create("V", 1, pingpong_v, st);
  wait_done(st, 3);
  note(st, "main:end");
}

static void test_script_hold_stands_while_another_can_run(void **state)
{
  ts *st = *state;
  run_script(st, hold_t_steps, 1, hold_busy_main, 10, true);
  assert_normal_end(st);
  assert_string_equal(st->log, "T:1 U:1 V:1 U:2 V:2 T:2@0 main:end");
  /* The one release comes after both others have exited (main ends the
   * run as soon as T reports done, before T itself exits). */
  assert_trace(st, "script exit",
               "T@0 script hold T (T at P #1) | "
               "V@0 exit V | U@0 exit U | "
               "idle@0 script release T (nothing else can run)");
}

/* "U" waits three times for an event due at the current virtual time: a
 * sim_call_at() event, an IRQ raised at the current time and an IRQ raised
 * (pending) just before it blocks.  Each is due now, so it must fire and
 * wake "U" before the hold on "T" gives way; only then does "U" wait for
 * "T" itself. */
static void now_event(void *arg)
{
  ts *st = arg;
  note(st, "event@%llu", now());
  sim_sem_give(st->gate[0]);
}

static void now_isr(void *arg)
{
  ts *st = arg;
  note(st, "isr@%llu", now());
  sim_sem_give(st->gate[0]);
}

static void events_u(void *arg)
{
  ts *st = arg;
  note(st, "U:1");
  sim_call_at(sim_clock_now_us(), now_event, st);
  (void)sim_sem_take(st->gate[0], SIM_FOREVER);
  note(st, "U:2");
  sim_irq_raise_at(st->irq, sim_clock_now_us());
  (void)sim_sem_take(st->gate[0], SIM_FOREVER);
  note(st, "U:3");
  sim_irq_raise(st->irq);
  (void)sim_sem_take(st->gate[0], SIM_FOREVER);
  note(st, "U:4");
  (void)sim_sem_take(st->gate[0], SIM_FOREVER);
  note(st, "U:woke");
  sim_sem_give(st->done);
}

static void hold_events_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->gate[0] = sim_sem_new(0);
  st->irq = sim_irq_register("now", 1, now_isr, st);
  /* Away from t = 0, so "due now" is not confused with "time zero". */
  sim_sleep_us(50);
  sim_thread_create("T", 5, held_t, st);
  sim_thread_create("U", 1, events_u, st);
  wait_done(st, 2);
  note(st, "main:end");
}

static void test_script_hold_waits_for_events_due_now(void **state)
{
  ts *st = *state;
  run_script(st, hold_t_steps, 1, hold_events_main, 10, true);
  assert_normal_end(st);
  assert_string_equal(st->log, "T:1 U:1 event@50 U:2 isr@50 U:3 isr@50 U:4 "
                               "T:2@50 U:woke main:end");
  assert_int_equal(st->out.end_us, 50);
  assert_int_equal(st->out.irqs, 2);
  assert_trace(st, "script irq",
               "T@50 script hold T (T at P #1) | "
               "idle@50 irq now | idle@50 irq now | "
               "idle@50 script release T (nothing else can run)");
}

/* Two holds: "A" (prio 5) is held first, "B" (prio 6) second.  When
 * nothing else can run the longest-held gives way first, whatever the
 * priorities; B waits until nothing can run again. */
static const sim_script_step two_holds_steps[] = {
    {.thread = "main", .point = "hold_a", .action = SIM_ACT_HOLD,
     .target = "A"},
    {.thread = "main", .point = "hold_b", .action = SIM_ACT_HOLD,
     .target = "B"},
};

static void two_holds_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  sim_thread_create("A", 5, named_worker, st);
  sim_thread_create("B", 6, named_worker, st);
  sim_point("hold_a");
  sim_point("hold_b");
  note(st, "main:held");
  wait_done(st, 2);
  note(st, "main:end");
}

static void test_script_longest_held_gives_way_first(void **state)
{
  ts *st = *state;
  run_script(st, two_holds_steps, 2, two_holds_main, 10, true);
  assert_normal_end(st);
  assert_string_equal(st->log, "main:held A B main:end");
  assert_trace(st, "script",
               "main@0 script hold A (main at hold_a #1) | "
               "main@0 script hold B (main at hold_b #1) | "
               "idle@0 script release A (nothing else can run) | "
               "idle@0 script release B (nothing else can run)");
}

/* ------------------------------------------------------------------ */
/* watchdog                                                            */

static atomic_int wd_release;

/* Spins without a scheduling point until the test releases it, then comes
 * back to the scheduler (where a wedged thread parks for good). */
static void wd_spinner(void *arg)
{
  (void)arg;
  sim_point("spin.enter");
  while (!atomic_load(&wd_release)) {
  }
  sim_point("spin.after");
}

static void wd_main(void *arg)
{
  (void)arg;
  sim_thread_create("spinner", 5, wd_spinner, NULL);
  sim_sleep_us(1000);
}

static void test_watchdog_reports_a_spinning_thread(void **state)
{
  ts *st = *state;
  atomic_store(&wd_release, 0);
  st->cfg.watchdog_ms = 300;
  run_main(st, wd_main, 1);
  assert_string_equal(sim_end_name(st->out.end), sim_end_name(SIM_END_FAULT));
  assert_true(st->out.wedged);
  assert_string_equal(st->out.message,
                      "watchdog: thread spinner ran more than 0.300 s (wall) "
                      "without a scheduling point; last point spin.enter");
  /* Let it come back: it parks, and fini can join it. */
  atomic_store(&wd_release, 1);
}

static void wd_busy(void *arg)
{
  (void)arg;
  /* Busy for longer than the watchdog's limit, but with points. */
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do {
    sim_point_silent("busy");
    clock_gettime(CLOCK_MONOTONIC, &t);
  } while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 <
           500);
}

static void test_watchdog_quiet_while_points_pass(void **state)
{
  ts *st = *state;
  st->cfg.watchdog_ms = 200;
  run_main(st, wd_busy, 1);
  assert_string_equal(sim_end_name(st->out.end), sim_end_name(SIM_END_NORMAL));
  assert_false(st->out.wedged);
}

/* ------------------------------------------------------------------ */

/* A hold armed at run time with `keep` lasts while time moves, until its
 * release step: "T" stays in "P" while "U" sleeps, and runs once "U"
 * reaches "R" (without `keep` it would run at t=0, see above). */
static const sim_script_step keep_hold = {
    .thread = "T", .point = "P", .action = SIM_ACT_HOLD, .target = "T",
    .keep = true};
static const sim_script_step keep_release = {
    .thread = "U", .point = "R", .action = SIM_ACT_RELEASE, .target = "T"};

static void keep_t(void *arg)
{
  ts *st = arg;
  note(st, "T:1");
  sim_script_add(&keep_hold);
  sim_script_add(&keep_release);
  sim_point("P");
  note(st, "T:2@%llu", now());
  sim_sem_give(st->done);
}

static void keep_u(void *arg)
{
  ts *st = arg;
  sim_sleep_us(100);
  note(st, "U:R@%llu", now());
  sim_point("R");
  note(st, "U:after");
  sim_sem_give(st->done);
}

static void keep_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  sim_thread_create("T", 5, keep_t, st);
  sim_thread_create("U", 1, keep_u, st);
  wait_done(st, 2);
  note(st, "main:end");
}

static void test_script_add_keep_hold_lasts_across_time(void **state)
{
  expect_run(*state, keep_main, 10, SIM_END_NORMAL,
             "T:1 U:R@100 T:2@100 U:after main:end");
}

/* What a blocked thread waits on, since when, and who gave a semaphore to
 * whom. */
static void waiter_w(void *arg)
{
  ts *st = arg;
  (void)sim_sem_take(st->gate[0], SIM_FOREVER);
  note(st, "W:woke@%llu", now());
  sim_sem_give(st->done);
}

static void wait_info_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->gate[0] = sim_sem_new(0);
  sim_sem_set_name(st->gate[0], "gate");
  sim_sleep_us(10);
  sim_thread_create("W", 3, waiter_w, st);
  sim_sleep_us(40);
  const sim_thread *w = sim_thread_find("W");
  char what[200];
  uint64_t since = 99;
  assert_non_null(w);
  assert_null(sim_thread_find("nobody"));
  assert_true(sim_thread_wait_info(w, what, sizeof what, &since));
  note(st, "since=%llu", (unsigned long long)since);
  assert_non_null(strstr(what, "take on sem#2 'gate'"));
  assert_false(sim_thread_wait_info(sim_thread_self(), what, sizeof what,
                                    NULL));
  sim_sem_history h;
  sim_sem_get_history(st->gate[0], &h);
  assert_int_equal(h.gives, 0);
  sim_sem_give(st->gate[0]);
  sim_sem_get_history(st->gate[0], &h);
  assert_int_equal(h.gives, 1);
  assert_int_equal(h.takes, 1);
  assert_string_equal(h.giver, "main");
  assert_string_equal(h.taker, "W");
  assert_int_equal(h.given_us, 50);
  wait_done(st, 1);
  note(st, "main:end");
}

static void test_wait_info_and_sem_history(void **state)
{
  expect_run(*state, wait_info_main, 10, SIM_END_NORMAL,
             "since=10 W:woke@50 main:end");
}

/* A thread blocked for ever on a semaphore that another thread's slot
 * frees at teardown (a deadlock's end): fini frees it without a fault. */
static void slot_dtor(void *p)
{
  sim_sem_free(p);
}

static void slot_owner(void *arg)
{
  ts *st = arg;
  sim_sem *own = sim_sem_new(0);
  *sim_thread_tls(sim_thread_self(), 1) = own;
  sim_thread_set_tls_dtor(1, slot_dtor);
  st->sem = own;
  (void)sim_sem_take(st->gate[0], SIM_FOREVER);
}

static void slot_waiter(void *arg)
{
  ts *st = arg;
  (void)sim_sem_take(st->sem, SIM_FOREVER);
}

static void slot_main(void *arg)
{
  ts *st = arg;
  st->gate[0] = sim_sem_new(0);
  sim_thread_create("O", 5, slot_owner, st);
  sim_thread_create("X", 4, slot_waiter, st);
  sim_sleep_us(10);
  note(st, "main:end");
}

static void test_fini_frees_a_semaphore_still_waited_on(void **state)
{
  ts *st = *state;
  run_main(st, slot_main, 1);
  assert_normal_end(st);
  stop(st);
  assert_string_equal(st->log, "main:end");
}

/* ------------------------------------------------------------------ */
/* the switch backend: errno per thread, stacks                        */

static void errno_worker(void *arg)
{
  ts *st = arg;
  int mine = sim_thread_prio(sim_thread_self()) == 2 ? 11 : 22;
  errno = mine;
  for (int i = 0; i < 3; i++) {
    sim_sleep_us(10); /* the other one runs and sets its own */
    note(st, "%s:%d", me(), errno == mine);
  }
  sim_sem_give(st->done);
}

static void errno_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  sim_thread_create("a", 2, errno_worker, st);
  sim_thread_create("b", 3, errno_worker, st);
  sim_sem_take(st->done, SIM_FOREVER);
  sim_sem_take(st->done, SIM_FOREVER);
  sim_sem_free(st->done);
}

static void test_errno_is_per_thread(void **state)
{
  ts *st = *state;
  run_main(st, errno_main, 1);
  assert_normal_end(st);
  assert_string_equal(st->log, "b:1 a:1 b:1 a:1 b:1 a:1");
}

/* Uses about `kib` KiB of its stack, out of the optimiser's reach. */
static __attribute__((noinline)) int stack_use(int kib)
{
  volatile char buf[1024];
  buf[0] = (char)kib;
  buf[sizeof buf - 1] = 1;
  if (kib <= 1)
    return buf[0];
  return stack_use(kib - 1) + buf[sizeof buf - 1];
}

static void stack_worker(void *arg)
{
  ts *st = arg;
  st->rc = stack_use((int)st->t[0]);
}

static void stack_main(void *arg)
{
  ts *st = arg;
  sim_thread_create_stack("deep", 2, stack_worker, st, (size_t)st->t[1]);
  sim_sleep_us(10);
}

static void test_stack_size_and_peak(void **state)
{
  ts *st = *state;
  st->t[0] = 40;         /* ~40 KiB deep */
  st->t[1] = 100 * 1024; /* asked: 100 KiB */
  run_main(st, stack_main, 1);
  assert_normal_end(st);
  const char *name = NULL;
  size_t size = 0, peak = 0;
  assert_true(sim_thread_stack_info(1, &name, &size, &peak));
  assert_string_equal(name, "deep");
  assert_true(size >= 100 * 1024 && size % 4096 == 0);
  assert_true(peak >= 40 * 1024);
  assert_true(peak < size);
  assert_true(sim_thread_stack_info(0, &name, &size, &peak));
  assert_string_equal(name, "main");
  assert_false(sim_thread_stack_info(2, &name, &size, &peak));
}

static void test_stack_overflow_is_a_fault(void **state)
{
  ts *st = *state;
  /* The overflowed thread never comes back (the run is wedged): the run
   * goes on in a child, which reports through its exit code. */
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    st->t[0] = 100000; /* ~100 MiB: past any stack */
    st->t[1] = 64 * 1024;
    run_main(st, stack_main, 1);
    const char *pre = "stack overflow: thread deep ran over its stack of ";
    unsigned long n = 0;
    char tail[16] = "";
    bool ok = st->out.end == SIM_END_FAULT && st->out.wedged &&
              strncmp(st->out.message, pre, strlen(pre)) == 0 &&
              sscanf(st->out.message + strlen(pre), "%lu %15s", &n, tail) ==
                  2 &&
              n >= 64 * 1024 && n % 4096 == 0 && strcmp(tail, "bytes") == 0;
    if (!ok)
      fprintf(stderr, "end %s wedged %d: %s\n", sim_end_name(st->out.end),
              st->out.wedged, st->out.message);
    fflush(NULL);
    _exit(ok ? 0 : 1);
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      HARNESS_TEST(test_highest_priority_runs_first),
      HARNESS_TEST(test_equal_priorities_run_fifo),
      HARNESS_TEST(test_give_to_higher_waiter_preempts),
      HARNESS_TEST(test_give_to_lower_waiter_does_not_switch),
      HARNESS_TEST(test_create_higher_priority_preempts),
      HARNESS_TEST(test_random_policy_reproducible_per_seed),
      HARNESS_TEST(test_pct_own_timeout_runs_at_deadline),
      HARNESS_TEST(test_timeouts_fire_at_exact_virtual_time),
      HARNESS_TEST(test_equal_deadlines_fire_in_creation_order),
      HARNESS_TEST(test_virtual_time_jumps),
      HARNESS_TEST(test_irq_runs_at_next_point),
      HARNESS_TEST(test_irq_held_back_while_masked),
      HARNESS_TEST(test_irq_raise_at_fires_while_all_sleep),
      HARNESS_TEST(test_irq_pin_fires_at_nth_hit),
      HARNESS_TEST(test_irq_give_preempts_after_return),
      HARNESS_TEST(test_call_at_runs_at_virtual_time),
      HARNESS_TEST(test_irq_pending_when_thread_blocks),
      HARNESS_TEST(test_blocking_in_isr_is_a_fault),
      HARNESS_TEST(test_deadlock_report_names_every_waiter),
      HARNESS_TEST(test_deadlock_report_mutex_cycle),
      HARNESS_TEST(test_time_limit_ends_in_hang),
      HARNESS_TEST(test_interrupt_ends_the_run),
      HARNESS_TEST(test_script_hold_and_release),
      HARNESS_TEST(test_script_ignored_under_rtos),
      HARNESS_TEST(test_script_run_overrides_priority_once),
      HARNESS_TEST(test_script_run_unstarted_thread),
      HARNESS_TEST(test_finish_ends_run_at_once),
      HARNESS_TEST(test_main_return_ends_run_and_fini_cleans_up),
      HARNESS_TEST(test_script_every_fires_from_nth_hit_on),
      HARNESS_TEST(test_script_step_without_every_fires_once),
      HARNESS_TEST(test_script_hold_gives_way_instead_of_deadlock),
      HARNESS_TEST(test_script_hold_gives_way_before_time_moves),
      HARNESS_TEST(test_script_hold_stands_while_another_can_run),
      HARNESS_TEST(test_script_hold_waits_for_events_due_now),
      HARNESS_TEST(test_script_longest_held_gives_way_first),
      HARNESS_TEST(test_watchdog_reports_a_spinning_thread),
      HARNESS_TEST(test_watchdog_quiet_while_points_pass),
      HARNESS_TEST(test_script_add_keep_hold_lasts_across_time),
      HARNESS_TEST(test_wait_info_and_sem_history),
      HARNESS_TEST(test_fini_frees_a_semaphore_still_waited_on),
      HARNESS_TEST(test_errno_is_per_thread),
      HARNESS_TEST(test_stack_size_and_peak),
      HARNESS_TEST(test_stack_overflow_is_a_fault),
  };
  return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}

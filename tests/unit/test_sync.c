/*
 * test_sync.c - unit tests of the RTOS objects (sim/sync.c): counting
 * semaphores, mutexes with priority inheritance and bounded mailboxes, and
 * the faults their misuse ends a run with.
 *
 * The harness (harness.h) gives each test a fresh scheduler (rtos policy,
 * seed 1); sim threads log what they see with note(), and the test
 * asserts the exact log once the run is over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"

#include "harness.h"

/* Messages are small integers carried in the pointer. */
#define MSG(n) ((void *)(uintptr_t)(n))
#define NUM(p) ((int)(uintptr_t)(p))

/* ------------------------------------------------------------------ */
/* semaphores                                                          */

static void sem_count_main(void *arg)
{
  ts *st = arg;
  sim_sem *s = sim_sem_new(2);
  note(st, "new=%u", sim_sem_count(s));
  note(st, "take=%d", sim_sem_take(s, SIM_FOREVER));
  note(st, "count=%u", sim_sem_count(s));
  sim_sem_give(s);
  sim_sem_give(s);
  note(st, "gave2 count=%u", sim_sem_count(s));
  for (int i = 0; i < 3; i++)
    note(st, "try=%d", sim_sem_trytake(s));
  int rc = sim_sem_trytake(s);
  note(st, "try=%d count=%u", rc, sim_sem_count(s));
  rc = sim_sem_take(s, 0);
  note(st, "poll=%d@%llu", rc, now());
  sim_sem_free(s);
}

static void test_sem_counts(void **state)
{
  ts *st = *state;
  run_main(st, sem_count_main, 1);
  assert_end(st, SIM_END_NORMAL);
  assert_int_equal(SIM_EAGAIN, -2);
  assert_string_equal(st->log, "new=2 take=0 count=1 gave2 count=3 "
                               "try=0 try=0 try=0 try=-2 count=0 "
                               "poll=-1@0");
}

static void give_first_giver(void *arg)
{
  ts *st = arg;
  sim_sem_give(st->sem);
  sim_sem_give(st->sem);
  note(st, "giver:count=%u", sim_sem_count(st->sem));
}

static void give_first_taker(void *arg)
{
  ts *st = arg;
  for (int i = 0; i < 3; i++) {
    int rc = sim_sem_take(st->sem, 100);
    note(st, "taker:%d@%llu", rc, now());
  }
  sim_sem_give(st->done);
}

static void give_first_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->sem = sim_sem_new(0);
  sim_thread_create("giver", 5, give_first_giver, st);
  sim_thread_create("taker", 1, give_first_taker, st);
  wait_done(st, 1);
}

static void test_sem_give_before_take(void **state)
{
  /* Both units were banked; the taker gets them without waiting and only
   * its third take times out. */
  expect_run(*state, give_first_main, 10, SIM_END_NORMAL,
             "giver:count=2 taker:0@0 taker:0@0 taker:-1@100");
}

/* "a" and "c" have priority 2, "b" and "d" priority 4; they reach the take
 * at t = 1, 2, 3, 4 us (a, b, c, d) but were created d, c, b, a. */
static void wake_waiter(void *arg)
{
  ts *st = arg;
  sim_sleep_us((uint64_t)(me()[0] - 'a' + 1));
  note(st, "%s:wait", me());
  (void)sim_sem_take(st->sem, SIM_FOREVER);
  note(st, "%s:got", me());
}

static void wake_main(void *arg)
{
  ts *st = arg;
  st->sem = sim_sem_new(0);
  sim_thread_create("d", 4, wake_waiter, st);
  sim_thread_create("c", 2, wake_waiter, st);
  sim_thread_create("b", 4, wake_waiter, st);
  sim_thread_create("a", 2, wake_waiter, st);
  sim_sleep_us(100);
  /* One unit at a time; main sleeps so the woken thread runs and logs. */
  for (int i = 0; i < 4; i++) {
    note(st, "give");
    sim_sem_give(st->sem);
    sim_sleep_us(10);
  }
}

static void test_sem_wakes_highest_priority_then_fifo(void **state)
{
  expect_run(*state, wake_main, 10, SIM_END_NORMAL,
             "a:wait b:wait c:wait d:wait "
             "give b:got give d:got give a:got give c:got");
}

/* ------------------------------------------------------------------ */
/* mutexes                                                             */

static void mtx_a(void *arg)
{
  ts *st = arg;
  sim_mutex_lock(st->mtx[0]);
  note(st, "A:locked held=%d", sim_mutex_held_by_self(st->mtx[0]));
  sim_sleep_us(100);
  note(st, "A:unlock");
  sim_mutex_unlock(st->mtx[0]);
  note(st, "A:after held=%d", sim_mutex_held_by_self(st->mtx[0]));
  sim_sem_give(st->done);
}

static void mtx_b(void *arg)
{
  ts *st = arg;
  note(st, "B:lock held=%d", sim_mutex_held_by_self(st->mtx[0]));
  sim_mutex_lock(st->mtx[0]);
  note(st, "B:locked@%llu held=%d", now(), sim_mutex_held_by_self(st->mtx[0]));
  sim_mutex_unlock(st->mtx[0]);
  sim_sem_give(st->done);
}

static void mtx_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->mtx[0] = sim_mutex_new();
  sim_thread_create("A", 3, mtx_a, st);
  sim_thread_create("B", 3, mtx_b, st);
  wait_done(st, 2);
  note(st, "main:lock");
  sim_mutex_lock(st->mtx[0]); /* free again: no wait */
  note(st, "main:locked@%llu", now());
  sim_mutex_unlock(st->mtx[0]);
  sim_mutex_free(st->mtx[0]);
}

static void test_mutex_contention(void **state)
{
  /* B waits until A unlocks at t = 100; the unlock hands the mutex to B,
   * which being of equal priority runs only after A. */
  expect_run(*state, mtx_main, 10, SIM_END_NORMAL,
             "A:locked held=1 B:lock held=0 A:unlock "
             "A:after held=0 B:locked@100 held=1 "
             "main:lock main:locked@100");
}

static void inh_low(void *arg)
{
  ts *st = arg;
  sim_mutex_lock(st->mtx[0]);
  note(st, "low:locked");
  sim_sleep_us(10);
  /* "mid" is ready here too. */
  sim_point("low_work");
  note(st, "low:work prio=%d", sim_thread_prio(sim_thread_self()));
  sim_mutex_unlock(st->mtx[0]);
  note(st, "low:after prio=%d", sim_thread_prio(sim_thread_self()));
  sim_sem_give(st->done);
}

static void inh_high(void *arg)
{
  ts *st = arg;
  note(st, "high:lock");
  sim_mutex_lock(st->mtx[0]);
  note(st, "high:locked");
  sim_mutex_unlock(st->mtx[0]);
  sim_sem_give(st->done);
}

static void inh_mid(void *arg)
{
  ts *st = arg;
  sim_sleep_us(5); /* ready at t = 10, with "low" */
  note(st, "mid:run");
  sim_sem_give(st->done);
}

static void inh_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->mtx[0] = sim_mutex_new();
  sim_thread_create("low", 1, inh_low, st);
  sim_sleep_us(5);
  sim_thread_create("high", 5, inh_high, st);
  sim_thread_create("mid", 3, inh_mid, st);
  wait_done(st, 3);
}

static void test_mutex_priority_inheritance(void **state)
{
  /* While "high" waits, "low" runs at priority 5, so "mid" cannot run
   * between; the unlock drops "low" back to 1 and hands over to "high".
   * Without inheritance "mid:run" would come before "low:work". */
  expect_run(*state, inh_main, 10, SIM_END_NORMAL,
             "low:locked high:lock low:work prio=5 "
             "high:locked mid:run low:after prio=1");
}

static void thief(void *arg)
{
  ts *st = arg;
  note(st, "thief:unlock");
  sim_mutex_unlock(st->mtx[0]);
  note(st, "thief:after");
}

static void thief_main(void *arg)
{
  ts *st = arg;
  st->mtx[0] = sim_mutex_new();
  sim_mutex_lock(st->mtx[0]);
  sim_sleep_us(30);
  sim_thread_create("thief", 5, thief, st);
  note(st, "main:after");
}

static void test_mutex_unlock_by_non_owner_faults(void **state)
{
  ts *st = *state;
  run_main(st, thief_main, 1);
  assert_end(st, SIM_END_FAULT);
  assert_string_equal(st->out.message,
                      "mutex#1 unlocked by thief, which does not hold it");
  assert_string_equal(st->log, "thief:unlock");
  assert_int_equal(st->out.end_us, 30);
}

static void isr_lock(void *arg)
{
  ts *st = arg;
  note(st, "isr:lock");
  sim_mutex_lock(st->mtx[0]);
  note(st, "isr:after");
}

static void isr_lock_main(void *arg)
{
  ts *st = arg;
  st->mtx[0] = sim_mutex_new();
  st->irq = sim_irq_register("rx", 1, isr_lock, st);
  sim_irq_raise(st->irq);
  sim_point("p");
  note(st, "main:after");
}

static void test_mutex_lock_in_isr_faults(void **state)
{
  ts *st = *state;
  run_main(st, isr_lock_main, 1);
  assert_end(st, SIM_END_FAULT);
  assert_string_equal(st->out.message,
                      "mutex#1 locked in interrupt context");
  assert_string_equal(st->log, "isr:lock");
}

/* ------------------------------------------------------------------ */
/* mailboxes                                                           */

static void mbox_fifo_main(void *arg)
{
  ts *st = arg;
  sim_mbox *b = sim_mbox_new(3);
  void *m = NULL;
  sim_mbox_post(b, MSG(1));
  sim_mbox_post(b, MSG(2));
  (void)sim_mbox_fetch(b, &m, SIM_FOREVER);
  note(st, "got=%d", NUM(m));
  /* These two wrap around the end of the ring. */
  sim_mbox_post(b, MSG(3));
  sim_mbox_post(b, MSG(4));
  note(st, "count=%u", sim_mbox_count(b));
  for (int i = 0; i < 3; i++) {
    int rc = sim_mbox_fetch(b, &m, 1000);
    note(st, "got=%d rc=%d", NUM(m), rc);
  }
  note(st, "count=%u@%llu", sim_mbox_count(b), now());
  sim_mbox_free(b);
}

static void test_mbox_fifo_order(void **state)
{
  expect_run(*state, mbox_fifo_main, 1, SIM_END_NORMAL,
             "got=1 count=3 got=2 rc=0 got=3 rc=0 "
             "got=4 rc=0 count=0@0");
}

/* The operation runs before its result and `m` are noted (argument
 * evaluation order is unspecified). */
static void note_try(ts *st, const char *op, int rc, void *m)
{
  note(st, "%s=%d m=%d", op, rc, NUM(m));
}

static void mbox_try_main(void *arg)
{
  ts *st = arg;
  sim_mbox *b = sim_mbox_new(2);
  void *m = MSG(99);
  int rc = sim_mbox_tryfetch(b, &m);
  note_try(st, "tryfetch", rc, m);
  note(st, "trypost=%d", sim_mbox_trypost(b, MSG(1)));
  note(st, "trypost=%d", sim_mbox_trypost(b, MSG(2)));
  rc = sim_mbox_trypost(b, MSG(3));
  note(st, "trypost=%d count=%u", rc, sim_mbox_count(b));
  rc = sim_mbox_tryfetch(b, &m);
  note_try(st, "tryfetch", rc, m);
  rc = sim_mbox_tryfetch(b, &m);
  note_try(st, "tryfetch", rc, m);
  m = MSG(99);
  rc = sim_mbox_tryfetch(b, &m);
  note_try(st, "tryfetch", rc, m);
  sim_mbox_free(b);
}

static void test_mbox_try_operations(void **state)
{
  /* The rejected third message is not stored: 1 and 2 come out. */
  expect_run(*state, mbox_try_main, 1, SIM_END_NORMAL,
             "tryfetch=-2 m=99 trypost=0 trypost=0 "
             "trypost=-2 count=2 tryfetch=0 m=1 "
             "tryfetch=0 m=2 tryfetch=-2 m=99");
}

static void mbox_tmo_main(void *arg)
{
  ts *st = arg;
  sim_mbox *b = sim_mbox_new(2);
  void *m = MSG(99);
  sim_sleep_us(100);
  int rc = sim_mbox_fetch(b, &m, 2500);
  note(st, "fetch=%d m=%d@%llu", rc, NUM(m), now());
  sim_mbox_free(b);
}

static void test_mbox_fetch_times_out(void **state)
{
  expect_run(*state, mbox_tmo_main, 1, SIM_END_NORMAL,
             "fetch=-1 m=99@2600");
}

/* A fetcher woken by a post whose message someone else took first waits
 * again for the rest of its timeout, not a fresh one. */
static void steal_fetcher(void *arg)
{
  ts *st = arg;
  void *m = MSG(99);
  int rc = sim_mbox_fetch(st->box, &m, 1000);
  note(st, "F:fetch=%d m=%d@%llu", rc, NUM(m), now());
  sim_sem_give(st->done);
}

static void steal_poster(void *arg)
{
  ts *st = arg;
  void *m = NULL;
  sim_sleep_us(300);
  (void)sim_mbox_trypost(st->box, MSG(7));
  int rc = sim_mbox_tryfetch(st->box, &m);
  note(st, "P:stole=%d rc=%d@%llu", NUM(m), rc, now());
  sim_sem_give(st->done);
}

static void steal_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->box = sim_mbox_new(2);
  sim_thread_create("F", 2, steal_fetcher, st);
  sim_thread_create("P", 5, steal_poster, st);
  wait_done(st, 2);
}

static void test_mbox_fetch_keeps_its_deadline(void **state)
{
  expect_run(*state, steal_main, 10, SIM_END_NORMAL,
             "P:stole=7 rc=0@300 F:fetch=-1 m=99@1000");
}

static void full_producer(void *arg)
{
  ts *st = arg;
  for (int i = 1; i <= 3; i++) {
    sim_mbox_post(st->box, MSG(i));
    note(st, "P:%d", i);
  }
  sim_sem_give(st->done);
}

static void full_consumer(void *arg)
{
  ts *st = arg;
  note(st, "C:fetching count=%u", sim_mbox_count(st->box));
  for (int i = 0; i < 3; i++) {
    void *m = NULL;
    (void)sim_mbox_fetch(st->box, &m, SIM_FOREVER);
    note(st, "C:%d", NUM(m));
  }
  sim_sem_give(st->done);
}

static void full_main(void *arg)
{
  ts *st = arg;
  st->done = sim_sem_new(0);
  st->box = sim_mbox_new(2);
  sim_thread_create("producer", 5, full_producer, st);
  sim_thread_create("consumer", 1, full_consumer, st);
  wait_done(st, 2);
}

static void test_mbox_post_blocks_while_full(void **state)
{
  /* The third post waits for the consumer's first fetch; the producer,
   * of higher priority, then finishes before the consumer goes on. */
  expect_run(*state, full_main, 10, SIM_END_NORMAL,
             "P:1 P:2 C:fetching count=2 P:3 C:1 C:2 C:3");
}

static void rx_waiter(void *arg)
{
  ts *st = arg;
  void *m = NULL;
  note(st, "W:fetch");
  (void)sim_mbox_fetch(st->box, &m, SIM_FOREVER);
  note(st, "W:got");
}

static void isr_post(void *arg)
{
  ts *st = arg;
  note(st, "isr:post=%d", sim_mbox_trypost(st->box, MSG(5)));
}

static void isr_post_main(void *arg)
{
  ts *st = arg;
  st->box = sim_mbox_new(1);
  st->irq = sim_irq_register("rx", 1, isr_post, st);
  sim_thread_create("W", 5, rx_waiter, st);
  sim_irq_raise(st->irq);
  sim_point("p");
  note(st, "main:after");
}

static void test_mbox_trypost_from_isr_wakes_fetcher(void **state)
{
  expect_run(*state, isr_post_main, 1, SIM_END_NORMAL,
             "W:fetch isr:post=0 W:got main:after");
}

/* ------------------------------------------------------------------ */
/* freeing an object someone waits on                                  */

static void sem_waiter(void *arg)
{
  ts *st = arg;
  note(st, "W:wait");
  (void)sim_sem_take(st->sem, SIM_FOREVER);
  note(st, "W:got");
}

static void free_sem_main(void *arg)
{
  ts *st = arg;
  st->sem = sim_sem_new(0);
  sim_thread_create("W", 5, sem_waiter, st);
  note(st, "main:free");
  sim_sem_free(st->sem);
  note(st, "main:after");
}

static void test_free_waited_sem_faults(void **state)
{
  ts *st = *state;
  run_main(st, free_sem_main, 1);
  assert_end(st, SIM_END_FAULT);
  assert_string_equal(st->out.message,
                      "sem#1 freed while thread W waits on it");
  assert_string_equal(st->log, "W:wait main:free");
}

static void tx_waiter(void *arg)
{
  ts *st = arg;
  sim_mbox_post(st->box, MSG(1));
  note(st, "W:post");
  sim_mbox_post(st->box, MSG(2));
  note(st, "W:posted");
}

static void free_mbox_main(void *arg)
{
  ts *st = arg;
  (void)sim_mbox_new(4); /* mbox#1, so the report must name #2 */
  st->box = sim_mbox_new(1);
  sim_thread_create("W", 5, tx_waiter, st);
  note(st, "main:free");
  sim_mbox_free(st->box);
  note(st, "main:after");
}

static void test_free_waited_mbox_faults(void **state)
{
  ts *st = *state;
  run_main(st, free_mbox_main, 1);
  assert_end(st, SIM_END_FAULT);
  assert_string_equal(st->out.message,
                      "mbox#2 freed while thread W waits on it");
  assert_string_equal(st->log, "W:post main:free");
}

/* ------------------------------------------------------------------ */

int main(void)
{
  const struct CMUnitTest tests[] = {
      HARNESS_TEST(test_sem_counts),
      HARNESS_TEST(test_sem_give_before_take),
      HARNESS_TEST(test_sem_wakes_highest_priority_then_fifo),
      HARNESS_TEST(test_mutex_contention),
      HARNESS_TEST(test_mutex_priority_inheritance),
      HARNESS_TEST(test_mutex_unlock_by_non_owner_faults),
      HARNESS_TEST(test_mutex_lock_in_isr_faults),
      HARNESS_TEST(test_mbox_fifo_order),
      HARNESS_TEST(test_mbox_try_operations),
      HARNESS_TEST(test_mbox_fetch_times_out),
      HARNESS_TEST(test_mbox_fetch_keeps_its_deadline),
      HARNESS_TEST(test_mbox_post_blocks_while_full),
      HARNESS_TEST(test_mbox_trypost_from_isr_wakes_fetcher),
      HARNESS_TEST(test_free_waited_sem_faults),
      HARNESS_TEST(test_free_waited_mbox_faults),
  };
  return cmocka_run_group_tests_name("sync", tests, NULL, NULL);
}

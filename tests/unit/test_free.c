/*
 * test_free.c - unit tests of the free-running backend (sim/free/, linked
 * as libsim-free.a): what the bench's free engines rely on to run the wire
 * and EMAC models on real threads.
 *
 * - Model sections (sim_model_lock) exclude each other and every event or
 *   IRQ handler: two threads and a train of events add to one counter
 *   with a plain read-modify-write, and not one increment is lost.
 * - sim_thread_find and sim_thread_wait_info name a blocked thread's
 *   semaphore and since when; sim_sem_get_history counts gives and takes
 *   and names giver and taker.
 * - Trace records from several threads at once stay whole lines, each
 *   with its own sequence number.
 *
 * Sim threads never call cmocka's asserts: they leave results in the
 * test's state, asserted after sim_sched_run() returns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"

#define ADDS 200000
#define EVENTS 200

typedef struct {
  volatile unsigned long counter;
  sim_sem *done;
  sim_sem *gate;
  unsigned events_run;
  /* wait-info test */
  bool found, info_ok, missing_is_null;
  char info[160];
  uint64_t since, asked_at;
  sim_sem_history h;
} fs;

static fs F;

/* One run of `fn` as thread "main" on a fresh F (each test starts clean). */
static sim_outcome run_main(sim_thread_fn fn)
{
  memset(&F, 0, sizeof F);
  sim_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.policy = SIM_POLICY_RANDOM;
  cfg.seed = 1;
  char err[128];
  assert_int_equal(sim_sched_init(&cfg, err, sizeof err), 0);
  sim_outcome out;
  sim_sched_run(fn, NULL, 1, &out);
  sim_sched_fini();
  return out;
}

/* ------------------------------------------------------------------ */
/* model sections                                                      */

static void adder(void *arg)
{
  (void)arg;
  for (int i = 0; i < ADDS; i++) {
    sim_model_lock();
    unsigned long v = F.counter;
    if ((i & 1023) == 0)
      sim_model_lock(), sim_model_unlock(); /* nests */
    F.counter = v + 1;
    sim_model_unlock();
  }
  sim_sem_give(F.done);
}

/* Events run under the mask already: no lock of their own. */
static void bump(void *arg)
{
  (void)arg;
  unsigned long v = F.counter;
  F.counter = v + 1;
  F.events_run++;
}

static void model_main(void *arg)
{
  (void)arg;
  F.done = sim_sem_new(0);
  uint64_t t = sim_clock_now_us();
  for (int i = 0; i < EVENTS; i++)
    sim_call_at(t + (uint64_t)i * 50u, bump, NULL);
  sim_thread_create("adder1", 2, adder, NULL);
  sim_thread_create("adder2", 2, adder, NULL);
  sim_sem_take(F.done, SIM_FOREVER);
  sim_sem_take(F.done, SIM_FOREVER);
  while (__atomic_load_n(&F.events_run, __ATOMIC_RELAXED) < EVENTS)
    sim_sleep_us(1000);
  sim_sem_free(F.done);
}

static void test_model_sections_exclude_threads_and_events(void **state)
{
  (void)state;
  sim_outcome out = run_main(model_main);
  assert_int_equal(out.end, SIM_END_NORMAL);
  assert_int_equal(F.events_run, EVENTS);
  assert_int_equal(F.counter, 2ul * ADDS + EVENTS);
}

/* ------------------------------------------------------------------ */
/* wait info and semaphore history                                     */

static void waiter(void *arg)
{
  (void)arg;
  sim_sem_take(F.gate, SIM_FOREVER);
  sim_sem_give(F.done);
}

static void info_main(void *arg)
{
  (void)arg;
  F.done = sim_sem_new(0);
  F.gate = sim_sem_new(0);
  sim_sem_set_name(F.gate, "gate");
  sim_thread_create("waiter", 2, waiter, NULL);
  sim_sleep_us(30000); /* long enough for it to block */
  sim_thread *t = sim_thread_find("waiter");
  F.found = t != NULL;
  F.missing_is_null = sim_thread_find("nobody") == NULL;
  F.asked_at = sim_clock_now_us();
  F.info_ok = t && sim_thread_wait_info(t, F.info, sizeof F.info, &F.since);
  sim_sem_give(F.gate);
  sim_sem_take(F.done, SIM_FOREVER);
  sim_sem_get_history(F.gate, &F.h);
  sim_sem_free(F.gate);
  sim_sem_free(F.done);
}

static void test_wait_info_and_sem_history(void **state)
{
  (void)state;
  sim_outcome out = run_main(info_main);
  assert_int_equal(out.end, SIM_END_NORMAL);
  assert_true(F.found);
  assert_true(F.missing_is_null);
  assert_true(F.info_ok);
  assert_non_null(strstr(F.info, "take on sem#"));
  assert_non_null(strstr(F.info, "'gate'"));
  assert_true(F.since <= F.asked_at);
  assert_int_equal(F.h.gives, 1);
  assert_int_equal(F.h.takes, 1);
  assert_string_equal(F.h.giver, "main");
  assert_string_equal(F.h.taker, "waiter");
}

/* ------------------------------------------------------------------ */
/* tracing from several threads                                        */

#define TRACERS 4
#define RECORDS 2000

static void tracer(void *arg)
{
  (void)arg;
  for (int i = 0; i < RECORDS; i++)
    sim_trace_eventf("t", "record %d of a thread with a long detail to "
                          "make interleaving visible %d", i, i);
  sim_sem_give(F.done);
}

static void trace_main(void *arg)
{
  (void)arg;
  F.done = sim_sem_new(0);
  for (int i = 0; i < TRACERS; i++)
    sim_thread_create("tracer", 2, tracer, NULL);
  for (int i = 0; i < TRACERS; i++)
    sim_sem_take(F.done, SIM_FOREVER);
  sim_sem_free(F.done);
}

static void test_trace_records_from_threads_stay_whole(void **state)
{
  (void)state;
  char path[] = "/tmp/lwipsim-test-free-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  char err[160];
  assert_int_equal(sim_trace_open(path, err, sizeof err), 0);
  sim_outcome out = run_main(trace_main);
  assert_int_equal(sim_trace_close(err, sizeof err), 0);
  assert_int_equal(out.end, SIM_END_NORMAL);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char line[512];
  unsigned n = 0, whole = 0, distinct = 0;
  static bool seen[TRACERS * RECORDS + 1];
  memset(seen, 0, sizeof seen);
  while (fgets(line, sizeof line, f)) {
    n++;
    const char *sq = strstr(line, "\"seq\":");
    unsigned long seq = sq ? strtoul(sq + 6, NULL, 10) : ~0ul;
    if (seq < TRACERS * RECORDS + 1 && !seen[seq]) {
      seen[seq] = true;
      distinct++;
    }
    size_t len = strlen(line);
    const char *kind = strstr(line, "\"kind\":");
    if (len > 3 && strncmp(line, "{\"t_us\":", 8) == 0 &&
        strcmp(line + len - 3, "\"}\n") == 0 && kind &&
        !strstr(kind + 1, "\"kind\":"))
      whole++;
  }
  fclose(f);
  unlink(path);
  assert_int_equal(whole, n);
  assert_int_equal(distinct, n); /* each sequence number once */
  /* every tracer's records, plus the backend's "end" record */
  assert_int_equal(n, TRACERS * RECORDS + 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model_sections_exclude_threads_and_events),
      cmocka_unit_test(test_wait_info_and_sem_history),
      cmocka_unit_test(test_trace_records_from_threads_stay_whole),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

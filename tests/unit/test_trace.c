/*
 * test_trace.c - the trace and its digest, and the seeded PRNG: the same
 * records give the same digest, any change gives another; the JSONL file
 * appears only when complete; strings are escaped; the PRNG repeats per
 * seed and stream and stays in range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim_prng.h"
#include "sim_trace.h"

#include "harness.h"

static uint64_t trace_digest_of(const char *detail3)
{
  char err[128];
  assert_int_equal(sim_trace_open(NULL, err, sizeof err), 0);
  sim_trace_emit(0, "main", "switch", "A (block)");
  sim_trace_emit(5, "A", "block", "take sem#1");
  sim_trace_emit(10, "idle", "timeout", detail3);
  uint64_t d = sim_trace_digest();
  assert_int_equal(sim_trace_records(), 3);
  assert_int_equal(sim_trace_close(err, sizeof err), 0);
  return d;
}

static void test_digest_is_stable_and_sensitive(void **state)
{
  (void)state;
  uint64_t a = trace_digest_of("take");
  uint64_t b = trace_digest_of("take");
  uint64_t c = trace_digest_of("take ");
  assert_int_equal(a, b);
  assert_true(a != c);
  assert_true(a != 0);
}

/* A trace opened to write "t.jsonl" in a fresh scratch directory. */
static void trace_open_scratch(scratch *sc)
{
  char err[256] = "";
  scratch_make(sc, "t.jsonl");
  assert_int_equal(sim_trace_open(sc->path, err, sizeof err), 0);
}

static void test_jsonl_file_appears_complete(void **state)
{
  (void)state;
  scratch sc;
  char err[256];
  trace_open_scratch(&sc);
  sim_trace_emit(7, "A \"quoted\"", "point", "line\nbreak\\");
  sim_trace_flush();
  /* While the run goes on only the temporary file exists. */
  assert_int_equal(access(sc.path, F_OK), -1);
  assert_int_equal(access(sc.tmp, F_OK), 0);
  assert_int_equal(sim_trace_close(err, sizeof err), 0);
  assert_int_equal(access(sc.tmp, F_OK), -1);
  FILE *f = fopen(sc.path, "r");
  assert_non_null(f);
  char line[256] = "";
  assert_non_null(fgets(line, sizeof line, f));
  fclose(f);
  assert_string_equal(line,
                      "{\"t_us\":7,\"seq\":0,\"thread\":\"A \\\"quoted\\\"\","
                      "\"kind\":\"point\",\"detail\":\"line\\u000abreak\\\\\"}"
                      "\n");
  assert_int_equal(unlink(sc.path), 0);
  assert_int_equal(rmdir(sc.dir), 0);
}

/* The decimal writer behind every record's header: the same digits as
 * printf's %llu, from 0 to UINT64_MAX. */
static void test_put_u64_matches_printf(void **state)
{
  (void)state;
  const uint64_t vs[] = {0, 1, 9, 10, 99, 100, 1000000, 4294967296ull,
                         UINT64_MAX - 1, UINT64_MAX};
  for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
    char got[24], want[24];
    size_t n = sim_trace_put_u64(got, vs[i]);
    got[n] = '\0';
    snprintf(want, sizeof want, "%llu", (unsigned long long)vs[i]);
    assert_string_equal(got, want);
  }
}

static void test_abandon_leaves_nothing(void **state)
{
  (void)state;
  scratch sc;
  trace_open_scratch(&sc);
  sim_trace_emit(1, "a", "b", "c");
  sim_trace_abandon();
  scratch_assert_gone(&sc);
}

static void test_unwritable_trace_is_an_error(void **state)
{
  (void)state;
  char err[256] = "";
  assert_int_equal(
      sim_trace_open("/nonexistent-dir/x/t.jsonl", err, sizeof err), -1);
  assert_non_null(strstr(err, "cannot write trace /nonexistent-dir/x/t.jsonl"));
  sim_trace_abandon();
}

static void test_prng_repeats_per_seed_and_stream(void **state)
{
  (void)state;
  sim_prng a, b, c, d;
  sim_prng_seed(&a, 7, SIM_STREAM_SCHED);
  sim_prng_seed(&b, 7, SIM_STREAM_SCHED);
  sim_prng_seed(&c, 8, SIM_STREAM_SCHED);
  sim_prng_seed(&d, 7, SIM_STREAM_APP);
  int same_c = 0, same_d = 0;
  for (int i = 0; i < 100; i++) {
    uint64_t x = sim_prng_next(&a);
    assert_int_equal(x, sim_prng_next(&b));
    same_c += x == sim_prng_next(&c);
    same_d += x == sim_prng_next(&d);
  }
  assert_int_equal(same_c, 0);
  assert_int_equal(same_d, 0);
}

static void test_prng_below_is_in_range_and_covers_it(void **state)
{
  (void)state;
  sim_prng p;
  sim_prng_seed(&p, 1, SIM_STREAM_SCHED);
  int seen[6] = {0};
  for (int i = 0; i < 6000; i++) {
    uint64_t v = sim_prng_below(&p, 6);
    assert_in_range(v, 0, 5);
    seen[v]++;
  }
  for (int i = 0; i < 6; i++)
    assert_in_range(seen[i], 800, 1200); /* roughly uniform */
  assert_int_equal(sim_prng_below(&p, 1), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_digest_is_stable_and_sensitive),
      cmocka_unit_test(test_jsonl_file_appears_complete),
      cmocka_unit_test(test_put_u64_matches_printf),
      cmocka_unit_test(test_abandon_leaves_nothing),
      cmocka_unit_test(test_unwritable_trace_is_an_error),
      cmocka_unit_test(test_prng_repeats_per_seed_and_stream),
      cmocka_unit_test(test_prng_below_is_in_range_and_covers_it),
  };
  return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}

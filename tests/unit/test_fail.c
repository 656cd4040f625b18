/*
 * test_fail.c - `--fail` specs: what the parser accepts, what it refuses
 * with one line, how a spec is written back (the capture's identity and
 * `replay` depend on it), and the CLI's handling of repeated options.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim_catalog.h"
#include "proto.h"
#include "sim_fail.h"

static const sim_variant one_variant[] = {
    {.name = "default", .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED, .policy = SIM_POLICY_RTOS},
};
static const sim_scenario s_one = {"one", "s", "r", one_variant, 1};
static const sim_scenario *const all[] = {&s_one};
static const sim_catalog cat = {all, 1};

static void test_accepts(void **state)
{
  (void)state;
  sim_fail_spec f;
  char err[256], back[64];
  assert_int_equal(proto_fail_parse("memp:PBUF_POOL@5", &f, err, sizeof err),
                   0);
  assert_false(f.heap);
  assert_string_equal(f.pool, "PBUF_POOL");
  assert_int_equal(f.nth, 5);
  proto_fail_format(&f, back, sizeof back);
  assert_string_equal(back, "memp:PBUF_POOL@5");

  assert_int_equal(proto_fail_parse("mem@1", &f, err, sizeof err), 0);
  assert_true(f.heap);
  assert_int_equal(f.nth, 1);
  proto_fail_format(&f, back, sizeof back);
  assert_string_equal(back, "mem@1");

  assert_int_equal(proto_fail_parse("memp:POOL_256@9223372036854775807", &f,
                                   err, sizeof err),
                   0);
  assert_int_equal(f.nth, INT64_MAX);
  assert_string_equal(f.pool, "POOL_256");
}

static void test_refuses(void **state)
{
  (void)state;
  static const char *const bad[] = {
      "",                      /* nothing */
      "mem",                   /* no @N */
      "mem@",                  /* no N */
      "mem@0",                 /* N counts from 1 */
      "mem@-1",                /* no sign */
      "mem@+3",
      "mem@0x10",              /* decimal only */
      "mem@ 3",
      "mem@3x",
      "mem@9223372036854775808", /* over 2^63-1 */
      "memp@3",                /* no pool */
      "memp:@3",               /* empty pool */
      "memp:PBUF POOL@3",      /* not a C name */
      "memp:PBUF-POOL@3",
      "memp:PBUF_POOL",        /* no @N */
      "memp:PBUF_POOL@0",
      "heap@3",                /* unknown kind */
      "MEM@3",
      "memp:A_NAME_LONGER_THAN_THE_FORTY_CHARACTER_LIMIT@1",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    sim_fail_spec f;
    char err[256] = "";
    assert_int_equal(proto_fail_parse(bad[i], &f, err, sizeof err), -1);
    assert_true(strncmp(err, "bad --fail '", 12) == 0);
    assert_null(strchr(err, '\n'));
  }
}

static void test_cli_repeats(void **state)
{
  (void)state;
  proto_opts o;
  char err[512];
  char *ok[] = {"lwipsim", "run", "one", "--fail", "memp:PBUF_POOL@3",
                "--fail", "mem@7"};
  assert_int_equal(proto_parse(7, ok, &cat, &o, err, sizeof err), 0);
  assert_int_equal(o.nfails, 2);
  assert_string_equal(o.fails[0].pool, "PBUF_POOL");
  assert_true(o.fails[1].heap);
  assert_int_equal(o.fails[1].nth, 7);

  char *bad[] = {"lwipsim", "run", "one", "--fail", "mem@0"};
  assert_int_equal(proto_parse(5, bad, &cat, &o, err, sizeof err), -1);
  assert_non_null(strstr(err, "bad --fail 'mem@0'"));

  char *novalue[] = {"lwipsim", "run", "one", "--fail"};
  assert_int_equal(proto_parse(4, novalue, &cat, &o, err, sizeof err), -1);
  assert_non_null(strstr(err, "needs a value"));

  char *suite[] = {"lwipsim", "suite", "--fail", "mem@1"};
  assert_int_equal(proto_parse(4, suite, &cat, &o, err, sizeof err), -1);
  assert_non_null(strstr(err, "does not take option"));

  char *many[3 + 2 * (SIM_FAIL_MAX + 1)];
  int n = 0;
  many[n++] = "lwipsim";
  many[n++] = "run";
  many[n++] = "one";
  for (int i = 0; i <= SIM_FAIL_MAX; i++) {
    many[n++] = "--fail";
    many[n++] = "mem@1";
  }
  assert_int_equal(proto_parse(n, many, &cat, &o, err, sizeof err), -1);
  assert_non_null(strstr(err, "at most 16 --fail"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_accepts),
      cmocka_unit_test(test_refuses),
      cmocka_unit_test(test_cli_repeats),
  };
  return cmocka_run_group_tests_name("fail", tests, NULL, NULL);
}

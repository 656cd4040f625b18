/*
 * test_cli.c - the command line parser shared by the front end and the
 * engines, against a catalog of its own: every rejection is one message,
 * defaults come from the variant, and exit codes follow the design.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim_catalog.h"
#include "proto.h"

static const sim_variant one_variant[] = {
    {.name = "default", .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED, .policy = SIM_POLICY_RTOS},
};
static const sim_variant two_variants[] = {
    {.name = "leak", .profile = "bug", .expected = SIM_VERDICT_REPRODUCED,
     .policy = SIM_POLICY_SCRIPT},
    {.name = "fixed", .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED, .policy = SIM_POLICY_SCRIPT},
};
static const sim_scenario s_one = {"one", "s", "r", one_variant, 1};
static const sim_scenario s_two = {"two", "s", "r", two_variants, 2};
static const sim_scenario *const all[] = {&s_one, &s_two};
static const sim_catalog cat = {all, 2};

#define ARGV(...)                                                         \
  (char *[]){"lwipsim", __VA_ARGS__, NULL},                               \
      (int)(sizeof((char *[]){"lwipsim", __VA_ARGS__}) / sizeof(char *))

static int parse(char **argv, int argc, proto_opts *o, char *err)
{
  return proto_parse(argc, argv, &cat, o, err, 256);
}

static void expect_error(char **argv, int argc, const char *want)
{
  proto_opts o;
  char err[256] = "";
  assert_int_equal(parse(argv, argc, &o, err), -1);
  assert_non_null(strstr(err, want));
  assert_null(strchr(err, '\n')); /* one line */
}

static void test_run_defaults_from_variant(void **state)
{
  (void)state;
  proto_opts o;
  char err[256];
  assert_int_equal(parse(ARGV("run", "one"), &o, err), 0);
  assert_int_equal(o.cmd, PROTO_CMD_RUN);
  assert_ptr_equal(o.scn, &s_one);
  assert_ptr_equal(o.var, &one_variant[0]);
  assert_int_equal(o.seed, 1);
  assert_int_equal(o.policy, SIM_POLICY_RTOS);
  assert_null(o.trace_path);
  assert_false(o.json);
}

static void test_run_all_options(void **state)
{
  (void)state;
  proto_opts o;
  char err[256];
  assert_int_equal(parse(ARGV("run", "--seed", "0x10", "two", "--variant",
                              "fixed", "--policy", "random", "--trace",
                              "t.jsonl", "--json", "-v"),
                         &o, err),
                   0);
  assert_ptr_equal(o.var, &two_variants[1]);
  assert_int_equal(o.seed, 16);
  assert_int_equal(o.policy, SIM_POLICY_RANDOM);
  assert_string_equal(o.trace_path, "t.jsonl");
  assert_true(o.json);
  assert_true(o.verbose);
  assert_int_equal(parse(ARGV("run", "two", "--variant=leak", "--seed",
                              "18446744073709551615"),
                         &o, err),
                   0);
  assert_int_equal(o.seed, UINT64_MAX);
  assert_int_equal(o.policy, SIM_POLICY_SCRIPT);
}

static void test_rejections_are_one_line(void **state)
{
  (void)state;
  expect_error(ARGV("frobnicate"), "unknown command 'frobnicate'");
  expect_error(ARGV("run"), "run needs a scenario name");
  expect_error(ARGV("run", "nope"), "unknown scenario 'nope'");
  expect_error(ARGV("run", "two"),
               "two has several variants; choose one with --variant: leak "
               "fixed");
  expect_error(ARGV("run", "two", "--variant", "x"),
               "unknown variant 'x' of two; variants: leak fixed");
  expect_error(ARGV("run", "one", "--seed", "-1"), "bad seed '-1'");
  expect_error(ARGV("run", "one", "--seed", "abc"), "bad seed 'abc'");
  expect_error(ARGV("run", "one", "--seed", "18446744073709551616"),
               "bad seed");
  expect_error(ARGV("run", "one", "--seed", ""), "bad seed ''");
  expect_error(ARGV("run", "one", "--seed", "12x"), "bad seed '12x'");
  expect_error(ARGV("run", "one", "--policy", "fifo"),
               "unknown policy 'fifo'");
  expect_error(ARGV("run", "one", "--bogus"), "unknown option '--bogus'");
  expect_error(ARGV("run", "one", "--seed"), "option '--seed' needs a value");
  expect_error(ARGV("run", "one", "extra"), "unexpected argument 'extra'");
  expect_error(ARGV("list", "x"), "list takes only --names ('x')");
  /* Found by fuzz_cli: a newline in an argument stays out of the line. */
  expect_error(ARGV("run", "one", "--runs\n3"), "unknown option '--runs?3'");
  expect_error(ARGV("run", "x\ny"), "unknown scenario 'x?y'");
  expect_error(ARGV("list", "--names", "y"), "list takes only --names ('y')");
}

static void test_help_version_list(void **state)
{
  (void)state;
  proto_opts o;
  char err[256];
  assert_int_equal(parse(ARGV("--help"), &o, err), 0);
  assert_int_equal(o.cmd, PROTO_CMD_HELP);
  assert_int_equal(parse(ARGV("--version"), &o, err), 0);
  assert_int_equal(o.cmd, PROTO_CMD_VERSION);
  assert_int_equal(parse(ARGV("list"), &o, err), 0);
  assert_int_equal(o.cmd, PROTO_CMD_LIST);
  assert_false(o.names_only);
  assert_int_equal(parse(ARGV("list", "--names"), &o, err), 0);
  assert_true(o.names_only);
  char *argv0[] = {"lwipsim", NULL};
  assert_int_equal(proto_parse(1, argv0, &cat, &o, err, 256), -1);
}

/* --report on run and replay (any order with --pcap), never over another
 * output or the capture being replayed. */
static void test_report_option(void **state)
{
  (void)state;
  proto_opts o;
  char err[256];
  assert_int_equal(parse(ARGV("run", "one", "--report", "r.html"), &o, err),
                   0);
  assert_string_equal(o.report_path, "r.html");
  assert_int_equal(parse(ARGV("replay", "a.pcapng", "--report", "r.html",
                              "--pcap", "b.pcapng"), &o, err), 0);
  assert_string_equal(o.report_path, "r.html");
  assert_string_equal(o.pcap_path, "b.pcapng");
  expect_error(ARGV("run", "one", "--report", ""), "--report needs a file");
  expect_error(ARGV("run", "one", "--report", "x", "--trace", "x"),
               "--report names the same file");
  expect_error(ARGV("replay", "a.pcapng", "--report", "a.pcapng"),
               "--report would overwrite the capture");
  expect_error(ARGV("replay", "a.pcapng", "--report"),
               "replay takes one capture file");
  expect_error(ARGV("replay", "a.pcapng", "--report", "r", "--report", "s"),
               "replay takes one capture file");
  expect_error(ARGV("suite", "--report", "r.html"),
               "suite does not take option '--report'");
  expect_error(ARGV("suite", "--report=r.html"),
               "suite does not take option '--report=r.html'");
  expect_error(ARGV("suite", "--json"), "suite does not take option '--json'");
}

static void test_exit_codes(void **state)
{
  (void)state;
  assert_int_equal(proto_exit_code(SIM_VERDICT_REPRODUCED,
                                   SIM_VERDICT_REPRODUCED),
                   PROTO_EXIT_OK);
  assert_int_equal(proto_exit_code(SIM_VERDICT_NOT_REPRODUCED,
                                   SIM_VERDICT_REPRODUCED),
                   PROTO_EXIT_MISMATCH);
  assert_int_equal(proto_exit_code(SIM_VERDICT_DEADLOCK,
                                   SIM_VERDICT_NOT_REPRODUCED),
                   PROTO_EXIT_FAULT);
  assert_int_equal(proto_exit_code(SIM_VERDICT_FAULT,
                                   SIM_VERDICT_REPRODUCED),
                   PROTO_EXIT_FAULT);
  assert_int_equal(proto_exit_code(SIM_VERDICT_DEADLOCK,
                                   SIM_VERDICT_DEADLOCK),
                   PROTO_EXIT_OK);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_run_defaults_from_variant),
      cmocka_unit_test(test_run_all_options),
      cmocka_unit_test(test_rejections_are_one_line),
      cmocka_unit_test(test_help_version_list),
      cmocka_unit_test(test_exit_codes),
      cmocka_unit_test(test_report_option),
  };
  return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}

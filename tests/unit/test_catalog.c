/*
 * test_catalog.c - the scenario catalogue's look-ups and the expectation
 * that applies to an lwIP version (sim/catalog.c): version strings as
 * lwIP prints them, rules tried lowest version first, `na` rules, and a
 * variant without rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim_catalog.h"

static const sim_variant variants[] = {
    SIM_VARIANT("plain", "board", REPRODUCED, RTOS, 0, "no rules"),
    SIM_VARIANT_BY_VERSION("ranged", "board", REPRODUCED, SCRIPT, 0,
                           "two rules",
                           SIM_NA_BEFORE(2, 0, 2, "too old"),
                           SIM_BEFORE(2, 1, 0, NOT_REPRODUCED, "2.0.x")),
};

static void test_version_parse(void **state)
{
  (void)state;
  assert_int_equal(sim_lwip_version_parse("2.1.3"), 0x020103);
  assert_int_equal(sim_lwip_version_parse("2.2.2d"), 0x020202);
  assert_int_equal(sim_lwip_version_parse("2.0.3rc1"), 0x020003);
  assert_int_equal(sim_lwip_version_parse("10.0.0"), 0x0a0000);
  const char *bad[] = {"", "2", "2.1", "2.x.3", "v2.1.3", "256.0.0", ".1.3",
                       NULL};
  for (int i = 0; i < 8; i++)
    assert_int_equal(sim_lwip_version_parse(bad[i]), 0);
}

static void test_expect_by_version(void **state)
{
  (void)state;
  const sim_variant *r = &variants[1];
  sim_expect e = sim_variant_expect(r, "2.1.3");
  assert_int_equal(e.expected, SIM_VERDICT_REPRODUCED);
  assert_false(e.na);
  assert_null(e.why);

  e = sim_variant_expect(r, "2.1.0");
  assert_int_equal(e.expected, SIM_VERDICT_REPRODUCED);

  e = sim_variant_expect(r, "2.0.3");
  assert_int_equal(e.expected, SIM_VERDICT_NOT_REPRODUCED);
  assert_false(e.na);
  assert_string_equal(e.why, "2.0.x");

  /* The lowest rule that covers the version wins. */
  e = sim_variant_expect(r, "2.0.1");
  assert_true(e.na);
  assert_string_equal(e.why, "too old");

  /* An unreadable version applies no rule: the variant's own. */
  e = sim_variant_expect(r, "unknown");
  assert_int_equal(e.expected, SIM_VERDICT_REPRODUCED);
  assert_null(e.why);
}

static void test_expect_without_rules(void **state)
{
  (void)state;
  sim_expect e = sim_variant_expect(&variants[0], "2.0.0");
  assert_int_equal(e.expected, SIM_VERDICT_REPRODUCED);
  assert_false(e.na);
  assert_null(e.why);
  assert_int_equal(variants[0].nrules, 0);
  assert_int_equal(variants[1].nrules, 2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_version_parse),
      cmocka_unit_test(test_expect_by_version),
      cmocka_unit_test(test_expect_without_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

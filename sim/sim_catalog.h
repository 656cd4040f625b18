/*
 * sim_catalog.h - what a scenario declares: its name, summary, the field
 * bug it comes from (its origin), and its variants, each with the lwipopts
 * profile (and so the engine) it runs on, its expected verdict and default
 * policy.
 *
 * Descriptors are plain data with no lwIP in them, so the front end lists
 * and validates scenarios without linking any lwIP build.
 */
#ifndef SIM_CATALOG_H
#define SIM_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_sched.h"

typedef enum {
  SIM_VERDICT_REPRODUCED = 0,
  SIM_VERDICT_NOT_REPRODUCED,
  SIM_VERDICT_DEADLOCK,
  SIM_VERDICT_FAULT
} sim_verdict;

/* An lwIP version as one number, 0xMMmmrr: SIM_LWIP(2, 1, 3) is 0x020103.
 * Development versions ("2.2.2d") count as their release. */
#define SIM_LWIP(major_, minor_, rev_)                                      \
  ((uint32_t)(((major_) << 16) | ((minor_) << 8) | (rev_)))

/* Where a variant's outcome depends on the lwIP tree: on versions below
 * `below` it expects `expected` instead (or, with `na`, does not apply at
 * all), for the reason `why` (one line, shown in the suite table). */
typedef struct {
  uint32_t below;            /* SIM_LWIP(...) */
  sim_verdict expected;
  bool na;                   /* the variant cannot run on such a tree */
  const char *why;
} sim_expect_rule;

typedef struct {
  const char *name;          /* "default" when there is only one */
  const char *summary;       /* one line */
  const char *profile;       /* contrib_port/lwipopts/<profile>/ */
  sim_verdict expected;      /* on the default tree and later versions */
  sim_policy policy;         /* default policy (--policy overrides) */
  uint64_t time_limit_us;    /* virtual; 0: the scheduler's default */
  const sim_expect_rule *rules; /* by lwIP version, lowest `below` first */
  size_t nrules;
} sim_variant;

/* What a variant expects on one lwIP tree. */
typedef struct {
  sim_verdict expected;
  bool na;                   /* the variant does not apply to the tree */
  const char *why;           /* the rule's reason; NULL: the variant's own */
} sim_expect;

typedef struct {
  const char *name;
  const char *summary;       /* one line */
  const char *origin;        /* the field bug it reproduces (or "baseline") */
  const sim_variant *variants;
  size_t nvariants;
} sim_scenario;

typedef struct {
  const sim_scenario *const *scenarios;
  size_t n;
} sim_catalog;

/* A descriptor reads as a table: a scenario's desc.c is one SIM_SCENARIO
 * with its name (the folder's, which is also the identifier the Makefile's
 * generated catalogue refers to: scn_<name>_desc), its summary, its origin
 * and then one SIM_VARIANT per variant:
 *
 *   SIM_SCENARIO(board_ping,
 *     "a scripted peer pings the board ...",       <- summary
 *     "baseline, no field bug: ...",               <- origin
 *     SIM_VARIANT("default", "board", NOT_REPRODUCED, RTOS, 0,
 *                 "ARP, then 10 echo requests ..."),
 *     SIM_VARIANT(...));
 *
 * SIM_VARIANT takes the variant's name, profile, expected verdict and
 * policy (a sim_verdict and a sim_policy without their prefixes), time
 * limit in virtual µs (0: the scheduler's default) and summary.  The
 * Makefile reads each variant's profile from the line that opens its
 * SIM_VARIANT (or SIM_VARIANT_BY_VERSION), so the name and the profile stay string literals on that
 * line; it builds the scenario into the engine of every profile named. */
#define SIM_VARIANT(name_, profile_, expected_, policy_, limit_us_, summary_) \
  {.name = (name_), .summary = (summary_), .profile = (profile_),           \
   .expected = SIM_VERDICT_##expected_, .policy = SIM_POLICY_##policy_,     \
   .time_limit_us = (limit_us_)}

/* SIM_VARIANT_BY_VERSION: SIM_VARIANT's fields, then the version rules,
 * each SIM_BEFORE(major, minor, rev, VERDICT, why) or
 * SIM_NA_BEFORE(major, minor, rev, why), lowest version first. */
#define SIM_VARIANT_BY_VERSION(name_, profile_, expected_, policy_,         \
                               limit_us_, summary_, ...)                    \
  {.name = (name_), .summary = (summary_), .profile = (profile_),           \
   .expected = SIM_VERDICT_##expected_, .policy = SIM_POLICY_##policy_,     \
   .time_limit_us = (limit_us_),                                            \
   .rules = (const sim_expect_rule[]){__VA_ARGS__},                         \
   .nrules = sizeof((const sim_expect_rule[]){__VA_ARGS__}) /               \
             sizeof(sim_expect_rule)}
#define SIM_BEFORE(major_, minor_, rev_, expected_, why_)                   \
  {.below = SIM_LWIP(major_, minor_, rev_),                                 \
   .expected = SIM_VERDICT_##expected_, .why = (why_)}
#define SIM_NA_BEFORE(major_, minor_, rev_, why_)                           \
  {.below = SIM_LWIP(major_, minor_, rev_), .na = true, .why = (why_)}

#define SIM_SCENARIO(id_, summary_, origin_, ...)                           \
  static const sim_variant scn_##id_##_variants[] = {__VA_ARGS__};          \
  const sim_scenario scn_##id_##_desc = {                                   \
      .name = #id_, .summary = (summary_), .origin = (origin_),             \
      .variants = scn_##id_##_variants,                                     \
      .nvariants = sizeof scn_##id_##_variants /                            \
                   sizeof scn_##id_##_variants[0]}

const sim_scenario *sim_catalog_find(const sim_catalog *c, const char *name);
const sim_variant *sim_catalog_variant(const sim_scenario *s,
                                       const char *name);
/* "2.1.3" (or "2.2.2d", "2.0.3rc1") as SIM_LWIP(2, 1, 3); 0 if it is not
 * a version. */
uint32_t sim_lwip_version_parse(const char *s);
/* What variant `v` expects on lwIP `lwip_version` ("2.1.3"): the first
 * rule whose `below` is above the version, else the variant's own. */
sim_expect sim_variant_expect(const sim_variant *v, const char *lwip_version);
const char *sim_verdict_name(sim_verdict v);
int sim_verdict_parse(const char *s, sim_verdict *out);

#endif

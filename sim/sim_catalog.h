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

#include <stddef.h>
#include <stdint.h>

#include "sim_sched.h"

typedef enum {
  SIM_VERDICT_REPRODUCED = 0,
  SIM_VERDICT_NOT_REPRODUCED,
  SIM_VERDICT_DEADLOCK,
  SIM_VERDICT_FAULT
} sim_verdict;

typedef struct {
  const char *name;          /* "default" when there is only one */
  const char *summary;       /* one line */
  const char *profile;       /* contrib_port/lwipopts/<profile>/ */
  sim_verdict expected;
  sim_policy policy;         /* default policy (--policy overrides) */
  uint64_t time_limit_us;    /* virtual; 0: the scheduler's default */
} sim_variant;

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
 * SIM_VARIANT, so the name and the profile stay string literals on that
 * line; it builds the scenario into the engine of every profile named. */
#define SIM_VARIANT(name_, profile_, expected_, policy_, limit_us_, summary_) \
  {.name = (name_), .summary = (summary_), .profile = (profile_),           \
   .expected = SIM_VERDICT_##expected_, .policy = SIM_POLICY_##policy_,     \
   .time_limit_us = (limit_us_)}

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
const char *sim_verdict_name(sim_verdict v);
int sim_verdict_parse(const char *s, sim_verdict *out);

#endif

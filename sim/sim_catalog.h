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

const sim_scenario *sim_catalog_find(const sim_catalog *c, const char *name);
const sim_variant *sim_catalog_variant(const sim_scenario *s,
                                       const char *name);
const char *sim_verdict_name(sim_verdict v);
int sim_verdict_parse(const char *s, sim_verdict *out);

#endif

/*
 * result.c - the engine's writer of run results (proto/result.h): the
 * JSON line of `run --json` and of explore's workers, and the text lines
 * for people.  The front end's reader is cli/result.c; what one writes the
 * other reads, under the keys of proto/result.h.
 *
 * Both forms are pure functions of the run: no pointers, and wall time
 * only in the JSON's timings.
 */
#include "engine.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_trace.h"
#include "sys_arch_sim.h"

/* The run's stacks, taken before the scheduler's teardown frees its
 * threads (engine_result_take_stacks). */
static proto_stack result_stacks[PROTO_MAX_STACKS];
static char result_stack_names[PROTO_MAX_STACKS][32];
static int result_nstacks;

void engine_result_take_stacks(void)
{
  const char *name;
  size_t size, peak;
  result_nstacks = 0;
  while (result_nstacks < PROTO_MAX_STACKS &&
         sim_thread_stack_info(result_nstacks, &name, &size, &peak)) {
    int i = result_nstacks++;
    snprintf(result_stack_names[i], sizeof result_stack_names[i], "%s",
             name);
    result_stacks[i] = (proto_stack){result_stack_names[i], size, peak};
  }
}

int engine_result_stacks(const proto_stack **stacks)
{
  *stacks = result_stacks;
  return result_nstacks;
}

void engine_result_fill(proto_result *r, proto_counter *counters,
                        char *digest, const proto_opts *o,
                        const scn_run *run, const sim_outcome *out,
                        uint64_t digest_value, double wall_ms, int code)
{
  memset(r, 0, sizeof *r);
  snprintf(digest, 24, "0x%016llx", (unsigned long long)digest_value);
  for (int i = 0; i < run->ncounters; i++) {
    counters[i].name = run->counters[i].name;
    counters[i].value = run->counters[i].value;
  }
  r->scenario = run->scenario->name;
  r->variant = run->variant->name;
  r->profile = run->variant->profile;
  r->seed = o->seed;
  r->policy = sim_policy_name(o->policy);
  r->lwip = sys_arch_lwip_version();
  r->verdict = run->verdict;
  r->expected = o->expect.expected;
  r->message = run->message;
  r->end = sim_end_name(out->end);
  r->digest = digest;
  r->counters = counters;
  r->ncounters = run->ncounters;
  r->timings.virtual_us = out->end_us;
  r->timings.points = out->points;
  r->timings.switches = out->switches;
  r->timings.irqs = out->irqs;
  r->timings.threads = out->threads;
  r->timings.trace_records = sim_trace_records();
  r->timings.wall_ms = wall_ms;
  r->nstacks = engine_result_stacks(&r->stacks);
  r->exit = code;
}

/* Adds key: value to obj; a value that could not be made (a string that
 * is not UTF-8) fails the whole result. */
static void engine_result_set(json_t *obj, const char *key, json_t *value,
                              bool *ok)
{
  if (!value || json_object_set_new(obj, key, value) != 0)
    *ok = false;
}

static json_t *engine_result_timings(const proto_timings *t, bool *ok)
{
  json_t *j = json_object();
  if (!j) {
    *ok = false;
    return NULL;
  }
  const struct {
    const char *key;
    uint64_t value;
  } ints[] = {
      {PROTO_KEY_VIRTUAL_US, t->virtual_us},
      {PROTO_KEY_POINTS, t->points},
      {PROTO_KEY_SWITCHES, t->switches},
      {PROTO_KEY_IRQS, t->irqs},
      {PROTO_KEY_THREADS, t->threads},
      {PROTO_KEY_TRACE_RECORDS, t->trace_records},
  };
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
    engine_result_set(j, ints[i].key, json_integer((json_int_t)ints[i].value),
                      ok);
  engine_result_set(j, PROTO_KEY_WALL_MS, json_real(t->wall_ms), ok);
  return j;
}

int engine_result_json(FILE *f, const proto_result *r)
{
  return engine_result_print(f, engine_result_object(r));
}

int engine_result_print(FILE *f, json_t *j)
{
  char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(j);
  if (!s) {
    fprintf(stderr, "lwipsim: cannot build the JSON result\n");
    return -1;
  }
  fprintf(f, "%s\n", s);
  free(s);
  return 0;
}

json_t *engine_result_object(const proto_result *r)
{
  bool ok = true;
  json_t *j = json_object(), *counters = json_object();
  const char *strings[][2] = {
      {PROTO_KEY_SCENARIO, r->scenario}, {PROTO_KEY_VARIANT, r->variant},
      {PROTO_KEY_PROFILE, r->profile}};
  for (size_t i = 0; j && i < 3; i++)
    engine_result_set(j, strings[i][0], json_string(strings[i][1]), &ok);
  if (j) {
    engine_result_set(j, PROTO_KEY_SEED, json_integer((json_int_t)r->seed),
                      &ok);
    const char *more[][2] = {
        {PROTO_KEY_POLICY, r->policy},
        {PROTO_KEY_LWIP, r->lwip},
        {PROTO_KEY_VERDICT, sim_verdict_name(r->verdict)},
        {PROTO_KEY_EXPECTED, sim_verdict_name(r->expected)},
        {PROTO_KEY_MESSAGE, r->message},
        {PROTO_KEY_END, r->end},
        {PROTO_KEY_DIGEST, r->digest}};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
      engine_result_set(j, more[i][0], json_string(more[i][1]), &ok);
    /* A counter that cannot be written is left out, not the result. */
    for (int i = 0; counters && i < r->ncounters; i++)
      json_object_set_new(counters, r->counters[i].name,
                          json_integer(r->counters[i].value));
    engine_result_set(j, PROTO_KEY_COUNTERS, counters, &ok);
    counters = NULL;
    engine_result_set(j, PROTO_KEY_TIMINGS,
                      engine_result_timings(&r->timings, &ok), &ok);
    json_t *stacks = json_array();
    for (int i = 0; stacks && i < r->nstacks; i++) {
      json_t *s = json_object();
      engine_result_set(s, PROTO_KEY_THREAD,
                        json_string(r->stacks[i].thread), &ok);
      engine_result_set(s, PROTO_KEY_SIZE,
                        json_integer((json_int_t)r->stacks[i].size), &ok);
      engine_result_set(s, PROTO_KEY_PEAK,
                        json_integer((json_int_t)r->stacks[i].peak), &ok);
      if (!s || json_array_append_new(stacks, s) != 0)
        ok = false;
    }
    engine_result_set(j, PROTO_KEY_STACKS, stacks, &ok);
    engine_result_set(j, PROTO_KEY_EXIT, json_integer(r->exit), &ok);
  }
  json_decref(counters);
  if (!ok) {
    json_decref(j);
    return NULL;
  }
  return j;
}

void engine_result_counters(FILE *f, const scn_run *run)
{
  for (int i = 0; i < run->ncounters; i++)
    fprintf(f, "counter: %s=%lld\n", run->counters[i].name,
            run->counters[i].value);
}

void engine_result_text(FILE *f, const proto_result *r,
                        const char *divergence)
{
  for (int i = 0; i < r->ncounters; i++)
    fprintf(f, "counter: %s=%lld\n", r->counters[i].name,
            r->counters[i].value);
  const proto_timings *t = &r->timings;
  fprintf(f, "virtual: %llu.%06llus points=%llu switches=%llu irqs=%llu\n",
          (unsigned long long)(t->virtual_us / 1000000),
          (unsigned long long)(t->virtual_us % 1000000),
          (unsigned long long)t->points, (unsigned long long)t->switches,
          (unsigned long long)t->irqs);
  if (divergence && *divergence)
    fprintf(f, PROTO_LINE_DIVERGED "%s\n", divergence);
  proto_result_tail(f, sim_verdict_name(r->verdict),
                    sim_verdict_name(r->expected), r->message, r->digest);
}

void engine_result_killed(FILE *f, uint64_t seed, int sig)
{
  /* Written by hand, not by jansson: the worker is the parent of the run
   * that died and holds no result of it, only its seed and signal. */
  char site[256];
  engine_sweep_killed_site(site, sizeof site);
  fprintf(f, "{\"" PROTO_KEY_SEED "\": %llu, \"" PROTO_KEY_VERDICT
          "\": \"fault\", \"" PROTO_KEY_MESSAGE "\": \"engine killed by "
          "signal %d\", \"" PROTO_KEY_DIGEST "\": \"-\", \"" PROTO_KEY_EXIT
          "\": %d%s%s%s}\n",
          (unsigned long long)seed, sig, PROTO_EXIT_FAULT,
          site[0] ? ", \"sweep\": {\"site\": [" : "", site,
          site[0] ? "]}" : "");
}

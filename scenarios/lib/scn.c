/*
 * scn.c - the runtime a scenario calls into while it runs.  Verdicts and
 * counters also go to the trace, so they are covered by the digest.
 */
#include "scn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim_sched.h"
#include "sim_trace.h"

void scn_verdict(scn_run *run, sim_verdict v, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(run->message, sizeof run->message, fmt, ap);
  va_end(ap);
  run->verdict = v;
  run->has_verdict = true;
}

void scn_counter(scn_run *run, const char *name, long long value)
{
  int i;
  for (i = 0; i < run->ncounters; i++)
    if (strcmp(run->counters[i].name, name) == 0)
      break;
  if (i == SCN_MAX_COUNTERS)
    return;
  if (i == run->ncounters) {
    snprintf(run->counters[i].name, sizeof run->counters[i].name, "%s", name);
    run->ncounters++;
  }
  run->counters[i].value = value;
  sim_trace_eventf("counter", "%s=%lld", name, value);
}

void scn_at_end(scn_run *run, void (*fn)(void *arg), void *arg)
{
  if (run->ncleanups == SCN_MAX_CLEANUPS)
    sim_sched_finish(SIM_END_FAULT, "too many scn_at_end() cleanups");
  run->cleanups[run->ncleanups].fn = fn;
  run->cleanups[run->ncleanups].arg = arg;
  run->ncleanups++;
}

void scn_start_point(scn_run *run)
{
  sim_sched_start_point();
  run->seed = sim_sched_seed();
}

bool scn_variant_is(const scn_run *run, const char *name)
{
  return strcmp(run->variant->name, name) == 0;
}

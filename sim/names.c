/*
 * names.c - the words for policies and run ends, shared by the
 * deterministic scheduler and the free-running backend (sim/free/).
 */
#include <string.h>

#include "sim_sched.h"

static const char *const sim_policy_names[] = {"rtos", "random", "script",
                                               "pct"};
#define SIM_NPOLICIES 4

const char *sim_policy_name(sim_policy p)
{
  return (unsigned)p < SIM_NPOLICIES ? sim_policy_names[p] : "?";
}

int sim_policy_parse(const char *s, sim_policy *out)
{
  for (int i = 0; i < SIM_NPOLICIES; i++)
    if (strcmp(s, sim_policy_names[i]) == 0) {
      *out = (sim_policy)i;
      return 0;
    }
  return -1;
}

const char *sim_end_name(sim_end e)
{
  static const char *const n[] = {"running", "normal", "deadlock",
                                  "hang",    "fault",  "assert"};
  return (unsigned)e < 6 ? n[e] : "?";
}

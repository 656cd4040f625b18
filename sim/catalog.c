/*
 * catalog.c - look-ups in the scenario catalog (linear: tens of entries).
 */
#include "sim_catalog.h"

#include <string.h>

const sim_scenario *sim_catalog_find(const sim_catalog *c, const char *name)
{
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->scenarios[i]->name, name) == 0)
      return c->scenarios[i];
  return NULL;
}

const sim_variant *sim_catalog_variant(const sim_scenario *s,
                                       const char *name)
{
  if (!name)
    return s->nvariants == 1 ? &s->variants[0] : NULL;
  for (size_t i = 0; i < s->nvariants; i++)
    if (strcmp(s->variants[i].name, name) == 0)
      return &s->variants[i];
  return NULL;
}

static const char *const sim_verdict_names[] = {
    "reproduced", "not-reproduced", "deadlock", "fault"};

const char *sim_verdict_name(sim_verdict v)
{
  return (unsigned)v < 4 ? sim_verdict_names[v] : "?";
}

int sim_verdict_parse(const char *s, sim_verdict *out)
{
  for (int i = 0; i < 4; i++)
    if (strcmp(s, sim_verdict_names[i]) == 0) {
      *out = (sim_verdict)i;
      return 0;
    }
  return -1;
}

/*
 * catalog.c - look-ups in the scenario catalog (linear: tens of entries)
 * and the expectation that applies to an lwIP version.
 */
#include "sim_catalog.h"

#include <stdlib.h>
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

uint32_t sim_lwip_version_parse(const char *s)
{
  unsigned long part[3];
  for (int i = 0; i < 3; i++) {
    if (!s || *s < '0' || *s > '9')
      return 0;
    char *end;
    part[i] = strtoul(s, &end, 10);
    if (part[i] > 255 || (i < 2 && *end != '.'))
      return 0;
    s = i < 2 ? end + 1 : end;
  }
  return SIM_LWIP(part[0], part[1], part[2]);
}

sim_expect sim_variant_expect(const sim_variant *v, const char *lwip_version)
{
  sim_expect e = {.expected = v->expected};
  uint32_t have = sim_lwip_version_parse(lwip_version);
  for (size_t i = 0; have && i < v->nrules; i++)
    if (have < v->rules[i].below) {
      e.expected = v->rules[i].expected;
      e.na = v->rules[i].na;
      e.why = v->rules[i].why;
      break;
    }
  return e;
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

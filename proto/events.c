/*
 * events.c - the kinds of trace record `--pcap-events LIST` puts in the
 * capture: the groups a user names and the record kinds in each.
 *
 * One table, read by the option's check (proto/opts.c) and by the engine
 * for every record (engine/outputs.c), so both programs agree on what a
 * name means.  A record kind no group names falls in "other", so a new
 * kind is never silently left out of "all".
 */
#include "proto.h"

#include <stdio.h>
#include <string.h>

static const struct {
  const char *name;
  unsigned bit;
  const char *kinds; /* record kinds, space-separated; NULL: the rest */
} proto_ev_groups[] = {
    {"sched", PROTO_EV_SCHED,
     "switch block wake timeout thread_new exit inherit disinherit choice "
     "script pin pct"},
    {"irq", PROTO_EV_IRQ, "irq"},
    {"pool", PROTO_EV_POOL, "pool heap"},
    {"fail", PROTO_EV_FAIL, "fail"},
    {"assert", PROTO_EV_ASSERT, "end"},
    {"verdict", PROTO_EV_VERDICT, "verdict counter"},
    {"point", PROTO_EV_POINT, "point"},
    {"other", PROTO_EV_OTHER, NULL},
};

#define PROTO_EV_NGROUPS (sizeof proto_ev_groups / sizeof *proto_ev_groups)

/* Is `kind` one of the space-separated words of `list`? */
static int proto_ev_in(const char *list, const char *kind)
{
  size_t n = strlen(kind);
  for (const char *p = list; *p;) {
    size_t w = strcspn(p, " ");
    if (w == n && strncmp(p, kind, n) == 0)
      return 1;
    p += w;
    p += *p == ' ';
  }
  return 0;
}

unsigned proto_event_group(const char *kind)
{
  for (size_t i = 0; i < PROTO_EV_NGROUPS; i++)
    if (proto_ev_groups[i].kinds && proto_ev_in(proto_ev_groups[i].kinds,
                                                kind))
      return proto_ev_groups[i].bit;
  return PROTO_EV_OTHER;
}

int proto_events_parse(const char *list, unsigned *mask, char *err,
                       size_t errlen)
{
  unsigned m = 0;
  const char *p = list;
  do {
    size_t w = strcspn(p, ",");
    unsigned bit = 0;
    if (w == 3 && strncmp(p, "all", 3) == 0)
      bit = PROTO_EV_ALL;
    for (size_t i = 0; !bit && i < PROTO_EV_NGROUPS; i++)
      if (strlen(proto_ev_groups[i].name) == w &&
          strncmp(p, proto_ev_groups[i].name, w) == 0)
        bit = proto_ev_groups[i].bit;
    if (!bit) {
      snprintf(err, errlen, "bad --pcap-events '%s': want a comma-separated "
               "list of %s or all", list, PROTO_EV_NAMES);
      return -1;
    }
    m |= bit;
    p += w;
  } while (*p++ == ',');
  *mask = m;
  return 0;
}

const char *proto_event_kinds(const char *group)
{
  for (size_t i = 0; i < PROTO_EV_NGROUPS; i++)
    if (strcmp(proto_ev_groups[i].name, group) == 0)
      return proto_ev_groups[i].kinds ? proto_ev_groups[i].kinds
                                       : "every other kind";
  return NULL;
}

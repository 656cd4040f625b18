/*
 * result.c - the front end's reader of engine results (proto/result.h):
 * the JSON form that suite's jobs and explore's workers and one-shot runs
 * print, and the lines of the text form that replay needs.
 *
 * The reader is lenient in one way only: it takes the fields it finds and
 * records which (proto_result.have); each caller decides what it cannot
 * do without (suite: verdict, message, digest, virtual time; explore: the
 * verdict and message, or the points and threads of a first run), so a
 * short or damaged answer is a fault of that run, never a crash.
 */
#include "cli.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* A string member of `obj`, or NULL. */
static const char *cli_result_str(json_t *obj, const char *key)
{
  return json_string_value(json_object_get(obj, key));
}

/* An integer member of `obj`: true with *out, or false. */
static bool cli_result_int(json_t *obj, const char *key, json_int_t *out)
{
  json_t *v = json_object_get(obj, key);
  if (!json_is_integer(v))
    return false;
  *out = json_integer_value(v);
  return true;
}

static void cli_result_timings(json_t *t, proto_result *r)
{
  static const struct {
    const char *key;
    size_t at;
    unsigned has;
  } fields[] = {
      {PROTO_KEY_VIRTUAL_US, offsetof(proto_timings, virtual_us),
       PROTO_HAS_VIRTUAL_US},
      {PROTO_KEY_POINTS, offsetof(proto_timings, points), PROTO_HAS_POINTS},
      {PROTO_KEY_SWITCHES, offsetof(proto_timings, switches), 0},
      {PROTO_KEY_IRQS, offsetof(proto_timings, irqs), 0},
      {PROTO_KEY_THREADS, offsetof(proto_timings, threads),
       PROTO_HAS_THREADS},
      {PROTO_KEY_TRACE_RECORDS, offsetof(proto_timings, trace_records), 0},
  };
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    json_int_t v;
    if (!cli_result_int(t, fields[i].key, &v))
      continue;
    uint64_t u = (uint64_t)v;
    memcpy((char *)&r->timings + fields[i].at, &u, sizeof u);
    r->have |= fields[i].has;
  }
  r->timings.wall_ms = json_number_value(json_object_get(t, PROTO_KEY_WALL_MS));
}

int cli_result_parse(const char *text, cli_result *res)
{
  memset(res, 0, sizeof *res);
  proto_result *r = &res->r;
  r->verdict = r->expected = SIM_VERDICT_FAULT;
  r->exit = PROTO_EXIT_FAULT;
  json_t *j = json_loads(text, 0, NULL);
  if (!json_is_object(j)) {
    json_decref(j);
    return -1;
  }
  res->doc = j;
  r->scenario = cli_result_str(j, PROTO_KEY_SCENARIO);
  r->variant = cli_result_str(j, PROTO_KEY_VARIANT);
  r->profile = cli_result_str(j, PROTO_KEY_PROFILE);
  r->policy = cli_result_str(j, PROTO_KEY_POLICY);
  r->lwip = cli_result_str(j, PROTO_KEY_LWIP);
  r->end = cli_result_str(j, PROTO_KEY_END);
  const char *s = cli_result_str(j, PROTO_KEY_VERDICT);
  if (s && sim_verdict_parse(s, &r->verdict) == 0)
    r->have |= PROTO_HAS_VERDICT;
  s = cli_result_str(j, PROTO_KEY_EXPECTED);
  if (s)
    (void)sim_verdict_parse(s, &r->expected);
  if ((r->message = cli_result_str(j, PROTO_KEY_MESSAGE)))
    r->have |= PROTO_HAS_MESSAGE;
  if ((r->digest = cli_result_str(j, PROTO_KEY_DIGEST)))
    r->have |= PROTO_HAS_DIGEST;
  json_int_t v;
  if (cli_result_int(j, PROTO_KEY_SEED, &v)) {
    r->seed = (uint64_t)v;
    r->have |= PROTO_HAS_SEED;
  }
  if (cli_result_int(j, PROTO_KEY_EXIT, &v)) {
    r->exit = (int)v;
    r->have |= PROTO_HAS_EXIT;
  }
  json_t *t = json_object_get(j, PROTO_KEY_TIMINGS);
  if (json_is_object(t))
    cli_result_timings(t, r);
  return 0;
}

int cli_result_parse_last(const char *out, cli_result *res)
{
  const char *last = out, *p;
  while ((p = strchr(last, '\n')) && p[1])
    last = p + 1;
  return cli_result_parse(last, res);
}

void cli_result_free(cli_result *res)
{
  json_decref(res->doc);
  res->doc = NULL;
}

void cli_result_text_line(const char *line, cli_result_text *t)
{
  if (strncmp(line, PROTO_LINE_DIGEST, strlen(PROTO_LINE_DIGEST)) == 0)
    sscanf(line + strlen(PROTO_LINE_DIGEST), "%18s", t->digest);
  if (strncmp(line, PROTO_LINE_DIVERGED, strlen(PROTO_LINE_DIVERGED)) == 0)
    t->diverged = true;
}

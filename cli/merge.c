/*
 * merge.c - `lwipsim merge F.json... [--json G]`: the --json summaries of
 * the shards of one explore or one sweep (a CI matrix, an indexed Job,
 * GNU parallel over hosts) folded into the summary one run over all their
 * seeds or runs would have printed.
 *
 * Counts are sums; a failure group (explore: verdict and message with
 * numbers as '#', cli_explore_key; sweep: class, pool and resolved call
 * site) keeps its lowest seed or N overall, with that shard's message,
 * replay command and schedule.  Shards must come from one campaign: the
 * same kind, scenario, variant, lwIP and build (and policy and PCT
 * parameters, or pools and seed), with seed or run ranges that do not
 * overlap; anything else is refused with one line, exit 2, before
 * anything is written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct {
  const char *path;
  json_t *doc;
  bool sweep;
  json_int_t lo, hi; /* seeds or runs */
} mg_file;

static const char *mg_str(json_t *j, const char *key)
{
  const char *s = json_string_value(json_object_get(j, key));
  return s ? s : "";
}

static json_int_t mg_int(json_t *j, const char *key)
{
  return json_integer_value(json_object_get(j, key));
}

/* Loads one summary: 0, or -1 with err. */
static int mg_load(mg_file *f, char *err, size_t errlen)
{
  json_error_t je;
  f->doc = json_load_file(f->path, 0, &je);
  if (!f->doc) {
    snprintf(err, errlen, "cannot read %s: %s", f->path,
             errno == ENOENT ? strerror(errno) : je.text);
    return -1;
  }
  const char *cmd = mg_str(f->doc, "command");
  if (!json_is_object(f->doc) ||
      (strcmp(cmd, "sweep") != 0 && !json_object_get(f->doc, "first_seed"))) {
    snprintf(err, errlen, "%s is not the --json summary of explore or sweep",
             f->path);
    return -1;
  }
  f->sweep = strcmp(cmd, "sweep") == 0;
  f->lo = mg_int(f->doc, f->sweep ? "first_run" : "first_seed");
  f->hi = mg_int(f->doc, f->sweep ? "last_run" : "last_seed");
  return 0;
}

/* The fields that must agree between the shards of one campaign. */
static int mg_check(const mg_file *a, const mg_file *b, char *err,
                    size_t errlen)
{
  if (a->sweep != b->sweep) {
    snprintf(err, errlen, "%s is %s summary, %s %s one", a->path,
             a->sweep ? "a sweep" : "an explore", b->path,
             b->sweep ? "a sweep" : "an explore");
    return -1;
  }
  static const char *const both[] = {"scenario", "variant", "lwip", "build"};
  static const char *const explore[] = {"policy"};
  static const char *const sweep[] = {"profile"};
  const char *const *more = a->sweep ? sweep : explore;
  for (int i = 0; i < 5; i++) {
    const char *k = i < 4 ? both[i] : more[0];
    if (strcmp(mg_str(a->doc, k), mg_str(b->doc, k)) != 0) {
      snprintf(err, errlen, "%s and %s are not one campaign: %s %s, %s",
               a->path, b->path, k, mg_str(a->doc, k), mg_str(b->doc, k));
      return -1;
    }
  }
  const char *same[3] = {"pct", NULL, NULL};
  if (a->sweep) {
    same[0] = "pools";
    same[1] = "seed";
    same[2] = "asan";
  }
  for (int i = 0; i < 3 && same[i]; i++)
    if (!json_equal(json_object_get(a->doc, same[i]),
                    json_object_get(b->doc, same[i])) &&
        (json_object_get(a->doc, same[i]) ||
         json_object_get(b->doc, same[i]))) {
      snprintf(err, errlen, "%s and %s are not one campaign: their %s "
               "differ", a->path, b->path,
               strcmp(same[i], "pct") == 0 ? "PCT parameters" : same[i]);
      return -1;
    }
  if (a->lo <= b->hi && b->lo <= a->hi) {
    const char *what = a->sweep ? "runs" : "seeds";
    snprintf(err, errlen, "%s and %s overlap: %s %lld..%lld and %lld..%lld",
             a->path, b->path, what, (long long)a->lo, (long long)a->hi,
             (long long)b->lo, (long long)b->hi);
    return -1;
  }
  return 0;
}

/* Adds the integer members of `from` to those of `to`. */
static void mg_add_counts(json_t *to, json_t *from)
{
  const char *k;
  json_t *v;
  json_object_foreach(from, k, v)
  {
    json_object_set_new(to, k, json_integer(mg_int(to, k) +
                                            json_integer_value(v)));
  }
}

/* ------------------------------------------------------------------ */
/* sweep                                                               */

static json_t *mg_sweep(mg_file *f, int n)
{
  json_t *m = json_deep_copy(f[0].doc);
  json_t *groups = json_object_get(m, "groups");
  for (int i = 1; i < n; i++) {
    json_t *d = f[i].doc;
    mg_add_counts(json_object_get(m, "counts"), json_object_get(d, "counts"));
    static const char *const sums[] = {"runs_done", "app_errors", "unfired",
                                       "dropped"};
    for (int k = 0; k < 4; k++)
      json_object_set_new(m, sums[k],
                          json_integer(mg_int(m, sums[k]) +
                                       mg_int(d, sums[k])));
    size_t gi;
    json_t *g;
    json_array_foreach(json_object_get(d, "groups"), gi, g)
    {
      json_t *same = NULL;
      size_t j;
      json_t *h;
      json_array_foreach(groups, j, h)
      {
        if (!strcmp(mg_str(h, "class"), mg_str(g, "class")) &&
            !strcmp(mg_str(h, "pool"), mg_str(g, "pool")) &&
            !strcmp(mg_str(h, "site"), mg_str(g, "site")))
          same = h;
      }
      if (!same) {
        json_array_append(groups, g);
        continue;
      }
      json_object_set_new(same, "count", json_integer(mg_int(same, "count") +
                                                      mg_int(g, "count")));
      if (mg_int(g, "lowest_n") < mg_int(same, "lowest_n"))
        for (int k = 0; k < 3; k++) {
          const char *key = (const char *[]){"lowest_n", "message",
                                             "replay"}[k];
          json_object_set(same, key, json_object_get(g, key));
        }
    }
  }
  cli_sweep_sort_groups(groups);
  return m;
}

/* ------------------------------------------------------------------ */
/* explore                                                             */

static int mg_failure_cmp(const void *a, const void *b)
{
  json_t *fa = *(json_t *const *)a, *fb = *(json_t *const *)b;
  json_int_t sa = mg_int(fa, "first_seed"), sb = mg_int(fb, "first_seed");
  if (sa != sb)
    return sa < sb ? -1 : 1;
  return strcmp(mg_str(fa, "key"), mg_str(fb, "key"));
}

static void mg_key(json_t *f, char *key, size_t len)
{
  sim_verdict v = SIM_VERDICT_FAULT;
  sim_verdict_parse(mg_str(f, "verdict"), &v);
  cli_explore_key(v, mg_str(f, "message"), key, len);
}

static json_t *mg_explore(mg_file *f, int n)
{
  json_t *m = json_deep_copy(f[0].doc);
  json_t *fails = json_object_get(m, "failures");
  for (int i = 1; i < n; i++) {
    json_t *d = f[i].doc;
    mg_add_counts(json_object_get(m, "counts"), json_object_get(d, "counts"));
    json_object_set_new(m, "runs_done", json_integer(mg_int(m, "runs_done") +
                                                     mg_int(d, "runs_done")));
    size_t gi;
    json_t *g;
    json_array_foreach(json_object_get(d, "failures"), gi, g)
    {
      char kg[300], kh[300];
      mg_key(g, kg, sizeof kg);
      json_t *same = NULL;
      size_t j;
      json_t *h;
      json_array_foreach(fails, j, h)
      {
        mg_key(h, kh, sizeof kh);
        if (strcmp(kg, kh) == 0)
          same = h;
      }
      if (!same) {
        json_array_append(fails, g);
        continue;
      }
      json_int_t c = mg_int(same, "count") + mg_int(g, "count");
      if (mg_int(g, "first_seed") < mg_int(same, "first_seed")) {
        /* the lowest seed's failure, schedule and all */
        json_object_clear(same);
        json_object_update(same, g);
      }
      json_object_set_new(same, "count", json_integer(c));
    }
  }
  /* In explore's order: by first seed. */
  size_t nf = json_array_size(fails);
  json_t **v = calloc(nf + 1, sizeof *v);
  char key[300];
  for (size_t i = 0; v && i < nf; i++) {
    v[i] = json_incref(json_array_get(fails, i));
    mg_key(v[i], key, sizeof key);
    json_object_set_new(v[i], "key", json_string(key));
  }
  if (v) {
    qsort(v, nf, sizeof *v, mg_failure_cmp);
    json_array_clear(fails);
    for (size_t i = 0; i < nf; i++) {
      json_object_del(v[i], "key");
      json_array_append_new(fails, v[i]);
    }
  }
  free(v);
  return m;
}

static void mg_explore_print(json_t *m, int nfiles)
{
  printf("explore %s/%s: %lld runs, policy %s, seeds %lld..%lld, merged "
         "from %d shards\n",
         mg_str(m, "scenario"), mg_str(m, "variant"),
         (long long)mg_int(m, "runs_done"), mg_str(m, "policy"),
         (long long)mg_int(m, "first_seed"), (long long)mg_int(m, "last_seed"),
         nfiles);
  json_t *pct = json_object_get(m, "pct");
  if (pct)
    printf("pct: n=%lld threads, k=%lld scheduling points, d=%lld: one run "
           "finds a depth-%lld bug with p >= 1/(n*k^(d-1)) = %.3g; 99%% "
           "confidence takes %.3g runs\n",
           (long long)mg_int(pct, "n"), (long long)mg_int(pct, "k"),
           (long long)mg_int(pct, "d"), (long long)mg_int(pct, "d"),
           json_real_value(json_object_get(pct, "p_min")),
           json_real_value(json_object_get(pct, "runs_99")));
  const char *k;
  json_t *v;
  json_object_foreach(json_object_get(m, "counts"), k, v)
  {
    if (json_integer_value(v))
      printf("  %-15s %lld\n", k, (long long)json_integer_value(v));
  }
  json_t *fails = json_object_get(m, "failures");
  if (json_array_size(fails) == 0)
    printf("no failure in %lld runs\n", (long long)mg_int(m, "runs_done"));
  size_t i;
  json_array_foreach(fails, i, v)
  {
    printf("failure %zu: %s in %lld runs, first seed %lld: %s\nreplay: %s\n",
           i + 1, mg_str(v, "verdict"), (long long)mg_int(v, "count"),
           (long long)mg_int(v, "first_seed"), mg_str(v, "message"),
           mg_str(v, "replay"));
    if (json_object_get(v, "schedule"))
      printf("schedule: %lld choices off rtos (from %lld): %s\n",
             (long long)mg_int(v, "preemptions"),
             (long long)mg_int(v, "preemptions_before"),
             mg_str(v, "schedule"));
  }
}

/* ------------------------------------------------------------------ */

int cli_merge(const proto_opts *o)
{
  int n = o->nmerge, rc = PROTO_EXIT_USAGE;
  mg_file *f = calloc((size_t)n, sizeof *f);
  char err[1200];
  if (!f) {
    fprintf(stderr, "lwipsim: out of memory\n");
    return PROTO_EXIT_FAULT;
  }
  for (int i = 0; i < n; i++) {
    f[i].path = o->merge_files[i];
    if (mg_load(&f[i], err, sizeof err) != 0)
      goto fail;
    for (int j = 0; j < i; j++)
      if (mg_check(&f[j], &f[i], err, sizeof err) != 0)
        goto fail;
  }
  if (o->explore_json && cli_writable(o->explore_json) != 0)
    goto out;
  json_t *m = f[0].sweep ? mg_sweep(f, n) : mg_explore(f, n);
  /* The whole range, one summary: no shard, the wall times added. */
  json_int_t lo = f[0].lo, hi = f[0].hi;
  double wall = 0;
  const char *status = "complete";
  for (int i = 0; i < n; i++) {
    lo = f[i].lo < lo ? f[i].lo : lo;
    hi = f[i].hi > hi ? f[i].hi : hi;
    wall += json_number_value(json_object_get(f[i].doc, "wall_s"));
    if (strcmp(mg_str(f[i].doc, "status"), "complete") != 0)
      status = mg_str(f[i].doc, "status");
  }
  json_object_set_new(m, f[0].sweep ? "first_run" : "first_seed",
                      json_integer(lo));
  json_object_set_new(m, f[0].sweep ? "last_run" : "last_seed",
                      json_integer(hi));
  json_object_set_new(m, "shard", json_integer(0));
  json_object_set_new(m, "shards", json_integer(0));
  json_object_set_new(m, "status", json_string(status));
  json_object_set_new(m, "wall_s", json_real(wall));
  if (f[0].sweep) {
    char how[96];
    snprintf(how, sizeof how, ", merged from %d shards", n);
    cli_sweep_print(m, how);
  } else {
    mg_explore_print(m, n);
  }
  if (hi - lo + 1 != mg_int(m, "runs_done"))
    printf("(the shards cover %lld of the %lld %s in %lld..%lld)\n",
           (long long)mg_int(m, "runs_done"), (long long)(hi - lo + 1),
           f[0].sweep ? "runs" : "seeds", (long long)lo, (long long)hi);
  rc = PROTO_EXIT_OK;
  if (o->explore_json && cli_summary_write(m, o->explore_json) != 0)
    rc = PROTO_EXIT_USAGE;
  if (rc == PROTO_EXIT_OK) {
    if (f[0].sweep) {
      json_t *c = json_object_get(m, "counts");
      if (mg_int(m, "runs_done") != mg_int(c, "handled"))
        rc = PROTO_EXIT_MISMATCH;
    } else {
      const char *want = mg_str(m, "expected");
      if (mg_int(json_object_get(m, "counts"),
                 *want ? want : "not-reproduced") != mg_int(m, "runs_done"))
        rc = PROTO_EXIT_MISMATCH;
    }
  }
  json_decref(m);
  goto out;
fail:
  fprintf(stderr, "lwipsim: %s\n", err);
out:
  for (int i = 0; i < n; i++)
    json_decref(f[i].doc);
  free(f);
  return rc;
}

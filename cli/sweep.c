/*
 * sweep.c - `lwipsim sweep`: every allocation of a scenario variant fails
 * once, and each run is classified by what lwIP did with the failure.
 *
 * Reference.  One run of the variant (its own policy, --seed S) with the
 * engine-internal --sweep-report counts the allocations asked of every
 * lwIP pool and of the heap, and the levels each is left at when the
 * scenario's main has returned (engine/sweep.c).  The runs are then every
 * (pool, N) with 1 <= N <= that pool's count, pools in the engine's order:
 * run i of the T runs is the i-th of that list, so `--shard I/N` takes
 * runs floor((I-1)T/N)+1 .. floor(IT/N).
 *
 * Workers.  As explore's: --jobs fork servers (engine/worker.c), each fed
 * lines "SEED memp:POOL@N" (or "SEED mem@N"); a worker answers its lines
 * one by one, in order, so each worker's queue of run numbers says which
 * run an answer (a result, or the line for a child killed by a signal)
 * belongs to.  Runs are deterministic: run (pool, N) is the reference run
 * up to the Nth allocation from pool, which then fails.
 *
 * Classes.  From how the run ended ("end" in its result) and its levels:
 *   assert  - an lwIP assertion (the message names file:line);
 *   hang    - a deadlock, the virtual time limit, or the watchdog;
 *   crash   - a signal (with --asan, an ASan/UBSan report: the engines
 *             abort on one) or another simulator fault;
 *   leak    - the run ended normally but a pool or the heap stayed above
 *             the reference run's level (names the pool and the excess);
 *   handled - otherwise: the scenario passed, or failed only through what
 *             lwIP returned to it (counted apart).
 * Failures are grouped by (class, pool, call site): the failed call's
 * return address and its caller's, as the engine reports them, resolved
 * to file:line with one addr2line for the whole sweep (not per run).
 * Each group keeps its count, its lowest N with that run's message, and
 * the `lwipsim run ... --fail` command that replays it.
 *
 * The summary is built as one JSON object (what --json writes) and
 * printed from it, so `lwipsim merge` (merge.c) prints merged shards
 * with the same code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "pool.h"

#define SW_LINE_MAX 65536
#define SW_MAX_POOLS 64
#define SW_MAX_GROUPS 512
#define SW_SITE_FRAMES 2     /* the call and its caller */

typedef enum {
  SW_HANDLED,
  SW_LEAK,
  SW_ASSERT,
  SW_CRASH,
  SW_HANG,
  SW_NCLASSES
} sw_class;

static const char *const sw_class_names[SW_NCLASSES] = {
    "handled", "leak", "assert", "crash", "hang"};

typedef struct {
  char name[SIM_FAIL_NAME_MAX];
  uint64_t allocs;   /* in the reference run */
  int64_t used;      /* its level at the reference run's end */
} sw_pool;

typedef struct {
  sw_class cls;
  int pool;
  char raw[96];         /* the site's addresses, "0x..,0x.." */
  char message[1024];   /* of the lowest N */
  uint64_t n, count;
} sw_group;

typedef struct {
  const proto_opts *o;
  char engine[PATH_MAX], build[24], lwip[32];
  sw_pool pools[SW_MAX_POOLS + 1];
  int npools;                 /* every pool of the reference */
  int chosen[SW_MAX_POOLS + 1];
  int nchosen;
  uint64_t total, first, last; /* runs first..last (1-based) of total */
  uint64_t next, done;
  uint64_t counts[SW_NCLASSES], app_errors, unfired;
  sw_group *groups;
  int ngroups;
  uint64_t dropped;
  bool tty;
  struct timespec t0, last_progress;
  cli_pool pool;              /* the workers; status, signal, a dead one */
} sw_ctx;

static double sw_secs_since(const struct timespec *t0)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) +
         (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ------------------------------------------------------------------ */
/* the engine and the reference run                                    */

/* The engine of the variant's profile, from the ASan build with --asan. */
static int sw_engine(sw_ctx *x, char *err, size_t errlen)
{
  const proto_opts *o = x->o;
  if (!o->asan)
    return cli_engine_find(o->var->profile, x->engine, sizeof x->engine, err,
                           errlen);
  char self[PATH_MAX];
  if (cli_self_dir(self, sizeof self) != 0)
    self[0] = 0;
  snprintf(x->engine, sizeof x->engine,
           "%.3000s/asan/engines/%.200s/lwipsim-engine", self,
           o->var->profile);
  if (access(x->engine, X_OK) != 0) {
    snprintf(err, errlen, "no ASan engine for profile '%s' (expected %.300s); "
             "run make asan", o->var->profile, x->engine);
    return -1;
  }
  return 0;
}

/* The engine's words for a run of the variant (NULL-terminated). */
static void sw_argv(const sw_ctx *x, char **argv, char bufs[2][24],
                    bool worker)
{
  const proto_opts *o = x->o;
  int n = 0;
  argv[n++] = (char *)x->engine;
  argv[n++] = "run";
  argv[n++] = (char *)o->scn->name;
  argv[n++] = "--variant";
  argv[n++] = (char *)o->var->name;
  snprintf(bufs[0], 24, "%llu", (unsigned long long)o->seed);
  argv[n++] = "--seed";
  argv[n++] = bufs[0];
  if (o->link_mbps) {
    snprintf(bufs[1], 24, "%u", o->link_mbps);
    argv[n++] = "--link-mbps";
    argv[n++] = bufs[1];
  }
  argv[n++] = "--sweep-report";
  if (worker)
    argv[n++] = "--worker";
  argv[n] = NULL;
}

/* Runs the engine once (argv plus `extra` words) and returns what it
 * wrote on stdout (and, if `err_out`, stderr): malloc()ed, or NULL. */
static char *sw_exec(char **argv, char **err_out)
{
  int out = memfd_create("lwipsim-sweep", MFD_CLOEXEC);
  int errfd = err_out ? memfd_create("lwipsim-sweep-err", MFD_CLOEXEC)
                      : CLI_SPAWN_NULL;
  if (out < 0 || (err_out && errfd < 0)) {
    if (out >= 0)
      close(out);
    return NULL;
  }
  cli_spawn_io io = {CLI_SPAWN_NULL, out, errfd, -1, false};
  pid_t pid = cli_spawn(argv, &io);
  int st = 0;
  if (pid > 0)
    cli_spawn_wait(pid, &st);
  char *bufs[2] = {NULL, NULL};
  int fds[2] = {out, err_out ? errfd : -1};
  for (int i = 0; i < 2; i++) {
    if (fds[i] < 0)
      continue;
    off_t sz = lseek(fds[i], 0, SEEK_END);
    bufs[i] = calloc(1, (size_t)(sz > 0 ? sz : 0) + 1);
    if (bufs[i] && sz > 0 && pread(fds[i], bufs[i], (size_t)sz, 0) < 0)
      bufs[i][0] = 0;
    close(fds[i]);
  }
  if (err_out)
    *err_out = bufs[1];
  if (pid <= 0) {
    free(bufs[0]);
    return NULL;
  }
  return bufs[0];
}

static int sw_pool_index(const sw_ctx *x, const char *name)
{
  for (int i = 0; i < x->npools; i++)
    if (strcmp(x->pools[i].name, name) == 0)
      return i;
  return -1;
}

/* Reads the reference run's counts and levels. */
static int sw_reference(sw_ctx *x, char *err, size_t errlen)
{
  const proto_opts *o = x->o;
  char *argv[16], bufs[2][24];
  sw_argv(x, argv, bufs, false);
  char *out = sw_exec(argv, NULL);
  json_t *doc = out ? json_loads(out, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
  free(out);
  json_t *sweep = json_object_get(doc, "sweep");
  const char *end = json_string_value(json_object_get(doc, PROTO_KEY_END));
  const char *msg = json_string_value(json_object_get(doc, PROTO_KEY_MESSAGE));
  if (!json_is_object(sweep) || !end) {
    snprintf(err, errlen, "the reference run of %s/%s gave no result",
             o->scn->name, o->var->name);
    json_decref(doc);
    return -1;
  }
  if (strcmp(end, "normal") != 0) {
    snprintf(err, errlen, "the reference run of %s/%s did not end normally "
             "(%s: %.300s); sweep needs a variant that runs to its end",
             o->scn->name, o->var->name, end, msg ? msg : "");
    json_decref(doc);
    return -1;
  }
  snprintf(x->lwip, sizeof x->lwip, "%s",
           json_string_value(json_object_get(doc, PROTO_KEY_LWIP))
               ? json_string_value(json_object_get(doc, PROTO_KEY_LWIP))
               : "?");
  json_t *allocs = json_object_get(sweep, "allocs");
  json_t *used = json_object_get(sweep, "used");
  const char *name;
  json_t *v;
  json_object_foreach(allocs, name, v)
  {
    if (x->npools == SW_MAX_POOLS + 1 || strlen(name) >= SIM_FAIL_NAME_MAX)
      continue;
    sw_pool *p = &x->pools[x->npools++];
    snprintf(p->name, sizeof p->name, "%s", name);
    p->allocs = (uint64_t)json_integer_value(v);
    p->used = json_integer_value(json_object_get(used, name));
  }
  json_decref(doc);
  return 0;
}

/* --pools, or every pool the reference run allocated from. */
static int sw_choose(sw_ctx *x, char *err, size_t errlen)
{
  const char *list = x->o->pools;
  if (!list) {
    for (int i = 0; i < x->npools; i++)
      if (x->pools[i].allocs)
        x->chosen[x->nchosen++] = i;
    return 0;
  }
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", list);
  for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
       t = strtok_r(NULL, ",", &save)) {
    int i = sw_pool_index(x, t);
    if (i < 0) {
      size_t pos = (size_t)snprintf(err, errlen, "--pools: this profile has "
                                    "no pool '%s'; pools:", t);
      for (int k = 0; k < x->npools && pos < errlen; k++)
        pos += (size_t)snprintf(err + pos, errlen - pos, " %s",
                                x->pools[k].name);
      return -1;
    }
    bool dup = false;
    for (int k = 0; k < x->nchosen; k++)
      dup |= x->chosen[k] == i;
    if (!dup && x->nchosen <= SW_MAX_POOLS)
      x->chosen[x->nchosen++] = i;
  }
  return 0;
}

/* Run r (1-based) as its pool and N. */
static void sw_run_of(const sw_ctx *x, uint64_t r, int *pool, uint64_t *n)
{
  for (int k = 0; k < x->nchosen; k++) {
    const sw_pool *p = &x->pools[x->chosen[k]];
    if (r <= p->allocs) {
      *pool = x->chosen[k];
      *n = r;
      return;
    }
    r -= p->allocs;
  }
  *pool = -1;
  *n = 0;
}

static void sw_spec(const char *pool, uint64_t n, char *out, size_t len)
{
  if (strcmp(pool, "HEAP") == 0)
    snprintf(out, len, "mem@%llu", (unsigned long long)n);
  else
    snprintf(out, len, "memp:%s@%llu", pool, (unsigned long long)n);
}

/* ------------------------------------------------------------------ */
/* the workers                                                         */

/* The pool's next job: run r of the sweep, "SEED memp:POOL@N". */
static bool sw_next(void *ctx, char *line, size_t len, uint64_t *tag)
{
  sw_ctx *x = ctx;
  if (x->first + x->next > x->last)
    return false;
  uint64_t r = x->first + x->next++, n;
  int pool;
  sw_run_of(x, r, &pool, &n);
  char spec[96];
  sw_spec(x->pools[pool].name, n, spec, sizeof spec);
  snprintf(line, len, "%llu %s\n", (unsigned long long)x->o->seed, spec);
  *tag = r;
  return true;
}

/* ------------------------------------------------------------------ */
/* classifying a run                                                   */

/* The pools (and heap) above the reference's levels, into `out`: how
 * many. */
static int sw_leaks(const sw_ctx *x, json_t *used, char *out, size_t len)
{
  int n = 0;
  size_t pos = 0;
  out[0] = 0;
  for (int i = 0; i < x->npools; i++) {
    json_t *v = json_object_get(used, x->pools[i].name);
    if (!json_is_integer(v) || json_integer_value(v) <= x->pools[i].used)
      continue;
    long long more = (long long)(json_integer_value(v) - x->pools[i].used);
    bool heap = strcmp(x->pools[i].name, "HEAP") == 0;
    if (pos < len)
      pos += (size_t)snprintf(out + pos, len - pos, "%s%s +%lld%s",
                              n ? ", " : "", x->pools[i].name, more,
                              heap ? " bytes" : "");
    n++;
  }
  return n;
}

static void sw_group_add(sw_ctx *x, sw_class cls, int pool, const char *raw,
                         uint64_t n, const char *message)
{
  sw_group *g = NULL;
  for (int i = 0; i < x->ngroups && !g; i++)
    if (x->groups[i].cls == cls && x->groups[i].pool == pool &&
        strcmp(x->groups[i].raw, raw) == 0)
      g = &x->groups[i];
  if (!g && x->ngroups < SW_MAX_GROUPS) {
    g = &x->groups[x->ngroups++];
    memset(g, 0, sizeof *g);
    g->cls = cls;
    g->pool = pool;
    snprintf(g->raw, sizeof g->raw, "%s", raw);
    g->n = UINT64_MAX;
  }
  if (!g) {
    x->dropped++;
    return;
  }
  g->count++;
  if (n < g->n) {
    g->n = n;
    snprintf(g->message, sizeof g->message, "%.1000s", message);
  }
}

static void sw_result(void *ctx, uint64_t r, const char *line)
{
  sw_ctx *x = ctx;
  int pool;
  uint64_t n;
  sw_run_of(x, r, &pool, &n);
  json_t *doc = json_loads(line, 0, NULL);
  const char *end = json_string_value(json_object_get(doc, PROTO_KEY_END));
  const char *msg = json_string_value(json_object_get(doc, PROTO_KEY_MESSAGE));
  const char *verdict =
      json_string_value(json_object_get(doc, PROTO_KEY_VERDICT));
  json_t *sweep = json_object_get(doc, "sweep");
  char raw[96] = "", leaks[512];
  size_t pos = 0;
  json_t *site = json_object_get(sweep, "site");
  for (size_t i = 0; i < json_array_size(site) && i < SW_SITE_FRAMES; i++)
    if (pos < sizeof raw)
      pos += (size_t)snprintf(raw + pos, sizeof raw - pos, "%s%s",
                              i ? "," : "",
                              json_string_value(json_array_get(site, i)));
  sw_class cls;
  if (!msg)
    msg = "unreadable result";
  if (!end) /* a child killed by a signal, or no result at all */
    cls = SW_CRASH;
  else if (strcmp(end, "assert") == 0)
    cls = SW_ASSERT;
  else if (strcmp(end, "deadlock") == 0 || strcmp(end, "hang") == 0 ||
           (strcmp(end, "fault") == 0 && strstr(msg, "watchdog")))
    cls = SW_HANG;
  else if (strcmp(end, "normal") != 0)
    cls = SW_CRASH;
  else if (sw_leaks(x, json_object_get(sweep, "used"), leaks,
                    sizeof leaks) > 0)
    cls = SW_LEAK;
  else
    cls = SW_HANDLED;
  if (json_is_integer(json_object_get(sweep, "fired")) &&
      json_integer_value(json_object_get(sweep, "fired")) == 0)
    x->unfired++;
  x->done++;
  x->counts[cls]++;
  if (cls == SW_HANDLED) {
    if (verdict && strcmp(verdict, sim_verdict_name(x->o->expect.expected)))
      x->app_errors++;
  } else {
    char m[1200];
    if (cls == SW_LEAK)
      snprintf(m, sizeof m, "not back to the reference run's levels: %s "
               "(the scenario said: %.600s)", leaks, msg);
    else
      snprintf(m, sizeof m, "%s", msg);
    sw_group_add(x, cls, pool, raw, n, m);
  }
  json_decref(doc);
}

static uint64_t sw_failures(const sw_ctx *x)
{
  return x->done - x->counts[SW_HANDLED];
}

static void sw_progress(void *ctx, bool last)
{
  sw_ctx *x = ctx;
  if (!x->tty || (!last && sw_secs_since(&x->last_progress) < 0.1))
    return;
  clock_gettime(CLOCK_MONOTONIC, &x->last_progress);
  uint64_t runs = x->last + 1 - x->first;
  double t = sw_secs_since(&x->t0);
  double rate = t > 0 ? (double)x->done / t : 0;
  double eta = rate > 0 ? (double)(runs - x->done) / rate : 0;
  fprintf(stderr, "\rsweep: %llu/%llu runs, %.0f runs/s, %llu not handled "
          "(%d groups), ETA %.0f s   ",
          (unsigned long long)x->done, (unsigned long long)runs, rate,
          (unsigned long long)sw_failures(x), x->ngroups, eta);
  if (last)
    fputc('\n', stderr);
  fflush(stderr);
}

/* ------------------------------------------------------------------ */
/* call sites, resolved once                                           */

/* "src/core/pbuf.c:262" from addr2line's "/x/lwip-2.1.3/src/core/
 * pbuf.c:262 (discriminator 3)". */
static void sw_short_path(const char *loc, char *out, size_t len)
{
  const char *s = strstr(loc, "/src/");
  if (s)
    s++;
  else {
    /* our own files: from the room's name (two components) */
    const char *p = loc + strlen(loc);
    int slashes = 0;
    while (p > loc && slashes < 2)
      if (*--p == '/')
        slashes++;
    s = slashes == 2 ? p + 1 : loc;
  }
  snprintf(out, len, "%.*s", (int)strcspn(s, " "), s);
}

/* Every group's addresses through one addr2line: `sites` gets, per
 * group, "file:line (function) < file:line (function)". */
static void sw_resolve(const sw_ctx *x, char (*sites)[512])
{
  enum { MAXA = SW_MAX_GROUPS * SW_SITE_FRAMES };
  static char addr[MAXA][24], text[MAXA][200];
  int na = 0;
  for (int g = 0; g < x->ngroups; g++) {
    char raw[96];
    snprintf(raw, sizeof raw, "%s", x->groups[g].raw);
    for (char *save = NULL, *t = strtok_r(raw, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
      bool have = false;
      for (int i = 0; i < na && !have; i++)
        have = strcmp(addr[i], t) == 0;
      if (!have && na < MAXA) {
        snprintf(addr[na], sizeof addr[na], "%s", t);
        snprintf(text[na], sizeof text[na], "%s", t);
        na++;
      }
    }
  }
  /* addr2line -f -e ENGINE ADDR-1...: two lines per address (the call
   * instruction is just before the return address). */
  char **argv = calloc((size_t)na + 8, sizeof *argv);
  static char minus1[MAXA][24];
  char tool[PATH_MAX] = "";
  int n = 0;
  /* addr2line from PATH (binutils; without it the sites stay addresses) */
  const char *path = getenv("PATH");
  char dirs[4096];
  snprintf(dirs, sizeof dirs, "%s", path ? path : "/usr/bin:/bin");
  for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d && !tool[0];
       d = strtok_r(NULL, ":", &save)) {
    snprintf(tool, sizeof tool, "%.3000s/addr2line", d);
    if (access(tool, X_OK) != 0)
      tool[0] = 0;
  }
  if (na && argv && tool[0]) {
    argv[n++] = tool;
    argv[n++] = "-f";
    argv[n++] = "-e";
    argv[n++] = (char *)x->engine;
    for (int i = 0; i < na; i++) {
      unsigned long long a = strtoull(addr[i], NULL, 16);
      snprintf(minus1[i], sizeof minus1[i], "0x%llx", a ? a - 1 : 0);
      argv[n++] = minus1[i];
    }
    argv[n] = NULL;
    char *out = sw_exec(argv, NULL);
    char *p = out;
    for (int i = 0; p && *p && i < na; i++) {
      char *fn = p, *nl = strchr(fn, '\n');
      if (!nl)
        break;
      *nl = 0;
      char *loc = nl + 1;
      nl = strchr(loc, '\n');
      if (!nl)
        break;
      *nl = 0;
      p = nl + 1;
      char sp[160];
      sw_short_path(loc, sp, sizeof sp);
      if (strncmp(loc, "??", 2) != 0)
        snprintf(text[i], sizeof text[i], "%s (%s)", sp, fn);
    }
    free(out);
  }
  free(argv);
  for (int g = 0; g < x->ngroups; g++) {
    char raw[96];
    size_t pos = 0;
    sites[g][0] = 0;
    snprintf(raw, sizeof raw, "%s", x->groups[g].raw);
    for (char *save = NULL, *t = strtok_r(raw, ",", &save); t;
         t = strtok_r(NULL, ",", &save))
      for (int i = 0; i < na; i++)
        if (strcmp(addr[i], t) == 0 && pos < 512)
          pos += (size_t)snprintf(sites[g] + pos, 512 - pos, "%s%s",
                                  pos ? " < " : "", text[i]);
    if (!sites[g][0])
      snprintf(sites[g], 512, "unknown site");
  }
}

/* A crash's first frame in lwIP from an ASan/UBSan report: the run again,
 * once per group, its stderr read ("#3 0x... in tcp_abort
 * /x/src/core/tcp.c:123:5"). */
static void sw_crash_frame(const sw_ctx *x, const char *spec, char *out,
                           size_t len)
{
  char *argv[20], bufs[2][24];
  sw_argv(x, argv, bufs, false);
  int n = 0;
  while (argv[n])
    n++;
  argv[n - 1] = "--fail"; /* in place of --sweep-report */
  argv[n++] = (char *)spec;
  argv[n++] = "--json";
  argv[n] = NULL;
  char *err = NULL;
  free(sw_exec(argv, &err));
  out[0] = 0;
  char *what = err ? strstr(err, "ERROR: AddressSanitizer: ") : NULL;
  if (!what && err)
    what = strstr(err, "runtime error: ");
  for (char *p = what; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1
                                                    : NULL) {
    char fn[128], loc[400];
    if (sscanf(p, " #%*d 0x%*x in %127s %399s", fn, loc) == 2 &&
        strstr(loc, "/src/") && !strstr(loc, "contrib_port")) {
      char sp[200];
      sw_short_path(loc, sp, sizeof sp);
      snprintf(out, len, "%.*s at %s (%s)", (int)strcspn(what, "\n"), what,
               sp, fn);
      break;
    }
  }
  if (!out[0] && what && strncmp(what, "runtime error: ", 15) == 0) {
    /* UBSan: "/x/src/core/tcp.c:123:5: runtime error: ..." */
    const char *ls = what;
    while (ls > err && ls[-1] != '\n')
      ls--;
    char loc[400], sp[200];
    snprintf(loc, sizeof loc, "%.*s", (int)(what - ls), ls);
    loc[strcspn(loc, " ")] = 0;
    size_t n = strlen(loc);
    if (n && loc[n - 1] == ':')
      loc[n - 1] = 0;
    sw_short_path(loc, sp, sizeof sp);
    snprintf(out, len, "%.*s at %s", (int)strcspn(what, "\n"), what, sp);
  } else if (!out[0] && what) {
    snprintf(out, len, "%.*s", (int)strcspn(what, "\n"), what);
  }
  free(err);
}

/* ------------------------------------------------------------------ */
/* the summary                                                         */

static int sw_group_cmp(const void *a, const void *b)
{
  json_t *ga = *(json_t *const *)a, *gb = *(json_t *const *)b;
  int ca = 0, cb = 0;
  const char *na = json_string_value(json_object_get(ga, "class"));
  const char *nb = json_string_value(json_object_get(gb, "class"));
  for (int i = 0; i < SW_NCLASSES; i++) {
    if (na && strcmp(na, sw_class_names[i]) == 0)
      ca = i;
    if (nb && strcmp(nb, sw_class_names[i]) == 0)
      cb = i;
  }
  if (ca != cb)
    return ca - cb;
  json_int_t pa = json_integer_value(json_object_get(ga, "pool_index"));
  json_int_t pb = json_integer_value(json_object_get(gb, "pool_index"));
  if (pa != pb)
    return pa < pb ? -1 : 1;
  json_int_t la = json_integer_value(json_object_get(ga, "lowest_n"));
  json_int_t lb = json_integer_value(json_object_get(gb, "lowest_n"));
  if (la != lb)
    return la < lb ? -1 : 1;
  return strcmp(json_string_value(json_object_get(ga, "site")),
                json_string_value(json_object_get(gb, "site")));
}

void cli_sweep_sort_groups(json_t *groups)
{
  size_t n = json_array_size(groups);
  json_t **v = calloc(n + 1, sizeof *v);
  if (!v)
    return;
  for (size_t i = 0; i < n; i++)
    v[i] = json_incref(json_array_get(groups, i));
  qsort(v, n, sizeof *v, sw_group_cmp);
  json_array_clear(groups);
  for (size_t i = 0; i < n; i++)
    json_array_append_new(groups, v[i]);
  free(v);
}

/* The replay command of run (pool, n). */
static void sw_replay(const sw_ctx *x, const char *pool, uint64_t n,
                      char *out, size_t len)
{
  const proto_opts *o = x->o;
  char spec[96], self[PATH_MAX];
  sw_spec(pool, n, spec, sizeof spec);
  if (o->asan) {
    const char *slash = strrchr(o->self, '/');
    int keep = slash ? (int)(slash - o->self + 1) : 0;
    snprintf(self, sizeof self, "%.*sasan/lwipsim", keep < 3000 ? keep : 3000,
             o->self);
  } else {
    snprintf(self, sizeof self, "%.3000s", o->self);
  }
  int w = snprintf(out, len, "%s run %s --variant %s", self, o->scn->name,
                   o->var->name);
  if (o->seed != 1 && w > 0 && (size_t)w < len)
    w += snprintf(out + w, len - (size_t)w, " --seed %llu",
                  (unsigned long long)o->seed);
  if (o->link_mbps && w > 0 && (size_t)w < len)
    w += snprintf(out + w, len - (size_t)w, " --link-mbps %u", o->link_mbps);
  if (w > 0 && (size_t)w < len)
    snprintf(out + w, len - (size_t)w, " --fail %s", spec);
}

static json_t *sw_summary(sw_ctx *x, double wall)
{
  const proto_opts *o = x->o;
  char (*sites)[512] = calloc((size_t)x->ngroups + 1, sizeof *sites);
  if (!sites)
    return NULL;
  sw_resolve(x, sites);
  json_t *pools = json_array(), *groups = json_array(), *counts = json_object();
  for (int k = 0; k < x->nchosen; k++) {
    const sw_pool *p = &x->pools[x->chosen[k]];
    json_array_append_new(pools, json_pack("{s:s, s:I}", "name", p->name,
                                           "allocs", (json_int_t)p->allocs));
  }
  for (int g = 0; g < x->ngroups; g++) {
    const sw_group *gr = &x->groups[g];
    const char *pool = x->pools[gr->pool].name;
    char replay[1024], message[1400], spec[96];
    sw_replay(x, pool, gr->n, replay, sizeof replay);
    snprintf(message, sizeof message, "%s", gr->message);
    if (gr->cls == SW_CRASH && o->asan) {
      char frame[600];
      sw_spec(pool, gr->n, spec, sizeof spec);
      sw_crash_frame(x, spec, frame, sizeof frame);
      if (frame[0])
        snprintf(message, sizeof message, "%.200s: %s", gr->message, frame);
    }
    int pidx = 0;
    for (int k = 0; k < x->nchosen; k++)
      if (x->chosen[k] == gr->pool)
        pidx = k;
    /* Groups whose addresses differ but resolve alike are one. */
    json_t *same = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(groups, i, v)
    {
      if (strcmp(json_string_value(json_object_get(v, "class")),
                 sw_class_names[gr->cls]) == 0 &&
          strcmp(json_string_value(json_object_get(v, "pool")), pool) == 0 &&
          strcmp(json_string_value(json_object_get(v, "site")), sites[g]) ==
              0)
        same = v;
    }
    if (same) {
      json_int_t c = json_integer_value(json_object_get(same, "count"));
      json_object_set_new(same, "count",
                          json_integer(c + (json_int_t)gr->count));
      if ((uint64_t)json_integer_value(json_object_get(same, "lowest_n")) >
          gr->n) {
        json_object_set_new(same, "lowest_n", json_integer((json_int_t)gr->n));
        json_object_set_new(same, "message", json_string(message));
        json_object_set_new(same, "replay", json_string(replay));
      }
      continue;
    }
    json_array_append_new(
        groups, json_pack("{s:s, s:s, s:i, s:s, s:I, s:I, s:s, s:s}",
                          "class", sw_class_names[gr->cls], "pool", pool,
                          "pool_index", pidx, "site", sites[g], "count",
                          (json_int_t)gr->count, "lowest_n",
                          (json_int_t)gr->n, "message", message, "replay",
                          replay));
  }
  free(sites);
  cli_sweep_sort_groups(groups);
  for (int c = 0; c < SW_NCLASSES; c++)
    json_object_set_new(counts, sw_class_names[c],
                        json_integer((json_int_t)x->counts[c]));
  return json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:o, s:I, s:I, s:I, s:I, "
      "s:I, s:I, s:s, s:f, s:i, s:o, s:I, s:I, s:I, s:o}",
      "command", "sweep", "scenario", o->scn->name, "variant", o->var->name,
      "profile", o->var->profile, "lwip", x->lwip, "build", x->build, "seed",
      (json_int_t)o->seed, "asan", o->asan, "pools", pools, "total_runs",
      (json_int_t)x->total, "first_run", (json_int_t)x->first, "last_run",
      (json_int_t)x->last, "shard", (json_int_t)o->shard_index, "shards",
      (json_int_t)o->shard_count, "runs_done", (json_int_t)x->done, "status",
      x->pool.status, "wall_s", wall, "jobs", x->pool.nw, "counts", counts,
      "app_errors", (json_int_t)x->app_errors, "unfired",
      (json_int_t)x->unfired, "dropped", (json_int_t)x->dropped, "groups",
      groups);
}

void cli_sweep_print(json_t *s, const char *how)
{
  const char *scn = json_string_value(json_object_get(s, "scenario"));
  const char *var = json_string_value(json_object_get(s, "variant"));
  json_t *pools = json_object_get(s, "pools");
  printf("sweep %s/%s on lwIP %s: %zu pools (", scn, var,
         json_string_value(json_object_get(s, "lwip")),
         json_array_size(pools));
  size_t i;
  json_t *v;
  json_array_foreach(pools, i, v)
  {
    printf("%s%s %lld", i ? ", " : "",
           json_string_value(json_object_get(v, "name")),
           (long long)json_integer_value(json_object_get(v, "allocs")));
  }
  long long done = json_integer_value(json_object_get(s, "runs_done"));
  printf("), %lld runs (%lld..%lld of %lld)%s\n", done,
         (long long)json_integer_value(json_object_get(s, "first_run")),
         (long long)json_integer_value(json_object_get(s, "last_run")),
         (long long)json_integer_value(json_object_get(s, "total_runs")),
         how);
  const char *status = json_string_value(json_object_get(s, "status"));
  if (status && strcmp(status, "complete") != 0)
    printf("stopped: %s\n", status);
  json_t *counts = json_object_get(s, "counts");
  long long bad = 0;
  for (int c = 0; c < SW_NCLASSES; c++) {
    long long n = json_integer_value(json_object_get(counts,
                                                     sw_class_names[c]));
    if (c)
      bad += n;
    if (c == SW_HANDLED)
      printf("  %-8s %lld (%lld of them with an error lwIP returned to "
             "the application)\n", sw_class_names[c], n,
             (long long)json_integer_value(json_object_get(s,
                                                           "app_errors")));
    else if (n)
      printf("  %-8s %lld\n", sw_class_names[c], n);
  }
  if (json_integer_value(json_object_get(s, "unfired")))
    printf("(%lld runs whose failure never fired: the run differs from "
           "the reference)\n",
           (long long)json_integer_value(json_object_get(s, "unfired")));
  json_t *groups = json_object_get(s, "groups");
  const char *cls = "";
  int k = 0;
  json_array_foreach(groups, i, v)
  {
    const char *c = json_string_value(json_object_get(v, "class"));
    if (strcmp(c, cls) != 0) {
      int ng = 0;
      size_t j;
      json_t *u;
      json_array_foreach(groups, j, u)
      {
        ng += strcmp(json_string_value(json_object_get(u, "class")), c) == 0;
      }
      printf("%s: %d group%s\n", c, ng, ng == 1 ? "" : "s");
      cls = c;
      k = 0;
    }
    long long cnt = json_integer_value(json_object_get(v, "count"));
    printf("  %d. %s at %s: %lld run%s, lowest N %lld\n     %s\n     "
           "replay: %s\n",
           ++k, json_string_value(json_object_get(v, "pool")),
           json_string_value(json_object_get(v, "site")), cnt,
           cnt == 1 ? "" : "s",
           (long long)json_integer_value(json_object_get(v, "lowest_n")),
           json_string_value(json_object_get(v, "message")),
           json_string_value(json_object_get(v, "replay")));
  }
  if (json_integer_value(json_object_get(s, "dropped")))
    printf("(%lld further runs in more than %d groups not listed)\n",
           (long long)json_integer_value(json_object_get(s, "dropped")),
           SW_MAX_GROUPS);
  if (bad == 0)
    printf("every run handled its failure\n");
  else
    printf("%lld of %lld runs not handled\n", bad, done);
}

/* XML text: markup characters as entities, control characters as
 * spaces. */
static void sw_xml(FILE *f, const char *s)
{
  for (; s && *s; s++) {
    const char *e = *s == '&'   ? "&amp;"
                    : *s == '<' ? "&lt;"
                    : *s == '>' ? "&gt;"
                    : *s == '"' ? "&quot;"
                                : NULL;
    if (e)
      fputs(e, f);
    else if ((unsigned char)*s < 0x20 && *s != '\n')
      fputc(' ', f);
    else
      fputc(*s, f);
  }
}

/* JUnit: one testcase per pool, failing with its groups. */
int cli_sweep_junit(json_t *s, const char *path)
{
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    fprintf(stderr, "lwipsim: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  json_t *pools = json_object_get(s, "pools"), *groups =
                                                   json_object_get(s, "groups");
  int failing = 0;
  size_t i, j;
  json_t *p, *g;
  json_array_foreach(pools, i, p)
  {
    const char *name = json_string_value(json_object_get(p, "name"));
    json_array_foreach(groups, j, g)
    {
      if (strcmp(json_string_value(json_object_get(g, "pool")), name) == 0) {
        failing++;
        break;
      }
    }
  }
  const char *scn = json_string_value(json_object_get(s, "scenario"));
  const char *var = json_string_value(json_object_get(s, "variant"));
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  fprintf(f, "<testsuites name=\"lwipsim\" tests=\"%zu\" failures=\"%d\" "
          "errors=\"0\">\n  <testsuite name=\"lwipsim sweep ",
          json_array_size(pools), failing);
  sw_xml(f, scn);
  fputc('/', f);
  sw_xml(f, var);
  fprintf(f, "\" tests=\"%zu\" failures=\"%d\" errors=\"0\">\n    "
          "<properties><property name=\"lwip\" value=\"",
          json_array_size(pools), failing);
  sw_xml(f, json_string_value(json_object_get(s, "lwip")));
  fprintf(f, "\"/></properties>\n");
  json_array_foreach(pools, i, p)
  {
    const char *name = json_string_value(json_object_get(p, "name"));
    fprintf(f, "    <testcase classname=\"lwipsim.sweep.");
    sw_xml(f, scn);
    fputc('.', f);
    sw_xml(f, var);
    fprintf(f, "\" name=\"");
    sw_xml(f, name);
    fprintf(f, "\">\n");
    bool open = false;
    json_array_foreach(groups, j, g)
    {
      if (strcmp(json_string_value(json_object_get(g, "pool")), name) != 0)
        continue;
      if (!open)
        fprintf(f, "      <failure message=\"allocation failures not "
                "handled\">");
      open = true;
      fprintf(f, "%s at ", json_string_value(json_object_get(g, "class")));
      sw_xml(f, json_string_value(json_object_get(g, "site")));
      fprintf(f, ": %lld runs, lowest N %lld: ",
              (long long)json_integer_value(json_object_get(g, "count")),
              (long long)json_integer_value(json_object_get(g, "lowest_n")));
      sw_xml(f, json_string_value(json_object_get(g, "message")));
      fprintf(f, "\nreplay: ");
      sw_xml(f, json_string_value(json_object_get(g, "replay")));
      fputc('\n', f);
    }
    if (open)
      fprintf(f, "</failure>\n");
    fprintf(f, "    </testcase>\n");
  }
  fprintf(f, "  </testsuite>\n</testsuites>\n");
  if (fclose(f) != 0 || rename(tmp, path) != 0) {
    fprintf(stderr, "lwipsim: cannot write %s: %s\n", path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

int cli_summary_write(json_t *s, const char *path)
{
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  if (json_dump_file(s, tmp, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0 ||
      rename(tmp, path) != 0) {
    fprintf(stderr, "lwipsim: cannot write %s: %s\n", path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------ */

/* Before the workers: outputs writable, the engine, the reference run,
 * the pools and this shard's runs. */
static int sw_prepare(sw_ctx *x)
{
  const proto_opts *o = x->o;
  char err[1200];
  if ((o->explore_json && cli_writable(o->explore_json) != 0) ||
      (o->junit_path && cli_writable(o->junit_path) != 0))
    return PROTO_EXIT_USAGE;
  if (sw_engine(x, err, sizeof err) != 0 ||
      proto_build_id(x->engine, x->build, sizeof x->build) != 0 ||
      sw_reference(x, err, sizeof err) != 0 ||
      sw_choose(x, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return PROTO_EXIT_USAGE;
  }
  for (int k = 0; k < x->nchosen; k++)
    x->total += x->pools[x->chosen[k]].allocs;
  x->first = 1;
  x->last = x->total;
  if (o->shard_count) {
    x->first = (o->shard_index - 1) * x->total / o->shard_count + 1;
    x->last = o->shard_index * x->total / o->shard_count;
  }
  return PROTO_EXIT_OK;
}

int cli_sweep(const proto_opts *o)
{
  sw_ctx *x = calloc(1, sizeof *x);
  cli_worker *w = calloc((size_t)o->jobs, sizeof *w);
  sw_group *groups = calloc(SW_MAX_GROUPS, sizeof *groups);
  if (!x || !w || !groups) {
    fprintf(stderr, "lwipsim: out of memory\n");
    free(x);
    free(w);
    free(groups);
    return PROTO_EXIT_FAULT;
  }
  x->o = o;
  x->groups = groups;
  x->pool.status = "complete";
  x->tty = isatty(STDERR_FILENO);
  clock_gettime(CLOCK_MONOTONIC, &x->t0);
  x->last_progress = x->t0;
  int rc = sw_prepare(x);
  if (rc != PROTO_EXIT_OK)
    goto out;
  /* Sanitizer engines (--asan, or a front end of the ASan build) abort
   * on a report, so the worker sees a signal and answers for that run;
   * the user's own settings come first, ours win.  Plain engines ignore
   * these variables. */
  {
    const char *names[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS"};
    for (int i = 0; i < 2; i++) {
      const char *old = getenv(names[i]);
      char v[1024];
      snprintf(v, sizeof v, "%s%shalt_on_error=1:abort_on_error=1",
               old ? old : "", old && *old ? ":" : "");
      setenv(names[i], v, 1);
    }
  }
  cli_pool *pool = &x->pool;
  pool->ctx = x;
  pool->next = sw_next;
  pool->result = sw_result;
  pool->progress = sw_progress;
  pool->time_limit_s = (unsigned)o->time_limit_s;
  pool->t0 = &x->t0;
  pool->line_max = SW_LINE_MAX;
  pool->w = w;
  char err[600];
  char *argv[16], bufs[2][24];
  sw_argv(x, argv, bufs, true);
  uint64_t runs = x->last >= x->first ? x->last + 1 - x->first : 0;
  int n = (uint64_t)o->jobs < runs ? o->jobs : (int)runs;
  if (cli_pool_start(pool, n, argv, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    rc = PROTO_EXIT_USAGE;
  }
  cli_pool_run(pool);
  double wall = sw_secs_since(&x->t0);
  json_t *s = sw_summary(x, wall);
  if (!s) {
    fprintf(stderr, "lwipsim: cannot build the summary\n");
    rc = PROTO_EXIT_FAULT;
    goto out;
  }
  char how[160];
  snprintf(how, sizeof how, ", %.1f s wall, %.0f runs/s, %d jobs%s", wall,
           wall > 0 ? (double)x->done / wall : 0.0, x->pool.nw,
           o->asan ? ", ASan" : "");
  if (o->shard_count)
    snprintf(how + strlen(how), sizeof how - strlen(how), " (shard %llu/%llu)",
             (unsigned long long)o->shard_index,
             (unsigned long long)o->shard_count);
  cli_sweep_print(s, how);
  if (x->pool.died[0])
    printf("fault: %s\n", x->pool.died);
  if (o->explore_json && cli_summary_write(s, o->explore_json) != 0)
    rc = PROTO_EXIT_USAGE;
  if (o->junit_path && cli_sweep_junit(s, o->junit_path) != 0)
    rc = PROTO_EXIT_USAGE;
  json_decref(s);
  if (rc == PROTO_EXIT_OK) {
    if (x->pool.signal || x->pool.died[0])
      rc = PROTO_EXIT_FAULT;
    else if (sw_failures(x) || x->done != runs)
      rc = PROTO_EXIT_MISMATCH;
  }
out:
  cli_pool_free(&x->pool);
  free(x);
  free(w);
  free(groups);
  return rc;
}

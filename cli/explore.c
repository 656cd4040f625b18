/*
 * explore.c - `lwipsim explore`: many seeded runs of one scenario variant
 * under the random or PCT policy, spread over --jobs workers, grouped into
 * distinct failures, each with the command that replays it.
 *
 * Workers.  Each job is one engine process started with --worker: a fork
 * server that reads seeds on a pipe and runs each in a child forked from
 * its initialised state (engine/worker.c), answering with one JSON line.
 * The front end's pool of workers (pool.c, shared with sweep) keeps a few
 * seeds queued per worker, reads the answers as they come, and never depends on the order they arrive in: counts are sums,
 * and each failure is reported with its lowest seed, so `--jobs 2` gives
 * the summary of `--jobs 1` (but for wall times).
 *
 * Seeds.  The runs are seeds S .. S+N-1 (S from --seed, default 1);
 * `--shard I/N` (1 <= I <= N) takes the I-th block of N: seeds
 * S+(I-1)*runs .. S+I*runs-1, so N jobs with --shard 1/N .. N/N together
 * are one run of N times the runs, and each job's output names its seeds.
 *
 * PCT.  A first run under the variant's own policy measures the scenario's
 * k (scheduling points) and n (threads); each PCT run then draws its d-1
 * change points from 1..k (unless --steps K is given).  The summary prints
 * Burckhardt et al.'s bound: a bug of depth d is found by one run with
 * probability >= 1/(n k^(d-1)), hence the runs for 99 % confidence.
 *
 * Failures are grouped by verdict and oracle message, with every digit run
 * replaced by '#' (cycle numbers, counts) and, when the text before the
 * first ": " holds a number, only that text (a list of details follows:
 * "# slots lost in # cycles ...: fd 1 ..., fd 2 ...").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "pool.h"
#include "sys_arch_version.h"

#define XP_MAX_CLASSES 64   /* distinct failures kept */
#define XP_LINE_MAX 8192
#define XP_SHRINK_MAX 8     /* failures whose schedule is shrunk */

typedef struct {
  char key[300];        /* verdict + normalised message */
  sim_verdict verdict;
  char message[1024];   /* of the lowest seed */
  uint64_t seed;        /* lowest seed */
  uint64_t count;
  /* the shrunk schedule (xp_shrink) */
  char schedule[PATH_MAX];
  size_t nchoices, nfull;
  uint64_t trials;
  const char *why;      /* no schedule: why */
} xp_class;

typedef struct {
  const proto_opts *o;
  uint64_t first, runs;   /* seeds first .. first+runs-1 */
  uint64_t next, done;
  uint64_t counts[4];
  uint64_t faults;        /* exit 3: the engine failed */
  xp_class classes[XP_MAX_CLASSES];
  int nclasses;
  uint64_t dropped_classes;
  bool tty;
  struct timespec t0, last_progress;
  /* pct */
  uint64_t k, n;
  unsigned d;
  /* the workers: status, signal and a dead worker in pool */
  cli_pool pool;
} xp_ctx;

static double xp_secs_since(const struct timespec *t0)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) +
         (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ------------------------------------------------------------------ */
/* engines                                                             */

/* The engine arguments of this exploration's runs (NULL-terminated). */
static void xp_argv(const xp_ctx *x, const char *engine, char **argv,
                    char bufs[4][24], bool worker, bool own_policy)
{
  const proto_opts *o = x->o;
  int n = 0;
  argv[n++] = (char *)engine;
  argv[n++] = "run";
  argv[n++] = (char *)o->scn->name;
  argv[n++] = "--variant";
  argv[n++] = (char *)o->var->name;
  if (o->link_mbps) {
    snprintf(bufs[3], 24, "%u", o->link_mbps);
    argv[n++] = "--link-mbps";
    argv[n++] = bufs[3];
  }
  if (!own_policy) {
    argv[n++] = "--policy";
    argv[n++] = (char *)sim_policy_name(o->policy);
    if (o->policy == SIM_POLICY_PCT) {
      snprintf(bufs[0], 24, "%u", x->d);
      snprintf(bufs[1], 24, "%llu", (unsigned long long)x->k);
      argv[n++] = "--depth";
      argv[n++] = bufs[0];
      argv[n++] = "--steps";
      argv[n++] = bufs[1];
    }
  }
  if (worker) {
    argv[n++] = "--worker";
  } else {
    snprintf(bufs[2], 24, "%llu", (unsigned long long)x->first);
    argv[n++] = "--seed";
    argv[n++] = bufs[2];
    argv[n++] = "--json";
  }
  argv[n] = NULL;
}

/* The engine of the variant's profile (into `engine`, PATH_MAX bytes) and
 * xp_argv()'s arguments for it: 0, or -1 with err. */
static int xp_engine_argv(const xp_ctx *x, char *engine, char **argv,
                          char bufs[4][24], bool worker, bool own_policy,
                          char *err, size_t errlen)
{
  if (cli_engine_find(x->o->var->profile, engine, PATH_MAX, err, errlen) !=
      0)
    return -1;
  xp_argv(x, engine, argv, bufs, worker, own_policy);
  return 0;
}

/* Runs the engine once with `argv` and reads its JSON result into res: 0,
 * or -1 if it gave none (then res needs no freeing). */
static int xp_exec(char **argv, cli_result *res)
{
  int out = memfd_create("lwipsim-once", MFD_CLOEXEC);
  if (out < 0)
    return -1;
  cli_spawn_io io = {CLI_SPAWN_KEEP, out, CLI_SPAWN_NULL, -1, false};
  pid_t pid = cli_spawn(argv, &io);
  int st = 0;
  if (pid > 0)
    cli_spawn_wait(pid, &st);
  char buf[XP_LINE_MAX];
  ssize_t n = pread(out, buf, sizeof buf - 1, 0);
  close(out);
  buf[n > 0 ? n : 0] = 0;
  if (pid <= 0)
    return -1;
  if (cli_result_parse(buf, res) != 0) {
    cli_result_free(res);
    return -1;
  }
  return 0;
}

/* PCT's k and n: one run under the variant's own policy. */
static int xp_measure(xp_ctx *x, char *err, size_t errlen)
{
  char engine[PATH_MAX], bufs[4][24];
  char *argv[24];
  if (xp_engine_argv(x, engine, argv, bufs, false, true, err, errlen) != 0)
    return -1;
  cli_result res;
  const unsigned need = PROTO_HAS_POINTS | PROTO_HAS_THREADS;
  bool ok = xp_exec(argv, &res) == 0;
  if (ok) {
    ok = (res.r.have & need) == need && (int64_t)res.r.timings.points > 0;
    x->k = res.r.timings.points;
    x->n = res.r.timings.threads;
    cli_result_free(&res);
  }
  if (!ok) {
    snprintf(err, errlen, "cannot measure %s/%s for PCT (the first run gave "
             "no result)", x->o->scn->name, x->o->var->name);
    return -1;
  }
  return 0;
}

/* The pool's next job: the next seed. */
static bool xp_next(void *ctx, char *line, size_t len, uint64_t *tag)
{
  xp_ctx *x = ctx;
  if (x->next >= x->runs)
    return false;
  *tag = x->first + x->next++;
  snprintf(line, len, "%llu\n", (unsigned long long)*tag);
  return true;
}

/* ------------------------------------------------------------------ */
/* results                                                             */

void cli_explore_key(sim_verdict v, const char *msg, char *key, size_t len)
{
  size_t k = (size_t)snprintf(key, len, "%s: ", sim_verdict_name(v));
  for (const char *p = msg; *p && k + 1 < len; p++) {
    if (*p >= '0' && *p <= '9') {
      while (p[1] >= '0' && p[1] <= '9')
        p++;
      key[k++] = '#';
    } else {
      key[k++] = *p;
    }
  }
  key[k] = 0;
  char *body = strstr(key, ": ") + 2;
  char *colon = strstr(body, ": ");
  if (colon && memchr(body, '#', (size_t)(colon - body)))
    *colon = 0;
}

/* Counts a failure in its class (made if new), which keeps the message
 * of its lowest seed. */
static void xp_class_add(xp_ctx *x, sim_verdict v, const char *message,
                         uint64_t seed)
{
  char key[sizeof x->classes[0].key];
  cli_explore_key(v, message, key, sizeof key);
  xp_class *c = NULL;
  for (int i = 0; i < x->nclasses; i++)
    if (strcmp(x->classes[i].key, key) == 0)
      c = &x->classes[i];
  if (!c && x->nclasses < XP_MAX_CLASSES) {
    c = &x->classes[x->nclasses++];
    memset(c, 0, sizeof *c);
    snprintf(c->key, sizeof c->key, "%s", key);
    c->verdict = v;
    c->seed = UINT64_MAX;
  }
  if (!c) {
    x->dropped_classes++;
    return;
  }
  c->count++;
  if (seed < c->seed) {
    c->seed = seed;
    snprintf(c->message, sizeof c->message, "%s", message);
  }
}

static void xp_result(void *ctx, uint64_t tag, const char *line)
{
  xp_ctx *x = ctx;
  (void)tag; /* the answer names its seed */
  cli_result res;
  const unsigned need = PROTO_HAS_SEED | PROTO_HAS_VERDICT |
                        PROTO_HAS_MESSAGE;
  uint64_t seed = 0;
  int code = PROTO_EXIT_FAULT;
  sim_verdict v = SIM_VERDICT_FAULT;
  const char *message = "unreadable result";
  if (cli_result_parse(line, &res) == 0 && (res.r.have & need) == need) {
    seed = res.r.seed;
    v = res.r.verdict;
    message = res.r.message;
    if (res.r.have & PROTO_HAS_EXIT)
      code = res.r.exit;
  }
  x->done++;
  x->counts[v]++;
  if (code == PROTO_EXIT_FAULT && v != x->o->expect.expected)
    x->faults++;
  if (v != SIM_VERDICT_NOT_REPRODUCED)
    xp_class_add(x, v, message, seed);
  cli_result_free(&res);
}

static uint64_t xp_failures(const xp_ctx *x)
{
  uint64_t f = 0;
  for (int i = 0; i < x->nclasses; i++)
    f += x->classes[i].count;
  return f + x->dropped_classes;
}

static void xp_progress(void *ctx, bool last)
{
  xp_ctx *x = ctx;
  if (!x->tty)
    return;
  if (!last && xp_secs_since(&x->last_progress) < 0.1)
    return;
  clock_gettime(CLOCK_MONOTONIC, &x->last_progress);
  double t = xp_secs_since(&x->t0);
  double rate = t > 0 ? (double)x->done / t : 0;
  double eta = rate > 0 ? (double)(x->runs - x->done) / rate : 0;
  fprintf(stderr, "\rexplore: %llu/%llu runs, %.0f runs/s, %llu failures "
          "(%d distinct), ETA %.0f s   ",
          (unsigned long long)x->done, (unsigned long long)x->runs, rate,
          (unsigned long long)xp_failures(x), x->nclasses, eta);
  if (last)
    fputc('\n', stderr);
  fflush(stderr);
}



/* ------------------------------------------------------------------ */
/* shrinking a failure's schedule                                      */

#define XP_SHRINK_TRIALS 400 /* engine runs per failure at most */

typedef struct {
  char **lines; /* "decision N of T runs U  # at P" */
  size_t n;
} xp_lines;

static void xp_lines_free(xp_lines *l)
{
  for (size_t i = 0; i < l->n; i++)
    free(l->lines[i]);
  free(l->lines);
  l->lines = NULL;
  l->n = 0;
}

static int xp_lines_read(const char *path, xp_lines *l)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char buf[512];
  while (fgets(buf, sizeof buf, f)) {
    if (buf[0] == '#' || buf[0] == '\n')
      continue;
    char **n = realloc(l->lines, (l->n + 1) * sizeof *n);
    if (!n || !(n[l->n] = strdup(buf))) {
      if (n)
        l->lines = n;
      fclose(f);
      return -1;
    }
    l->lines = n;
    l->n++;
  }
  fclose(f);
  return 0;
}

/* Writes the lines whose keep[] is set (all if keep is NULL). */
static int xp_lines_write(const char *path, const xp_lines *l,
                          const bool *keep, const char *header)
{
  char tmp[PATH_MAX + 8];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f)
    return -1;
  if (header)
    fputs(header, f);
  for (size_t i = 0; i < l->n; i++)
    if (!keep || keep[i])
      fputs(l->lines[i], f);
  if (fclose(f) != 0 || rename(tmp, path) != 0) {
    unlink(tmp);
    return -1;
  }
  return 0;
}

/* Does one run (argv) end in failure class `c`? */
static bool xp_same(char **argv, const xp_class *c)
{
  cli_result res;
  const unsigned need = PROTO_HAS_VERDICT | PROTO_HAS_MESSAGE;
  bool same = false;
  if (xp_exec(argv, &res) != 0)
    return false;
  if ((res.r.have & need) == need) {
    char key[sizeof c->key];
    cli_explore_key(res.r.verdict, res.r.message, key, sizeof key);
    same = strcmp(key, c->key) == 0;
  }
  cli_result_free(&res);
  return same;
}

/* --schedule-dir, or build/schedules next to the front end's executable
 * (made if missing), so that schedules never land in the work tree. */
static int xp_schedule_dir(const proto_opts *o, char *out, size_t len)
{
  if (o->schedule_dir) {
    snprintf(out, len, "%s", o->schedule_dir);
    return 0;
  }
  if (cli_self_dir(out, len) != 0 || strlen(out) + sizeof "/schedules" > len)
    return -1;
  strcat(out, "/schedules");
  return mkdir(out, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

/* A shrink's files and arguments: the engine, the failure's seed, the
 * schedule recorded in full and the candidate being tried. */
typedef struct {
  char engine[PATH_MAX], seed[24], bufs[4][24];
  char dir[32], full[PATH_MAX], cand[PATH_MAX];
  xp_lines l;
} xp_shrinking;

/* Records the schedule of failure `c`'s seed into s->full and reads it:
 * 0, or -1 when the run does not fail the same way again. */
static int xp_record(const xp_ctx *x, const xp_class *c, xp_shrinking *s)
{
  char *argv[32];
  xp_argv(x, s->engine, argv, s->bufs, false, false);
  int n = 0;
  while (argv[n])
    n++;
  argv[n - 2] = s->seed; /* --seed FIRST -> this failure's seed */
  argv[n++] = "--record-schedule";
  argv[n++] = s->full;
  argv[n] = NULL;
  return xp_same(argv, c) && xp_lines_read(s->full, &s->l) == 0 ? 0 : -1;
}

/* ddmin over the recorded choices: removes chunks of halves, quarters,
 * ... down to single choices while replaying the rest (rtos plus those
 * choices, argv) still gives failure `c`.  keep[] says what stays; 0 with
 * c->nchoices, or -1 if the full schedule does not replay the failure. */
static int xp_ddmin(char **argv, xp_class *c, xp_shrinking *s, bool *keep)
{
  const xp_lines *l = &s->l;
  bool *trial = calloc(l->n + 1, sizeof *trial);
  for (size_t i = 0; i < l->n; i++)
    keep[i] = true;
  c->why = "its schedule does not replay it";
  c->trials = 1;
  if (!trial || xp_lines_write(s->cand, l, keep, NULL) != 0 ||
      !xp_same(argv, c)) {
    free(trial);
    return -1;
  }
  size_t left = l->n;
  for (size_t chunks = 2; left > 0 && c->trials < XP_SHRINK_TRIALS;) {
    size_t size = (left + chunks - 1) / chunks;
    bool removed = false;
    /* The kept choices, in order, cut into `chunks` pieces of `size`. */
    for (size_t start = 0; start < left && c->trials < XP_SHRINK_TRIALS;
         start += size) {
      size_t k = 0;
      for (size_t i = 0; i < l->n; i++) {
        trial[i] = keep[i];
        if (keep[i]) {
          if (k >= start && k < start + size)
            trial[i] = false;
          k++;
        }
      }
      c->trials++;
      if (xp_lines_write(s->cand, l, trial, NULL) == 0 && xp_same(argv, c)) {
        memcpy(keep, trial, l->n * sizeof *keep);
        left -= (left - start < size ? left - start : size);
        removed = true;
        break;
      }
    }
    if (removed) {
      chunks = chunks > 2 ? chunks - 1 : 2;
    } else {
      if (size <= 1)
        break;
      chunks = chunks * 2 < left ? chunks * 2 : left;
    }
  }
  free(trial);
  c->nchoices = left;
  return 0;
}

/* Writes the shrunk schedule (the choices keep[] holds) to
 * DIR/SCENARIO-VARIANT-N.sched; c->why says what failed. */
static void xp_save(const xp_ctx *x, xp_class *c, int idx,
                    const xp_lines *l, const bool *keep)
{
  const proto_opts *o = x->o;
  /* Room for the whole oracle message: a header cut short would run into
   * the first choice's line and lose it. */
  char header[sizeof c->message + 1024];
  int hn = snprintf(header, sizeof header,
           "# lwipsim schedule: %s %s, shrunk from the %zu choices of seed "
           "%llu (policy %s) to %zu\n# failure: %s: %s\n# each line: where "
           "the scheduler does not do what rtos would\n",
           o->scn->name, o->var->name, l->n, (unsigned long long)c->seed,
           sim_policy_name(o->policy), c->nchoices,
           sim_verdict_name(c->verdict), c->message);
  if (hn < 0 || (size_t)hn >= sizeof header) {
    c->why = "the schedule's header does not fit";
    return;
  }
  char sdir[PATH_MAX];
  if (xp_schedule_dir(o, sdir, sizeof sdir) != 0) {
    c->why = "cannot make the schedule directory";
    return;
  }
  int w = snprintf(c->schedule, sizeof c->schedule, "%s/%s-%s-%d.sched",
                   sdir, o->scn->name, o->var->name, idx);
  if (w < 0 || (size_t)w >= sizeof c->schedule) {
    c->why = "the schedule path is too long";
    c->schedule[0] = 0;
    return;
  }
  if (xp_lines_write(c->schedule, l, keep, header) != 0) {
    c->why = "cannot write the schedule file";
    c->schedule[0] = 0;
    return;
  }
  c->why = NULL;
}

/* Records the schedule of failure `c`'s first seed (the decisions where
 * the policy did not do what rtos would), checks that replaying it gives
 * the same failure, shrinks it (xp_ddmin) and writes the result. */
static void xp_shrink(const xp_ctx *x, xp_class *c, int idx)
{
  const proto_opts *o = x->o;
  char err[600];
  xp_shrinking *s = calloc(1, sizeof *s);
  bool *keep = NULL;
  c->why = "cannot record";
  if (!s)
    return;
  snprintf(s->dir, sizeof s->dir, "/tmp/lwipsim-shrink.XXXXXX");
  if (cli_engine_find(o->var->profile, s->engine, sizeof s->engine, err,
                      sizeof err) != 0 ||
      !mkdtemp(s->dir)) {
    free(s);
    return;
  }
  snprintf(s->full, sizeof s->full, "%s/full", s->dir);
  snprintf(s->cand, sizeof s->cand, "%s/cand", s->dir);
  snprintf(s->seed, sizeof s->seed, "%llu", (unsigned long long)c->seed);
  /* replay: rtos plus the choices */
  char *rargv[] = {s->engine, "run", (char *)o->scn->name, "--variant",
                   (char *)o->var->name, "--seed", s->seed, "--schedule",
                   s->cand, "--json", o->link_mbps ? "--link-mbps" : NULL,
                   s->bufs[3], NULL};
  if (xp_record(x, c, s) == 0) {
    c->nfull = s->l.n;
    keep = calloc(s->l.n + 1, sizeof *keep);
    if (keep && xp_ddmin(rargv, c, s, keep) == 0)
      xp_save(x, c, idx, &s->l, keep);
  }
  free(keep);
  xp_lines_free(&s->l);
  unlink(s->full);
  unlink(s->cand);
  rmdir(s->dir);
  free(s);
}

/* ------------------------------------------------------------------ */
/* the workers                                                         */

/* ------------------------------------------------------------------ */
/* the summary                                                         */

static void xp_replay(const xp_ctx *x, uint64_t seed, char *out, size_t len)
{
  const proto_opts *o = x->o;
  int n = snprintf(out, len, "%s run %s --variant %s --seed %llu --policy %s",
                   o->self, o->scn->name, o->var->name,
                   (unsigned long long)seed, sim_policy_name(o->policy));
  if (o->policy == SIM_POLICY_PCT && n > 0 && (size_t)n < len)
    n += snprintf(out + n, len - (size_t)n, " --depth %u --steps %llu", x->d,
                  (unsigned long long)x->k);
  if (o->link_mbps && n > 0 && (size_t)n < len)
    snprintf(out + n, len - (size_t)n, " --link-mbps %u", o->link_mbps);
}

static const char *xp_link_text(const proto_opts *o)
{
  static char b[16];
  snprintf(b, sizeof b, "%u", o->link_mbps);
  return b;
}

/* PCT's bound for one run, and the runs that give 99 % confidence. */
static void xp_bound(const xp_ctx *x, double *p, double *runs99)
{
  double denom = (double)(x->n ? x->n : 1) * pow((double)x->k, x->d - 1.0);
  *p = 1.0 / denom;
  *runs99 = *p >= 1.0 ? 1.0 : ceil(log(0.01) / log1p(-*p));
}

static int xp_write_json(const xp_ctx *x, const char *status, double wall,
                         char *err, size_t errlen)
{
  const proto_opts *o = x->o;
  json_t *fails = json_array();
  for (int i = 0; i < x->nclasses; i++) {
    const xp_class *c = &x->classes[i];
    char replay[1024];
    xp_replay(x, c->seed, replay, sizeof replay);
    json_t *f = json_pack("{s:s, s:s, s:I, s:I, s:s}", "verdict",
                          sim_verdict_name(c->verdict), "message", c->message,
                          "count", (json_int_t)c->count, "first_seed",
                          (json_int_t)c->seed, "replay", replay);
    if (c->schedule[0]) {
      json_object_set_new(f, "schedule", json_string(c->schedule));
      json_object_set_new(f, "preemptions",
                          json_integer((json_int_t)c->nchoices));
      json_object_set_new(f, "preemptions_before",
                          json_integer((json_int_t)c->nfull));
    }
    json_array_append_new(fails, f);
  }
  json_t *counts = json_object();
  for (int v = 0; v < 4; v++)
    json_object_set_new(counts, sim_verdict_name((sim_verdict)v),
                        json_integer((json_int_t)x->counts[v]));
  json_t *j = json_pack(
      "{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:f, s:o, s:o}",
      "scenario", o->scn->name, "variant", o->var->name, "policy",
      sim_policy_name(o->policy), "first_seed", (json_int_t)x->first,
      "last_seed", (json_int_t)(x->first + x->runs - 1), "shard",
      (json_int_t)o->shard_index, "shards", (json_int_t)o->shard_count,
      "runs_done", (json_int_t)x->done, "status", status, "wall_s", wall,
      "counts", counts, "failures", fails);
  /* What `lwipsim merge` checks shards against each other by. */
  char engine[PATH_MAX], build[24] = "?", e2[600];
  if (cli_engine_find(o->var->profile, engine, sizeof engine, e2,
                      sizeof e2) == 0)
    proto_build_id(engine, build, sizeof build);
  json_object_set_new(j, "command", json_string("explore"));
  json_object_set_new(j, "expected",
                      json_string(sim_verdict_name(o->expect.expected)));
  json_object_set_new(j, "lwip", json_string(sys_arch_lwip_version()));
  json_object_set_new(j, "build", json_string(build));
  if (o->policy == SIM_POLICY_PCT) {
    double p, r;
    xp_bound(x, &p, &r);
    json_object_set_new(j, "pct",
                        json_pack("{s:I, s:I, s:i, s:f, s:f}", "n",
                                  (json_int_t)x->n, "k", (json_int_t)x->k,
                                  "d", (int)x->d, "p_min", p, "runs_99", r));
  }
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s.tmp", o->explore_json);
  int rc = json_dump_file(j, tmp, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
  json_decref(j);
  if (rc != 0 || rename(tmp, o->explore_json) != 0) {
    snprintf(err, errlen, "cannot write %s: %s", o->explore_json,
             strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

/* What the runs gave: how far they got, the PCT bound, the verdicts. */
static void xp_print_counts(const xp_ctx *x, double wall)
{
  const proto_opts *o = x->o;
  const char *where = o->scn->name;
  if (x->pool.signal)
    printf("explore %s/%s: interrupted by signal %d after %llu of %llu runs "
           "(%llu failures)\n",
           where, o->var->name, x->pool.signal, (unsigned long long)x->done,
           (unsigned long long)x->runs, (unsigned long long)xp_failures(x));
  printf("explore %s/%s: %llu runs, policy %s, seeds %llu..%llu", where,
         o->var->name, (unsigned long long)x->done,
         sim_policy_name(o->policy), (unsigned long long)x->first,
         (unsigned long long)(x->first + x->runs - 1));
  if (o->shard_count)
    printf(" (shard %llu/%llu)", (unsigned long long)o->shard_index,
           (unsigned long long)o->shard_count);
  printf(", %.1f s wall, %.0f runs/s, %d jobs\n", wall,
         wall > 0 ? (double)x->done / wall : 0.0, x->pool.nw);
  if (strcmp(x->pool.status, "time limit") == 0)
    printf("stopped by --time-limit %llu s after %llu of %llu runs\n",
           (unsigned long long)o->time_limit_s, (unsigned long long)x->done,
           (unsigned long long)x->runs);
  if (x->pool.died[0])
    printf("fault: %s\n", x->pool.died);
  if (o->policy == SIM_POLICY_PCT) {
    double p, r;
    xp_bound(x, &p, &r);
    printf("pct: n=%llu threads, k=%llu scheduling points, d=%u: one run "
           "finds a depth-%u bug with p >= 1/(n*k^(d-1)) = %.3g; 99%% "
           "confidence takes %.3g runs\n",
           (unsigned long long)x->n, (unsigned long long)x->k, x->d, x->d, p,
           r);
  }
  for (int v = 0; v < 4; v++)
    if (x->counts[v])
      printf("  %-15s %llu\n", sim_verdict_name((sim_verdict)v),
             (unsigned long long)x->counts[v]);
  if (x->nclasses == 0)
    printf("no failure in %llu runs\n", (unsigned long long)x->done);
}

/* Failures by their first seed: with several jobs, runs finish in any
 * order, and the numbering must not depend on it. */
static int xp_class_cmp(const void *a, const void *b)
{
  const xp_class *ca = a, *cb = b;
  if (ca->seed != cb->seed)
    return ca->seed < cb->seed ? -1 : 1;
  return strcmp(ca->key, cb->key);
}

/* Each distinct failure with the command that replays it and, for the
 * first few, its shrunk schedule. */
static void xp_print_failures(xp_ctx *x)
{
  const proto_opts *o = x->o;
  qsort(x->classes, (size_t)x->nclasses, sizeof x->classes[0],
        xp_class_cmp);
  for (int i = 0; i < x->nclasses; i++) {
    xp_class *c = &x->classes[i];
    char replay[1024];
    xp_replay(x, c->seed, replay, sizeof replay);
    printf("failure %d: %s in %llu runs, first seed %llu: %s\nreplay: %s\n",
           i + 1, sim_verdict_name(c->verdict), (unsigned long long)c->count,
           (unsigned long long)c->seed, c->message, replay);
    if (i >= XP_SHRINK_MAX || x->pool.signal || o->no_shrink)
      continue;
    if (x->tty)
      fprintf(stderr, "explore: shrinking the schedule of failure %d...\r",
              i + 1);
    xp_shrink(x, c, i + 1);
    if (c->schedule[0])
      printf("schedule: %zu choices off rtos (from %zu, %llu trial runs): %s "
             "run %s --variant %s --seed %llu --schedule %s%s%s\n",
             c->nchoices, c->nfull, (unsigned long long)c->trials, o->self,
             o->scn->name, o->var->name, (unsigned long long)c->seed,
             c->schedule, o->link_mbps ? " --link-mbps " : "",
             o->link_mbps ? xp_link_text(o) : "");
    else
      printf("schedule: none (%s)\n", c->why);
  }
  if (x->dropped_classes)
    printf("(%llu further failures in more than %d distinct kinds not "
           "listed)\n",
           (unsigned long long)x->dropped_classes, XP_MAX_CLASSES);
}

/* ------------------------------------------------------------------ */

/* Before the workers: an unwritable --json file fails now, not after the
 * runs; PCT measures the scenario. */
static int xp_prepare(xp_ctx *x)
{
  const proto_opts *o = x->o;
  char err[600];
  if (o->explore_json && cli_writable(o->explore_json) != 0)
    return PROTO_EXIT_USAGE;
  clock_gettime(CLOCK_MONOTONIC, &x->t0);
  x->last_progress = x->t0;
  if (o->policy == SIM_POLICY_PCT) {
    if (xp_measure(x, err, sizeof err) != 0) {
      fprintf(stderr, "lwipsim: %s\n", err);
      return PROTO_EXIT_USAGE;
    }
    if (o->pct_steps)
      x->k = o->pct_steps;
  }
  return PROTO_EXIT_OK;
}

int cli_explore(const proto_opts *o)
{
  xp_ctx *x = calloc(1, sizeof *x);
  cli_worker *w = calloc((size_t)o->jobs, sizeof *w);
  if (!x || !w) {
    fprintf(stderr, "lwipsim: out of memory\n");
    free(x);
    free(w);
    return PROTO_EXIT_FAULT;
  }
  x->o = o;
  x->runs = o->runs;
  x->first = o->seed + (o->shard_count ? (o->shard_index - 1) * o->runs : 0);
  x->tty = isatty(STDERR_FILENO);
  x->d = o->pct_depth ? o->pct_depth : 3;
  cli_pool *pool = &x->pool;
  pool->status = "complete";
  int rc = xp_prepare(x);
  if (rc != PROTO_EXIT_OK) {
    free(x);
    free(w);
    return rc;
  }
  pool->ctx = x;
  pool->next = xp_next;
  pool->result = xp_result;
  pool->progress = xp_progress;
  pool->time_limit_s = (unsigned)o->time_limit_s;
  pool->t0 = &x->t0;
  pool->line_max = XP_LINE_MAX;
  pool->w = w;
  /* Up to --jobs workers, no more than there are runs. */
  char engine[PATH_MAX], bufs[4][24], err[600];
  char *argv[24];
  int n = (uint64_t)o->jobs < o->runs ? o->jobs : (int)o->runs;
  if (xp_engine_argv(x, engine, argv, bufs, true, false, err, sizeof err) !=
          0 ||
      cli_pool_start(pool, n, argv, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    rc = PROTO_EXIT_USAGE;
    pool->stopping = true;
  }
  cli_pool_run(pool);
  double wall = xp_secs_since(&x->t0);
  xp_print_counts(x, wall);
  xp_print_failures(x);
  if (o->explore_json &&
      xp_write_json(x, pool->status, wall, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    rc = PROTO_EXIT_USAGE;
  }
  if (rc == PROTO_EXIT_OK) {
    if (pool->signal || pool->died[0] || x->faults)
      rc = PROTO_EXIT_FAULT;
    else if (x->counts[o->expect.expected] != x->done)
      rc = PROTO_EXIT_MISMATCH;
  }
  cli_pool_free(pool);
  free(x);
  free(w);
  return rc;
}

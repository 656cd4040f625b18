/*
 * explore.c - `lwipsim explore`: many seeded runs of one scenario variant
 * under the random or PCT policy, spread over --jobs workers, grouped into
 * distinct failures, each with the command that replays it.
 *
 * Workers.  Each job is one engine process started with --worker: a fork
 * server that reads seeds on a pipe and runs each in a child forked from
 * its initialised state (engine_main.c), answering with one JSON line.
 * The front end keeps a few seeds queued per worker, reads the answers with
 * poll(), and never depends on the order they arrive in: counts are sums,
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
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define XP_QUEUE 8          /* seeds in flight per worker */
#define XP_MAX_CLASSES 64   /* distinct failures kept */
#define XP_LINE_MAX 8192
#define XP_SHRINK_MAX 8     /* failures whose schedule is shrunk */

typedef struct {
  pid_t pid;
  int in_fd, out_fd, err_fd;
  int inflight;
  char buf[XP_LINE_MAX];
  size_t len;
} xp_worker;

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
  const sim_cli_opts *o;
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
} xp_ctx;

static volatile sig_atomic_t xp_stop;

static void xp_on_signal(int sig)
{
  xp_stop = sig;
}

static double xp_secs_since(const struct timespec *t0)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) +
         (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ------------------------------------------------------------------ */
/* engines                                                             */

static int xp_engine(const sim_cli_opts *o, char *path, size_t len, char *err,
                     size_t errlen)
{
  if (sim_cli_engine_path(o->var->profile, path, len) != 0 ||
      access(path, X_OK) != 0) {
    snprintf(err, errlen, "no engine for profile '%s' (expected %.300s); run "
             "make", o->var->profile, path);
    return -1;
  }
  return 0;
}

/* The engine arguments of this exploration's runs (NULL-terminated). */
static void xp_argv(const xp_ctx *x, const char *engine, char **argv,
                    char bufs[4][24], bool worker, bool own_policy)
{
  const sim_cli_opts *o = x->o;
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

/* Runs the engine once with `argv` and returns its JSON result (NULL if
 * it gave none). */
static json_t *xp_exec(char **argv)
{
  int out = memfd_create("lwipsim-once", MFD_CLOEXEC);
  if (out < 0)
    return NULL;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out, STDOUT_FILENO);
    int nul = open("/dev/null", O_WRONLY);
    if (nul >= 0)
      dup2(nul, STDERR_FILENO);
    execv(argv[0], argv);
    _exit(SIM_EXIT_USAGE);
  }
  int st = 0;
  while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  char buf[XP_LINE_MAX];
  ssize_t n = pread(out, buf, sizeof buf - 1, 0);
  close(out);
  buf[n > 0 ? n : 0] = 0;
  return pid > 0 ? json_loads(buf, 0, NULL) : NULL;
}

/* PCT's k and n: one run under the variant's own policy. */
static int xp_measure(xp_ctx *x, char *err, size_t errlen)
{
  char engine[PATH_MAX], bufs[4][24];
  char *argv[24];
  if (xp_engine(x->o, engine, sizeof engine, err, errlen) != 0)
    return -1;
  xp_argv(x, engine, argv, bufs, false, true);
  json_t *j = xp_exec(argv);
  json_int_t points = 0, threads = 0;
  if (!j ||
      json_unpack(j, "{s:{s:I, s:I}}", "timings", "points", &points,
                  "threads", &threads) != 0 ||
      points <= 0) {
    snprintf(err, errlen, "cannot measure %s/%s for PCT (the first run gave "
             "no result)", x->o->scn->name, x->o->var->name);
    json_decref(j);
    return -1;
  }
  json_decref(j);
  x->k = (uint64_t)points;
  x->n = (uint64_t)threads;
  return 0;
}

static int xp_start(const xp_ctx *x, xp_worker *w, int slot, char *err,
                    size_t errlen)
{
  char engine[PATH_MAX], bufs[4][24], cpu[16];
  char *argv[24];
  if (xp_engine(x->o, engine, sizeof engine, err, errlen) != 0)
    return -1;
  xp_argv(x, engine, argv, bufs, true, false);
  int in[2], out[2];
  w->err_fd = memfd_create("lwipsim-worker-err", MFD_CLOEXEC);
  if (w->err_fd < 0 || pipe2(in, O_CLOEXEC) != 0 ||
      pipe2(out, O_CLOEXEC) != 0) {
    snprintf(err, errlen, "cannot start a worker: %s", strerror(errno));
    return -1;
  }
  snprintf(cpu, sizeof cpu, "%d", slot);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(err, errlen, "cannot start a worker: %s", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(w->err_fd, STDERR_FILENO);
    setenv("LWIPSIM_CPU", cpu, 1);
    signal(SIGINT, SIG_IGN); /* the front end decides; it sends SIGTERM */
    execv(engine, argv);
    _exit(SIM_EXIT_USAGE);
  }
  close(in[0]);
  close(out[1]);
  w->pid = pid;
  w->in_fd = in[1];
  w->out_fd = out[0];
  w->inflight = 0;
  w->len = 0;
  return 0;
}

static void xp_feed(xp_ctx *x, xp_worker *w, bool stopping)
{
  while (!stopping && w->in_fd >= 0 && w->inflight < XP_QUEUE &&
         x->next < x->runs) {
    char line[32];
    int n = snprintf(line, sizeof line, "%llu\n",
                     (unsigned long long)(x->first + x->next));
    if (write(w->in_fd, line, (size_t)n) != n)
      break;
    x->next++;
    w->inflight++;
  }
  if ((stopping || x->next >= x->runs) && w->in_fd >= 0) {
    close(w->in_fd); /* the worker ends after its queue */
    w->in_fd = -1;
  }
}

/* ------------------------------------------------------------------ */
/* results                                                             */

static void xp_key(sim_verdict v, const char *msg, char *key, size_t len)
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

static void xp_result(xp_ctx *x, const char *line)
{
  json_t *j = json_loads(line, 0, NULL);
  json_int_t seed = 0, code = SIM_EXIT_FAULT;
  const char *verdict = "fault", *message = "unreadable result";
  if (j)
    (void)json_unpack(j, "{s:I, s:s, s:s, s?:i}", "seed", &seed, "verdict",
                      &verdict, "message", &message, "exit", &code);
  sim_verdict v = SIM_VERDICT_FAULT;
  (void)sim_verdict_parse(verdict, &v);
  x->done++;
  x->counts[v]++;
  if (code == SIM_EXIT_FAULT && v != x->o->var->expected)
    x->faults++;
  if (v != SIM_VERDICT_NOT_REPRODUCED) {
    char key[sizeof x->classes[0].key];
    xp_key(v, message, key, sizeof key);
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
    if (c) {
      c->count++;
      if ((uint64_t)seed < c->seed) {
        c->seed = (uint64_t)seed;
        snprintf(c->message, sizeof c->message, "%s", message);
      }
    } else {
      x->dropped_classes++;
    }
  }
  json_decref(j);
}

static uint64_t xp_failures(const xp_ctx *x)
{
  uint64_t f = 0;
  for (int i = 0; i < x->nclasses; i++)
    f += x->classes[i].count;
  return f + x->dropped_classes;
}

static void xp_progress(xp_ctx *x, bool last)
{
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

/* Reads what a worker wrote; false once it has closed its output. */
static bool xp_read(xp_ctx *x, xp_worker *w)
{
  ssize_t n = read(w->out_fd, w->buf + w->len, sizeof w->buf - 1 - w->len);
  if (n < 0 && errno == EINTR)
    return true;
  if (n <= 0)
    return false;
  w->len += (size_t)n;
  w->buf[w->len] = 0;
  char *p = w->buf, *nl;
  while ((nl = strchr(p, '\n'))) {
    *nl = 0;
    if (*p) {
      xp_result(x, p);
      w->inflight--;
    }
    p = nl + 1;
  }
  w->len = (size_t)(w->buf + w->len - p);
  memmove(w->buf, p, w->len);
  if (w->len == sizeof w->buf - 1)
    w->len = 0; /* a line too long for a result: drop it */
  return true;
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
  json_t *j = xp_exec(argv);
  const char *verdict = NULL, *message = NULL;
  bool same = false;
  if (j && json_unpack(j, "{s:s, s:s}", "verdict", &verdict, "message",
                       &message) == 0) {
    sim_verdict v;
    char key[sizeof c->key];
    if (sim_verdict_parse(verdict, &v) == 0) {
      xp_key(v, message, key, sizeof key);
      same = strcmp(key, c->key) == 0;
    }
  }
  json_decref(j);
  return same;
}

/* --schedule-dir, or build/schedules next to the front end's executable
 * (made if missing), so that schedules never land in the work tree. */
static int xp_schedule_dir(const sim_cli_opts *o, char *out, size_t len)
{
  if (o->schedule_dir) {
    snprintf(out, len, "%s", o->schedule_dir);
    return 0;
  }
  if (sim_cli_self_dir(out, len) != 0 ||
      strlen(out) + sizeof "/schedules" > len)
    return -1;
  strcat(out, "/schedules");
  return mkdir(out, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

/* Records the schedule of failure `c`'s first seed (the decisions where
 * the policy did not do what rtos would), checks that replaying it gives
 * the same failure, then removes choices while it still does (ddmin:
 * chunks of halves, quarters, ... down to single choices), and writes the
 * result to DIR/SCENARIO-VARIANT-N.sched. */
static void xp_shrink(const xp_ctx *x, xp_class *c, int idx)
{
  const sim_cli_opts *o = x->o;
  char engine[PATH_MAX], err[600], bufs[4][24], seed[24];
  char dir[] = "/tmp/lwipsim-shrink.XXXXXX";
  char full[PATH_MAX], cand[PATH_MAX];
  xp_lines l = {NULL, 0};
  bool *keep = NULL, *trial = NULL;
  c->why = "cannot record";
  if (xp_engine(o, engine, sizeof engine, err, sizeof err) != 0 ||
      !mkdtemp(dir))
    return;
  snprintf(full, sizeof full, "%s/full", dir);
  snprintf(cand, sizeof cand, "%s/cand", dir);
  /* record */
  char *argv[32];
  xp_argv(x, engine, argv, bufs, false, false);
  int n = 0;
  while (argv[n])
    n++;
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)c->seed);
  argv[n - 2] = seed; /* --seed FIRST -> this failure's seed */
  argv[n++] = "--record-schedule";
  argv[n++] = full;
  argv[n] = NULL;
  if (!xp_same(argv, c) || xp_lines_read(full, &l) != 0)
    goto out;
  c->nfull = l.n;
  /* replay: rtos plus the choices */
  char *rargv[] = {engine, "run", (char *)o->scn->name, "--variant",
                   (char *)o->var->name, "--seed", seed, "--schedule", cand,
                   "--json", o->link_mbps ? "--link-mbps" : NULL, bufs[3],
                   NULL};
  keep = calloc(l.n + 1, sizeof *keep);
  trial = calloc(l.n + 1, sizeof *trial);
  if (!keep || !trial)
    goto out;
  for (size_t i = 0; i < l.n; i++)
    keep[i] = true;
  c->why = "its schedule does not replay it";
  c->trials = 1;
  if (xp_lines_write(cand, &l, keep, NULL) != 0 || !xp_same(rargv, c))
    goto out;
  size_t left = l.n;
  for (size_t chunks = 2; left > 0 && c->trials < XP_SHRINK_TRIALS;) {
    size_t size = (left + chunks - 1) / chunks;
    bool removed = false;
    /* The kept choices, in order, cut into `chunks` pieces of `size`. */
    for (size_t start = 0; start < left && c->trials < XP_SHRINK_TRIALS;
         start += size) {
      size_t k = 0;
      for (size_t i = 0; i < l.n; i++) {
        trial[i] = keep[i];
        if (keep[i]) {
          if (k >= start && k < start + size)
            trial[i] = false;
          k++;
        }
      }
      c->trials++;
      if (xp_lines_write(cand, &l, trial, NULL) == 0 && xp_same(rargv, c)) {
        memcpy(keep, trial, l.n * sizeof *keep);
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
  c->nchoices = left;
  char header[1024];
  snprintf(header, sizeof header,
           "# lwipsim schedule: %s %s, shrunk from the %zu choices of seed "
           "%llu (policy %s) to %zu\n# failure: %s: %s\n# each line: where "
           "the scheduler does not do what rtos would\n",
           o->scn->name, o->var->name, l.n, (unsigned long long)c->seed,
           sim_policy_name(o->policy), left, sim_verdict_name(c->verdict),
           c->message);
  char sdir[PATH_MAX];
  if (xp_schedule_dir(o, sdir, sizeof sdir) != 0) {
    c->why = "cannot make the schedule directory";
    goto out;
  }
  int w = snprintf(c->schedule, sizeof c->schedule, "%s/%s-%s-%d.sched",
                   sdir, o->scn->name, o->var->name, idx);
  if (w < 0 || (size_t)w >= sizeof c->schedule) {
    c->why = "the schedule path is too long";
    c->schedule[0] = 0;
    goto out;
  }
  if (xp_lines_write(c->schedule, &l, keep, header) != 0) {
    c->why = "cannot write the schedule file";
    c->schedule[0] = 0;
    goto out;
  }
  c->why = NULL;
out:
  free(keep);
  free(trial);
  xp_lines_free(&l);
  unlink(full);
  unlink(cand);
  rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* the summary                                                         */

static void xp_replay(const xp_ctx *x, uint64_t seed, char *out, size_t len)
{
  const sim_cli_opts *o = x->o;
  int n = snprintf(out, len, "%s run %s --variant %s --seed %llu --policy %s",
                   o->self, o->scn->name, o->var->name,
                   (unsigned long long)seed, sim_policy_name(o->policy));
  if (o->policy == SIM_POLICY_PCT && n > 0 && (size_t)n < len)
    n += snprintf(out + n, len - (size_t)n, " --depth %u --steps %llu", x->d,
                  (unsigned long long)x->k);
  if (o->link_mbps && n > 0 && (size_t)n < len)
    snprintf(out + n, len - (size_t)n, " --link-mbps %u", o->link_mbps);
}

static const char *bufs_link(const sim_cli_opts *o)
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
  const sim_cli_opts *o = x->o;
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

/* ------------------------------------------------------------------ */

int sim_cli_explore(const sim_cli_opts *o)
{
  xp_ctx *x = calloc(1, sizeof *x);
  xp_worker *w = calloc((size_t)o->jobs, sizeof *w);
  if (!x || !w) {
    fprintf(stderr, "lwipsim: out of memory\n");
    free(x);
    free(w);
    return SIM_EXIT_FAULT;
  }
  x->o = o;
  x->runs = o->runs;
  x->first = o->seed + (o->shard_count ? (o->shard_index - 1) * o->runs : 0);
  x->tty = isatty(STDERR_FILENO);
  x->d = o->pct_depth ? o->pct_depth : 3;
  char err[600];
  int rc = SIM_EXIT_OK;
  if (o->explore_json) {
    /* Fail early on an unwritable path, not after the runs. */
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp", o->explore_json);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      fprintf(stderr, "lwipsim: cannot write %s: %s\n", o->explore_json,
              strerror(errno));
      free(x);
      free(w);
      return SIM_EXIT_USAGE;
    }
    close(fd);
    unlink(tmp);
  }
  clock_gettime(CLOCK_MONOTONIC, &x->t0);
  x->last_progress = x->t0;
  if (o->policy == SIM_POLICY_PCT) {
    if (xp_measure(x, err, sizeof err) != 0) {
      fprintf(stderr, "lwipsim: %s\n", err);
      free(x);
      free(w);
      return SIM_EXIT_USAGE;
    }
    if (o->pct_steps)
      x->k = o->pct_steps;
  }
  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = xp_on_signal; /* no SA_RESTART: poll() wakes */
  xp_stop = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  signal(SIGPIPE, SIG_IGN);
  int nw = 0;
  for (; nw < o->jobs; nw++) {
    if ((uint64_t)nw >= o->runs)
      break;
    if (xp_start(x, &w[nw], nw, err, sizeof err) != 0) {
      fprintf(stderr, "lwipsim: %s\n", err);
      rc = SIM_EXIT_USAGE;
      break;
    }
  }
  const char *status = "complete";
  bool stopping = rc != SIM_EXIT_OK;
  bool worker_died = false;
  char died[512] = "";
  for (;;) {
    if (xp_stop && !stopping) {
      stopping = true;
      status = "interrupted";
    }
    if (o->time_limit_s && !stopping &&
        xp_secs_since(&x->t0) >= (double)o->time_limit_s) {
      stopping = true;
      status = "time limit";
    }
    struct pollfd pf[256];
    int np = 0, map[256];
    for (int i = 0; i < nw; i++) {
      xp_feed(x, &w[i], stopping);
      if (w[i].out_fd >= 0) {
        pf[np].fd = w[i].out_fd;
        pf[np].events = POLLIN;
        map[np++] = i;
      }
    }
    if (np == 0)
      break;
    if (xp_stop && stopping && strcmp(status, "interrupted") == 0) {
      /* Interrupted: the running children are told to stop too. */
      for (int i = 0; i < nw; i++)
        if (w[i].pid > 0)
          kill(w[i].pid, SIGTERM);
    }
    int r = poll(pf, (nfds_t)np, 100);
    if (r < 0 && errno != EINTR)
      break;
    for (int i = 0; r > 0 && i < np; i++) {
      if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      xp_worker *wk = &w[map[i]];
      if (!xp_read(x, wk)) {
        close(wk->out_fd);
        wk->out_fd = -1;
        if (wk->inflight > 0 && !xp_stop && !died[0]) {
          worker_died = true;
          char *e = NULL;
          off_t sz = lseek(wk->err_fd, 0, SEEK_END);
          if (sz > 0 && (e = calloc(1, (size_t)sz + 1)))
            (void)pread(wk->err_fd, e, (size_t)sz, 0);
          if (e)
            e[strcspn(e, "\n")] = 0;
          snprintf(died, sizeof died, "a worker ended with %d runs queued%s%s",
                   wk->inflight, e && *e ? ": " : "", e ? e : "");
          free(e);
          stopping = true;
          status = "worker failed";
        }
      }
    }
    xp_progress(x, false);
  }
  for (int i = 0; i < nw; i++) {
    if (w[i].in_fd >= 0)
      close(w[i].in_fd);
    if (w[i].out_fd >= 0)
      close(w[i].out_fd);
    if (xp_stop)
      kill(w[i].pid, SIGTERM);
    int st;
    while (waitpid(w[i].pid, &st, 0) < 0 && errno == EINTR)
      ;
    close(w[i].err_fd);
  }
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  xp_progress(x, true);
  double wall = xp_secs_since(&x->t0);

  /* summary */
  const char *where = o->scn->name;
  if (xp_stop)
    printf("explore %s/%s: interrupted by signal %d after %llu of %llu runs "
           "(%llu failures)\n",
           where, o->var->name, (int)xp_stop, (unsigned long long)x->done,
           (unsigned long long)x->runs, (unsigned long long)xp_failures(x));
  printf("explore %s/%s: %llu runs, policy %s, seeds %llu..%llu", where,
         o->var->name, (unsigned long long)x->done,
         sim_policy_name(o->policy), (unsigned long long)x->first,
         (unsigned long long)(x->first + x->runs - 1));
  if (o->shard_count)
    printf(" (shard %llu/%llu)", (unsigned long long)o->shard_index,
           (unsigned long long)o->shard_count);
  printf(", %.1f s wall, %.0f runs/s, %d jobs\n", wall,
         wall > 0 ? (double)x->done / wall : 0.0, nw);
  if (strcmp(status, "time limit") == 0)
    printf("stopped by --time-limit %llu s after %llu of %llu runs\n",
           (unsigned long long)o->time_limit_s, (unsigned long long)x->done,
           (unsigned long long)x->runs);
  if (died[0])
    printf("fault: %s\n", died);
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
  for (int i = 0; i < x->nclasses; i++) {
    xp_class *c = &x->classes[i];
    char replay[1024];
    xp_replay(x, c->seed, replay, sizeof replay);
    printf("failure %d: %s in %llu runs, first seed %llu: %s\nreplay: %s\n",
           i + 1, sim_verdict_name(c->verdict), (unsigned long long)c->count,
           (unsigned long long)c->seed, c->message, replay);
    if (i >= XP_SHRINK_MAX || xp_stop || o->no_shrink)
      continue;
    if (x->tty)
      fprintf(stderr, "explore: shrinking the schedule of failure %d...\r",
              i + 1);
    xp_shrink(x, c, i + 1);
    if (c->schedule[0])
      printf("schedule: %zu choices off rtos (from %zu, %llu trial runs): %s run "
             "%s --variant %s --seed %llu --schedule %s%s%s\n",
             c->nchoices, c->nfull, (unsigned long long)c->trials, o->self,
             o->scn->name, o->var->name, (unsigned long long)c->seed,
             c->schedule,
             o->link_mbps ? " --link-mbps " : "",
             o->link_mbps ? bufs_link(o) : "");
    else
      printf("schedule: none (%s)\n", c->why);
  }
  if (x->dropped_classes)
    printf("(%llu further failures in more than %d distinct kinds not "
           "listed)\n",
           (unsigned long long)x->dropped_classes, XP_MAX_CLASSES);
  if (o->explore_json &&
      xp_write_json(x, xp_stop ? "interrupted" : status, wall, err,
                    sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    rc = SIM_EXIT_USAGE;
  }
  if (rc == SIM_EXIT_OK) {
    if (xp_stop || worker_died || x->faults)
      rc = SIM_EXIT_FAULT;
    else if (x->counts[o->var->expected] != x->done)
      rc = SIM_EXIT_MISMATCH;
  }
  free(x);
  free(w);
  return rc;
}

/*
 * suite.c - `lwipsim suite`: every scenario variant as an engine child
 * process, up to --jobs at a time (`explore` has its own workers:
 * explore.c).
 *
 * Each run is `lwipsim-engine run S --variant V --seed N --policy P --json`
 * with its stdout and stderr in anonymous memory files (memfd), so nothing
 * is left on disk and a chatty child can never block on a full pipe.  Each
 * child gets LWIPSIM_CPU=<slot>, so parallel engines pin themselves to
 * different CPUs.  Results are reported in a fixed order (catalog order,
 * seed order) whatever order the children finish in, so the output of
 * `--jobs 4` equals that of `--jobs 1` but for wall times.
 *
 * Each variant is judged by what it expects on the front end's lwIP tree
 * (sim_variant_expect): a row whose expectation comes from a version rule
 * says why on the line below it; a variant that does not apply to the
 * tree is an `n/a` row and is not run; a variant whose engine is missing
 * is a `not built` row, and the suite goes on (exit 2 at the end).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sys_arch_version.h"

typedef enum { SUITE_RAN, SUITE_NA, SUITE_NOT_BUILT } suite_state;

typedef struct {
  const sim_scenario *scn;
  const sim_variant *var;
  sim_expect expect;    /* on this tree */
  suite_state state;
  uint64_t seed;
  sim_policy policy;
  /* while running */
  pid_t pid;
  int out_fd, err_fd, slot;
  struct timespec t0;
  /* result */
  bool done;
  int exit_code;
  sim_verdict verdict;
  char message[1024];
  char digest[24];
  long long virtual_us;
  double wall_ms;
} suite_job;

static double suite_ms_since(const struct timespec *t0)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
         (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Reads a whole memfd; the caller frees. */
static char *suite_slurp(int fd)
{
  off_t size = lseek(fd, 0, SEEK_END);
  if (size < 0)
    return NULL;
  char *buf = malloc((size_t)size + 1);
  if (!buf)
    return NULL;
  ssize_t n = pread(fd, buf, (size_t)size, 0);
  buf[n > 0 ? n : 0] = 0;
  return buf;
}

/* 0, -1 with err, or -2 with err when the variant's engine is missing. */
static int suite_start(suite_job *j, int slot, char *err, size_t errlen)
{
  char engine[PATH_MAX];
  if (cli_engine_find(j->var->profile, engine, sizeof engine, err, errlen) !=
      0)
    return -2;
  j->out_fd = memfd_create("lwipsim-out", MFD_CLOEXEC);
  j->err_fd = memfd_create("lwipsim-err", MFD_CLOEXEC);
  if (j->out_fd < 0 || j->err_fd < 0) {
    snprintf(err, errlen, "cannot start engine: %s", strerror(errno));
    return -1;
  }
  char seed[24];
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)j->seed);
  char *argv[] = {engine,
                  "run",
                  (char *)j->scn->name,
                  "--variant",
                  (char *)j->var->name,
                  "--seed",
                  seed,
                  "--policy",
                  (char *)sim_policy_name(j->policy),
                  "--json",
                  NULL};
  cli_spawn_io io = {CLI_SPAWN_KEEP, j->out_fd, j->err_fd, slot, false};
  clock_gettime(CLOCK_MONOTONIC, &j->t0);
  pid_t pid = cli_spawn(argv, &io);
  if (pid < 0) {
    snprintf(err, errlen, "cannot start engine: %s", strerror(errno));
    return -1;
  }
  j->pid = pid;
  j->slot = slot;
  return 0;
}

/* Fills the result of a finished job from its output and status. */
static void suite_finish(suite_job *j, int status)
{
  j->wall_ms = suite_ms_since(&j->t0);
  j->done = true;
  char *out = suite_slurp(j->out_fd);
  char *errtext = suite_slurp(j->err_fd);
  close(j->out_fd);
  close(j->err_fd);
  j->verdict = SIM_VERDICT_FAULT;
  snprintf(j->digest, sizeof j->digest, "-");
  cli_result res;
  const unsigned need = PROTO_HAS_VERDICT | PROTO_HAS_MESSAGE |
                        PROTO_HAS_DIGEST | PROTO_HAS_VIRTUAL_US;
  if (out && cli_result_parse_last(out, &res) == 0 &&
      (res.r.have & need) == need) {
    j->verdict = res.r.verdict;
    snprintf(j->message, sizeof j->message, "%s", res.r.message);
    snprintf(j->digest, sizeof j->digest, "%s", res.r.digest);
    j->virtual_us = (long long)res.r.timings.virtual_us;
    j->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : PROTO_EXIT_FAULT;
  } else if (WIFSIGNALED(status)) {
    cli_spawn_killed(status, j->message, sizeof j->message);
    j->exit_code = PROTO_EXIT_FAULT;
  } else {
    /* No result: the engine's own error line says why. */
    char *nl = errtext ? strchr(errtext, '\n') : NULL;
    if (nl)
      *nl = 0;
    snprintf(j->message, sizeof j->message, "engine gave no result (exit %d)"
             "%s%s", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
             errtext && *errtext ? ": " : "", errtext ? errtext : "");
    j->exit_code = PROTO_EXIT_FAULT;
  }
  if (out)
    cli_result_free(&res);
  free(out);
  free(errtext);
}

/* SIGINT/SIGTERM: no new runs; the running engines get SIGTERM, end their
 * runs cleanly, and are waited for. */
static volatile sig_atomic_t suite_stop;

static void suite_on_signal(int sig)
{
  suite_stop = sig;
}

/* Starts jobs from *next on while fewer than `parallel` run: an n/a job
 * (already done) is passed over, a job whose engine is missing is marked
 * done as "not built".  0, or -1 with err if a job could not be started. */
static int suite_start_more(suite_job *jobs, size_t n, int parallel,
                            bool *busy, size_t *next, int *running,
                            char *err, size_t errlen)
{
  while (*running < parallel && *next < n) {
    suite_job *j = &jobs[*next];
    if (j->done) { /* n/a: nothing to run */
      (*next)++;
      continue;
    }
    int slot = 0;
    while (busy[slot])
      slot++;
    int sr = suite_start(j, slot, err, errlen);
    if (sr == -1)
      return -1;
    (*next)++;
    if (sr == -2) {
      j->state = SUITE_NOT_BUILT;
      j->done = true;
      j->verdict = SIM_VERDICT_FAULT;
      j->exit_code = PROTO_EXIT_USAGE;
      snprintf(j->digest, sizeof j->digest, "-");
      snprintf(j->message, sizeof j->message, "%s", err);
      err[0] = 0;
      continue;
    }
    busy[slot] = true;
    (*running)++;
  }
  return 0;
}

/* Runs every job, `parallel` at a time; calls `report` for each job in
 * index order as soon as it and all before it are done.  Returns 0, -1
 * with err if a job could not be started, or -2 if a signal stopped it
 * (the jobs marked done are the ones reported). */
static int suite_run_jobs(suite_job *jobs, size_t n, int parallel,
                          void (*report)(suite_job *j, size_t i, void *ctx),
                          void *ctx, char *err, size_t errlen)
{
  bool busy[256] = {false};
  size_t next = 0, reported = 0;
  int running = 0;
  int rc = 0;
  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = suite_on_signal; /* no SA_RESTART: waitpid wakes */
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  bool stopping = false;
  while (reported < n) {
    if (suite_stop && !stopping) {
      stopping = true;
      rc = -2;
      snprintf(err, errlen, "interrupted by signal %d", (int)suite_stop);
      for (size_t i = 0; i < next; i++)
        if (!jobs[i].done)
          kill(jobs[i].pid, SIGTERM);
    }
    if (rc == 0)
      rc = suite_start_more(jobs, n, parallel, busy, &next, &running, err,
                            errlen);
    while (reported < next && jobs[reported].done) {
      report(&jobs[reported], reported, ctx);
      reported++;
    }
    if (running == 0)
      break;
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR)
        continue;
      snprintf(err, errlen, "lost an engine: %s", strerror(errno));
      rc = -1;
      break;
    }
    for (size_t i = 0; i < next; i++)
      if (!jobs[i].done && jobs[i].pid == pid) {
        suite_finish(&jobs[i], status);
        busy[jobs[i].slot] = false;
        running--;
        break;
      }
  }
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  return rc;
}

/* ------------------------------------------------------------------ */
/* suite                                                               */

static void suite_row(suite_job *j, size_t i, void *ctx)
{
  (void)i;
  (void)ctx;
  if (j->state == SUITE_NA) {
    printf("%-24s %-26s %-15s %-15s %-18s %18s %11s  n/a\n    n/a on lwIP "
           "%s: %s\n", j->scn->name, j->var->name, "n/a", "n/a", "-", "-",
           "-", sys_arch_lwip_version(), j->expect.why);
    fflush(stdout);
    return;
  }
  bool ok = j->verdict == j->expect.expected && j->exit_code == PROTO_EXIT_OK;
  printf("%-24s %-26s %-15s %-15s %-18s %10lld.%06llds %8.0f ms  %s\n",
         j->scn->name, j->var->name, sim_verdict_name(j->expect.expected),
         j->state == SUITE_NOT_BUILT ? "not built"
                                     : sim_verdict_name(j->verdict),
         j->digest, j->virtual_us / 1000000,
         (long long)(j->virtual_us % 1000000), j->wall_ms,
         ok ? "ok" : "FAIL");
  if (j->expect.why)
    printf("    expected %s on lwIP %s: %s\n",
           sim_verdict_name(j->expect.expected), sys_arch_lwip_version(),
           j->expect.why);
  if (!ok)
    printf("    %s%s\n", j->state == SUITE_NOT_BUILT ? "not built: " : "",
           j->message);
  fflush(stdout);
}

/* XML text: the five markup characters as entities, other control
 * characters but newline and tab as spaces (XML 1.0 forbids them). */
static void suite_xml_escaped(FILE *f, const char *s)
{
  for (; *s; s++) {
    const char *entity = *s == '&'   ? "&amp;"
                         : *s == '<' ? "&lt;"
                         : *s == '>' ? "&gt;"
                         : *s == '"' ? "&quot;"
                                     : NULL;
    if (entity)
      fputs(entity, f);
    else if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
      fputc(' ', f);
    else
      fputc(*s, f);
  }
}

/* One <testcase> of the JUnit file. */
static void suite_junit_case(FILE *f, const suite_job *j)
{
  fprintf(f, "    <testcase classname=\"lwipsim.");
  suite_xml_escaped(f, j->scn->name);
  fprintf(f, "\" name=\"");
  suite_xml_escaped(f, j->var->name);
  fprintf(f, "\" time=\"%.3f\">\n", j->wall_ms / 1e3);
  if (j->state == SUITE_NA) {
    fprintf(f, "      <skipped message=\"n/a on lwIP %s: ",
            sys_arch_lwip_version());
    suite_xml_escaped(f, j->expect.why);
    fprintf(f, "\"/>\n    </testcase>\n");
    return;
  }
  if (j->verdict != j->expect.expected) {
    const char *tag = j->exit_code == PROTO_EXIT_FAULT ? "error" : "failure";
    fprintf(f, "      <%s message=\"verdict %s, expected %s\">", tag,
            sim_verdict_name(j->verdict),
            sim_verdict_name(j->expect.expected));
    suite_xml_escaped(f, j->message);
    fprintf(f, "\nreplay: lwipsim run %s --variant %s --seed %llu "
               "--policy %s</%s>\n", j->scn->name, j->var->name,
            (unsigned long long)j->seed, sim_policy_name(j->policy), tag);
  }
  fprintf(f, "      <system-out>verdict: %s expected: %s ",
          sim_verdict_name(j->verdict), sim_verdict_name(j->expect.expected));
  suite_xml_escaped(f, j->message);
  fprintf(f, "\ndigest: %s</system-out>\n", j->digest);
  fprintf(f, "    </testcase>\n");
}

static int suite_junit(const char *path, const suite_job *jobs, size_t n,
                       double wall_ms)
{
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    fprintf(stderr, "lwipsim: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  int failures = 0, errors = 0, skipped = 0;
  for (size_t i = 0; i < n; i++) {
    if (jobs[i].state == SUITE_NA)
      skipped++;
    if (jobs[i].state == SUITE_NA ||
        jobs[i].verdict == jobs[i].expect.expected)
      continue;
    if (jobs[i].exit_code == PROTO_EXIT_FAULT)
      errors++;
    else
      failures++;
  }
  /* The suites element and the one suite in it carry the same counts. */
  static const char *const suites[] = {"<testsuites name=\"lwipsim\"",
                                       "  <testsuite name=\"lwipsim suite\""};
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  char skip[32] = "";
  if (skipped)
    snprintf(skip, sizeof skip, " skipped=\"%d\"", skipped);
  for (int i = 0; i < 2; i++)
    fprintf(f, "%s tests=\"%zu\" failures=\"%d\" errors=\"%d\"%s "
            "time=\"%.3f\">\n", suites[i], n, failures, errors, skip,
            wall_ms / 1e3);
  /* The tree the verdicts hold for. */
  fprintf(f, "    <properties><property name=\"lwip\" value=\"%s\"/>"
          "</properties>\n", sys_arch_lwip_version());
  for (size_t i = 0; i < n; i++)
    suite_junit_case(f, &jobs[i]);
  fprintf(f, "  </testsuite>\n</testsuites>\n");
  if (fclose(f) != 0 || rename(tmp, path) != 0) {
    fprintf(stderr, "lwipsim: cannot write %s: %s\n", path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

/* The summary line; the exit code of the whole suite. */
static int suite_summary(const proto_opts *o, const suite_job *jobs,
                         size_t n, double wall)
{
  int worst = PROTO_EXIT_OK, matched = 0, faults = 0, na = 0, unbuilt = 0;
  for (size_t i = 0; i < n; i++) {
    if (jobs[i].state == SUITE_NA) {
      na++;
      continue;
    }
    if (jobs[i].state == SUITE_NOT_BUILT) {
      unbuilt++;
      worst = PROTO_EXIT_USAGE;
      continue;
    }
    int code = jobs[i].exit_code;
    if (jobs[i].verdict != jobs[i].expect.expected && code == PROTO_EXIT_OK)
      code = PROTO_EXIT_MISMATCH;
    if (code == PROTO_EXIT_OK)
      matched++;
    if (code == PROTO_EXIT_FAULT)
      faults++;
    if (code > worst && code != PROTO_EXIT_USAGE)
      worst = code;
    if (code == PROTO_EXIT_USAGE && worst < PROTO_EXIT_FAULT)
      worst = PROTO_EXIT_FAULT;
  }
  /* n/a and not-built rows are named only when there are some, so a
   * complete suite's line stays as it always was. */
  char extra[64] = "";
  if (na || unbuilt)
    snprintf(extra, sizeof extra, ", %d n/a, %d not built", na, unbuilt);
  size_t judged = n - (size_t)na - (size_t)unbuilt;
  printf("suite: %zu variants, %d as expected, %zu differ (%d faults)%s, "
         "%.1f s wall with %d job%s, lwIP %s\n",
         n, matched, judged - (size_t)matched, faults, extra, wall / 1e3,
         o->jobs, o->jobs == 1 ? "" : "s", sys_arch_lwip_version());
  return worst;
}

int cli_suite(const proto_opts *o, const sim_catalog *cat)
{
  size_t n = 0;
  for (size_t i = 0; i < cat->n; i++)
    n += cat->scenarios[i]->nvariants;
  suite_job *jobs = calloc(n ? n : 1, sizeof *jobs);
  if (!jobs) {
    fprintf(stderr, "lwipsim: out of memory\n");
    return PROTO_EXIT_FAULT;
  }
  size_t k = 0;
  for (size_t i = 0; i < cat->n; i++)
    for (size_t v = 0; v < cat->scenarios[i]->nvariants; v++) {
      jobs[k].scn = cat->scenarios[i];
      jobs[k].var = &cat->scenarios[i]->variants[v];
      jobs[k].seed = 1;
      jobs[k].policy = jobs[k].var->policy;
      jobs[k].expect =
          sim_variant_expect(jobs[k].var, sys_arch_lwip_version());
      if (jobs[k].expect.na) {
        jobs[k].state = SUITE_NA;
        jobs[k].done = true;
      }
      k++;
    }
  /* Check the JUnit file can be written before spending time. */
  if (o->junit_path && cli_writable(o->junit_path) != 0) {
    free(jobs);
    return PROTO_EXIT_USAGE;
  }
  printf("%-24s %-26s %-15s %-15s %-18s %18s %11s\n", "scenario", "variant",
         "expected", "got", "digest", "virtual", "wall");
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  char err[512];
  int jr = suite_run_jobs(jobs, n, o->jobs, suite_row, NULL, err,
                          sizeof err);
  if (jr == -2) {
    size_t done = 0;
    while (done < n && jobs[done].done)
      done++;
    printf("suite: %s after %zu of %zu variants\n", err, done, n);
    free(jobs);
    return PROTO_EXIT_FAULT;
  }
  if (jr != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    free(jobs);
    return PROTO_EXIT_USAGE;
  }
  double wall = suite_ms_since(&t0);
  int worst = suite_summary(o, jobs, n, wall);
  if (o->junit_path && suite_junit(o->junit_path, jobs, n, wall) != 0)
    worst = PROTO_EXIT_USAGE;
  free(jobs);
  return worst;
}

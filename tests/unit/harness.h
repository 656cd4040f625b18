/*
 * harness.h - what the CMocka unit tests share, included after <cmocka.h>.
 *
 * 1. Runs on the deterministic scheduler (test_sched.c, test_sync.c): each
 *    test owns a fresh scheduler.  Setup allocates the test's state (ts)
 *    with a default configuration (rtos, seed 1); the test adjusts the
 *    configuration and calls run_main(), which opens the trace, initialises
 *    the scheduler and runs the test's main thread; teardown calls
 *    sim_sched_fini() and closes the trace whatever happened.
 *
 *    Sim threads never call cmocka's asserts: a failed assert longjmps,
 *    which must not happen on a sim thread's stack.  They append what they
 *    see to the state's log (note()) instead, and the test asserts the
 *    exact log once the run is over.  Only the holder of the run token
 *    executes, so the log needs no lock.
 *
 *    Where a test must see what the scheduler itself did (a script step
 *    firing, a hold given way), run_main_traced() writes the trace to a
 *    file of the test's own; trace_of() reads selected records back once
 *    the run is over, and teardown removes the file.
 *
 * 2. A scratch directory for a file that must appear whole or not at all
 *    (the trace's JSONL, a capture): scratch_make(), scratch_assert_gone().
 *
 * 3. HARNESS_TEST(f): a test with the file's own setup() and teardown().
 *
 * Everything here is static inline, so a test file that uses one part
 * links nothing of the others.
 */
#ifndef TESTS_UNIT_HARNESS_H
#define TESTS_UNIT_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* ------------------------------------------------------------------ */
/* 2. scratch directories                                              */

typedef struct {
  char dir[32];   /* a fresh directory under /tmp */
  char path[128]; /* dir/<name> */
  char tmp[140];  /* path.tmp, where a writer keeps it until complete */
} scratch;

static inline void scratch_make(scratch *s, const char *name)
{
  snprintf(s->dir, sizeof s->dir, "/tmp/lwipsim-test-XXXXXX");
  assert_non_null(mkdtemp(s->dir));
  snprintf(s->path, sizeof s->path, "%s/%s", s->dir, name);
  snprintf(s->tmp, sizeof s->tmp, "%s.tmp", s->path);
}

/* Neither the file nor its temporary exists, and the directory is empty
 * (rmdir() proves it and removes it). */
static inline void scratch_assert_gone(const scratch *s)
{
  assert_int_equal(access(s->path, F_OK), -1);
  assert_int_equal(access(s->tmp, F_OK), -1);
  assert_int_equal(rmdir(s->dir), 0);
}

/* ------------------------------------------------------------------ */
/* 1. runs on the deterministic scheduler                              */

#ifdef SIM_SCHED_H

#define LOG_MAX 2048

typedef struct {
  sim_config cfg;
  bool started;       /* sim_sched_init() done, sim_sched_fini() pending */
  sim_outcome out;
  uint64_t digest;
  char log[LOG_MAX];  /* space-separated events, in execution order */
  size_t len;
  /* Shared between the sim threads of one test. */
  sim_sem *done;      /* workers give it once each when they finish */
  sim_sem *sem;
  sim_sem *gate[4];
  sim_mutex *mtx[2];
  sim_mbox *box;
  int irq, irq2;
  int rc, rc2;
  uint64_t t[4];
  int dtor_calls;
  char trace[256];    /* run_main_traced(): the trace file, removed in
                         teardown */
} ts;

static inline int setup(void **state)
{
  ts *st = calloc(1, sizeof *st);
  if (!st)
    return -1;
  st->cfg.policy = SIM_POLICY_RTOS;
  st->cfg.seed = 1;
  st->cfg.pin_cpu = false;
  *state = st;
  return 0;
}

/* Ends the current run's scheduler and trace, if any. */
static inline void stop(ts *st)
{
  char err[256];
  if (!st->started)
    return;
  sim_sched_fini();
  (void)sim_trace_close(err, sizeof err);
  st->started = false;
}

static inline int teardown(void **state)
{
  ts *st = *state;
  stop(st);
  if (st->trace[0]) {
    char tmp[sizeof st->trace + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", st->trace);
    (void)unlink(tmp);
    (void)unlink(st->trace);
  }
  free(st);
  return 0;
}

/* One run of `fn` as thread "main" with priority `prio`, its trace written
 * to `trace_path` (NULL: digest only). */
static inline void run_main_to(ts *st, const char *trace_path,
                               sim_thread_fn fn, int prio)
{
  char err[256] = "";
  assert_int_equal(sim_trace_open(trace_path, err, sizeof err), 0);
  if (sim_sched_init(&st->cfg, err, sizeof err) != 0) {
    sim_trace_abandon();
    fail_msg("sim_sched_init: %s", err);
  }
  st->started = true;
  sim_sched_run(fn, st, prio, &st->out);
  st->digest = sim_trace_digest();
}

static inline void run_main(ts *st, sim_thread_fn fn, int prio)
{
  run_main_to(st, NULL, fn, prio);
}

/* run_main() with the trace written to a file of this test's own (the
 * name goes to st->trace at once, so teardown removes it whatever
 * happens). */
static inline void run_main_traced(ts *st, sim_thread_fn fn, int prio)
{
  const char *dir = getenv("TMPDIR");
  if (!dir || !*dir)
    dir = "/tmp";
  int n = snprintf(st->trace, sizeof st->trace,
                   "%s/lwipsim-test-sched.XXXXXX", dir);
  assert_in_range(n, 1, (int)sizeof st->trace - 1);
  int fd = mkstemp(st->trace);
  if (fd < 0)
    fail_msg("mkstemp %s failed", st->trace);
  close(fd);
  run_main_to(st, st->trace, fn, prio);
}

/* run_main() under the script policy with `n` steps. */
static inline void run_script(ts *st, const sim_script_step *steps, size_t n,
                              sim_thread_fn fn, int prio, bool traced)
{
  st->cfg.policy = SIM_POLICY_SCRIPT;
  st->cfg.script = steps;
  st->cfg.script_len = n;
  if (traced)
    run_main_traced(st, fn, prio);
  else
    run_main(st, fn, prio);
}

static inline void reset_log(ts *st)
{
  st->log[0] = 0;
  st->len = 0;
}

static inline void note(ts *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void note(ts *st, const char *fmt, ...)
{
  char item[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(item, sizeof item, fmt, ap);
  va_end(ap);
  int n = snprintf(st->log + st->len, LOG_MAX - st->len, "%s%s",
                   st->len ? " " : "", item);
  if (n > 0)
    st->len += (size_t)n < LOG_MAX - st->len ? (size_t)n
                                             : LOG_MAX - 1 - st->len;
}

/* The running sim thread's name. */
static inline const char *me(void)
{
  return sim_thread_name(sim_thread_self());
}

static inline unsigned long long now(void)
{
  return (unsigned long long)sim_clock_now_us();
}

static inline void wait_done(ts *st, int n)
{
  for (int i = 0; i < n; i++)
    (void)sim_sem_take(st->done, SIM_FOREVER);
}

/* Compares the names, so a failure prints "fault" against "normal". */
static inline void assert_end(const ts *st, sim_end end)
{
  assert_string_equal(sim_end_name(st->out.end), sim_end_name(end));
}

static inline void assert_normal_end(const ts *st)
{
  assert_end(st, SIM_END_NORMAL);
  assert_string_equal(st->out.message, "main returned");
}

/* A run of `fn` that must end as `end` having logged exactly `log`. */
static inline void expect_run(ts *st, sim_thread_fn fn, int prio,
                              sim_end end, const char *log)
{
  run_main(st, fn, prio);
  if (end == SIM_END_NORMAL)
    assert_normal_end(st);
  else
    assert_end(st, end);
  assert_string_equal(st->log, log);
}

/* Copies the text of JSON string field `key` of `line` (escapes left as
 * they are; the records these tests read have none) into out. */
static inline void json_field(const char *line, const char *key, char *out,
                              size_t len)
{
  char pat[32];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(line, pat);
  out[0] = 0;
  if (!p)
    return;
  p += strlen(pat);
  bool quoted = *p == '"';
  p += quoted;
  size_t i = 0;
  for (; *p && i + 1 < len; p++) {
    if (quoted ? (*p == '"' && p[-1] != '\\') : (*p == ',' || *p == '}'))
      break;
    out[i++] = *p;
  }
  out[i] = 0;
}

/* After stop(): the records of the finished run whose kind is one of the
 * space-separated `kinds`, as "thread@t kind detail" joined by " | ". */
static inline void trace_of(ts *st, const char *kinds, char *out, size_t len)
{
  assert_false(st->started);
  FILE *f = fopen(st->trace, "r");
  if (!f)
    fail_msg("cannot read trace %s", st->trace);
  char line[2048];
  size_t pos = 0;
  out[0] = 0;
  while (fgets(line, sizeof line, f)) {
    char thread[64], kind[64], detail[1024], t[32], want[80];
    json_field(line, "kind", kind, sizeof kind);
    snprintf(want, sizeof want, " %s ", kind);
    char list[256];
    snprintf(list, sizeof list, " %s ", kinds);
    if (!kind[0] || !strstr(list, want))
      continue;
    json_field(line, "thread", thread, sizeof thread);
    json_field(line, "detail", detail, sizeof detail);
    json_field(line, "t_us", t, sizeof t);
    int n = snprintf(out + pos, len - pos, "%s%s@%s %s %s",
                     pos ? " | " : "", thread, t, kind, detail);
    if (n < 0 || (size_t)n >= len - pos) {
      fclose(f);
      fail_msg("trace_of: records do not fit in %zu bytes", len);
    }
    pos += (size_t)n;
  }
  fclose(f);
}

/* After the run: stops it and asserts the records trace_of() selects. */
static inline void assert_trace(ts *st, const char *kinds, const char *want)
{
  char got[4096];
  stop(st);
  trace_of(st, kinds, got, sizeof got);
  assert_string_equal(got, want);
}

#endif /* SIM_SCHED_H */

#endif

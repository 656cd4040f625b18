/*
 * engine_main.c - `lwipsim-engine`, one per lwipopts profile: runs one
 * scenario variant on the deterministic scheduler and prints the result.
 *
 * The front end starts it with the user's own arguments; it parses them
 * with the same code.  Output ends with the two lines of the scenario
 * contract (or, with --json, one JSON object).  The trace file is written
 * under a temporary name and renamed only once the run is complete.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "pcapio.h"
#include "scn.h"
#include "scn_registry.h"
#include "scn_serve.h"
#include "tapwire.h"
#include "frames.h"
#include "proto.h"
#include "report.h"
#include "sim_sched.h"
#include "sim_trace.h"
#include "sys_arch_mem.h"
#include "wire.h"
#include "sys_arch_sim.h"

static const scn_impl *engine_impl;

static void engine_main_thread(void *arg)
{
  engine_impl->main(arg);
}

/* The verdict of a run, from the scenario's oracle or from how it ended. */
static void engine_decide(scn_run *run, const sim_outcome *out)
{
  if (out->end != SIM_END_NORMAL) {
    run->has_verdict = false;
    if (engine_impl->on_end)
      engine_impl->on_end(run, out);
    if (run->has_verdict)
      return;
    switch (out->end) {
    case SIM_END_DEADLOCK:
    case SIM_END_HANG:
      scn_verdict(run, SIM_VERDICT_DEADLOCK, "%s: %s", sim_end_name(out->end),
                  out->message);
      return;
    case SIM_END_ASSERT:
    case SIM_END_FAULT:
    default:
      scn_verdict(run, SIM_VERDICT_FAULT, "%s", out->message);
      return;
    }
  }
  if (!run->has_verdict)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "scenario ended without a verdict (internal error)");
}

static double engine_wall_ms(const struct timespec *a)
{
  /* Wall time is reported in --json timings only; it never reaches the
   * trace or the digest. */
  struct timespec b;
  clock_gettime(CLOCK_MONOTONIC, &b);
  return (double)(b.tv_sec - a->tv_sec) * 1e3 +
         (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static void engine_print_json(FILE *res, const sim_cli_opts *o,
                              const scn_run *run,
                              const sim_outcome *out, uint64_t digest,
                              double wall_ms, int code)
{
  char dig[24];
  snprintf(dig, sizeof dig, "0x%016llx", (unsigned long long)digest);
  json_t *counters = json_object();
  for (int i = 0; i < run->ncounters; i++)
    json_object_set_new(counters, run->counters[i].name,
                        json_integer(run->counters[i].value));
  json_t *j = json_pack(
      "{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o,"
      " s:{s:I, s:I, s:I, s:I, s:I, s:I, s:f}, s:i}",
      "scenario", run->scenario->name, "variant", run->variant->name,
      "profile", run->variant->profile, "seed", (json_int_t)o->seed,
      "policy", sim_policy_name(o->policy), "lwip", sys_arch_lwip_version(),
      "verdict", sim_verdict_name(run->verdict), "expected",
      sim_verdict_name(run->variant->expected), "message", run->message,
      "end", sim_end_name(out->end), "digest", dig, "counters", counters,
      "timings", "virtual_us", (json_int_t)out->end_us, "points",
      (json_int_t)out->points, "switches", (json_int_t)out->switches, "irqs",
      (json_int_t)out->irqs, "threads", (json_int_t)out->threads,
      "trace_records",
      (json_int_t)sim_trace_records(), "wall_ms", wall_ms, "exit", code);
  if (!j) {
    fprintf(stderr, "lwipsim: cannot build the JSON result\n");
    return;
  }
  char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
  if (s)
    fprintf(res, "%s\n", s);
  free(s);
  json_decref(j);
}

/* The build's identity: a hash of this engine's own executable. */
static void engine_build_id(char *out, size_t len)
{
  if (sim_cli_build_id("/proc/self/exe", out, len) != 0)
    snprintf(out, len, "unknown");
}

/* The capture's section comment: everything `lwipsim replay` needs. */
static void engine_identity(const sim_cli_opts *o, char *out, size_t len)
{
  char build[24];
  engine_build_id(build, sizeof build);
  int n = snprintf(out, len,
                   "lwipsim run\nscenario: %s\nvariant: %s\nseed: %llu\n"
                   "policy: %s\nprofile: %s\nlwip: %s\nbuild: %s\n"
                   "wire: virtual",
                   o->scn->name, o->var->name, (unsigned long long)o->seed,
                   sim_policy_name(o->policy), o->var->profile,
                   sys_arch_lwip_version(), build);
  /* --fail specs, space-separated, so a replay injects them again. */
  for (int i = 0; i < o->nfails && n > 0 && (size_t)n < len; i++) {
    char spec[64];
    sim_fail_format(&o->fails[i], spec, sizeof spec);
    n += snprintf(out + n, len - (size_t)n, "%s%s", i ? " " : "\nfail: ",
                  spec);
  }
}

/* An injected allocation failure: a comment on the next captured frame. */
static pcapio_writer *engine_fail_capture;

static void engine_fail_note(const char *note)
{
  if (engine_fail_capture)
    pcapio_note_next(engine_fail_capture, note);
}

/* ------------------------------------------------------------------ */
/* schedule files: one choice per line, "decision N of THREAD runs      */
/* TARGET", optionally followed by "# ..." (the point it was taken at)   */

typedef struct {
  sim_choice *c;
  size_t n, cap;
} engine_sched;

static engine_sched engine_rec, engine_play;

static int engine_sched_add(engine_sched *s, const char *thread,
                            uint64_t decision, const char *target)
{
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    sim_choice *n = realloc(s->c, cap * sizeof *n);
    if (!n)
      return -1;
    s->c = n;
    s->cap = cap;
  }
  sim_choice *c = &s->c[s->n];
  c->thread = strdup(thread);
  c->target = strdup(target);
  c->decision = decision;
  if (!c->thread || !c->target) {
    free((char *)c->thread);
    free((char *)c->target);
    return -1;
  }
  s->n++;
  return 0;
}

static void engine_sched_free(engine_sched *s)
{
  for (size_t i = 0; i < s->n; i++) {
    free((char *)s->c[i].thread);
    free((char *)s->c[i].target);
  }
  free(s->c);
  memset(s, 0, sizeof *s);
}

/* The points the recorded choices were taken at, for the file's readers. */
static const char **engine_rec_points;

static void engine_record(void *ctx, const char *thread, uint64_t decision,
                          const char *point, const char *target)
{
  (void)ctx;
  const char **p = realloc(engine_rec_points,
                           (engine_rec.n + 1) * sizeof *p);
  if (!p || engine_sched_add(&engine_rec, thread, decision, target) != 0) {
    fputs("lwipsim: out of memory recording the schedule\n", stderr);
    abort();
  }
  engine_rec_points = p;
  p[engine_rec.n - 1] = point; /* static strings */
}

/* Reads a schedule file: 0, or -1 with a one-line reason. */
static int engine_sched_load(const char *path, engine_sched *s, char *err,
                             size_t errlen)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "cannot read schedule %s: %s", path,
             strerror(errno));
    return -1;
  }
  char line[512];
  int no = 0;
  while (fgets(line, sizeof line, f)) {
    no++;
    line[strcspn(line, "#\r\n")] = 0;
    size_t len = strlen(line);
    while (len && line[len - 1] == ' ')
      line[--len] = 0;
    if (!line[0])
      continue;
    char thread[64], target[64], tail;
    unsigned long long d;
    if (sscanf(line, "decision %llu of %63s runs %63s %c", &d, thread,
               target, &tail) != 3 || d == 0) {
      snprintf(err, errlen, "schedule %s line %d: want 'decision N of "
               "THREAD runs THREAD'", path, no);
      fclose(f);
      engine_sched_free(s);
      return -1;
    }
    if (engine_sched_add(s, thread, d, target) != 0) {
      snprintf(err, errlen, "out of memory");
      fclose(f);
      engine_sched_free(s);
      return -1;
    }
  }
  fclose(f);
  return 0;
}

static int engine_sched_write(const char *path, const engine_sched *s,
                              const char *const *points,
                              const sim_cli_opts *o, char *err, size_t errlen)
{
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    snprintf(err, errlen, "cannot write schedule %s: %s", path,
             strerror(errno));
    return -1;
  }
  fprintf(f, "# lwipsim schedule: %s %s, recorded from seed %llu policy %s"
          "\n# each line: where the scheduler does not do what rtos would"
          "\n# replay: lwipsim run %s --variant %s --schedule FILE\n",
          o->scn->name, o->var->name, (unsigned long long)o->seed,
          sim_policy_name(o->policy), o->scn->name, o->var->name);
  for (size_t i = 0; i < s->n; i++) {
    fprintf(f, "decision %llu of %s runs %s",
            (unsigned long long)s->c[i].decision, s->c[i].thread,
            s->c[i].target);
    if (points && points[i])
      fprintf(f, "  # at %s", points[i]);
    fputc('\n', f);
  }
  if (fclose(f) != 0 || rename(tmp, path) != 0) {
    snprintf(err, errlen, "cannot write schedule %s: %s", path,
             strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

/* The recording's trace hashes while a replay runs (engine_check). */
static pcapio_meta engine_check_meta;

/* replay: compare every trace record with those of the capture `path`. */
static int engine_check(const char *path)
{
  char err[600];
  if (pcapio_read_meta(path, &engine_check_meta, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return -1;
  }
  if (engine_check_meta.hashes)
    sim_trace_expect(engine_check_meta.hashes, engine_check_meta.nhashes);
  return 0;
}

/* The capture's last block: the digest and end time `replay` compares,
 * with the per-record trace hashes. */
static void engine_capture_summary(scn_run *run, uint64_t digest,
                                   uint64_t end_us)
{
  if (!run->capture || !run->captured)
    return;
  size_t n;
  const uint32_t *h = sim_trace_hashes(&n);
  char sum[96];
  snprintf(sum, sizeof sum, "lwipsim digest: 0x%016llx end_us: %llu",
           (unsigned long long)digest, (unsigned long long)end_us);
  pcapio_write_summary(run->capture, 0, end_us, sum, h, n);
}

/* --report: every frame the board sees, with a one-line summary. */
static void engine_report_frame(void *ctx, uint64_t t_us, const char *iface,
                                int direction, const uint8_t *frame,
                                size_t len, const char *note)
{
  char summary[160];
  frames_summary(frame, len, summary, sizeof summary);
  sim_report_frame(ctx, t_us, iface, direction == PCAPIO_IN ? "in" : "out",
                   len, summary, note);
}

/* --report: the page, once the verdict is known.  0 or -1 (printed). */
static int engine_report_close(sim_report *rep, const sim_cli_opts *o,
                               const scn_run *run, const sim_outcome *out,
                               uint64_t digest, const char *divergence)
{
  char cmd[1024], err[600];
  int n = snprintf(cmd, sizeof cmd, "lwipsim run %s --variant %s --seed %llu",
                   o->scn->name, o->var->name, (unsigned long long)o->seed);
  if (o->schedule_path)
    n += snprintf(cmd + n, sizeof cmd - (size_t)n, " --schedule %s",
                  o->schedule_path);
  else
    n += snprintf(cmd + n, sizeof cmd - (size_t)n, " --policy %s",
                  sim_policy_name(o->policy));
  if (o->policy == SIM_POLICY_PCT && !o->schedule_path)
    n += snprintf(cmd + n, sizeof cmd - (size_t)n, " --depth %u --steps %llu",
                  o->pct_depth ? o->pct_depth : 3,
                  (unsigned long long)(o->pct_steps ? o->pct_steps : 1000));
  if (o->link_mbps)
    snprintf(cmd + n, sizeof cmd - (size_t)n, " --link-mbps %u",
             o->link_mbps);
  sim_report_info info = {
      .scenario = o->scn->name, .variant = o->var->name,
      .profile = o->var->profile, .policy = sim_policy_name(o->policy),
      .lwip = sys_arch_lwip_version(), .seed = o->seed,
      .verdict = sim_verdict_name(run->verdict),
      .expected = sim_verdict_name(o->var->expected),
      .message = run->message, .end = sim_end_name(out->end),
      .digest = digest, .end_us = out->end_us, .command = cmd,
      .replayed = o->check_trace,
      .divergence = divergence && *divergence ? divergence : NULL};
  tapif_wire_set_observer(NULL, NULL);
  if (sim_report_close(rep, &info, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* serve: the board live over TAP until SIGINT/SIGTERM                 */

static scn_serve_config engine_serve_cfg;

static void engine_serve_thread(void *arg)
{
  scn_serve_main(arg, &engine_serve_cfg);
}

static void engine_stop(int sig)
{
  (void)sig;
  tapif_tap_request_stop();
}

static int engine_serve(const sim_cli_opts *o)
{
  static const sim_variant live = {.name = "live",
                                   .summary = "lwipsim serve",
                                   .profile = "board",
                                   .expected = SIM_VERDICT_NOT_REPRODUCED,
                                   .policy = SIM_POLICY_RTOS};
  static const sim_scenario serve = {.name = "serve",
                                     .summary = "the board live over TAP",
                                     .origin = "",
                                     .variants = &live,
                                     .nvariants = 1};
  char err[512];
  /* serve --replay F: the recorded session again, its inbound frames from
   * the capture, deterministic, ending where the session ended. */
  uint64_t stop_at = 0;
  tapif_wire *wire;
  if (o->replay_path) {
    pcapio_meta meta;
    unsigned long long end_us = 0;
    if (pcapio_read_meta(o->replay_path, &meta, err, sizeof err) != 0) {
      fprintf(stderr, "lwipsim: %s\n", err);
      return SIM_EXIT_USAGE;
    }
    pcapio_meta_free(&meta);
    const char *e = strstr(meta.summary, "end_us: ");
    if (!e || sscanf(e, "end_us: %llu", &end_us) != 1 || end_us == 0) {
      fprintf(stderr, "lwipsim: capture %s has no session summary\n",
              o->replay_path);
      return SIM_EXIT_USAGE;
    }
    stop_at = end_us;
    wire = tapif_replay_new(o->replay_path, err, sizeof err);
  } else {
    wire = tapif_tap_new(o->tap_name, err, sizeof err);
  }
  if (!wire) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return SIM_EXIT_USAGE;
  }
  engine_serve_cfg.wire = wire;
  memcpy(engine_serve_cfg.ip, o->ip, 4);
  engine_serve_cfg.prefix = o->prefix;
  scn_run run;
  memset(&run, 0, sizeof run);
  run.scenario = &serve;
  run.variant = &live;
  run.seed = 1;
  run.policy = SIM_POLICY_RTOS;
  FILE *res = stdout;
  if (o->pcap_path) {
    if (strcmp(o->pcap_path, "-") == 0) {
      res = stderr;
      signal(SIGPIPE, SIG_IGN);
    }
    char build[24], ident[512];
    engine_build_id(build, sizeof build);
    snprintf(ident, sizeof ident,
             "lwipsim serve\nscenario: serve\nvariant: live\nseed: 1\n"
             "policy: rtos\nprofile: %s\nlwip: %s\nbuild: %s\n"
             "wire: tap:%s\nip: %u.%u.%u.%u/%d",
             o->profile, sys_arch_lwip_version(), build, o->tap_name,
             o->ip[0], o->ip[1], o->ip[2], o->ip[3], o->prefix);
    run.capture = pcapio_open(o->pcap_path, ident, err, sizeof err);
    if (!run.capture) {
      fprintf(stderr, "lwipsim: %s\n", err);
      tapif_wire_destroy(wire);
      return SIM_EXIT_USAGE;
    }
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = engine_stop; /* no SA_RESTART: poll() returns EINTR */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sim_config cfg = {.policy = SIM_POLICY_RTOS,
                    .seed = 1,
                    .time_limit_us = UINT64_MAX,
                    .live = stop_at ? NULL : tapif_tap_external(wire),
                    .stop_at_us = stop_at,
                    .pin_cpu = true,
                    .watchdog_ms = o->watchdog_ms};
  sim_trace_open(o->trace_path, err, sizeof err);
  if (run.capture)
    sim_trace_keep_hashes(true);
  if (o->replay_path && engine_check(o->replay_path) != 0)
    return SIM_EXIT_USAGE;
  sim_sched_init(&cfg, err, sizeof err);
  sim_trace_eventf("run", "serve tap:%s lwip %s", o->tap_name,
                   sys_arch_lwip_version());
  const scn_impl *impl = o->scn ? scn_registry_impl(o->scn->name) : NULL;
  if (impl && impl->serve_setup && o->var)
    impl->serve_setup(o->var);
  sim_outcome out;
  sim_sched_run(engine_serve_thread, &run, 2, &out);
  scn_serve_counters(&run);
  uint64_t digest = sim_trace_digest();
  engine_capture_summary(&run, digest, out.end_us);
  char divergence[1400] = "";
  if (o->replay_path && sim_trace_divergence())
    snprintf(divergence, sizeof divergence, "%s", sim_trace_divergence());
  pcapio_meta_free(&engine_check_meta);
  if (!out.wedged) {
    sim_sched_fini();
    for (int i = run.ncleanups - 1; i >= 0; i--)
      run.cleanups[i].fn(run.cleanups[i].arg);
  }
  int code = out.end == SIM_END_NORMAL ? SIM_EXIT_OK : SIM_EXIT_FAULT;
  if (sim_trace_close(err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    code = SIM_EXIT_USAGE;
  }
  if (run.capture && pcapio_close(run.capture, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    code = SIM_EXIT_USAGE;
  }
  for (int i = 0; i < run.ncounters; i++)
    fprintf(res, "counter: %s=%lld\n", run.counters[i].name,
            run.counters[i].value);
  if (divergence[0])
    fprintf(res, "diverged: %s\n", divergence);
  fprintf(res, "serve: %s after %llu.%06llus: %s\n", sim_end_name(out.end),
          (unsigned long long)(out.end_us / 1000000),
          (unsigned long long)(out.end_us % 1000000), out.message);
  fprintf(res, "digest: 0x%016llx\n", (unsigned long long)digest);
  if (out.wedged) {
    /* The TAP device goes with the process (its descriptor closes). */
    fflush(NULL);
    _exit(code);
  }
  return code;
}

/* ------------------------------------------------------------------ */

/* One run of the scenario variant in `o`; returns the exit code. */
static int engine_run(const sim_cli_opts *o)
{
  char err[512];
  scn_run run;
  memset(&run, 0, sizeof run);
  run.scenario = o->scn;
  run.variant = o->var;
  run.seed = o->seed;
  run.policy = o->policy;
  run.link_mbps = o->link_mbps;
  run.schedule = o->schedule_path; /* before configure: the scenario sees it */
  run.verbose = o->verbose;
  sim_config cfg = {.policy = o->policy,
                    .seed = o->seed,
                    .time_limit_us = o->var->time_limit_us,
                    .pin_cpu = true,
                    .pct_depth = o->pct_depth,
                    .pct_steps = o->pct_steps,
                    .watchdog_ms = o->watchdog_ms};
  /* `suite` and `explore` spread parallel engines over the CPUs. */
  const char *cpu = getenv("LWIPSIM_CPU");
  if (cpu)
    cfg.cpu_hint = atoi(cpu) + 1;
  if (engine_impl->configure &&
      engine_impl->configure(&run, &cfg, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return SIM_EXIT_USAGE;
  }
  if (o->schedule_path) {
    if (engine_sched_load(o->schedule_path, &engine_play, err, sizeof err) !=
        0) {
      fprintf(stderr, "lwipsim: %s\n", err);
      return SIM_EXIT_USAGE;
    }
    /* rtos plus the file's choices; the variant's own script is off */
    cfg.policy = SIM_POLICY_RTOS;
    cfg.script = NULL;
    cfg.script_len = 0;
    cfg.choices = engine_play.c;
    cfg.nchoices = engine_play.n;
    run.policy = SIM_POLICY_RTOS;
    run.schedule = o->schedule_path;
  }
  if (o->record_schedule) {
    cfg.record = engine_record;
    cfg.record_ctx = NULL;
  }
  sys_arch_set_verbose(o->verbose);
  run.mirror_fd = -1;
  if (o->mirror_tap) {
    run.mirror_fd = tapif_mirror_open(o->mirror_tap, err, sizeof err);
    if (run.mirror_fd < 0) {
      fprintf(stderr, "lwipsim: %s\n", err);
      return SIM_EXIT_USAGE;
    }
  }
  /* With the capture on stdout, the result goes to stderr. */
  FILE *res = stdout;
  if (o->pcap_path) {
    if (strcmp(o->pcap_path, "-") == 0) {
      res = stderr;
      signal(SIGPIPE, SIG_IGN); /* a closed reader is a write error */
    }
    char ident[2048];
    engine_identity(o, ident, sizeof ident);
    run.capture = pcapio_open(o->pcap_path, ident, err, sizeof err);
    if (!run.capture) {
      fprintf(stderr, "lwipsim: %s\n", err);
      return SIM_EXIT_USAGE;
    }
  }
  if (sim_trace_open(o->trace_path, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    if (run.capture)
      pcapio_abandon(run.capture);
    return SIM_EXIT_USAGE;
  }
  sim_report *report = NULL;
  if (o->report_path) {
    report = sim_report_open(o->report_path, err, sizeof err);
    if (!report) {
      fprintf(stderr, "lwipsim: %s\n", err);
      sim_trace_abandon();
      if (run.capture)
        pcapio_abandon(run.capture);
      return SIM_EXIT_USAGE;
    }
    sim_report_attach(report);
    tapif_wire_set_observer(engine_report_frame, report);
  }
  if (run.capture)
    sim_trace_keep_hashes(true);
  engine_fail_capture = run.capture;
  sys_arch_mem_set_fail_hook(engine_fail_note);
  if (o->check_trace && engine_check(o->check_trace) != 0) {
    sim_report_abandon(report);
    sim_trace_abandon();
    if (run.capture)
      pcapio_abandon(run.capture);
    return SIM_EXIT_USAGE;
  }
  if (sim_sched_init(&cfg, err, sizeof err) != 0) {
    sim_report_abandon(report);
    sim_trace_abandon();
    if (run.capture)
      pcapio_abandon(run.capture);
    fprintf(stderr, "lwipsim: %s\n", err);
    return SIM_EXIT_FAULT;
  }
  /* The run's identity opens the trace (no build id: the digest must not
   * differ between a plain and a sanitizer build). */
  sim_trace_eventf("run", "%s %s seed %llu policy %s lwip %s",
                   o->scn->name, o->var->name, (unsigned long long)o->seed,
                   sim_policy_name(o->policy), sys_arch_lwip_version());

  /* SIGINT/SIGTERM end the run at its next point; the trace and capture
   * are then completed like after any other end. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = sim_sched_interrupt;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  sim_outcome out;
  sim_sched_run(engine_main_thread, &run,
                engine_impl->main_prio ? engine_impl->main_prio : 1, &out);
  engine_decide(&run, &out);
  sim_trace_emit(out.end_us, "sim", "verdict", run.message);
  uint64_t digest = sim_trace_digest();
  engine_capture_summary(&run, digest, out.end_us);
  char divergence[1400] = "";
  if (o->check_trace && sim_trace_divergence())
    snprintf(divergence, sizeof divergence, "%s", sim_trace_divergence());
  pcapio_meta_free(&engine_check_meta);
  /* A wedged thread still runs in lwIP: no teardown, no clean-ups; the
   * files are completed below and the process leaves with _exit().  A
   * worker's child leaves the same way (its process ends right after the
   * result line; joining the threads would only cost time). */
  engine_fail_capture = NULL;
  if (!out.wedged && !o->worker) {
    sim_sched_fini();
    for (int i = run.ncleanups - 1; i >= 0; i--)
      run.cleanups[i].fn(run.cleanups[i].arg);
  }
  double wall_ms = engine_wall_ms(&t0);
  int setup_failed = 0;
  if (sim_trace_close(err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    setup_failed = 1;
  }
  if (report &&
      engine_report_close(report, o, &run, &out, digest, divergence) != 0)
    setup_failed = 1;
  if (run.capture) {
    if (!run.captured)
      fprintf(stderr, "lwipsim: note: %s has no wire; the capture holds no "
              "frames\n", o->scn->name);
    if (pcapio_close(run.capture, err, sizeof err) != 0) {
      fprintf(stderr, "lwipsim: %s\n", err);
      setup_failed = 1;
    }
  }
  if (o->record_schedule &&
      engine_sched_write(o->record_schedule, &engine_rec, engine_rec_points,
                         o, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    setup_failed = 1;
  }
  engine_sched_free(&engine_rec);
  engine_sched_free(&engine_play);
  free(engine_rec_points);
  engine_rec_points = NULL;
  if (setup_failed)
    return SIM_EXIT_USAGE;

  if (run.mirror_fd >= 0) {
    fprintf(stderr, "lwipsim: mirrored %llu frames to %s\n",
            run.mirrored, o->mirror_tap);
    close(run.mirror_fd);
  }
  int code = sim_cli_exit_code(run.verdict, o->var->expected);
  if (o->verbose && out.end != SIM_END_NORMAL)
    fprintf(stderr, "lwipsim: run ended (%s): %s\n", sim_end_name(out.end),
            out.message);
  if (o->json) {
    engine_print_json(res, o, &run, &out, digest, wall_ms, code);
  } else {
    for (int i = 0; i < run.ncounters; i++)
      fprintf(res, "counter: %s=%lld\n", run.counters[i].name,
             run.counters[i].value);
    fprintf(res, "virtual: %llu.%06llus points=%llu switches=%llu irqs=%llu\n",
           (unsigned long long)(out.end_us / 1000000),
           (unsigned long long)(out.end_us % 1000000),
           (unsigned long long)out.points, (unsigned long long)out.switches,
           (unsigned long long)out.irqs);
    if (divergence[0])
      fprintf(res, "diverged: %s\n", divergence);
    fprintf(res, "verdict: %s expected: %s %s\n", sim_verdict_name(run.verdict),
           sim_verdict_name(o->var->expected), run.message);
    fprintf(res, "digest: 0x%016llx\n", (unsigned long long)digest);
  }
  if (out.wedged) {
    fflush(NULL);
    _exit(code);
  }
  return code;
}

/* ------------------------------------------------------------------ */
/* explore's worker: a fork server                                     */

/* `explore` starts one worker per job.  It reads seeds, one per line, and
 * runs each in a child forked from this process, which has parsed its
 * arguments and found its scenario but never started a sim thread (fork()
 * copies only the calling thread): every run starts from the same fresh
 * state, lwIP's globals included, without an exec.  Each child prints its
 * result as one JSON line; a child that dies gets a line from the worker. */
static int engine_worker(sim_cli_opts *o)
{
  char line[64];
  o->json = true;
  signal(SIGPIPE, SIG_IGN);
  while (fgets(line, sizeof line, stdin)) {
    uint64_t seed;
    line[strcspn(line, "\n")] = 0;
    if (sim_cli_parse_seed(line, &seed) != 0) {
      fprintf(stderr, "lwipsim: worker: bad seed line '%s'\n", line);
      return SIM_EXIT_USAGE;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
      fprintf(stderr, "lwipsim: worker: fork: %s\n", strerror(errno));
      return SIM_EXIT_FAULT;
    }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM); /* the worker's end is the run's */
      o->seed = seed;
      int code = engine_run(o);
      fflush(NULL);
      _exit(code);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
      ;
    if (WIFSIGNALED(st)) {
      printf("{\"seed\": %llu, \"verdict\": \"fault\", \"message\": "
             "\"engine killed by signal %d\", \"digest\": \"-\", "
             "\"exit\": %d}\n",
             (unsigned long long)seed, WTERMSIG(st), SIM_EXIT_FAULT);
    }
    fflush(stdout);
  }
  return SIM_EXIT_OK;
}

int main(int argc, char **argv)
{
  sim_cli_opts o;
  char err[512];
  if (sim_cli_parse(argc, argv, &scn_catalog, &o, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return SIM_EXIT_USAGE;
  }
  if (o.cmd == SIM_CMD_VERSION) {
    printf("lwipsim-engine (lwIP %s)\n", sys_arch_lwip_version());
    return SIM_EXIT_OK;
  }
  if (o.cmd == SIM_CMD_SERVE)
    return engine_serve(&o);
  if (o.cmd != SIM_CMD_RUN) {
    fprintf(stderr, "lwipsim: the engine only runs scenarios; use lwipsim\n");
    return SIM_EXIT_USAGE;
  }
  engine_impl = scn_registry_impl(o.scn->name);
  if (!engine_impl) {
    fprintf(stderr, "lwipsim: scenario %s is not built into this engine\n",
            o.scn->name);
    return SIM_EXIT_USAGE;
  }

  /* --fail names pools of this engine's profile: checked before any
   * output file exists. */
  if (sys_arch_mem_fail_arm(o.fails, o.nfails, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return SIM_EXIT_USAGE;
  }
  if (o.worker)
    return engine_worker(&o);
  return engine_run(&o);
}

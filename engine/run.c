/*
 * run.c - one run of a scenario variant on the deterministic scheduler:
 * set-up (the scenario's own configuration, a schedule file, the mirror
 * TAP), the output files (outputs.c), the run, its verdict, and the
 * result (result.c).
 *
 * The run's identity opens the trace; the capture's section comment holds
 * everything `lwipsim replay` needs to run it again.
 *
 * A scenario with a start point (scn_impl.start_point) runs its set-up
 * with the prelude's seed under rtos, and its seed and policy take over
 * at the start point, where the scheduler's "start" record names them:
 * the trace up to there is the same for every seed, so explore's worker
 * can fork every run from one snapshot (engine_run_begin with `park`)
 * and a plain run of the same seed gives the same digest.  A run the watchdog
 * ended while a thread still runs in lwIP ("wedged") gets no teardown: its
 * files are completed and the process leaves with _exit().
 */
#define _GNU_SOURCE
#include "engine.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim_trace.h"
#include "sys_arch_mem.h"
#include "sys_arch_sim.h"
#include "tapwire.h"
#include "wire.h"

static const scn_impl *engine_impl;

/* The run between engine_run_begin() and engine_run_end(). */
static struct {
  scn_run run;
  sim_config cfg;
  engine_outputs outs;
  struct timespec t0;
} E;

static void engine_main_thread(void *arg)
{
  engine_impl->main(arg);
}

/* The verdict of a run, from the scenario's oracle or from how it ended. */
static void engine_decide(scn_run *run, const sim_outcome *out)
{
  if (engine_impl->start_point && !out->started &&
      out->end == SIM_END_NORMAL && run->has_verdict &&
      run->verdict != SIM_VERDICT_FAULT) {
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%s declares a start point, but its main returned without "
                "reaching it (the seed and policy never took over)",
                run->scenario->name);
    return;
  }
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

/* The capture's section comment: everything `lwipsim replay` needs. */
static void engine_identity(const proto_opts *o, char *out, size_t len)
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
    proto_fail_format(&o->fails[i], spec, sizeof spec);
    n += snprintf(out + n, len - (size_t)n, "%s%s", i ? " " : "\nfail: ",
                  spec);
  }
}

/* An injected allocation failure: a comment on the next captured frame. */
static pcapio_writer *engine_fail_capture;

static void engine_fail_note(const char *note)
{
  engine_sweep_fired();
  if (engine_fail_capture)
    pcapio_note_next(engine_fail_capture, note);
}

/* --report: what the page says about the run, with the command that
 * replays it (written into cmd). */
static void engine_run_report_info(const proto_opts *o, const scn_run *run,
                                   const sim_outcome *out, uint64_t digest,
                                   const char *divergence, char *cmd,
                                   size_t cmdlen, engine_report_info *info)
{
  int n = snprintf(cmd, cmdlen, "lwipsim run %s --variant %s --seed %llu",
                   o->scn->name, o->var->name, (unsigned long long)o->seed);
  if (o->schedule_path)
    n += snprintf(cmd + n, cmdlen - (size_t)n, " --schedule %s",
                  o->schedule_path);
  else
    n += snprintf(cmd + n, cmdlen - (size_t)n, " --policy %s",
                  sim_policy_name(o->policy));
  if (o->policy == SIM_POLICY_PCT && !o->schedule_path)
    n += snprintf(cmd + n, cmdlen - (size_t)n, " --depth %u --steps %llu",
                  o->pct_depth ? o->pct_depth : 3,
                  (unsigned long long)(o->pct_steps ? o->pct_steps : 1000));
  if (o->link_mbps)
    snprintf(cmd + n, cmdlen - (size_t)n, " --link-mbps %u", o->link_mbps);
  *info = (engine_report_info){
      .scenario = o->scn->name, .variant = o->var->name,
      .profile = o->var->profile, .policy = sim_policy_name(o->policy),
      .lwip = sys_arch_lwip_version(), .seed = o->seed,
      .verdict = sim_verdict_name(run->verdict),
      .expected = sim_verdict_name(o->expect.expected),
      .message = run->message, .end = sim_end_name(out->end),
      .digest = digest, .end_us = out->end_us, .command = cmd,
      .replayed = o->check_trace,
      .divergence = divergence && *divergence ? divergence : NULL};
  static engine_report_stack stacks[PROTO_MAX_STACKS];
  const proto_stack *s;
  info->nstacks = engine_result_stacks(&s);
  for (int i = 0; i < info->nstacks; i++)
    stacks[i] = (engine_report_stack){s[i].thread, s[i].size, s[i].peak};
  info->stacks = stacks;
}

/* Before any output: the run, the scheduler's configuration with the
 * scenario's own and a schedule file's, the mirror TAP.  An exit code. */
static int engine_run_setup(const proto_opts *o, scn_run *run,
                            sim_config *cfg)
{
  char err[512];
  memset(run, 0, sizeof *run);
  run->scenario = o->scn;
  run->variant = o->var;
  /* Before a start point the run's seed does not exist yet. */
  run->seed = engine_impl->start_point ? SIM_PRELUDE_SEED : o->seed;
  run->policy = o->policy;
  run->link_mbps = o->link_mbps;
  run->schedule = o->schedule_path; /* before configure: the scenario
                                       sees it */
  run->verbose = o->verbose;
  *cfg = (sim_config){.policy = o->policy,
                      .seed = o->seed,
                      .time_limit_us = o->var->time_limit_us,
                      .pin_cpu = true,
                      .pct_depth = o->pct_depth,
                      .pct_steps = o->pct_steps,
                      .watchdog_ms = o->watchdog_ms,
                      .start_point = engine_impl->start_point};
  /* `suite` and `explore` spread parallel engines over the CPUs. */
  const char *cpu = getenv("LWIPSIM_CPU");
  if (cpu)
    cfg->cpu_hint = atoi(cpu) + 1;
  if (engine_impl->configure &&
      engine_impl->configure(run, cfg, err, sizeof err) != 0)
    goto usage;
  if (o->schedule_path) {
    if (engine_schedule_play(o->schedule_path, cfg, err, sizeof err) != 0)
      goto usage;
    run->policy = SIM_POLICY_RTOS;
    run->schedule = o->schedule_path;
  }
  if (o->record_schedule)
    engine_schedule_record(cfg);
  sys_arch_set_verbose(o->verbose);
  run->mirror_fd = -1;
  if (o->mirror_tap) {
    run->mirror_fd = tapif_mirror_open(o->mirror_tap, err, sizeof err);
    if (run->mirror_fd < 0)
      goto usage;
  }
  return PROTO_EXIT_OK;
usage:
  fprintf(stderr, "lwipsim: %s\n", err);
  return PROTO_EXIT_USAGE;
}

/* The outputs and the scheduler; the run's identity opens the trace.  An
 * exit code. */
static int engine_run_start(const proto_opts *o, scn_run *run,
                            const sim_config *cfg, engine_outputs *outs)
{
  char ident[2048] = "", err[512];
  if (o->pcap_path)
    engine_identity(o, ident, sizeof ident);
  if (engine_outputs_open(outs, o, run, ident, o->check_trace) != 0)
    return PROTO_EXIT_USAGE;
  outs->say_no_wire = true;
  engine_fail_capture = run->capture;
  sys_arch_mem_set_fail_hook(engine_fail_note);
  if (sim_sched_init(cfg, err, sizeof err) != 0) {
    engine_outputs_abandon(outs, run);
    fprintf(stderr, "lwipsim: %s\n", err);
    return PROTO_EXIT_FAULT;
  }
  /* No build id here: the digest must not differ between a plain and a
   * sanitizer build.  With a start point, the seed and policy come in the
   * scheduler's "start" record. */
  if (engine_impl->start_point)
    sim_trace_eventf("run", "%s %s lwip %s, set-up under rtos with seed %u "
                     "until the start point", o->scn->name, o->var->name,
                     sys_arch_lwip_version(), SIM_PRELUDE_SEED);
  else
    sim_trace_eventf("run", "%s %s seed %llu policy %s lwip %s",
                     o->scn->name, o->var->name, (unsigned long long)o->seed,
                     sim_policy_name(o->policy), sys_arch_lwip_version());
  engine_run_signals();
  return PROTO_EXIT_OK;
}

void engine_run_signals(void)
{
  /* SIGINT/SIGTERM end the run at its next point; the trace and capture
   * are then completed like after any other end. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = sim_sched_interrupt;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

/* Completes the files and writes a recorded schedule: 0, or -1 (said). */
static int engine_run_close(const proto_opts *o, scn_run *run,
                            const sim_outcome *out, engine_outputs *outs,
                            uint64_t digest)
{
  char cmd[1024], err[600];
  engine_report_info info;
  if (outs->report)
    engine_run_report_info(o, run, out, digest, outs->divergence, cmd,
                           sizeof cmd, &info);
  int rc = engine_outputs_close(outs, run, outs->report ? &info : NULL);
  if (o->record_schedule && engine_schedule_save(o, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    rc = -1;
  }
  engine_schedule_free();
  return rc;
}

/* The result, as JSON or as text. */
static void engine_run_print(FILE *res, const proto_opts *o,
                             const scn_run *run, const sim_outcome *out,
                             uint64_t digest, double wall_ms, int code,
                             const char *divergence)
{
  proto_result r;
  proto_counter counters[SCN_MAX_COUNTERS];
  char dig[24];
  engine_result_fill(&r, counters, dig, o, run, out, digest, wall_ms, code);
  if (o->sweep_report)
    engine_sweep_json(res, &r);
  else if (o->json)
    engine_result_json(res, &r);
  else
    engine_result_text(res, &r, divergence);
}

int engine_run_begin(const proto_opts *o, const scn_impl *impl, bool park)
{
  engine_impl = impl;
  int code = engine_run_setup(o, &E.run, &E.cfg);
  E.cfg.park_at_start = park;
  if (code == PROTO_EXIT_OK)
    code = engine_run_start(o, &E.run, &E.cfg, &E.outs);
  clock_gettime(CLOCK_MONOTONIC, &E.t0);
  return code;
}

void engine_run_go(sim_outcome *out)
{
  sim_sched_run(engine_main_thread, &E.run,
                engine_impl->main_prio ? engine_impl->main_prio : 1, out);
}

void engine_run_resume(uint64_t seed, sim_outcome *out)
{
  clock_gettime(CLOCK_MONOTONIC, &E.t0);
  sim_sched_resume(seed, out);
}

int engine_run(const proto_opts *o, const scn_impl *impl)
{
  int code = engine_run_begin(o, impl, false);
  if (code != PROTO_EXIT_OK)
    return code;
  sim_outcome out;
  engine_run_go(&out);
  return engine_run_end(o, &out);
}

int engine_run_end(const proto_opts *o, const sim_outcome *outcome)
{
  scn_run *run = &E.run;
  engine_outputs *outs = &E.outs;
  sim_outcome out = *outcome;
  engine_decide(run, &out);
  sim_trace_emit(out.end_us, "sim", "verdict", run->message);
  uint64_t digest = sim_trace_digest();
  if (!out.wedged)
    engine_result_take_stacks();
  engine_outputs_finish(outs, run, digest, out.end_us);
  /* A worker's child leaves like a wedged run: its process ends right
   * after the result line, and joining the threads would only cost
   * time. */
  engine_fail_capture = NULL;
  if (!out.wedged && !o->worker) {
    sim_sched_fini();
    for (int i = run->ncleanups - 1; i >= 0; i--)
      run->cleanups[i].fn(run->cleanups[i].arg);
  }
  double wall_ms = engine_wall_ms(&E.t0);
  if (engine_run_close(o, run, &out, outs, digest) != 0)
    return PROTO_EXIT_USAGE;
  if (run->mirror_fd >= 0) {
    fprintf(stderr, "lwipsim: mirrored %llu frames to %s\n", run->mirrored,
            o->mirror_tap);
    close(run->mirror_fd);
  }
  int code = proto_exit_code(run->verdict, o->expect.expected);
  if (o->verbose && out.end != SIM_END_NORMAL)
    fprintf(stderr, "lwipsim: run ended (%s): %s\n", sim_end_name(out.end),
            out.message);
  engine_run_print(outs->res, o, run, &out, digest, wall_ms, code,
                   outs->divergence);
  if (out.wedged) {
    fflush(NULL);
    _exit(code);
  }
  return code;
}

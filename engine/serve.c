/*
 * serve.c - `serve`: the board live over a TAP device until SIGINT or
 * SIGTERM, answering ICMP echo and TCP echo (scenarios/lib/scn_serve.c),
 * with the virtual clock slaved to the wall clock.  `serve --replay F`
 * (run by `lwipsim replay`) plays a recorded session again: its inbound
 * frames from the capture, deterministic, ending where the session ended.
 *
 * It writes the same outputs as a scenario run (outputs.c) but for the
 * report, and ends with its counters, the way it ended and its digest.
 */
#define _GNU_SOURCE
#include "engine.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scn_registry.h"
#include "scn_serve.h"
#include "sim_trace.h"
#include "sys_arch_sim.h"
#include "tapwire.h"
#include "wire.h"

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

/* The TAP device, or for --replay the recording, with the time its
 * session ended in *stop_at.  NULL, said on stderr. */
static tapif_wire *engine_serve_wire(const proto_opts *o, uint64_t *stop_at)
{
  char err[512];
  tapif_wire *wire;
  *stop_at = 0;
  if (o->replay_path) {
    pcapio_meta meta;
    unsigned long long end_us = 0;
    if (pcapio_read_meta(o->replay_path, &meta, err, sizeof err) != 0) {
      fprintf(stderr, "lwipsim: %s\n", err);
      return NULL;
    }
    pcapio_meta_free(&meta);
    const char *e = strstr(meta.summary, "end_us: ");
    if (!e || sscanf(e, "end_us: %llu", &end_us) != 1 || end_us == 0) {
      fprintf(stderr, "lwipsim: capture %s has no session summary\n",
              o->replay_path);
      return NULL;
    }
    *stop_at = end_us;
    wire = tapif_replay_new(o->replay_path, err, sizeof err);
  } else {
    wire = tapif_tap_new(o->tap_name, err, sizeof err);
  }
  if (!wire)
    fprintf(stderr, "lwipsim: %s\n", err);
  return wire;
}

/* The capture's section comment: what `lwipsim replay` needs. */
static void engine_serve_identity(const proto_opts *o, char *out, size_t len)
{
  char build[24];
  engine_build_id(build, sizeof build);
  snprintf(out, len,
           "lwipsim serve\nscenario: serve\nvariant: live\nseed: 1\n"
           "policy: rtos\nprofile: %s\nlwip: %s\nbuild: %s\n"
           "wire: tap:%s\nip: %u.%u.%u.%u/%d",
           o->profile, sys_arch_lwip_version(), build, o->tap_name, o->ip[0],
           o->ip[1], o->ip[2], o->ip[3], o->prefix);
}

/* The session's last lines: counters, divergence, its end, digest. */
static void engine_serve_print(FILE *res, const scn_run *run,
                               const sim_outcome *out, uint64_t digest,
                               const char *divergence)
{
  engine_result_counters(res, run);
  if (divergence[0])
    fprintf(res, PROTO_LINE_DIVERGED "%s\n", divergence);
  fprintf(res, "serve: %s after %llu.%06llus: %s\n", sim_end_name(out->end),
          (unsigned long long)(out->end_us / 1000000),
          (unsigned long long)(out->end_us % 1000000), out->message);
  fprintf(res, PROTO_LINE_DIGEST "0x%016llx\n", (unsigned long long)digest);
}

/* Everything before the first sim thread: outputs, signals, scheduler.
 * An exit code. */
static int engine_serve_start(const proto_opts *o, scn_run *run,
                              engine_outputs *outs, tapif_wire *wire,
                              uint64_t stop_at)
{
  char ident[512] = "", err[512];
  if (o->pcap_path)
    engine_serve_identity(o, ident, sizeof ident);
  if (engine_outputs_open(outs, o, run, ident, o->replay_path) != 0)
    return PROTO_EXIT_USAGE;
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
  if (sim_sched_init(&cfg, err, sizeof err) != 0) {
    engine_outputs_abandon(outs, run);
    fprintf(stderr, "lwipsim: %s\n", err);
    return PROTO_EXIT_FAULT;
  }
  sim_trace_eventf("run", "serve tap:%s lwip %s", o->tap_name,
                   sys_arch_lwip_version());
  const scn_impl *impl = o->scn ? scn_registry_impl(o->scn->name) : NULL;
  if (impl && impl->serve_setup && o->var)
    impl->serve_setup(o->var);
  return PROTO_EXIT_OK;
}

int engine_serve(const proto_opts *o)
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
  uint64_t stop_at;
  tapif_wire *wire = engine_serve_wire(o, &stop_at);
  if (!wire)
    return PROTO_EXIT_USAGE;
  engine_serve_cfg.wire = wire;
  memcpy(engine_serve_cfg.ip, o->ip, 4);
  engine_serve_cfg.prefix = o->prefix;
  scn_run run;
  memset(&run, 0, sizeof run);
  run.scenario = &serve;
  run.variant = &live;
  run.seed = 1;
  run.policy = SIM_POLICY_RTOS;
  engine_outputs outs;
  int code = engine_serve_start(o, &run, &outs, wire, stop_at);
  if (code != PROTO_EXIT_OK) {
    tapif_wire_destroy(wire);
    return code;
  }
  sim_outcome out;
  sim_sched_run(engine_serve_thread, &run, 2, &out);
  scn_serve_counters(&run);
  uint64_t digest = sim_trace_digest();
  engine_outputs_finish(&outs, &run, digest, out.end_us);
  if (!out.wedged) {
    sim_sched_fini();
    for (int i = run.ncleanups - 1; i >= 0; i--)
      run.cleanups[i].fn(run.cleanups[i].arg);
  }
  code = out.end == SIM_END_NORMAL ? PROTO_EXIT_OK : PROTO_EXIT_FAULT;
  if (engine_outputs_close(&outs, &run, NULL) != 0)
    code = PROTO_EXIT_USAGE;
  engine_serve_print(outs.res, &run, &out, digest, outs.divergence);
  if (out.wedged) {
    /* The TAP device goes with the process (its descriptor closes). */
    fflush(NULL);
    _exit(code);
  }
  return code;
}

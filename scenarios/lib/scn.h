/*
 * scn.h - what a scenario implements and what it may call while it runs.
 *
 * A scenario lives in scenarios/<name>/: desc.c holds its descriptor
 * (`const sim_scenario scn_<name>_desc`, plain data, no lwIP) and the other
 * .c files its code, exporting `const scn_impl scn_<name>_impl`.  The build
 * finds both by the folder name; nothing else needs editing.
 *
 * `main` runs as the sim thread "main": it starts lwIP, starts its threads,
 * waits for them and records a verdict with scn_verdict() before it returns.
 * If the run ends another way (an lwIP assertion, a deadlock, a fault),
 * `on_end` (optional) may turn that into a verdict; otherwise an assertion
 * or fault gives `fault` and a deadlock or hang gives `deadlock`.
 */
#ifndef SCN_H
#define SCN_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_catalog.h"
#include "sim_sched.h"

#define SCN_MAX_COUNTERS 32
#define SCN_MAX_CLEANUPS 8

struct pcapio_writer;

typedef struct scn_run {
  const sim_scenario *scenario;
  const sim_variant *variant;
  uint64_t seed;
  sim_policy policy;
  const char *schedule;  /* --schedule F: rtos plus that file's choices */
  unsigned link_mbps;    /* --link-mbps (0: the scenario's own) */
  bool verbose;
  /* set by the scenario */
  bool has_verdict;
  sim_verdict verdict;
  char message[1024];
  struct {
    char name[40];
    long long value;
  } counters[SCN_MAX_COUNTERS];
  int ncounters;
  /* set by the engine */
  struct pcapio_writer *capture; /* --pcap, or NULL */
  bool captured;                 /* a wire was attached to the capture */
  int mirror_fd;                 /* --mirror-tap descriptor, or -1 */
  unsigned long long mirrored;   /* frames written to it */
  struct {
    void (*fn)(void *arg);
    void *arg;
  } cleanups[SCN_MAX_CLEANUPS];
  int ncleanups;
} scn_run;

typedef struct {
  const char *name;
  int main_prio;                                    /* of the "main" thread */
  void (*main)(scn_run *run);
  /* Optional: adjust the scheduler set-up (e.g. script steps) per variant;
   * returns 0, or -1 with a message in err (a usage error). */
  int (*configure)(scn_run *run, sim_config *cfg, char *err, size_t errlen);
  /* Optional: decide the verdict of a run that ended abnormally. */
  void (*on_end)(scn_run *run, const sim_outcome *out);
  /* Optional: what variant `v` sets in the port beyond its profile, for
   * `serve --config SCENARIO:VARIANT` (the live board runs serve's
   * services, not the scenario's main).  Before the run starts. */
  void (*serve_setup)(const sim_variant *v);
  /* The scenario has a start point: its main (or a thread of it) calls
   * scn_start_point() once, after the set-up, which then does not depend
   * on the run's seed or policy.  explore and sweep fork their runs from
   * there (a snapshot) instead of starting each from the beginning. */
  bool start_point;
} scn_impl;

/* A scenario's implementation, named after its folder as the Makefile's
 * registry expects (scn_<name>_impl with .name "<name>"), e.g.
 *   SCN_IMPL(peer_tcp_echo, .main_prio = 2, .main = pe_main);
 * The other fields are scn_impl's, designated. */
#define SCN_IMPL(id_, ...) \
  const scn_impl scn_##id_##_impl = {.name = #id_, __VA_ARGS__}

void scn_verdict(scn_run *run, sim_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A named figure for the JSON result (and the trace). */
void scn_counter(scn_run *run, const char *name, long long value);
/* `fn(arg)` runs after the run, once every sim thread is stopped (to free
 * what threads may still point at: wires, EMACs). */
void scn_at_end(scn_run *run, void (*fn)(void *arg), void *arg);
/* The start point the scenario declares (scn_impl.start_point), reached
 * once, after its set-up: lwIP and the board initialised, before the part
 * the seed and policy should explore.  Before it the run is the same for
 * every seed and policy (the rtos policy, run->seed SIM_PRELUDE_SEED);
 * from here run->seed is the run's own, and the policy, a schedule and
 * the scenario's script steps take over (sim_sched_start_point).  In a
 * worker (explore) each run is forked here from one initialised engine. */
void scn_start_point(scn_run *run);
/* True if the variant is called `name`. */
bool scn_variant_is(const scn_run *run, const char *name);

#endif

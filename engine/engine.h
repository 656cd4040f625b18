/*
 * engine.h - the engine program's own parts, shared by its files: one
 * scenario run (run.c), the board live over TAP (serve.c), explore's fork
 * server (worker.c), the output files both kinds of run write (outputs.c),
 * schedule files (schedule.c) and the result writer (result.c).  The HTML
 * report has a header of its own (report.h): it is built once, without
 * lwIP, for every engine.
 */
#ifndef ENGINE_H
#define ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pcapio.h"
#include "proto.h"
#include "report.h"
#include "result.h"
#include "scn.h"
#include "sim_sched.h"

/* One run of the scenario variant in `o` with the scenario's code `impl`;
 * returns the exit code (a wedged run leaves with _exit()). */
int engine_run(const proto_opts *o, const scn_impl *impl);
/* engine_run in parts, for the worker's snapshots: the set-up and the
 * outputs (`park`: the run stops at the scenario's start point), the run
 * from the beginning (until it ends or parks), the run from its start
 * point with `seed` (after a park, in a forked child), and the verdict,
 * files and result of the run that ended (exit code; `o` names the seed).
 * engine_run_signals() installs the run's SIGINT/SIGTERM handlers. */
int engine_run_begin(const proto_opts *o, const scn_impl *impl, bool park);
void engine_run_go(sim_outcome *out);
void engine_run_resume(uint64_t seed, sim_outcome *out);
int engine_run_end(const proto_opts *o, const sim_outcome *out);
void engine_run_signals(void);
/* serve: the board live over TAP (or a recorded session again) until
 * SIGINT/SIGTERM; returns the exit code. */
int engine_serve(const proto_opts *o);
/* explore's worker: seeds on stdin, one forked run and JSON line each. */
int engine_worker(proto_opts *o, const scn_impl *impl);

/* ------------------------------------------------------------------ */
/* sweep.c: what `lwipsim sweep` asks of a run                         */

/* A worker's line, "SEED" or "SEED SPEC" (sweep: "1 memp:PBUF_POOL@7"):
 * the seed, and the run's one --fail spec armed (none without SPEC).  0,
 * or -1 with err. */
int engine_sweep_line(proto_opts *o, char *line, uint64_t *seed, char *err,
                      size_t errlen);
/* run --sweep-report: the JSON result with a "sweep" object (allocations
 * per pool and heap, their levels at the end, the failed call's site). */
int engine_sweep_json(FILE *f, const proto_result *r);
/* An injected failure fired (the fail hook): its site into the page the
 * worker shares with this run's child. */
void engine_sweep_fired(void);
/* The worker, for a child killed by a signal: that run's site as JSON
 * strings ("\"0x4a2f1\", ...", empty if none). */
void engine_sweep_killed_site(char *out, size_t len);

/* ------------------------------------------------------------------ */
/* outputs.c: the files around a run                                   */

/* What a run writes besides its result lines: the capture (--pcap, kept
 * in run->capture, where the scenario's wire finds it), the trace
 * (--trace) and the HTML report (--report).  Opened before the run, so a
 * bad path costs nothing; completed after it, or abandoned, so that
 * nothing half-written is left. */
typedef struct {
  FILE *res;               /* the result: stdout, or stderr when the
                              capture streams to stdout */
  engine_report *report;   /* --report, or NULL */
  pcapio_meta *check;      /* the recording a replay compares with */
  char divergence[1400];   /* replay: the first record that differed */
  bool say_no_wire;        /* a capture no wire wrote to gets a note */
  bool no_summary;         /* the capture's summary could not be written */
  pcapio_writer *events_to; /* --pcap-events: the capture, until finish */
  unsigned events_mask;    /* PROTO_EV_* groups to write */
  bool events_obs;         /* the trace observer is ours */
  const scn_run *events_run; /* its verdict, for the verdict record */
  sim_verdict events_expected;
} engine_outputs;

/* The build's identity: a hash of this engine's own executable. */
void engine_build_id(char *out, size_t len);
/* Opens the outputs of `o` for `run` (`ident`: the capture's section
 * comment) and, when `check` names a capture, loads its trace hashes to
 * compare each record with.  0, or -1 said on stderr with nothing left
 * behind. */
int engine_outputs_open(engine_outputs *out, const proto_opts *o,
                        scn_run *run, const char *ident, const char *check);
/* Drops every output (after a failure between open and the run). */
void engine_outputs_abandon(engine_outputs *out, scn_run *run);
/* Right after the run: the capture's summary block (the digest and end
 * time replay compares) and the divergence a replay found. */
void engine_outputs_finish(engine_outputs *out, scn_run *run,
                           uint64_t digest, uint64_t end_us);
/* Completes the trace, the report (`info`; NULL without --report) and the
 * capture.  0, or -1 if one failed (said on stderr). */
int engine_outputs_close(engine_outputs *out, scn_run *run,
                         const engine_report_info *info);

/* ------------------------------------------------------------------ */
/* schedule.c: schedule files, one choice per line                     */

/* --schedule F: loads F's choices into cfg (rtos plus those).  0, or -1
 * with a one-line err. */
int engine_schedule_play(const char *path, sim_config *cfg, char *err,
                         size_t errlen);
/* --record-schedule: cfg records the run's choices (engine_schedule_save
 * writes them). */
void engine_schedule_record(sim_config *cfg);
/* Writes the recorded choices to o->record_schedule.  0, or -1 with
 * err. */
int engine_schedule_save(const proto_opts *o, char *err, size_t errlen);
/* Frees what play and record hold. */
void engine_schedule_free(void);

/* ------------------------------------------------------------------ */
/* result.c: the result writer (proto/result.h)                        */

/* The result of a finished run; `counters` (SCN_MAX_COUNTERS) and
 * `digest` (24 bytes) are its storage. */
/* Takes each sim thread's stack facts (after sim_sched_run, before
 * sim_sched_fini); engine_result_fill and the report use them. */
void engine_result_take_stacks(void);
int engine_result_stacks(const proto_stack **stacks);
void engine_result_fill(proto_result *r, proto_counter *counters,
                        char *digest, const proto_opts *o,
                        const scn_run *run, const sim_outcome *out,
                        uint64_t digest_value, double wall_ms, int code);
/* The JSON form, one line: 0, or -1 said on stderr (nothing written). */
int engine_result_json(FILE *f, const proto_result *r);
/* The same in two steps: the object (NULL if it cannot be made), and one
 * line of it (takes the reference; NULL: said on stderr, -1). */
struct json_t;
struct json_t *engine_result_object(const proto_result *r);
int engine_result_print(FILE *f, struct json_t *j);
/* The text form: counters, virtual time, divergence, verdict, digest. */
void engine_result_text(FILE *f, const proto_result *r,
                        const char *divergence);
/* One "counter: NAME=N" line per counter of the run. */
void engine_result_counters(FILE *f, const scn_run *run);
/* A worker's line for a run that died of signal `sig`. */
void engine_result_killed(FILE *f, uint64_t seed, int sig);

#endif

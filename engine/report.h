/*
 * report.h - `--report F.html`: one self-contained HTML page of a run.
 *
 * The report is built in memory while the run goes: the trace observer
 * (sim_trace_set_observer) hands it every record and the engine hands it
 * every frame the board sees (with a one-line protocol summary made by
 * tapif), so it needs neither --trace nor --pcap and changes neither the
 * digest nor the capture.  At the end the page is written: the template
 * (engine/report.html, embedded at build time) with the run's data
 * inlined as one JavaScript object.  No network fetches, no wall clock,
 * no pointers: the report of the same run is the same bytes.
 *
 * Size is bounded: each list (thread state spans, markers, other events,
 * packets, pool samples) keeps its first entries and a ring of its last
 * ones; what falls between is counted and its time range named in the
 * page, and a per-lane activity histogram and per-pool min/max envelope
 * cover the whole run whatever was left out.
 */
#ifndef ENGINE_REPORT_H
#define ENGINE_REPORT_H

#include <stddef.h>
#include <stdint.h>

typedef struct engine_report engine_report;

/* A sim thread's stack: size and peak use in bytes. */
typedef struct {
  const char *thread;
  uint64_t size, peak;
} engine_report_stack;

/* What the page says about the run (strings may be NULL). */
typedef struct {
  const char *scenario, *variant, *profile, *policy, *lwip;
  uint64_t seed;
  const char *verdict, *expected, *message, *end;
  uint64_t digest, end_us;
  const char *command;     /* the command that replays the run */
  const char *replayed;    /* the capture a replay re-ran, or NULL */
  const char *divergence;  /* replay: the first record that differed */
  const engine_report_stack *stacks; /* each sim thread's stack */
  int nstacks;
} engine_report_info;

/* Creates the report and its temporary file `path`.tmp (so an unwritable
 * path fails before the run).  NULL with a one-line err. */
engine_report *engine_report_open(const char *path, char *err, size_t errlen);
/* Makes the report the trace observer (sim_trace_set_observer). */
void engine_report_attach(engine_report *r);

/* One trace record (what the observer passes on; tests call it). */
void engine_report_record(engine_report *r, uint64_t t_us, uint64_t seq,
                          const char *thread, const char *kind,
                          const char *detail);
/* One frame seen by the board: `dir` "in" or "out". */
void engine_report_frame(engine_report *r, uint64_t t_us,
                         const char *iface, const char *dir, size_t len,
                         const char *summary, const char *note);

/* Writes the page and renames it into place; detaches the observer and
 * frees `r`.  0, or -1 with err (nothing is left behind). */
int engine_report_close(engine_report *r, const engine_report_info *info,
                        char *err, size_t errlen);
/* Drops the temporary file and frees `r` (NULL allowed). */
void engine_report_abandon(engine_report *r);

#endif

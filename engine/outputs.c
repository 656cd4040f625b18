/*
 * outputs.c - the files around a run, for `run` and `serve` alike: the
 * capture (--pcap), the trace (--trace) and the HTML report (--report),
 * and the recording a replay compares the trace with.
 *
 * Every output is opened before the first sim thread exists, so a bad
 * path is a usage error that costs nothing, and each is written under a
 * temporary name (or, for `--pcap -`, streamed) and completed only after
 * the run; on any failure in between, all of them are abandoned, so a
 * failed run leaves no half-written file.  With the capture on stdout,
 * the result lines go to stderr.
 *
 * --pcap-events: the trace observer (one at a time, sim_trace.h) is ours
 * then; it writes each record of the chosen kinds on the capture's events
 * interface as it is made, so records and frames stand in the file in the
 * order the run made them, and hands every record on to the report.  It
 * writes nothing into the trace: the digest is the same with or without.
 * After engine_outputs_finish() (the verdict record, then the summary
 * block) no more records go into the capture.
 */
#define _GNU_SOURCE
#include "engine.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "sim_trace.h"
#include "wire.h"

void engine_build_id(char *out, size_t len)
{
  if (proto_build_id("/proc/self/exe", out, len) != 0)
    snprintf(out, len, "unknown");
}

/* --report: every frame the board sees, with a one-line summary. */
static void engine_outputs_frame(void *ctx, uint64_t t_us, const char *iface,
                                 int direction, const uint8_t *frame,
                                 size_t len, const char *note)
{
  char summary[160];
  frames_summary(frame, len, summary, sizeof summary);
  engine_report_frame(ctx, t_us, iface, direction == PCAPIO_IN ? "in" : "out",
                      len, summary, note);
}

/* --pcap-events: the capture's events interface, then the report. */
static void engine_outputs_record(void *ctx, uint64_t t_us, uint64_t seq,
                                  const char *thread, const char *kind,
                                  const char *detail)
{
  engine_outputs *out = ctx;
  if (out->events_to && (proto_event_group(kind) & out->events_mask)) {
    /* The verdict record holds the oracle's message; its name and the
     * expected one go into the block's comment, as the result line says
     * them. */
    char comment[96] = "";
    if (strcmp(kind, "verdict") == 0 && out->events_run)
      snprintf(comment, sizeof comment, "verdict: %s expected: %s",
               sim_verdict_name(out->events_run->verdict),
               sim_verdict_name(out->events_expected));
    pcapio_write_event(out->events_to, t_us, seq, kind, thread, detail,
                       comment);
  }
  if (out->report)
    engine_report_record(out->report, t_us, seq, thread, kind, detail);
}

/* The recording's trace hashes: each record of this run is compared with
 * its own as it is made (sim_trace_expect). */
static int engine_outputs_check(engine_outputs *out, const char *path)
{
  char err[600];
  out->check = calloc(1, sizeof *out->check);
  if (!out->check) {
    fprintf(stderr, "lwipsim: out of memory\n");
    return -1;
  }
  if (pcapio_read_meta(path, out->check, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    free(out->check);
    out->check = NULL;
    return -1;
  }
  if (out->check->hashes)
    sim_trace_expect(out->check->hashes, out->check->nhashes);
  return 0;
}

int engine_outputs_open(engine_outputs *out, const proto_opts *o,
                        scn_run *run, const char *ident, const char *check)
{
  char err[600];
  memset(out, 0, sizeof *out);
  out->res = stdout;
  if (o->pcap_path) {
    if (strcmp(o->pcap_path, "-") == 0) {
      out->res = stderr;
      signal(SIGPIPE, SIG_IGN); /* a closed reader is a write error */
    }
    run->capture = pcapio_open(o->pcap_path, ident, err, sizeof err);
    if (!run->capture)
      goto fail;
  }
  if (sim_trace_open(o->trace_path, err, sizeof err) != 0) {
    if (run->capture)
      pcapio_abandon(run->capture);
    run->capture = NULL;
    goto fail;
  }
  if (o->report_path) {
    out->report = engine_report_open(o->report_path, err, sizeof err);
    if (!out->report) {
      engine_outputs_abandon(out, run);
      goto fail;
    }
    engine_report_attach(out->report);
    tapif_wire_set_observer(engine_outputs_frame, out->report);
  }
  if (run->capture)
    sim_trace_keep_hashes(true);
  if (run->capture && o->pcap_events) {
    if (pcapio_events_enable(run->capture) != 0) {
      snprintf(err, sizeof err, "%s", pcapio_error(run->capture));
      engine_outputs_abandon(out, run);
      goto fail;
    }
    out->events_to = run->capture;
    out->events_mask = o->pcap_events;
    out->events_run = run;
    out->events_expected = o->expect.expected;
    out->events_obs = true;
    sim_trace_set_observer(engine_outputs_record, out);
  }
  if (check && engine_outputs_check(out, check) != 0) {
    engine_outputs_abandon(out, run);
    return -1;
  }
  return 0;
fail:
  fprintf(stderr, "lwipsim: %s\n", err);
  return -1;
}

void engine_outputs_abandon(engine_outputs *out, scn_run *run)
{
  tapif_wire_set_observer(NULL, NULL);
  if (out->events_obs)
    sim_trace_set_observer(NULL, NULL);
  out->events_obs = false;
  out->events_to = NULL;
  engine_report_abandon(out->report);
  out->report = NULL;
  sim_trace_abandon();
  if (run->capture)
    pcapio_abandon(run->capture);
  run->capture = NULL;
  if (out->check) {
    pcapio_meta_free(out->check);
    free(out->check);
    out->check = NULL;
  }
}

void engine_outputs_finish(engine_outputs *out, scn_run *run,
                           uint64_t digest, uint64_t end_us)
{
  /* The capture's events end with the verdict record, before its
   * summary; the report still sees what comes after. */
  out->events_to = NULL;
  if (run->capture && run->captured) {
    size_t n;
    const uint32_t *h = sim_trace_hashes(&n);
    char sum[96];
    snprintf(sum, sizeof sum, "lwipsim digest: 0x%016llx end_us: %llu",
             (unsigned long long)digest, (unsigned long long)end_us);
    /* A capture without its summary cannot be replayed: it is dropped
     * when the outputs are closed. */
    out->no_summary =
        pcapio_write_summary(run->capture, 0, end_us, sum, h, n) != 0;
  }
  if (out->check) {
    if (sim_trace_divergence())
      snprintf(out->divergence, sizeof out->divergence, "%s",
               sim_trace_divergence());
    pcapio_meta_free(out->check);
    free(out->check);
    out->check = NULL;
  }
}

int engine_outputs_close(engine_outputs *out, scn_run *run,
                         const engine_report_info *info)
{
  char err[600];
  int rc = 0;
  if (out->events_obs)
    sim_trace_set_observer(NULL, NULL);
  out->events_obs = false;
  if (sim_trace_close(err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    rc = -1;
  }
  if (out->report) {
    tapif_wire_set_observer(NULL, NULL);
    if (engine_report_close(out->report, info, err, sizeof err) != 0) {
      fprintf(stderr, "lwipsim: %s\n", err);
      rc = -1;
    }
    out->report = NULL;
  }
  if (run->capture && out->no_summary) {
    fprintf(stderr, "lwipsim: %s\n", pcapio_error(run->capture));
    pcapio_abandon(run->capture);
    run->capture = NULL;
    rc = -1;
  }
  if (run->capture) {
    if (!run->captured && out->say_no_wire)
      fprintf(stderr, "lwipsim: note: %s has no wire; the capture holds no "
              "frames\n", run->scenario->name);
    if (pcapio_close(run->capture, err, sizeof err) != 0) {
      fprintf(stderr, "lwipsim: %s\n", err);
      rc = -1;
    }
    run->capture = NULL;
  }
  return rc;
}

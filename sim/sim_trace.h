/*
 * sim_trace.h - the run's trace and its digest.
 *
 * Every scheduling decision and named event is one record with stable fields
 * (t_us, seq, thread, kind, detail).  All records feed a 64-bit XXH3 digest,
 * printed at the end of every run; with a trace file open they are also
 * written as JSON lines.  Nothing that varies between runs of the same
 * inputs (pointers, wall time, PIDs) may be passed in.
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Starts a fresh digest; `path` (may be NULL) receives JSONL.  The file is
 * written as `path`.tmp and renamed by sim_trace_close(), so a run that
 * fails to set up leaves nothing half-written.  Returns 0 or -1 with err. */
int sim_trace_open(const char *path, char *err, size_t errlen);
/* Flushes, renames the file into place.  Returns 0 or -1 with err. */
int sim_trace_close(char *err, size_t errlen);
/* Drops the temporary file (setup failed after open). */
void sim_trace_abandon(void);
/* Flushes buffered lines (before an abnormal end). */
void sim_trace_flush(void);

/* A record at the current virtual time by the current thread. */
void sim_trace_event(const char *kind, const char *detail);
void sim_trace_eventf(const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The thread label records get now: the running sim thread's name, the
 * interrupt's while a handler runs, "sim" outside the run. */
const char *sim_trace_label(void);
/* Writes v in decimal at buf (at most 20 characters, no NUL); returns
 * how many.  The hot records are put together with it, not printf. */
size_t sim_trace_put_u64(char *buf, uint64_t v);
/* Low level: explicit time and thread label. */
void sim_trace_emit(uint64_t t_us, const char *thread, const char *kind,
                    const char *detail);

/* An in-memory observer of every record, called after the record is
 * hashed (and written), whether or not a trace file is open: the HTML
 * report (report.c) is built from it.  It sees the record's fields as
 * given (the detail not yet JSON-escaped nor cut to the line limit) and
 * must not emit records itself.  One observer at a time; NULL removes it.
 * It outlives sim_trace_close(). */
typedef void (*sim_trace_observer)(void *ctx, uint64_t t_us, uint64_t seq,
                                   const char *thread, const char *kind,
                                   const char *detail);
void sim_trace_set_observer(sim_trace_observer fn, void *ctx);

/* Per-record 32-bit hashes, kept while `on` (a capture stores them so a
 * replay can name the first record where it parts from the recording).
 * Valid until sim_trace_close(). */
void sim_trace_keep_hashes(bool on);
const uint32_t *sim_trace_hashes(size_t *n);
/* Compares every record with the recording's hashes (kept by the caller
 * until the end); the first difference is kept for sim_trace_divergence(),
 * which returns NULL when the replay matched so far and did not stop
 * early. */
void sim_trace_expect(const uint32_t *hashes, size_t n);
const char *sim_trace_divergence(void);

uint64_t sim_trace_digest(void);
uint64_t sim_trace_records(void);

#endif

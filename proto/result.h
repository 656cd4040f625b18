/*
 * result.h - the result of one engine run, the answer side of the engine
 * protocol: one definition of its fields and their names.  The engine
 * writes it (engine/result.c), the front end reads it (cli/result.c).
 *
 * Two forms.  JSON, one object on one line, for programs: `run --json`
 * prints it, and explore's workers print one per seed.  Its keys, in the
 * order the engine writes them:
 *
 *   scenario variant profile seed policy lwip verdict expected message end
 *   digest counters {NAME: N, ...}
 *   timings {virtual_us points switches irqs threads trace_records wall_ms}
 *   stacks [{thread size peak}, ...]  (each sim thread's stack in bytes:
 *          as asked for, rounded up to the host minimum, and its peak use)
 *   exit
 *
 * A worker whose run died writes a short object of its own: seed verdict
 * message digest exit.  Text, for people: the run's lines end with the two
 * of the scenario contract, "verdict: V expected: E MESSAGE" and
 * "digest: 0x...", which the front end also writes for an engine that
 * died (proto_result_tail).
 */
#ifndef PROTO_RESULT_H
#define PROTO_RESULT_H

#include <stdint.h>
#include <stdio.h>

#include "sim_catalog.h"

/* The keys of the JSON form. */
#define PROTO_KEY_SCENARIO "scenario"
#define PROTO_KEY_VARIANT "variant"
#define PROTO_KEY_PROFILE "profile"
#define PROTO_KEY_SEED "seed"
#define PROTO_KEY_POLICY "policy"
#define PROTO_KEY_LWIP "lwip"
#define PROTO_KEY_VERDICT "verdict"
#define PROTO_KEY_EXPECTED "expected"
#define PROTO_KEY_MESSAGE "message"
#define PROTO_KEY_END "end"
#define PROTO_KEY_DIGEST "digest"
#define PROTO_KEY_COUNTERS "counters"
#define PROTO_KEY_TIMINGS "timings"
#define PROTO_KEY_EXIT "exit"
#define PROTO_KEY_STACKS "stacks"
/* inside each of "stacks" */
#define PROTO_KEY_THREAD "thread"
#define PROTO_KEY_SIZE "size"
#define PROTO_KEY_PEAK "peak"
/* inside "timings" */
#define PROTO_KEY_VIRTUAL_US "virtual_us"
#define PROTO_KEY_POINTS "points"
#define PROTO_KEY_SWITCHES "switches"
#define PROTO_KEY_IRQS "irqs"
#define PROTO_KEY_THREADS "threads"
#define PROTO_KEY_TRACE_RECORDS "trace_records"
#define PROTO_KEY_WALL_MS "wall_ms"

/* The line prefixes of the text form that the front end reads. */
#define PROTO_LINE_DIGEST "digest: "
#define PROTO_LINE_DIVERGED "diverged: "

/* A reader's record of which fields it found (proto_result.have). */
enum {
  PROTO_HAS_SEED = 1u << 0,
  PROTO_HAS_VERDICT = 1u << 1, /* present and a verdict's name */
  PROTO_HAS_MESSAGE = 1u << 2,
  PROTO_HAS_DIGEST = 1u << 3,
  PROTO_HAS_EXIT = 1u << 4,
  PROTO_HAS_VIRTUAL_US = 1u << 5,
  PROTO_HAS_POINTS = 1u << 6,
  PROTO_HAS_THREADS = 1u << 7
};

typedef struct {
  const char *name;
  long long value;
} proto_counter;

/* What a run measured.  Wall time is the only field that differs between
 * two runs of the same build; it never reaches the trace or the digest. */
typedef struct {
  uint64_t virtual_us, points, switches, irqs, threads, trace_records;
  double wall_ms;
} proto_timings;

/* A sim thread's stack: size and peak use in bytes. */
#define PROTO_MAX_STACKS 32
typedef struct proto_stack {
  const char *thread;
  uint64_t size, peak;
} proto_stack;

/* One run's result.  The strings belong to whoever filled it: the run's
 * own data in the engine, the parsed text in the front end. */
typedef struct {
  const char *scenario, *variant, *profile;
  uint64_t seed;
  const char *policy, *lwip;
  sim_verdict verdict, expected;
  const char *message;
  const char *end;      /* how the run ended (sim_end_name) */
  const char *digest;   /* "0x" and 16 hex digits, or "-" for none */
  const proto_counter *counters;
  int ncounters;
  proto_timings timings;
  const proto_stack *stacks;
  int nstacks;
  int exit;             /* the engine's exit code for this run */
  unsigned have;        /* reader: PROTO_HAS_* */
} proto_result;

/* The text form's last two lines. */
void proto_result_tail(FILE *f, const char *verdict, const char *expected,
                       const char *message, const char *digest);

#endif

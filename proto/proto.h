/*
 * proto.h - the engine protocol, the one definition shared by the front
 * end (cli/) and the engines (engine/): the options of every command and
 * their parser (so both programs accept exactly the same words), the
 * --fail specs, the exit codes and a build's identity.
 */
#ifndef PROTO_H
#define PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim_catalog.h"
#include "sim_fail.h"
#include "sim_sched.h"

/* The commands; the option table (opts.c) names, for each option, the
 * commands that take it, as a set of PROTO_CMD_BIT()s. */
typedef enum {
  PROTO_CMD_HELP,
  PROTO_CMD_VERSION,
  PROTO_CMD_LIST,
  PROTO_CMD_RUN,
  PROTO_CMD_SUITE,
  PROTO_CMD_EXPLORE,
  PROTO_CMD_SERVE,
  PROTO_CMD_REPLAY,
  PROTO_CMD_SWEEP,
  PROTO_CMD_MERGE
} proto_cmd;

#define PROTO_CMD_BIT(c) (1u << (c))

typedef struct {
  proto_cmd cmd;
  const sim_scenario *scn;   /* run: resolved scenario */
  const sim_variant *var;    /* run: resolved variant */
  sim_expect expect;         /* what var expects on this program's lwIP
                                tree (proto_expect, after parsing) */
  uint64_t seed;             /* default 1 */
  sim_policy policy;         /* default: the variant's */
  const char *trace_path;    /* --trace */
  const char *pcap_path;     /* --pcap (F or - for stdout) */
  unsigned pcap_events;      /* --pcap-events: PROTO_EV_* bits, 0: none */
  const char *mirror_tap;    /* --mirror-tap NAME */
  const char *report_path;   /* --report F.html (run, replay) */
  const char *check_trace;   /* --check-trace F (replay, internal): compare
                                each trace record with F's recorded ones */
  bool json;                 /* --json */
  uint64_t watchdog_ms;      /* --watchdog: 0 default, SIM_WATCHDOG_OFF */
  unsigned pct_depth;        /* --depth (pct), 0: default */
  bool worker;               /* --worker (engine-internal): seeds on stdin,
                                one forked run and JSON line each */
  uint64_t pct_steps;        /* --steps (pct), 0: default */
  bool verbose;              /* -v */
  bool names_only;           /* list --names */
  bool policy_set;           /* --policy given */
  sim_fail_spec fails[SIM_FAIL_MAX]; /* run --fail, in the order given */
  int nfails;
  /* suite and explore */
  const char *junit_path;    /* suite --junit */
  int jobs;                  /* --jobs, default 1 */
  uint64_t runs;             /* explore --runs */
  uint64_t shard_index;      /* explore --shard I/N (1-based; 0: none) */
  uint64_t shard_count;
  uint64_t time_limit_s;     /* explore --time-limit (0: none) */
  const char *explore_json;  /* explore --json F */
  const char *schedule_path; /* run --schedule F */
  const char *record_schedule; /* run --record-schedule F (explore) */
  const char *schedule_dir;  /* explore --schedule-dir D (default:
                                build/schedules) */
  bool no_shrink;            /* explore --no-shrink */
  unsigned link_mbps;        /* --link-mbps (0: the scenario's) */
  const char *self;          /* how the front end was called (argv[0]) */
  /* serve */
  const char *tap_name;      /* --tap */
  uint8_t ip[4];             /* --ip, default 192.0.2.1 */
  int prefix;                /* --ip /len, default 24 */
  const char *profile;       /* serve: from --config, default "board" */
  const char *replay_path;   /* replay FILE; engine: serve --replay FILE */
  /* sweep and merge */
  const char *pools;         /* sweep --pools A,B (NULL: every pool) */
  bool asan;                 /* sweep --asan: the ASan build's engines */
  bool sweep_report;         /* run --sweep-report (engine-internal): the
                                JSON result adds allocation counts, pool
                                levels and the failed call's site */
  char **merge_files;        /* merge F.json...: argv's words */
  int nmerge;
} proto_opts;

/* Exit codes of the design. */
enum {
  PROTO_EXIT_OK = 0,       /* every verdict as expected */
  PROTO_EXIT_MISMATCH = 1, /* a verdict differs */
  PROTO_EXIT_USAGE = 2,    /* usage or setup error */
  PROTO_EXIT_FAULT = 3     /* unexpected deadlock, fault, internal error */
};

/* Parses argv (argv[0] is the program).  Returns 0, or -1 with a one-line
 * message in err. */
int proto_parse(int argc, char **argv, const sim_catalog *cat,
                proto_opts *o, char *err, size_t errlen);
/* An unsigned 64-bit number, decimal or 0x hex, nothing around it. */
int proto_parse_seed(const char *s, uint64_t *out);

/* A build's identity: XXH64 of the executable at `path`, as 16 hex digits
 * (an engine hashes /proc/self/exe; `replay` hashes the engine it would
 * run).  0, or -1 if the file cannot be read. */
int proto_build_id(const char *path, char *out, size_t len);

/* Exit code for a verdict against the expected one. */
int proto_exit_code(sim_verdict got, sim_verdict expected);

/* Sets o->expect for the variant (if any) on lwIP `lwip_version`.  -1 with
 * a one-line reason in err when the variant does not apply to that tree. */
int proto_expect(proto_opts *o, const char *lwip_version, char *err,
                 size_t errlen);

/* Parses "memp:POOL@N" or "mem@N" (N a decimal number from 1).  Returns 0,
 * or -1 with a one-line reason in err. */
int proto_fail_parse(const char *s, sim_fail_spec *out, char *err,
                     size_t errlen);
/* The spec as it is written on the command line ("memp:PBUF_POOL@5"). */
void proto_fail_format(const sim_fail_spec *f, char *buf, size_t len);

/* --pcap-events LIST (events.c): groups of trace record kinds that go
 * into the capture's events interface. */
#define PROTO_EV_SCHED 0x01u   /* switch block wake timeout thread_new ... */
#define PROTO_EV_IRQ 0x02u     /* irq */
#define PROTO_EV_POOL 0x04u    /* pool heap */
#define PROTO_EV_FAIL 0x08u    /* fail (an injected allocation failure) */
#define PROTO_EV_ASSERT 0x10u  /* end (how the run ended: an lwIP
                                  assertion's message, a deadlock, ...) */
#define PROTO_EV_VERDICT 0x20u /* verdict counter */
#define PROTO_EV_POINT 0x40u   /* point */
#define PROTO_EV_OTHER 0x80u   /* every other kind (run emac peer httpd ..) */
#define PROTO_EV_ALL 0xffu
#define PROTO_EV_NAMES "sched, irq, pool, fail, assert, verdict, point, other"
/* The group bit of a record kind (PROTO_EV_OTHER for a kind no group
 * names). */
unsigned proto_event_group(const char *kind);
/* "sched,irq" or "all" into *mask: 0, or -1 with a one-line err. */
int proto_events_parse(const char *list, unsigned *mask, char *err,
                       size_t errlen);
/* The record kinds of group `group` (space-separated), or NULL. */
const char *proto_event_kinds(const char *group);

/* The help text (`lwipsim --help`). */
void proto_usage(FILE *f);

#endif

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

typedef enum {
  SIM_CMD_HELP,
  SIM_CMD_VERSION,
  SIM_CMD_LIST,
  SIM_CMD_RUN,
  SIM_CMD_SUITE,
  SIM_CMD_EXPLORE,
  SIM_CMD_SERVE,
  SIM_CMD_REPLAY
} sim_cmd;

typedef struct {
  sim_cmd cmd;
  const sim_scenario *scn;   /* run: resolved scenario */
  const sim_variant *var;    /* run: resolved variant */
  uint64_t seed;             /* default 1 */
  sim_policy policy;         /* default: the variant's */
  const char *trace_path;    /* --trace */
  const char *pcap_path;     /* --pcap (F or - for stdout) */
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
  const char *schedule_dir;  /* explore --schedule-dir D (default .) */
  bool no_shrink;            /* explore --no-shrink */
  unsigned link_mbps;        /* --link-mbps (0: the scenario's) */
  const char *self;          /* how the front end was called (argv[0]) */
  /* serve */
  const char *tap_name;      /* --tap */
  uint8_t ip[4];             /* --ip, default 192.0.2.1 */
  int prefix;                /* --ip /len, default 24 */
  const char *profile;       /* serve: from --config, default "board" */
  const char *replay_path;   /* replay FILE; engine: serve --replay FILE */
} sim_cli_opts;

/* Exit codes of the design. */
enum {
  SIM_EXIT_OK = 0,       /* every verdict as expected */
  SIM_EXIT_MISMATCH = 1, /* a verdict differs */
  SIM_EXIT_USAGE = 2,    /* usage or setup error */
  SIM_EXIT_FAULT = 3     /* unexpected deadlock, fault, internal error */
};

/* Parses argv (argv[0] is the program).  Returns 0, or -1 with a one-line
 * message in err. */
int sim_cli_parse(int argc, char **argv, const sim_catalog *cat,
                  sim_cli_opts *o, char *err, size_t errlen);
int sim_cli_parse_seed(const char *s, uint64_t *out);

/* A build's identity: XXH64 of the executable at `path`, as 16 hex digits
 * (an engine hashes /proc/self/exe; `replay` hashes the engine it would
 * run).  0, or -1 if the file cannot be read. */
int sim_cli_build_id(const char *path, char *out, size_t len);

/* Exit code for a verdict against the expected one. */
int sim_cli_exit_code(sim_verdict got, sim_verdict expected);

/* Parses "memp:POOL@N" or "mem@N" (N a decimal number from 1).  Returns 0,
 * or -1 with a one-line reason in err. */
int sim_fail_parse(const char *s, sim_fail_spec *out, char *err,
                   size_t errlen);
/* The spec as it is written on the command line ("memp:PBUF_POOL@5"). */
void sim_fail_format(const sim_fail_spec *f, char *buf, size_t len);

void sim_cli_usage(FILE *f);

#endif

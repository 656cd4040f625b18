/*
 * opts.c - the lwipsim command line: one table of options, naming for each
 * the commands that take it, and the parser of every command.
 *
 * proto_parse() is used by the front end and by every engine, so a run's
 * options are validated once, with the same words, wherever it executes.
 * It is the engine protocol's request side: linked into both programs, it
 * knows nothing of how an engine is started.
 *
 * Parsing is two passes.  The first reads the words with getopt_long over
 * the table (the table's order is getopt's, so abbreviations resolve as
 * they always have); an option goes into the options themselves, or, when
 * its value needs the scenario or another option to be judged, as text
 * into a proto_text.  The second pass checks those texts in a fixed order,
 * so that of several mistakes the same one is always reported.  Every
 * error is one line in the caller's buffer.
 */
#define _GNU_SOURCE
#include "proto.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* The help text; docs and tests quote it. */
static const char proto_usage_text[] =
    "usage: lwipsim COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  list [--names]             scenarios and their variants (--names: "
    "one\n"
    "                             'scenario variant expected' per line)\n"
    "  run SCENARIO [options]     run one scenario variant\n"
    "      --variant V            variant (may be left out if there is "
    "one)\n"
    "      --seed N               PRNG seed, decimal or 0x hex (default "
    "1)\n"
    "      --policy P             rtos | random | script | pct (default: "
    "the\n"
    "                             variant's)\n"
    "      --trace F              write the trace as JSON lines to F\n"
    "      --pcap F               capture the board's wire as pcapng "
    "(- streams\n"
    "                             to stdout; the result then goes to "
    "stderr)\n"
    "      --pcap-events LIST     also put trace records in the capture, "
    "on an\n"
    "                             interface of their own: sched, irq, "
    "pool, fail,\n"
    "                             assert, verdict, point, other, or all "
    "(comma-\n"
    "                             separated; also for serve; see "
    "docs/wireshark.md)\n"
    "      --mirror-tap NAME      also write every frame of the virtual "
    "wire to TAP\n"
    "                             device NAME (brought up, no address), "
    "for tcpdump\n"
    "                             or Wireshark on it; nothing is read "
    "back\n"
    "      --report F.html        write a self-contained HTML page of the "
    "run:\n"
    "                             thread timeline, scheduling decisions, "
    "pools,\n"
    "                             packets, verdict, replay command\n"
    "      --fail memp:POOL@N     the Nth allocation from lwIP pool POOL "
    "fails\n"
    "      --fail mem@N           the Nth allocation from lwIP's heap "
    "fails\n"
    "                             (repeatable; counted from the run's "
    "start)\n"
    "      --json                 print the result as one JSON object\n"
    "      --link-mbps N          the board's link speed (virtual wire and "
    "EMAC;\n"
    "                             default 100)\n"
    "      --schedule F           replay a schedule file from explore "
    "(rtos plus\n"
    "                             its 'run T when U reaches P #N' "
    "steps)\n"
    "      --depth D, --steps K   PCT: bug depth (default 3) and the "
    "points its\n"
    "                             change points are drawn from\n"
    "      --watchdog S           a thread running S seconds (wall) without "
    "a\n"
    "                             scheduling point ends the run as a fault "
    "(default\n"
    "                             10, 0: off); also for serve\n"
    "      -v, --verbose          lwIP debug output and thread report on "
    "stderr\n"
    "  suite [--junit F] [--jobs N]\n"
    "                             every scenario variant, a table; "
    "--junit writes\n"
    "                             JUnit XML, --jobs runs N at once\n"
    "  explore SCENARIO [--variant V] --runs N [options]\n"
    "                             N runs with seeds S, S+1, ...: how many "
    "reproduce,\n"
    "                             the first seed of each failure and the "
    "command\n"
    "                             that replays it\n"
    "      --policy P             pct | random | rtos | script (default "
    "random)\n"
    "      --seed S               the first seed (default 1)\n"
    "      --jobs N               N engines at once (default 1)\n"
    "      --shard I/N            the I-th of N blocks of --runs seeds\n"
    "      --time-limit S         start no run after S seconds (wall)\n"
    "      --json F               write the summary as JSON to F\n"
    "      --depth D, --steps K   PCT parameters, as for run\n"
    "      --link-mbps N          as for run\n"
    "      --schedule-dir DIR     write each failure's shrunk schedule "
    "there\n"
    "                             (default: schedules/ next to lwipsim)\n"
    "      --no-shrink            write no schedules\n"
    "  sweep SCENARIO [--variant V] [options]\n"
    "                             every allocation fails once: a reference "
    "run\n"
    "                             counts each pool's and the heap's "
    "allocations,\n"
    "                             then one run per (pool, N) fails the Nth; "
    "each\n"
    "                             run is handled, leak, assert, crash or "
    "hang\n"
    "      --pools A,B            only these pools (lwIP's names; HEAP: the "
    "heap)\n"
    "      --jobs N, --shard I/N, --time-limit S, --seed S, --link-mbps N\n"
    "                             as for explore (--shard: the I-th of N "
    "blocks\n"
    "                             of the (pool, N) runs)\n"
    "      --asan                 run the ASan+UBSan build's engines "
    "(asan/)\n"
    "      --json F, --junit F    the summary as JSON; JUnit XML, one "
    "testcase\n"
    "                             per pool\n"
    "  merge F.json... [--json G]\n"
    "                             the summaries of the shards of one "
    "explore or\n"
    "                             one sweep as one run would have printed "
    "them\n"
    "  serve --tap NAME [--ip A.B.C.D/LEN] [--config SCENARIO:VARIANT] "
    "[--pcap F]\n"
    "                             the board live on TAP device NAME "
    "(default\n"
    "                             192.0.2.1/24): ICMP echo, TCP echo on "
    "port 7,\n"
    "                             until SIGINT/SIGTERM\n"
    "  replay F.pcapng [--pcap G] [--report R.html]\n"
    "                             re-run a recorded run or serve "
    "session from its\n"
    "                             capture and compare digests (0 equal, "
    "1 differ)\n"
    "  --board DIR|NAME           (with any command) a board project's "
    "scenarios and\n"
    "                             engines, built by make BOARD=DIR\n"
    "  --help                     this text\n"
    "  --version                  lwipsim and lwIP versions\n"
    "\n"
    "exit codes: 0 verdict as expected, 1 verdict differs, 2 usage or "
    "setup error,\n"
    "            3 unexpected deadlock or simulator fault\n";

void proto_usage(FILE *f)
{
  fputs(proto_usage_text, f);
}

int proto_parse_seed(const char *s, uint64_t *out)
{
  if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
    return -1;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || *end)
    return -1;
  *out = (uint64_t)v;
  return 0;
}

/* ------------------------------------------------------------------ */
/* the option table                                                    */

/* Option values judged after all words are read (see the top). */
typedef struct {
  const char *variant, *seed, *policy, *jobs, *runs, *ip, *config;
  const char *watchdog, *depth, *steps, *shard, *time_limit, *link;
  const char *pcap_events;
} proto_text;

/* Where an option's value goes. */
typedef enum {
  PROTO_TO_OPTS, /* a string (or, without a value, a bool) in proto_opts */
  PROTO_TO_TEXT, /* a string in proto_text, judged in the second pass */
  PROTO_TO_FAIL, /* a --fail spec, judged at once and appended */
  PROTO_TO_JSON  /* run: the result as JSON; explore: the summary's file */
} proto_to;

typedef struct {
  const char *name;
  bool value;     /* takes a value */
  unsigned cmds;  /* PROTO_CMD_BIT()s of the commands that take it */
  proto_to to;
  size_t at;      /* offsetof() in proto_opts or proto_text */
} proto_opt;

#define RUN PROTO_CMD_BIT(PROTO_CMD_RUN)
#define SUITE PROTO_CMD_BIT(PROTO_CMD_SUITE)
#define EXPLORE PROTO_CMD_BIT(PROTO_CMD_EXPLORE)
#define SERVE PROTO_CMD_BIT(PROTO_CMD_SERVE)
#define REPLAY PROTO_CMD_BIT(PROTO_CMD_REPLAY)
#define SWEEP PROTO_CMD_BIT(PROTO_CMD_SWEEP)
#define LIST PROTO_CMD_BIT(PROTO_CMD_LIST)
#define OPTS(field) PROTO_TO_OPTS, offsetof(proto_opts, field)
#define TEXT(field) PROTO_TO_TEXT, offsetof(proto_text, field)

/* Every option of every command.  check-trace, worker, replay (on serve)
 * and record-schedule are engine-internal: the front end passes them to
 * the engines it starts. */
static const proto_opt proto_opt_table[] = {
    {"variant", true, RUN | EXPLORE | SWEEP, TEXT(variant)},
    {"seed", true, RUN | EXPLORE | SWEEP, TEXT(seed)},
    {"policy", true, RUN | EXPLORE, TEXT(policy)},
    {"trace", true, RUN | SERVE, OPTS(trace_path)},
    {"pcap", true, RUN | SERVE | REPLAY, OPTS(pcap_path)},
    {"pcap-events", true, RUN | SERVE, TEXT(pcap_events)},
    {"mirror-tap", true, RUN, OPTS(mirror_tap)},
    {"report", true, RUN | REPLAY, OPTS(report_path)},
    {"check-trace", true, RUN, OPTS(check_trace)},
    {"json", false, RUN | EXPLORE | SWEEP, PROTO_TO_JSON, 0},
    {"verbose", false, RUN | SERVE, OPTS(verbose)},
    {"junit", true, SUITE | SWEEP, OPTS(junit_path)},
    {"jobs", true, SUITE | EXPLORE | SWEEP, TEXT(jobs)},
    {"runs", true, EXPLORE, TEXT(runs)},
    {"tap", true, SERVE, OPTS(tap_name)},
    {"ip", true, SERVE, TEXT(ip)},
    {"config", true, SERVE, TEXT(config)},
    {"replay", true, SERVE, OPTS(replay_path)},
    {"watchdog", true, RUN | SERVE, TEXT(watchdog)},
    {"depth", true, RUN | EXPLORE, TEXT(depth)},
    {"steps", true, RUN | EXPLORE, TEXT(steps)},
    {"worker", false, RUN, OPTS(worker)},
    {"shard", true, EXPLORE | SWEEP, TEXT(shard)},
    {"time-limit", true, EXPLORE | SWEEP, TEXT(time_limit)},
    {"schedule", true, RUN, OPTS(schedule_path)},
    {"record-schedule", true, RUN, OPTS(record_schedule)},
    {"schedule-dir", true, EXPLORE, OPTS(schedule_dir)},
    {"no-shrink", false, EXPLORE, OPTS(no_shrink)},
    {"link-mbps", true, RUN | EXPLORE | SWEEP, TEXT(link)},
    {"fail", true, RUN, PROTO_TO_FAIL, 0},
    {"names", false, LIST, OPTS(names_only)},
    {"pools", true, SWEEP, OPTS(pools)},
    {"asan", false, SWEEP, OPTS(asan)},
    {"sweep-report", false, RUN, OPTS(sweep_report)},
};

#define PROTO_NOPTS (sizeof proto_opt_table / sizeof proto_opt_table[0])
/* The commands whose words getopt reads; list and replay take fixed
 * words (proto_parse_list, proto_parse_replay). */
#define PROTO_GETOPT_CMDS (RUN | SUITE | EXPLORE | SERVE | SWEEP)
/* getopt's value for table entry i (above any character it returns). */
#define PROTO_OPT_VAL(i) (0x100 + (int)(i))

/* getopt_long's view of the table: the options of the getopt commands,
 * in table order. */
static void proto_longopts(struct option *lo)
{
  size_t n = 0;
  for (size_t i = 0; i < PROTO_NOPTS; i++) {
    if (!(proto_opt_table[i].cmds & PROTO_GETOPT_CMDS))
      continue;
    lo[n].name = proto_opt_table[i].name;
    lo[n].has_arg = proto_opt_table[i].value ? required_argument
                                             : no_argument;
    lo[n].flag = NULL;
    lo[n].val = PROTO_OPT_VAL(i);
    n++;
  }
  memset(&lo[n], 0, sizeof lo[n]);
}

/* The table entry named `name`, or NULL. */
static const proto_opt *proto_opt_named(const char *name)
{
  for (size_t i = 0; i < PROTO_NOPTS; i++)
    if (strcmp(proto_opt_table[i].name, name) == 0)
      return &proto_opt_table[i];
  return NULL;
}

/* The table entry of the word "--NAME" if command `cmd` takes it, or
 * NULL (list and replay: exact words, no abbreviations, no "="). */
static const proto_opt *proto_opt_word(const char *word, proto_cmd cmd)
{
  const proto_opt *d =
      strncmp(word, "--", 2) == 0 ? proto_opt_named(word + 2) : NULL;
  return d && (d->cmds & PROTO_CMD_BIT(cmd)) ? d : NULL;
}

/* Stores an option's value where its entry says (PROTO_TO_OPTS and
 * PROTO_TO_TEXT). */
static void proto_opt_store(const proto_opt *d, proto_opts *o,
                            proto_text *t, const char *value)
{
  char *base = d->to == PROTO_TO_OPTS ? (char *)o : (char *)t;
  if (d->value)
    memcpy(base + d->at, &value, sizeof value);
  else
    *(bool *)(base + d->at) = true;
}

/* ------------------------------------------------------------------ */
/* first pass: the words                                               */

/* One option read by getopt: 0, or -1 with err. */
static int proto_opt_apply(const proto_opt *d, int argc, char **argv,
                           proto_opts *o, proto_text *t, char *err,
                           size_t errlen)
{
  switch (d->to) {
  case PROTO_TO_FAIL:
    if (o->nfails == SIM_FAIL_MAX) {
      snprintf(err, errlen, "at most %d --fail options", SIM_FAIL_MAX);
      return -1;
    }
    if (proto_fail_parse(optarg, &o->fails[o->nfails], err, errlen) != 0)
      return -1;
    o->nfails++;
    return 0;
  case PROTO_TO_JSON:
    if (o->cmd != PROTO_CMD_EXPLORE && o->cmd != PROTO_CMD_SWEEP) {
      o->json = true;
      return 0;
    }
    /* explore and sweep --json F: the summary as a JSON file */
    if (optind >= argc || !*argv[optind] || argv[optind][0] == '-') {
      snprintf(err, errlen, "%s --json needs a file name", argv[0]);
      return -1;
    }
    o->explore_json = argv[optind++];
    return 0;
  default:
    proto_opt_store(d, o, t, optarg);
    return 0;
  }
}

/* Reads the options of run, suite, explore and serve (argv[0] is the
 * command); leaves optind at the first operand.  0, or -1 with err. */
static int proto_read_options(int argc, char **argv, proto_opts *o,
                              proto_text *t, char *err, size_t errlen)
{
  struct option lo[PROTO_NOPTS + 1];
  proto_longopts(lo);
  opterr = 0;
  optind = 0; /* 0, not 1: glibc then forgets a previous parse entirely */
  int c;
  while ((c = getopt_long(argc, argv, ":v", lo, NULL)) != -1) {
    if (c == ':') {
      snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
      return -1;
    }
    if (c == 'v') /* -v */
      c = PROTO_OPT_VAL(proto_opt_named("verbose") - proto_opt_table);
    if (c < PROTO_OPT_VAL(0)) {
      snprintf(err, errlen, "unknown option '%s' (see lwipsim --help)",
               argv[optind - 1]);
      return -1;
    }
    const proto_opt *d = &proto_opt_table[c - PROTO_OPT_VAL(0)];
    if (!(d->cmds & PROTO_CMD_BIT(o->cmd))) {
      /* With its value in the next argument, the option is two back. */
      const char *opt = optarg && optind >= 2 && optarg == argv[optind - 1]
                            ? argv[optind - 2]
                            : argv[optind - 1];
      snprintf(err, errlen, "%s does not take option '%s' (see lwipsim "
               "--help)", argv[0], opt);
      return -1;
    }
    if (proto_opt_apply(d, argc, argv, o, t, err, errlen) != 0)
      return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* second pass: the values                                             */

/* A count from 1 to `max` given as option --NAME: 0, or -1 with "bad
 * --NAME 'TEXT': want WANT". */
static int proto_count(const char *text, const char *name, uint64_t max,
                       const char *want, uint64_t *out, char *err,
                       size_t errlen)
{
  uint64_t v;
  if (proto_parse_seed(text, &v) != 0 || v == 0 || v > max) {
    snprintf(err, errlen, "bad --%s '%s': want %s", name, text, want);
    return -1;
  }
  *out = v;
  return 0;
}

/* "a.b.c.d/len" */
static int proto_parse_ip(const char *s, uint8_t ip[4], int *prefix)
{
  unsigned a, b, c, d, len = 24;
  char tail;
  int n = sscanf(s, "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &len, &tail);
  if ((n != 4 && n != 5) || a > 255 || b > 255 || c > 255 || d > 255 ||
      len < 1 || len > 30)
    return -1;
  if (n == 4 && strchr(s, '/'))
    return -1;
  ip[0] = (uint8_t)a, ip[1] = (uint8_t)b, ip[2] = (uint8_t)c;
  ip[3] = (uint8_t)d;
  *prefix = (int)len;
  return 0;
}

/* What every command of proto_read_options takes: --link-mbps,
 * --watchdog, --jobs (default 1) and --junit. */
static int proto_check_common(proto_opts *o, const proto_text *t, char *err,
                              size_t errlen)
{
  uint64_t v;
  if (t->link) {
    if (proto_count(t->link, "link-mbps", 100000, "1 to 100000", &v, err,
                    errlen) != 0)
      return -1;
    o->link_mbps = (unsigned)v;
  }
  if (t->watchdog) {
    if (strcmp(t->watchdog, "0") == 0) {
      o->watchdog_ms = SIM_WATCHDOG_OFF;
    } else if (proto_count(t->watchdog, "watchdog", 86400,
                           "seconds, 0 to 86400 (0: off)", &v, err,
                           errlen) == 0) {
      o->watchdog_ms = v * 1000u;
    } else {
      return -1;
    }
  }
  o->jobs = 1;
  if (t->jobs) {
    if (proto_count(t->jobs, "jobs", 256, "1 to 256", &v, err, errlen) != 0)
      return -1;
    o->jobs = (int)v;
  }
  if (o->junit_path && !*o->junit_path) {
    snprintf(err, errlen, "--junit needs a file name");
    return -1;
  }
  if (t->pcap_events) {
    if (proto_events_parse(t->pcap_events, &o->pcap_events, err,
                           errlen) != 0)
      return -1;
    if (!o->pcap_path) {
      snprintf(err, errlen, "--pcap-events needs --pcap");
      return -1;
    }
  }
  return 0;
}

/* Words left after the options: more than `want` is an error. */
static int proto_check_operands(int argc, char **argv, int want, char *err,
                                size_t errlen)
{
  if (optind + want < argc) {
    snprintf(err, errlen, "unexpected argument '%s'", argv[optind + want]);
    return -1;
  }
  return 0;
}

/* serve --config SCENARIO:VARIANT: the variant whose profile (and serve
 * set-up) the board gets. */
static int proto_check_config(const sim_catalog *cat, proto_opts *o,
                              const char *config, char *err, size_t errlen)
{
  char name[128];
  const char *colon = strchr(config, ':');
  snprintf(name, sizeof name, "%.*s",
           (int)(colon ? (size_t)(colon - config) : strlen(config)), config);
  o->scn = sim_catalog_find(cat, name);
  if (!o->scn) {
    snprintf(err, errlen, "--config: unknown scenario '%s'", name);
    return -1;
  }
  o->var = sim_catalog_variant(o->scn, colon ? colon + 1 : NULL);
  if (!o->var) {
    snprintf(err, errlen, "--config: want SCENARIO:VARIANT ('%s')", config);
    return -1;
  }
  o->profile = o->var->profile;
  return 0;
}

static bool proto_catalog_has_profile(const sim_catalog *cat,
                                      const char *profile)
{
  for (size_t i = 0; i < cat->n; i++)
    for (size_t j = 0; j < cat->scenarios[i]->nvariants; j++)
      if (strcmp(cat->scenarios[i]->variants[j].profile, profile) == 0)
        return true;
  return false;
}

static int proto_check_serve(int argc, char **argv, const sim_catalog *cat,
                             proto_opts *o, const proto_text *t, char *err,
                             size_t errlen)
{
  if (proto_check_operands(argc, argv, 0, err, errlen) != 0)
    return -1;
  if (!o->tap_name || !*o->tap_name) {
    snprintf(err, errlen, "serve needs --tap NAME");
    return -1;
  }
  static const uint8_t def[4] = {192, 0, 2, 1};
  memcpy(o->ip, def, 4);
  o->prefix = 24;
  if (t->ip && proto_parse_ip(t->ip, o->ip, &o->prefix) != 0) {
    snprintf(err, errlen, "bad --ip '%s': want A.B.C.D/LEN", t->ip);
    return -1;
  }
  o->profile = "board";
  if (t->config && proto_check_config(cat, o, t->config, err, errlen) != 0)
    return -1;
  /* A board project's front end has no profile `board`: without --config
   * its firmware gets the first variant of its first scenario. */
  if (!t->config && !proto_catalog_has_profile(cat, "board") && cat->n > 0 &&
      cat->scenarios[0]->nvariants > 0) {
    o->scn = cat->scenarios[0];
    o->var = &o->scn->variants[0];
    o->profile = o->var->profile;
  }
  if (o->pcap_path && !*o->pcap_path) {
    snprintf(err, errlen, "--pcap needs a file name (or - for stdout)");
    return -1;
  }
  return 0;
}

static int proto_check_shard(proto_opts *o, const proto_text *t, char *err,
                             size_t errlen);

/* explore's own: --runs (required), --shard and --time-limit. */
static int proto_check_explore(proto_opts *o, const proto_text *t, char *err,
                               size_t errlen)
{
  if (!t->runs) {
    snprintf(err, errlen, "explore needs --runs N");
    return -1;
  }
  if (proto_count(t->runs, "runs", 100000000, "1 to 100000000", &o->runs,
                  err, errlen) != 0)
    return -1;
  return proto_check_shard(o, t, err, errlen);
}

/* explore's and sweep's --shard I/N and --time-limit. */
static int proto_check_shard(proto_opts *o, const proto_text *t, char *err,
                             size_t errlen)
{
  const char *shard = t->shard;
  if (shard) {
    unsigned long long i, n;
    char tail;
    if (sscanf(shard, "%llu/%llu%c", &i, &n, &tail) != 2 || i < 1 ||
        n < 1 || i > n || n > 1000000 || shard[0] == '-' ||
        strchr(shard, ' ') || strchr(shard, '+')) {
      snprintf(err, errlen, "bad --shard '%s': want I/N with 1 <= I <= N "
               "<= 1000000", shard);
      return -1;
    }
    o->shard_index = i;
    o->shard_count = n;
  }
  if (t->time_limit &&
      proto_count(t->time_limit, "time-limit", 31536000,
                  "seconds, 1 to 31536000", &o->time_limit_s, err,
                  errlen) != 0)
    return -1;
  return 0;
}

/* run and explore: the one operand, a scenario, and its variant. */
static int proto_check_scenario(int argc, char **argv, const sim_catalog *cat,
                                proto_opts *o, const char *variant,
                                char *err, size_t errlen)
{
  if (optind >= argc) {
    snprintf(err, errlen, "%s needs a scenario name (see lwipsim list)",
             argv[0]);
    return -1;
  }
  if (proto_check_operands(argc, argv, 1, err, errlen) != 0)
    return -1;
  const char *name = argv[optind];
  o->scn = sim_catalog_find(cat, name);
  if (!o->scn) {
    snprintf(err, errlen, "unknown scenario '%s' (see lwipsim list)", name);
    return -1;
  }
  o->var = sim_catalog_variant(o->scn, variant);
  if (!o->var) {
    size_t pos = (size_t)snprintf(
        err, errlen, variant ? "unknown variant '%s' of %s; variants:"
                             : "%s%s has several variants; choose one with "
                               "--variant:",
        variant ? variant : "", o->scn->name);
    for (size_t i = 0; i < o->scn->nvariants && pos < errlen; i++)
      pos += (size_t)snprintf(err + pos, errlen - pos, " %s",
                              o->scn->variants[i].name);
    return -1;
  }
  return 0;
}

/* run and explore: seed, policy and the PCT and schedule options that
 * depend on it. */
static int proto_check_policy(proto_opts *o, const proto_text *t, char *err,
                              size_t errlen)
{
  o->seed = 1;
  if (t->seed && proto_parse_seed(t->seed, &o->seed) != 0) {
    snprintf(err, errlen,
             "bad seed '%s': want an unsigned 64-bit number (decimal or 0x)",
             t->seed);
    return -1;
  }
  o->policy =
      o->cmd == PROTO_CMD_EXPLORE ? SIM_POLICY_RANDOM : o->var->policy;
  o->policy_set = t->policy != NULL;
  if (t->policy && sim_policy_parse(t->policy, &o->policy) != 0) {
    snprintf(err, errlen, "unknown policy '%s': want rtos, random, script "
             "or pct", t->policy);
    return -1;
  }
  uint64_t d;
  if (t->depth) {
    if (proto_count(t->depth, "depth", 16, "1 to 16", &d, err, errlen) != 0)
      return -1;
    o->pct_depth = (unsigned)d;
  }
  if (t->steps && proto_count(t->steps, "steps", 1000000000000ull,
                              "1 to 10^12", &o->pct_steps, err,
                              errlen) != 0)
    return -1;
  if (o->schedule_path && (!*o->schedule_path || t->policy)) {
    snprintf(err, errlen, o->policy_set ? "--schedule sets the policy "
             "(script); leave out --policy" : "--schedule needs a file name");
    return -1;
  }
  if (o->record_schedule && o->policy != SIM_POLICY_PCT &&
      o->policy != SIM_POLICY_RANDOM) {
    snprintf(err, errlen, "--record-schedule goes with --policy pct or "
             "random");
    return -1;
  }
  if ((t->depth || t->steps) && o->policy != SIM_POLICY_PCT) {
    snprintf(err, errlen, "--depth and --steps go with --policy pct");
    return -1;
  }
  return 0;
}

/* run: the output files (--trace, --pcap, --report) name three files. */
static int proto_check_outputs(const proto_opts *o, char *err, size_t errlen)
{
  if (o->trace_path && !*o->trace_path) {
    snprintf(err, errlen, "--trace needs a file name");
    return -1;
  }
  if (o->pcap_path && !*o->pcap_path) {
    snprintf(err, errlen, "--pcap needs a file name (or - for stdout)");
    return -1;
  }
  if (o->pcap_path && o->trace_path && strcmp(o->pcap_path, "-") != 0 &&
      strcmp(o->pcap_path, o->trace_path) == 0) {
    snprintf(err, errlen, "--pcap and --trace name the same file");
    return -1;
  }
  if (o->report_path &&
      (!*o->report_path ||
       (o->trace_path && strcmp(o->report_path, o->trace_path) == 0) ||
       (o->pcap_path && strcmp(o->report_path, o->pcap_path) == 0))) {
    snprintf(err, errlen, *o->report_path
                              ? "--report names the same file as --trace "
                                "or --pcap"
                              : "--report needs a file name");
    return -1;
  }
  return 0;
}

/* run, suite, explore and serve; argv[0] is the command. */
static int proto_parse_options(int argc, char **argv, const sim_catalog *cat,
                               proto_opts *o, char *err, size_t errlen)
{
  proto_text t;
  memset(&t, 0, sizeof t);
  if (proto_read_options(argc, argv, o, &t, err, errlen) != 0 ||
      proto_check_common(o, &t, err, errlen) != 0)
    return -1;
  switch (o->cmd) {
  case PROTO_CMD_SERVE:
    return proto_check_serve(argc, argv, cat, o, &t, err, errlen);
  case PROTO_CMD_SUITE:
    return proto_check_operands(argc, argv, 0, err, errlen);
  case PROTO_CMD_EXPLORE:
    if (proto_check_explore(o, &t, err, errlen) != 0)
      return -1;
    break;
  case PROTO_CMD_SWEEP:
    if (proto_check_shard(o, &t, err, errlen) != 0)
      return -1;
    if (o->pools && !*o->pools) {
      snprintf(err, errlen, "--pools needs pool names (A,B,...)");
      return -1;
    }
    break;
  default:
    break;
  }
  if (proto_check_scenario(argc, argv, cat, o, t.variant, err, errlen) != 0 ||
      proto_check_policy(o, &t, err, errlen) != 0)
    return -1;
  return proto_check_outputs(o, err, errlen);
}

/* ------------------------------------------------------------------ */
/* list and replay: fixed words                                        */

static int proto_parse_list(int argc, char **argv, const sim_catalog *cat,
                            proto_opts *o, char *err, size_t errlen)
{
  (void)cat;
  int i = 2;
  const proto_opt *d;
  if (i < argc && (d = proto_opt_word(argv[i], o->cmd)) != NULL) {
    proto_opt_store(d, o, NULL, NULL);
    i++;
  }
  if (i < argc) {
    snprintf(err, errlen, "list takes only --names ('%s')", argv[i]);
    return -1;
  }
  return 0;
}

static int proto_parse_replay(int argc, char **argv, const sim_catalog *cat,
                              proto_opts *o, char *err, size_t errlen)
{
  (void)cat;
  /* F.pcapng, then pairs "--pcap G" / "--report R", each at most once. */
  bool ok = argc >= 3 && argc % 2 == 1 && *argv[2] && argv[2][0] != '-';
  for (int i = 3; ok && i + 1 < argc; i += 2) {
    const proto_opt *d = proto_opt_word(argv[i], o->cmd);
    const char **slot = d ? (const char **)((char *)o + d->at) : NULL;
    if (slot && !*slot && *argv[i + 1])
      *slot = argv[i + 1];
    else
      ok = false;
  }
  if (!ok) {
    snprintf(err, errlen, "replay takes one capture file: lwipsim replay "
             "F.pcapng [--pcap G.pcapng] [--report R.html]");
    return -1;
  }
  o->replay_path = argv[2];
  if ((o->pcap_path && strcmp(o->pcap_path, o->replay_path) == 0) ||
      (o->report_path && strcmp(o->report_path, o->replay_path) == 0)) {
    snprintf(err, errlen, "--%s would overwrite the capture being "
             "replayed", o->report_path && strcmp(o->report_path,
             o->replay_path) == 0 ? "report" : "pcap");
    return -1;
  }
  if (o->pcap_path && o->report_path &&
      strcmp(o->pcap_path, o->report_path) == 0) {
    snprintf(err, errlen, "--report names the same file as --pcap");
    return -1;
  }
  return 0;
}

/* merge F.json... [--json G]: the files are argv's own words. */
static int proto_parse_merge(int argc, char **argv, const sim_catalog *cat,
                             proto_opts *o, char *err, size_t errlen)
{
  (void)cat;
  o->merge_files = argv + 2;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0 && !o->explore_json && i + 1 < argc &&
        *argv[i + 1] && argv[i + 1][0] != '-') {
      o->explore_json = argv[++i];
      continue;
    }
    if (!*argv[i] || argv[i][0] == '-') {
      snprintf(err, errlen, "merge takes summary files and --json G once: "
               "lwipsim merge F.json... [--json G.json] ('%s')", argv[i]);
      return -1;
    }
    argv[2 + o->nmerge++] = argv[i];
  }
  if (o->nmerge == 0) {
    snprintf(err, errlen, "merge needs the --json summaries of explore or "
             "sweep shards: lwipsim merge F.json... [--json G.json]");
    return -1;
  }
  for (int i = 0; i < o->nmerge; i++)
    if (o->explore_json && strcmp(o->merge_files[i], o->explore_json) == 0) {
      snprintf(err, errlen, "--json %s would overwrite a summary being "
               "merged", o->explore_json);
      return -1;
    }
  return 0;
}

/* ------------------------------------------------------------------ */
/* the commands                                                        */

typedef int proto_parser(int argc, char **argv, const sim_catalog *cat,
                         proto_opts *o, char *err, size_t errlen);

static int proto_parse_run(int argc, char **argv, const sim_catalog *cat,
                           proto_opts *o, char *err, size_t errlen)
{
  /* The command is the program for getopt: its name leads the messages. */
  return proto_parse_options(argc - 1, argv + 1, cat, o, err, errlen);
}

static const struct {
  const char *word;
  proto_cmd cmd;
  proto_parser *parse; /* NULL: the command takes no words */
} proto_cmd_table[] = {
    {"--help", PROTO_CMD_HELP, NULL},
    {"-h", PROTO_CMD_HELP, NULL},
    {"help", PROTO_CMD_HELP, NULL},
    {"--version", PROTO_CMD_VERSION, NULL},
    {"version", PROTO_CMD_VERSION, NULL},
    {"list", PROTO_CMD_LIST, proto_parse_list},
    {"replay", PROTO_CMD_REPLAY, proto_parse_replay},
    {"run", PROTO_CMD_RUN, proto_parse_run},
    {"suite", PROTO_CMD_SUITE, proto_parse_run},
    {"explore", PROTO_CMD_EXPLORE, proto_parse_run},
    {"serve", PROTO_CMD_SERVE, proto_parse_run},
    {"sweep", PROTO_CMD_SWEEP, proto_parse_run},
    {"merge", PROTO_CMD_MERGE, proto_parse_merge},
};

static int proto_parse_args(int argc, char **argv, const sim_catalog *cat,
                            proto_opts *o, char *err, size_t errlen)
{
  memset(o, 0, sizeof *o);
  if (argc < 2) {
    snprintf(err, errlen, "no command given (see lwipsim --help)");
    return -1;
  }
  for (size_t i = 0; i < sizeof proto_cmd_table / sizeof *proto_cmd_table;
       i++) {
    if (strcmp(argv[1], proto_cmd_table[i].word) != 0)
      continue;
    o->cmd = proto_cmd_table[i].cmd;
    return proto_cmd_table[i].parse
               ? proto_cmd_table[i].parse(argc, argv, cat, o, err, errlen)
               : 0;
  }
  snprintf(err, errlen, "unknown command '%s' (see lwipsim --help)",
           argv[1]);
  return -1;
}

int proto_parse(int argc, char **argv, const sim_catalog *cat,
                proto_opts *o, char *err, size_t errlen)
{
  int rc = proto_parse_args(argc, argv, cat, o, err, errlen);
  /* The variant's own expectation until proto_expect() knows the tree. */
  if (rc == 0 && o->var)
    o->expect = (sim_expect){.expected = o->var->expected};
  if (rc != 0)
    /* Messages quote what the user typed: keep them one line whatever it
     * holds (the fuzzer found "--runs\n3"). */
    for (char *p = err; *p; p++)
      if ((unsigned char)*p < 0x20 || *p == 0x7f)
        *p = '?';
  return rc;
}

/* ------------------------------------------------------------------ */

int proto_build_id(const char *path, char *out, size_t len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  XXH64_state_t *h = XXH64_createState();
  if (!h) {
    fclose(f);
    return -1;
  }
  XXH64_reset(h, 0);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    XXH64_update(h, buf, n);
  snprintf(out, len, "%016llx", (unsigned long long)XXH64_digest(h));
  XXH64_freeState(h);
  fclose(f);
  return 0;
}

int proto_expect(proto_opts *o, const char *lwip_version, char *err,
                 size_t errlen)
{
  if (!o->var)
    return 0;
  o->expect = sim_variant_expect(o->var, lwip_version);
  if (!o->expect.na)
    return 0;
  snprintf(err, errlen, "%s/%s does not apply to lwIP %s: %s", o->scn->name,
           o->var->name, lwip_version, o->expect.why);
  return -1;
}

int proto_exit_code(sim_verdict got, sim_verdict expected)
{
  if (got == expected)
    return PROTO_EXIT_OK;
  if (got == SIM_VERDICT_DEADLOCK || got == SIM_VERDICT_FAULT)
    return PROTO_EXIT_FAULT;
  return PROTO_EXIT_MISMATCH;
}

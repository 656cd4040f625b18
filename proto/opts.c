/*
 * cli.c - the lwipsim command line.
 *
 * sim_cli_parse() is used by the front end and by every engine, so a run's
 * options are validated once, with the same words, wherever it executes.
 * This file is the engine protocol's request side (proto/): it is linked
 * into both programs and knows nothing of how an engine is started.
 */
#define _GNU_SOURCE
#include "proto.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

void sim_cli_usage(FILE *f)
{
  fputs(
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
      "  --help                     this text\n"
      "  --version                  lwipsim and lwIP versions\n"
      "\n"
      "exit codes: 0 verdict as expected, 1 verdict differs, 2 usage or "
      "setup error,\n"
      "            3 unexpected deadlock or simulator fault\n",
      f);
}

int sim_cli_parse_seed(const char *s, uint64_t *out)
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

static const struct option sim_cli_run_opts[] = {
    {"variant", required_argument, NULL, 'V'},
    {"seed", required_argument, NULL, 's'},
    {"policy", required_argument, NULL, 'p'},
    {"trace", required_argument, NULL, 't'},
    {"pcap", required_argument, NULL, 'P'},
    {"mirror-tap", required_argument, NULL, 'M'},
    {"report", required_argument, NULL, 'O'},
    {"check-trace", required_argument, NULL, 'X'},
    {"json", no_argument, NULL, 'j'},
    {"verbose", no_argument, NULL, 'v'},
    {"junit", required_argument, NULL, 'J'},
    {"jobs", required_argument, NULL, 'n'},
    {"runs", required_argument, NULL, 'r'},
    {"tap", required_argument, NULL, 'T'},
    {"ip", required_argument, NULL, 'I'},
    {"config", required_argument, NULL, 'C'},
    {"replay", required_argument, NULL, 'R'},
    {"watchdog", required_argument, NULL, 'W'},
    {"depth", required_argument, NULL, 'D'},
    {"steps", required_argument, NULL, 'K'},
    {"worker", no_argument, NULL, 'w'},
    {"shard", required_argument, NULL, 'H'},
    {"time-limit", required_argument, NULL, 'L'},
    {"schedule", required_argument, NULL, 'S'},
    {"record-schedule", required_argument, NULL, 'Y'},
    {"schedule-dir", required_argument, NULL, 'G'},
    {"no-shrink", no_argument, NULL, 'N'},
    {"link-mbps", required_argument, NULL, 'B'},
    {"fail", required_argument, NULL, 'F'},
    {NULL, 0, NULL, 0}};

/* Which options each command takes. */
static const char *sim_cli_allowed(sim_cmd cmd)
{
  switch (cmd) {
  case SIM_CMD_RUN:
    return "VsptPMXjvWDKwSYBOF";
  case SIM_CMD_SUITE:
    return "Jn";
  case SIM_CMD_EXPLORE:
    return "VsprnDKHLjGNB";
  case SIM_CMD_SERVE:
    return "TICPRtvW";
  default:
    return "";
  }
}

static int sim_cli_parse_count(const char *s, uint64_t max, uint64_t *out)
{
  uint64_t v;
  if (sim_cli_parse_seed(s, &v) != 0 || v == 0 || v > max)
    return -1;
  *out = v;
  return 0;
}

/* "a.b.c.d/len" */
static int sim_cli_parse_ip(const char *s, uint8_t ip[4], int *prefix)
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

static int sim_cli_parse_serve(int argc, char **argv, const sim_catalog *cat,
                               sim_cli_opts *o, const char *ip,
                               const char *config, char *err, size_t errlen)
{
  if (optind < argc) {
    snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
    return -1;
  }
  if (!o->tap_name || !*o->tap_name) {
    snprintf(err, errlen, "serve needs --tap NAME");
    return -1;
  }
  static const uint8_t def[4] = {192, 0, 2, 1};
  memcpy(o->ip, def, 4);
  o->prefix = 24;
  if (ip && sim_cli_parse_ip(ip, o->ip, &o->prefix) != 0) {
    snprintf(err, errlen, "bad --ip '%s': want A.B.C.D/LEN", ip);
    return -1;
  }
  o->profile = "board";
  if (config) {
    char name[128];
    const char *colon = strchr(config, ':');
    snprintf(name, sizeof name, "%.*s",
             (int)(colon ? (size_t)(colon - config) : strlen(config)),
             config);
    o->scn = sim_catalog_find(cat, name);
    if (!o->scn) {
      snprintf(err, errlen, "--config: unknown scenario '%s'", name);
      return -1;
    }
    o->var = sim_catalog_variant(o->scn, colon ? colon + 1 : NULL);
    if (!o->var) {
      snprintf(err, errlen, "--config: want SCENARIO:VARIANT ('%s')",
               config);
      return -1;
    }
    o->profile = o->var->profile;
  }
  if (o->pcap_path && !*o->pcap_path) {
    snprintf(err, errlen, "--pcap needs a file name (or - for stdout)");
    return -1;
  }
  return 0;
}

static int sim_cli_parse_run(int argc, char **argv, const sim_catalog *cat,
                             sim_cli_opts *o, char *err, size_t errlen)
{
  const char *variant = NULL, *policy = NULL, *seed = NULL;
  const char *jobs = NULL, *runs = NULL, *ip = NULL, *config = NULL;
  const char *watchdog = NULL, *depth = NULL, *steps = NULL;
  const char *shard = NULL, *time_limit = NULL, *link = NULL;
  const char *cmdname = argv[0];
  opterr = 0;
  optind = 0; /* 0, not 1: glibc then forgets a previous parse entirely */
  int c;
  while ((c = getopt_long(argc, argv, ":v", sim_cli_run_opts, NULL)) != -1) {
    if (c != ':' && c != '?' && !strchr(sim_cli_allowed(o->cmd), c)) {
      /* With its value in the next argument, the option is two back. */
      const char *opt = optarg && optind >= 2 && optarg == argv[optind - 1]
                            ? argv[optind - 2]
                            : argv[optind - 1];
      snprintf(err, errlen, "%s does not take option '%s' (see lwipsim "
               "--help)", cmdname, opt);
      return -1;
    }
    switch (c) {
    case 'J':
      o->junit_path = optarg;
      break;
    case 'n':
      jobs = optarg;
      break;
    case 'r':
      runs = optarg;
      break;
    case 'T':
      o->tap_name = optarg;
      break;
    case 'I':
      ip = optarg;
      break;
    case 'C':
      config = optarg;
      break;
    case 'R':
      o->replay_path = optarg; /* engine-internal: replays a session */
      break;
    case 'W':
      watchdog = optarg;
      break;
    case 'D':
      depth = optarg;
      break;
    case 'w':
      o->worker = true; /* engine-internal: explore's fork server */
      break;
    case 'H':
      shard = optarg;
      break;
    case 'S':
      o->schedule_path = optarg;
      break;
    case 'Y':
      o->record_schedule = optarg; /* explore's shrinker */
      break;
    case 'G':
      o->schedule_dir = optarg;
      break;
    case 'B':
      link = optarg;
      break;
    case 'N':
      o->no_shrink = true;
      break;
    case 'L':
      time_limit = optarg;
      break;
    case 'K':
      steps = optarg;
      break;
    case 'V':
      variant = optarg;
      break;
    case 's':
      seed = optarg;
      break;
    case 'p':
      policy = optarg;
      break;
    case 't':
      o->trace_path = optarg;
      break;
    case 'P':
      o->pcap_path = optarg;
      break;
    case 'M':
      o->mirror_tap = optarg;
      break;
    case 'O':
      o->report_path = optarg;
      break;
    case 'X':
      o->check_trace = optarg; /* set by `lwipsim replay` */
      break;
    case 'F':
      if (o->nfails == SIM_FAIL_MAX) {
        snprintf(err, errlen, "at most %d --fail options", SIM_FAIL_MAX);
        return -1;
      }
      if (sim_fail_parse(optarg, &o->fails[o->nfails], err, errlen) != 0)
        return -1;
      o->nfails++;
      break;
    case 'j':
      if (o->cmd == SIM_CMD_EXPLORE) {
        /* explore --json F: the summary as a JSON file */
        if (optind >= argc || !*argv[optind] || argv[optind][0] == '-') {
          snprintf(err, errlen, "explore --json needs a file name");
          return -1;
        }
        o->explore_json = argv[optind++];
        break;
      }
      o->json = true;
      break;
    case 'v':
      o->verbose = true;
      break;
    case ':':
      snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
      return -1;
    default:
      snprintf(err, errlen, "unknown option '%s' (see lwipsim --help)",
               argv[optind - 1]);
      return -1;
    }
  }
  if (link) {
    uint64_t m;
    if (sim_cli_parse_count(link, 100000, &m) != 0) {
      snprintf(err, errlen, "bad --link-mbps '%s': want 1 to 100000", link);
      return -1;
    }
    o->link_mbps = (unsigned)m;
  }
  if (watchdog) {
    uint64_t w;
    if (strcmp(watchdog, "0") == 0) {
      o->watchdog_ms = SIM_WATCHDOG_OFF;
    } else if (sim_cli_parse_count(watchdog, 86400, &w) == 0) {
      o->watchdog_ms = w * 1000u;
    } else {
      snprintf(err, errlen, "bad --watchdog '%s': want seconds, 0 to 86400 "
               "(0: off)", watchdog);
      return -1;
    }
  }
  o->jobs = 1;
  if (jobs) {
    uint64_t j;
    if (sim_cli_parse_count(jobs, 256, &j) != 0) {
      snprintf(err, errlen, "bad --jobs '%s': want 1 to 256", jobs);
      return -1;
    }
    o->jobs = (int)j;
  }
  if (o->junit_path && !*o->junit_path) {
    snprintf(err, errlen, "--junit needs a file name");
    return -1;
  }
  if (o->cmd == SIM_CMD_SERVE)
    return sim_cli_parse_serve(argc, argv, cat, o, ip, config, err, errlen);
  if (o->cmd == SIM_CMD_SUITE) {
    if (optind < argc) {
      snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
      return -1;
    }
    return 0;
  }
  if (o->cmd == SIM_CMD_EXPLORE) {
    if (!runs) {
      snprintf(err, errlen, "explore needs --runs N");
      return -1;
    }
    if (sim_cli_parse_count(runs, 100000000, &o->runs) != 0) {
      snprintf(err, errlen, "bad --runs '%s': want 1 to 100000000", runs);
      return -1;
    }
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
    if (time_limit &&
        sim_cli_parse_count(time_limit, 31536000, &o->time_limit_s) != 0) {
      snprintf(err, errlen, "bad --time-limit '%s': want seconds, 1 to "
               "31536000", time_limit);
      return -1;
    }
  }
  if (optind >= argc) {
    snprintf(err, errlen, "%s needs a scenario name (see lwipsim list)",
             cmdname);
    return -1;
  }
  if (optind + 1 < argc) {
    snprintf(err, errlen, "unexpected argument '%s'", argv[optind + 1]);
    return -1;
  }
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
  o->seed = 1;
  if (seed && sim_cli_parse_seed(seed, &o->seed) != 0) {
    snprintf(err, errlen,
             "bad seed '%s': want an unsigned 64-bit number (decimal or 0x)",
             seed);
    return -1;
  }
  o->policy = o->cmd == SIM_CMD_EXPLORE ? SIM_POLICY_RANDOM : o->var->policy;
  o->policy_set = policy != NULL;
  if (policy && sim_policy_parse(policy, &o->policy) != 0) {
    snprintf(err, errlen, "unknown policy '%s': want rtos, random, script "
             "or pct", policy);
    return -1;
  }
  if (depth) {
    uint64_t d;
    if (sim_cli_parse_count(depth, 16, &d) != 0) {
      snprintf(err, errlen, "bad --depth '%s': want 1 to 16", depth);
      return -1;
    }
    o->pct_depth = (unsigned)d;
  }
  if (steps && sim_cli_parse_count(steps, 1000000000000ull, &o->pct_steps) !=
                   0) {
    snprintf(err, errlen, "bad --steps '%s': want 1 to 10^12", steps);
    return -1;
  }
  if (o->schedule_path && (!*o->schedule_path || policy)) {
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
  if ((depth || steps) && o->policy != SIM_POLICY_PCT) {
    snprintf(err, errlen, "--depth and --steps go with --policy pct");
    return -1;
  }
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

static int sim_cli_parse_args(int argc, char **argv, const sim_catalog *cat,
                              sim_cli_opts *o, char *err, size_t errlen);

int sim_cli_parse(int argc, char **argv, const sim_catalog *cat,
                  sim_cli_opts *o, char *err, size_t errlen)
{
  int rc = sim_cli_parse_args(argc, argv, cat, o, err, errlen);
  if (rc != 0)
    /* Messages quote what the user typed: keep them one line whatever it
     * holds (the fuzzer found "--runs\n3"). */
    for (char *p = err; *p; p++)
      if ((unsigned char)*p < 0x20 || *p == 0x7f)
        *p = '?';
  return rc;
}

static int sim_cli_parse_args(int argc, char **argv, const sim_catalog *cat,
                              sim_cli_opts *o, char *err, size_t errlen)
{
  memset(o, 0, sizeof *o);
  if (argc < 2) {
    snprintf(err, errlen, "no command given (see lwipsim --help)");
    return -1;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
      strcmp(cmd, "help") == 0) {
    o->cmd = SIM_CMD_HELP;
    return 0;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    o->cmd = SIM_CMD_VERSION;
    return 0;
  }
  if (strcmp(cmd, "list") == 0) {
    o->cmd = SIM_CMD_LIST;
    if (argc > 2 && strcmp(argv[2], "--names") == 0)
      o->names_only = true;
    if (argc > 2 + (o->names_only ? 1 : 0)) {
      snprintf(err, errlen, "list takes only --names ('%s')",
               argv[2 + (o->names_only ? 1 : 0)]);
      return -1;
    }
    return 0;
  }
  if (strcmp(cmd, "replay") == 0) {
    o->cmd = SIM_CMD_REPLAY;
    bool ok = argc >= 3 && argc % 2 == 1 && *argv[2] && argv[2][0] != '-';
    for (int i = 3; ok && i + 1 < argc; i += 2) {
      if (strcmp(argv[i], "--pcap") == 0 && !o->pcap_path && *argv[i + 1])
        o->pcap_path = argv[i + 1];
      else if (strcmp(argv[i], "--report") == 0 && !o->report_path &&
               *argv[i + 1])
        o->report_path = argv[i + 1];
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
  if (strcmp(cmd, "run") == 0 || strcmp(cmd, "suite") == 0 ||
      strcmp(cmd, "explore") == 0 || strcmp(cmd, "serve") == 0) {
    o->cmd = cmd[0] == 'r'                 ? SIM_CMD_RUN
             : strcmp(cmd, "suite") == 0   ? SIM_CMD_SUITE
             : strcmp(cmd, "serve") == 0   ? SIM_CMD_SERVE
                                           : SIM_CMD_EXPLORE;
    return sim_cli_parse_run(argc - 1, argv + 1, cat, o, err, errlen);
  }
  snprintf(err, errlen, "unknown command '%s' (see lwipsim --help)", cmd);
  return -1;
}

int sim_cli_build_id(const char *path, char *out, size_t len)
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

int sim_cli_exit_code(sim_verdict got, sim_verdict expected)
{
  if (got == expected)
    return SIM_EXIT_OK;
  if (got == SIM_VERDICT_DEADLOCK || got == SIM_VERDICT_FAULT)
    return SIM_EXIT_FAULT;
  return SIM_EXIT_MISMATCH;
}


/*
 * cli.c - the lwipsim front end: the commands that need no engine (help,
 * version, list) and `run` and `serve`, which it hands to the engine built
 * for the variant's lwipopts profile as a child process (spawn.c), so an
 * lwIP abort cannot take the caller down.  Errors are one line on stderr,
 * "lwipsim: ...", and exit code 2.
 */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LWIPSIM_VERSION "0.1.0"

/* ------------------------------------------------------------------ */
/* front end                                                           */

static void cli_list(const sim_catalog *cat, bool names_only)
{
  for (size_t i = 0; i < cat->n; i++) {
    const sim_scenario *s = cat->scenarios[i];
    if (names_only) {
      for (size_t j = 0; j < s->nvariants; j++)
        printf("%s %s %s\n", s->name, s->variants[j].name,
               sim_verdict_name(s->variants[j].expected));
      continue;
    }
    printf("%s\n  %s\n", s->name, s->summary);
    for (size_t j = 0; j < s->nvariants; j++) {
      const sim_variant *v = &s->variants[j];
      printf("  - %-16s profile %-8s policy %-7s expected %-15s %s\n",
             v->name, v->profile, sim_policy_name(v->policy),
             sim_verdict_name(v->expected), v->summary);
    }
  }
}

int cli_writable(const char *path)
{
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    fprintf(stderr, "lwipsim: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  close(fd);
  unlink(tmp);
  return 0;
}

/* run and serve: the engine of the variant's (serve: the --config's)
 * profile, with the user's own arguments. */
static int cli_run_engine(const proto_opts *o, int argc, char **argv)
{
  char engine[PATH_MAX], err[600];
  const char *profile =
      o->cmd == PROTO_CMD_SERVE ? o->profile : o->var->profile;
  if (cli_engine_find(profile, engine, sizeof engine, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return PROTO_EXIT_USAGE;
  }
  char **args = calloc((size_t)argc + 1, sizeof *args);
  if (!args) {
    fprintf(stderr, "lwipsim: out of memory\n");
    return PROTO_EXIT_FAULT;
  }
  args[0] = engine;
  for (int i = 1; i < argc; i++)
    args[i] = argv[i];
  int status = 0;
  int code = cli_spawn_foreground(args, &status);
  free(args);
  if (code >= 0)
    return code;
  if (o->cmd == PROTO_CMD_SERVE) {
    fprintf(stderr, "lwipsim: the engine was killed by signal %d (%s)\n",
            WTERMSIG(status), strsignal(WTERMSIG(status)));
    return PROTO_EXIT_FAULT;
  }
  /* The engine died without its two result lines; supply them (on stderr
   * when stdout carries the capture). */
  char message[128];
  cli_spawn_killed(status, message, sizeof message);
  proto_result_tail(o->pcap_path && strcmp(o->pcap_path, "-") == 0
                        ? stderr
                        : stdout,
                    "fault", sim_verdict_name(o->expect.expected), message,
                    "0x0000000000000000");
  return PROTO_EXIT_FAULT;
}

int cli_frontend(int argc, char **argv, const sim_catalog *cat,
                 const char *lwip_version)
{
  proto_opts o;
  char err[512];
  if (proto_parse(argc, argv, cat, &o, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return PROTO_EXIT_USAGE;
  }
  o.self = argv[0];
  if (proto_expect(&o, lwip_version, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return PROTO_EXIT_USAGE;
  }
  switch (o.cmd) {
  case PROTO_CMD_HELP:
    proto_usage(stdout);
    return PROTO_EXIT_OK;
  case PROTO_CMD_VERSION:
    printf("lwipsim %s (lwIP %s)\n", LWIPSIM_VERSION, lwip_version);
    return PROTO_EXIT_OK;
  case PROTO_CMD_LIST:
    cli_list(cat, o.names_only);
    return PROTO_EXIT_OK;
  case PROTO_CMD_RUN:
  case PROTO_CMD_SERVE:
    /* The front end waits for the engine and passes SIGINT/SIGTERM on;
     * the engine stops cleanly on them. */
    return cli_run_engine(&o, argc, argv);
  case PROTO_CMD_SUITE:
    return cli_suite(&o, cat);
  case PROTO_CMD_EXPLORE:
    return cli_explore(&o);
  case PROTO_CMD_REPLAY:
    return cli_replay(&o, cat);
  case PROTO_CMD_SWEEP:
    return cli_sweep(&o);
  case PROTO_CMD_MERGE:
    return cli_merge(&o);
  }
  return PROTO_EXIT_USAGE;
}

/*
 * cli.c - the lwipsim front end: the commands that need no engine (help,
 * version, list) and `run` and `serve`, which it hands to the engine built
 * for the variant's lwipopts profile, build/engines/<profile>/
 * lwipsim-engine (next to its own executable), as a child process, so an
 * lwIP abort cannot take the caller down.  Errors are one line on stderr,
 * "lwipsim: ...", and exit code 2.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "replay.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LWIPSIM_VERSION "0.1.0"

/* ------------------------------------------------------------------ */
/* front end                                                           */

static void sim_cli_list(const sim_catalog *cat, bool names_only)
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

int sim_cli_self_dir(char *out, size_t len)
{
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0)
    return -1;
  self[n] = 0;
  char *slash = strrchr(self, '/');
  if (!slash)
    return -1;
  *slash = 0;
  int w = snprintf(out, len, "%s", self);
  return w > 0 && (size_t)w < len ? 0 : -1;
}

/* build/engines/<profile>/lwipsim-engine, next to our own executable. */
int sim_cli_engine_path(const char *profile, char *out, size_t len)
{
  char self[PATH_MAX];
  if (sim_cli_self_dir(self, sizeof self) != 0)
    return -1;
  int w = snprintf(out, len, "%s/engines/%s/lwipsim-engine", self, profile);
  return w > 0 && (size_t)w < len ? 0 : -1;
}

static volatile pid_t sim_cli_child;

/* A signal to the front end alone (kill PID) stops the engine too; from a
 * terminal both get it, and a second stop request is harmless. */
static void sim_cli_forward_term(int sig)
{
  if (sim_cli_child > 0)
    kill(sim_cli_child, sig);
}

static int sim_cli_run_engine(const sim_cli_opts *o, int argc, char **argv)
{
  char engine[PATH_MAX];
  const char *profile = o->cmd == SIM_CMD_SERVE ? o->profile
                                                : o->var->profile;
  if (sim_cli_engine_path(profile, engine, sizeof engine) != 0 ||
      access(engine, X_OK) != 0) {
    fprintf(stderr,
            "lwipsim: no engine for profile '%s' (expected %s); run make\n",
            profile, engine);
    return SIM_EXIT_USAGE;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "lwipsim: cannot start engine: %s\n", strerror(errno));
    return SIM_EXIT_FAULT;
  }
  sim_cli_child = pid;
  if (pid == 0) {
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args)
      _exit(SIM_EXIT_FAULT);
    args[0] = engine;
    for (int i = 1; i < argc; i++)
      args[i] = argv[i];
    execv(engine, args);
    fprintf(stderr, "lwipsim: cannot run engine %s: %s\n", engine,
            strerror(errno));
    _exit(SIM_EXIT_USAGE);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      fprintf(stderr, "lwipsim: lost the engine: %s\n", strerror(errno));
      return SIM_EXIT_FAULT;
    }
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  int sig = WTERMSIG(status);
  if (o->cmd == SIM_CMD_SERVE) {
    fprintf(stderr, "lwipsim: the engine was killed by signal %d (%s)\n",
            sig, strsignal(sig));
    return SIM_EXIT_FAULT;
  }
  /* The engine died without its two result lines; supply them (on stderr
   * when stdout carries the capture). */
  FILE *res = o->pcap_path && strcmp(o->pcap_path, "-") == 0 ? stderr
                                                              : stdout;
  fprintf(res, "verdict: fault expected: %s engine killed by signal %d "
          "(%s)\n", sim_verdict_name(o->var->expected), sig, strsignal(sig));
  fprintf(res, "digest: 0x%016llx\n", 0ull);
  return SIM_EXIT_FAULT;
}

int sim_cli_frontend(int argc, char **argv, const sim_catalog *cat,
                     const char *lwip_version)
{
  sim_cli_opts o;
  char err[512];
  if (sim_cli_parse(argc, argv, cat, &o, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return SIM_EXIT_USAGE;
  }
  o.self = argv[0];
  switch (o.cmd) {
  case SIM_CMD_HELP:
    sim_cli_usage(stdout);
    return SIM_EXIT_OK;
  case SIM_CMD_VERSION:
    printf("lwipsim %s (lwIP %s)\n", LWIPSIM_VERSION, lwip_version);
    return SIM_EXIT_OK;
  case SIM_CMD_LIST:
    sim_cli_list(cat, o.names_only);
    return SIM_EXIT_OK;
  case SIM_CMD_RUN:
    /* The engine ends the run cleanly on SIGINT/SIGTERM; wait for it. */
    signal(SIGINT, sim_cli_forward_term);
    signal(SIGTERM, sim_cli_forward_term);
    return sim_cli_run_engine(&o, argc, argv);
  case SIM_CMD_SUITE:
    return sim_cli_suite(&o, cat);
  case SIM_CMD_EXPLORE:
    return sim_cli_explore(&o);
  case SIM_CMD_REPLAY:
    return cli_replay(&o, cat);
  case SIM_CMD_SERVE:
    /* The front end waits for the engine and passes SIGINT/SIGTERM on;
     * the engine stops cleanly on them. */
    signal(SIGINT, sim_cli_forward_term);
    signal(SIGTERM, sim_cli_forward_term);
    return sim_cli_run_engine(&o, argc, argv);
  }
  return SIM_EXIT_USAGE;
}

/*
 * replay.c - `lwipsim replay F.pcapng`: read the run's identity from the
 * capture's section comment and its digest from the summary block written
 * when the capture was closed, re-run it with the engine of the recorded
 * profile - a scenario run with its variant, seed and policy; a `serve`
 * session with its recorded inbound frames through the `replay:` wire,
 * until the time it ended - and compare digests.  The capture also holds a
 * 32-bit hash of every trace record; the engine compares as it goes and,
 * when the runs part, prints the first record that differs ("diverged:").
 *
 * Exit codes: 0 the digests are equal; 1 they differ; 2 the file is not a
 * lwipsim capture, is malformed or cut short, or comes from another build
 * (its build id is not the engine's); 3 the engine failed.
 */
#define _GNU_SOURCE
#include "replay.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pcapio.h"

/* The value of "key: value" in the identity text, copied to out. */
static int replay_field(const char *ident, const char *key, char *out,
                        size_t len)
{
  size_t klen = strlen(key);
  for (const char *p = ident; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1
                                                          : NULL) {
    if (strncmp(p, key, klen) == 0 && p[klen] == ':' && p[klen + 1] == ' ') {
      const char *v = p + klen + 2;
      size_t n = strcspn(v, "\n");
      if (n >= len)
        return -1;
      memcpy(out, v, n);
      out[n] = 0;
      return 0;
    }
  }
  return -1;
}

int cli_replay(const sim_cli_opts *o, const sim_catalog *cat)
{
  const char *path = o->replay_path;
  char ident[2048], err[600];
  if (pcapio_read_shb_comment(path, ident, sizeof ident, err, sizeof err) !=
      0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return SIM_EXIT_USAGE;
  }
  char scenario[64], variant[64], seed[32], policy[16], profile[64],
      build[32], wire[64], ip[32] = "";
  if (strncmp(ident, "lwipsim ", 8) != 0 ||
      replay_field(ident, "scenario", scenario, sizeof scenario) != 0 ||
      replay_field(ident, "variant", variant, sizeof variant) != 0 ||
      replay_field(ident, "seed", seed, sizeof seed) != 0 ||
      replay_field(ident, "policy", policy, sizeof policy) != 0 ||
      replay_field(ident, "profile", profile, sizeof profile) != 0 ||
      replay_field(ident, "build", build, sizeof build) != 0 ||
      replay_field(ident, "wire", wire, sizeof wire) != 0) {
    fprintf(stderr, "lwipsim: %s is not a lwipsim capture (no run identity "
            "in its section comment)\n", path);
    return SIM_EXIT_USAGE;
  }
  replay_field(ident, "ip", ip, sizeof ip);
  /* A run with --fail: the same failures again. */
  char fails[1100] = "";
  replay_field(ident, "fail", fails, sizeof fails);
  pcapio_meta meta;
  if (pcapio_read_meta(path, &meta, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return SIM_EXIT_USAGE;
  }
  pcapio_meta_free(&meta);
  char want[24] = "";
  if (sscanf(meta.summary, "lwipsim digest: %18s", want) != 1) {
    fprintf(stderr, "lwipsim: %s has no summary block: the run that wrote "
            "it did not finish (cut short?)\n", path);
    return SIM_EXIT_USAGE;
  }
  bool serve = strcmp(scenario, "serve") == 0;
  if (!serve) {
    const sim_scenario *s = sim_catalog_find(cat, scenario);
    if (!s || !sim_catalog_variant(s, variant)) {
      fprintf(stderr, "lwipsim: %s records %s/%s, which this build does "
              "not have\n", path, scenario, variant);
      return SIM_EXIT_USAGE;
    }
  }
  char engine[PATH_MAX], have[32];
  if (sim_cli_engine_path(profile, engine, sizeof engine) != 0 ||
      sim_cli_build_id(engine, have, sizeof have) != 0) {
    fprintf(stderr, "lwipsim: no engine for profile '%s'; run make\n",
            profile);
    return SIM_EXIT_USAGE;
  }
  if (strcmp(have, build) != 0) {
    fprintf(stderr, "lwipsim: %s comes from another build (build %s; this "
            "engine is %s): rebuild that version to replay it\n", path, build,
            have);
    return SIM_EXIT_USAGE;
  }
  char *argv[20 + 2 * SIM_FAIL_MAX];
  int n = 0;
  argv[n++] = engine;
  if (serve) {
    if (strncmp(wire, "tap:", 4) != 0 || !*ip) {
      fprintf(stderr, "lwipsim: %s: serve session without tap or ip\n",
              path);
      return SIM_EXIT_USAGE;
    }
    argv[n++] = "serve";
    argv[n++] = "--tap";
    argv[n++] = wire + 4;
    argv[n++] = "--ip";
    argv[n++] = ip;
    argv[n++] = "--replay";
    argv[n++] = (char *)path;
  } else {
    argv[n++] = "run";
    argv[n++] = scenario;
    argv[n++] = "--variant";
    argv[n++] = variant;
    argv[n++] = "--seed";
    argv[n++] = seed;
    argv[n++] = "--policy";
    argv[n++] = policy;
    argv[n++] = "--check-trace";
    argv[n++] = (char *)path;
    for (char *f = strtok(fails, " "); f && n < 16 + 2 * SIM_FAIL_MAX;
         f = strtok(NULL, " ")) {
      argv[n++] = "--fail";
      argv[n++] = f;
    }
  }
  if (o->pcap_path) {
    argv[n++] = "--pcap";
    argv[n++] = (char *)o->pcap_path;
  }
  if (o->report_path) {
    if (serve) {
      fprintf(stderr, "lwipsim: %s is a serve session: --report is for "
              "scenario runs\n", path);
      return SIM_EXIT_USAGE;
    }
    argv[n++] = "--report";
    argv[n++] = (char *)o->report_path;
  }
  argv[n] = NULL;
  int fds[2];
  if (pipe(fds) != 0) {
    fprintf(stderr, "lwipsim: cannot start the engine: %s\n",
            strerror(errno));
    return SIM_EXIT_FAULT;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(engine, argv);
    _exit(SIM_EXIT_USAGE);
  }
  close(fds[1]);
  char got[32] = "", line[1600], diverged[8] = "";
  FILE *in = fdopen(fds[0], "r");
  while (in && fgets(line, sizeof line, in)) {
    fputs(line, stdout);
    if (strncmp(line, "digest: ", 8) == 0)
      sscanf(line + 8, "%18s", got);
    if (strncmp(line, "diverged: ", 10) == 0)
      snprintf(diverged, sizeof diverged, "yes");
  }
  if (in)
    fclose(in);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!*got) {
    fprintf(stderr, "lwipsim: the replay of %s gave no digest (engine "
            "status %d)\n", path, status);
    return SIM_EXIT_FAULT;
  }
  if (strcmp(got, want) == 0) {
    printf("replay: %s/%s digest %s equals the recording's\n", scenario,
           variant, got);
    return SIM_EXIT_OK;
  }
  printf("replay: %s/%s digest %s differs from the recording's %s%s\n",
         scenario, variant, got, want,
         *diverged ? "; first difference above (diverged:)" : "");
  return SIM_EXIT_MISMATCH;
}

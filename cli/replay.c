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
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* What the capture records of its run (the section comment's identity
 * and the summary block's digest). */
typedef struct {
  char scenario[64], variant[64], seed[32], policy[16], profile[64],
      build[32], wire[64], ip[32];
  char fails[1100]; /* --fail specs, space-separated */
  char want[24];    /* the recorded digest */
  bool serve;       /* a serve session, not a scenario run */
} replay_ident;

/* Reads the identity of the capture `path`: 0, or -1 (said on stderr). */
static int replay_read(const char *path, replay_ident *id)
{
  char ident[2048], err[600];
  if (pcapio_read_shb_comment(path, ident, sizeof ident, err, sizeof err) !=
      0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return -1;
  }
  memset(id, 0, sizeof *id);
  if (strncmp(ident, "lwipsim ", 8) != 0 ||
      replay_field(ident, "scenario", id->scenario, sizeof id->scenario) ||
      replay_field(ident, "variant", id->variant, sizeof id->variant) ||
      replay_field(ident, "seed", id->seed, sizeof id->seed) ||
      replay_field(ident, "policy", id->policy, sizeof id->policy) ||
      replay_field(ident, "profile", id->profile, sizeof id->profile) ||
      replay_field(ident, "build", id->build, sizeof id->build) ||
      replay_field(ident, "wire", id->wire, sizeof id->wire)) {
    fprintf(stderr, "lwipsim: %s is not a lwipsim capture (no run identity "
            "in its section comment)\n", path);
    return -1;
  }
  replay_field(ident, "ip", id->ip, sizeof id->ip);
  /* A run with --fail: the same failures again. */
  replay_field(ident, "fail", id->fails, sizeof id->fails);
  id->serve = strcmp(id->scenario, "serve") == 0;
  pcapio_meta meta;
  if (pcapio_read_meta(path, &meta, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return -1;
  }
  pcapio_meta_free(&meta);
  if (sscanf(meta.summary, "lwipsim digest: %18s", id->want) != 1) {
    fprintf(stderr, "lwipsim: %s has no summary block: the run that wrote "
            "it did not finish (cut short?)\n", path);
    return -1;
  }
  return 0;
}

/* The engine that recorded the capture, found and checked to be this
 * build: 0, or -1 (said on stderr). */
static int replay_engine(const char *path, const replay_ident *id,
                         const sim_catalog *cat, char *engine, size_t len)
{
  if (!id->serve) {
    const sim_scenario *s = sim_catalog_find(cat, id->scenario);
    if (!s || !sim_catalog_variant(s, id->variant)) {
      fprintf(stderr, "lwipsim: %s records %s/%s, which this build does "
              "not have\n", path, id->scenario, id->variant);
      return -1;
    }
  }
  char have[32];
  if (cli_engine_path(id->profile, engine, len) != 0 ||
      proto_build_id(engine, have, sizeof have) != 0) {
    fprintf(stderr, "lwipsim: no engine for profile '%s'; run make\n",
            id->profile);
    return -1;
  }
  if (strcmp(have, id->build) != 0) {
    fprintf(stderr, "lwipsim: %s comes from another build (build %s; this "
            "engine is %s): rebuild that version to replay it\n", path,
            id->build, have);
    return -1;
  }
  return 0;
}

#define REPLAY_ARGS (20 + 2 * SIM_FAIL_MAX)

/* The engine's arguments for the run recorded in `id` (NULL-terminated;
 * they point into id, whose fails it cuts up).  0, or -1 (said). */
static int replay_argv(const proto_opts *o, replay_ident *id, char *engine,
                       char **argv)
{
  const char *path = o->replay_path;
  int n = 0;
  argv[n++] = engine;
  if (id->serve) {
    if (strncmp(id->wire, "tap:", 4) != 0 || !*id->ip) {
      fprintf(stderr, "lwipsim: %s: serve session without tap or ip\n",
              path);
      return -1;
    }
    char *words[] = {"serve", "--tap", id->wire + 4, "--ip", id->ip,
                     "--replay", (char *)path};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
      argv[n++] = words[i];
  } else {
    char *words[] = {"run", id->scenario, "--variant", id->variant,
                     "--seed", id->seed, "--policy", id->policy,
                     "--check-trace", (char *)path};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
      argv[n++] = words[i];
    for (char *f = strtok(id->fails, " "); f && n < 16 + 2 * SIM_FAIL_MAX;
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
    if (id->serve) {
      fprintf(stderr, "lwipsim: %s is a serve session: --report is for "
              "scenario runs\n", path);
      return -1;
    }
    argv[n++] = "--report";
    argv[n++] = (char *)o->report_path;
  }
  argv[n] = NULL;
  return 0;
}

/* Runs the engine, its output passed on to ours and read on the way.
 * The engine's status, or -1 if it could not be started (said). */
static int replay_run(char **argv, cli_result_text *t)
{
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    fprintf(stderr, "lwipsim: cannot start the engine: %s\n",
            strerror(errno));
    return -1;
  }
  cli_spawn_io io = {CLI_SPAWN_KEEP, fds[1], CLI_SPAWN_KEEP, -1, false};
  pid_t pid = cli_spawn(argv, &io);
  close(fds[1]);
  if (pid < 0) {
    fprintf(stderr, "lwipsim: cannot start the engine: %s\n",
            strerror(errno));
    close(fds[0]);
    return -1;
  }
  char line[1600];
  FILE *in = fdopen(fds[0], "r");
  while (in && fgets(line, sizeof line, in)) {
    fputs(line, stdout);
    cli_result_text_line(line, t);
  }
  if (in)
    fclose(in);
  else
    close(fds[0]);
  int status = 0;
  cli_spawn_wait(pid, &status);
  return status;
}

int cli_replay(const proto_opts *o, const sim_catalog *cat)
{
  const char *path = o->replay_path;
  replay_ident id;
  char engine[PATH_MAX], *argv[REPLAY_ARGS];
  if (replay_read(path, &id) != 0 ||
      replay_engine(path, &id, cat, engine, sizeof engine) != 0 ||
      replay_argv(o, &id, engine, argv) != 0)
    return PROTO_EXIT_USAGE;
  cli_result_text t;
  memset(&t, 0, sizeof t);
  int status = replay_run(argv, &t);
  if (status < 0)
    return PROTO_EXIT_FAULT;
  if (!*t.digest) {
    fprintf(stderr, "lwipsim: the replay of %s gave no digest (engine "
            "status %d)\n", path, status);
    return PROTO_EXIT_FAULT;
  }
  if (strcmp(t.digest, id.want) == 0) {
    printf("replay: %s/%s digest %s equals the recording's\n", id.scenario,
           id.variant, t.digest);
    return PROTO_EXIT_OK;
  }
  printf("replay: %s/%s digest %s differs from the recording's %s%s\n",
         id.scenario, id.variant, t.digest, id.want,
         t.diverged ? "; first difference above (diverged:)" : "");
  return PROTO_EXIT_MISMATCH;
}

/*
 * spawn.c - how the front end starts an engine: the one place that finds
 * the engine of a profile, forks, sets up the child's streams and execs,
 * waits, and names a death by signal.  run, serve, suite's jobs, explore's
 * workers and one-shot runs, and replay all start engines through it.
 *
 * An engine is build/engines/<profile>/lwipsim-engine next to the front
 * end's own executable (/proc/self/exe), so a build tree works from
 * wherever it is.  Every engine is a child process, never linked in: an
 * lwIP abort ends the child, not the caller.  The child gets the streams
 * the caller asks for (descriptors are dup2()ed; callers open theirs
 * close-on-exec, so an engine holds no other end of a pipe), and
 * LWIPSIM_CPU when several run at once, so each pins itself to its own
 * CPU.  No process groups: a terminal's SIGINT reaches front end and
 * engines alike, and a signal sent to the front end alone is passed on
 * (cli_spawn_foreground) or turned into SIGTERM by suite and explore.
 */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int cli_self_dir(char *out, size_t len)
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

int cli_engine_path(const char *profile, char *out, size_t len)
{
  char self[PATH_MAX];
  if (cli_self_dir(self, sizeof self) != 0)
    return -1;
  int w = snprintf(out, len, "%s/engines/%s/lwipsim-engine", self, profile);
  return w > 0 && (size_t)w < len ? 0 : -1;
}

int cli_engine_find(const char *profile, char *out, size_t len, char *err,
                    size_t errlen)
{
  if (cli_engine_path(profile, out, len) != 0 || access(out, X_OK) != 0) {
    snprintf(err, errlen, "no engine for profile '%s' (expected %.300s); run "
             "make", profile, out);
    return -1;
  }
  return 0;
}

/* In the child: `fd` becomes stream `to` (KEEP: left as it is). */
static void cli_spawn_stream(int fd, int to)
{
  if (fd == CLI_SPAWN_NULL)
    fd = open("/dev/null", to == STDIN_FILENO ? O_RDONLY : O_WRONLY);
  if (fd >= 0 && fd != to)
    dup2(fd, to);
}

pid_t cli_spawn(char *const argv[], const cli_spawn_io *io)
{
  /* Whatever stdio holds would otherwise be written by both processes. */
  fflush(NULL);
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  cli_spawn_stream(io->in, STDIN_FILENO);
  cli_spawn_stream(io->out, STDOUT_FILENO);
  cli_spawn_stream(io->err, STDERR_FILENO);
  if (io->cpu >= 0) {
    char cpu[16];
    snprintf(cpu, sizeof cpu, "%d", io->cpu);
    setenv("LWIPSIM_CPU", cpu, 1);
  }
  if (io->ignore_int)
    signal(SIGINT, SIG_IGN);
  execv(argv[0], argv);
  fprintf(stderr, "lwipsim: cannot run engine %s: %s\n", argv[0],
          strerror(errno));
  _exit(PROTO_EXIT_USAGE);
}

int cli_spawn_wait(pid_t pid, int *status)
{
  while (waitpid(pid, status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
}

void cli_spawn_killed(int status, char *out, size_t len)
{
  snprintf(out, len, "engine killed by signal %d (%s)", WTERMSIG(status),
           strsignal(WTERMSIG(status)));
}

/* ------------------------------------------------------------------ */
/* run and serve: one engine in the foreground                        */

static volatile pid_t cli_spawn_child;

/* A signal to the front end alone (kill PID) stops the engine too; from a
 * terminal both get it, and a second stop request is harmless: the
 * engine ends its run cleanly on SIGINT/SIGTERM. */
static void cli_spawn_forward(int sig)
{
  if (cli_spawn_child > 0)
    kill(cli_spawn_child, sig);
}

int cli_spawn_foreground(char *const argv[], int *status)
{
  static const cli_spawn_io io = {CLI_SPAWN_KEEP, CLI_SPAWN_KEEP,
                                  CLI_SPAWN_KEEP, -1, false};
  signal(SIGINT, cli_spawn_forward);
  signal(SIGTERM, cli_spawn_forward);
  pid_t pid = cli_spawn(argv, &io);
  if (pid < 0) {
    fprintf(stderr, "lwipsim: cannot start engine: %s\n", strerror(errno));
    return PROTO_EXIT_FAULT;
  }
  cli_spawn_child = pid;
  if (cli_spawn_wait(pid, status) != 0) {
    fprintf(stderr, "lwipsim: lost the engine: %s\n", strerror(errno));
    return PROTO_EXIT_FAULT;
  }
  return WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
}

/*
 * board.c - `--board DIR|NAME`: every command of a board project runs in
 * that board's own front end, build/boards/<name>/lwipsim (the same
 * commands over the board's scenario catalogue, with the board's engines
 * next to it), which `make BOARD=DIR` builds.  The main front end takes
 * the option out of the words and execs the board's; the words and the
 * exit code are then the board front end's.
 *
 * DIR is a board project (a path with a '/', or an existing directory):
 * its name is board.mk's BOARD_NAME, else the directory's name.  NAME is
 * a built board's name.
 */
#define _GNU_SOURCE
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* BOARD_NAME from DIR/board.mk ("BOARD_NAME := x", "=", "?=", ":="). */
static int cli_board_mk_name(const char *dir, char *name, size_t len,
                             char *err, size_t errlen)
{
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/board.mk", dir);
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "board %.300s: no board.mk", dir);
    return -1;
  }
  char line[512];
  name[0] = 0;
  while (fgets(line, sizeof line, f)) {
    char *p = line;
    while (isspace((unsigned char)*p))
      p++;
    if (strncmp(p, "BOARD_NAME", 10) != 0)
      continue;
    p += 10;
    while (*p == ' ' || *p == '\t' || *p == ':' || *p == '?')
      p++;
    if (*p++ != '=')
      continue;
    while (isspace((unsigned char)*p))
      p++;
    size_t n = strcspn(p, " \t\r\n#");
    if (n > 0 && n < len) {
      memcpy(name, p, n);
      name[n] = 0;
    }
  }
  fclose(f);
  if (!name[0]) {
    char real[PATH_MAX];
    if (!realpath(dir, real)) {
      snprintf(err, errlen, "board %.300s: %s", dir, strerror(errno));
      return -1;
    }
    const char *slash = strrchr(real, '/');
    const char *base = slash ? slash + 1 : real;
    if (strlen(base) >= len) {
      snprintf(err, errlen, "board %.300s: name too long", dir);
      return -1;
    }
    memcpy(name, base, strlen(base) + 1);
  }
  return 0;
}

static int cli_board_name(const char *arg, char *name, size_t len, char *err,
                          size_t errlen)
{
  struct stat st;
  if (strchr(arg, '/') || (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)))
    return cli_board_mk_name(arg, name, len, err, errlen);
  if (!arg[0] || strlen(arg) >= len) {
    snprintf(err, errlen, "--board needs a board project directory or name");
    return -1;
  }
  snprintf(name, len, "%s", arg);
  return 0;
}

int cli_board_dispatch(int *argcp, char **argv, const char *self_board)
{
  int argc = *argcp;
  int at = -1;
  const char *arg = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0)
      break;
    if (strcmp(argv[i], "--board") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "lwipsim: --board needs a board project directory "
                "or name\n");
        return PROTO_EXIT_USAGE;
      }
      at = i;
      arg = argv[i + 1];
      break;
    }
    if (strncmp(argv[i], "--board=", 8) == 0) {
      at = i;
      arg = argv[i] + 8;
      break;
    }
  }
  if (at < 0)
    return -1;
  int words = strncmp(argv[at], "--board=", 8) == 0 ? 1 : 2;
  char name[128], err[600];
  if (cli_board_name(arg, name, sizeof name, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return PROTO_EXIT_USAGE;
  }
  /* Take the option out of the words (argv keeps its NULL at argc). */
  for (int i = at; i + words <= argc; i++)
    argv[i] = argv[i + words];
  *argcp = argc - words;
  if (self_board) { /* already the board's own front end */
    if (strcmp(name, self_board) != 0) {
      fprintf(stderr, "lwipsim: this is board %s's front end, not board "
              "%s's; run the main build's lwipsim\n", self_board, name);
      return PROTO_EXIT_USAGE;
    }
    return -2;
  }
  char dir[PATH_MAX], fe[PATH_MAX + 160];
  if (cli_self_dir(dir, sizeof dir) != 0) {
    fprintf(stderr, "lwipsim: cannot find the front end's directory\n");
    return PROTO_EXIT_USAGE;
  }
  snprintf(fe, sizeof fe, "%s/boards/%s/lwipsim", dir, name);
  if (access(fe, X_OK) != 0) {
    fprintf(stderr, "lwipsim: board '%s' is not built (no %s): run make "
            "BOARD=DIR\n", name, fe);
    return PROTO_EXIT_USAGE;
  }
  argv[0] = fe;
  fflush(NULL);
  execv(fe, argv);
  fprintf(stderr, "lwipsim: cannot run %s: %s\n", fe, strerror(errno));
  return PROTO_EXIT_USAGE;
}

/*
 * cli.h - the lwipsim front end: the commands (cli.c), suite (suite.c),
 * explore (explore.c), replay (replay.c), and the two halves of the
 * engine protocol it owns: starting engines (spawn.c) and reading their
 * results (result.c).  It never links lwIP or an engine.
 */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>
#include <sys/types.h>

#include "proto.h"
#include "result.h"

/* The front end's main. */
int cli_frontend(int argc, char **argv, const sim_catalog *cat,
                 const char *lwip_version);

/* suite and explore: run engines as child processes, up to o->jobs at a
 * time, and report. */
int cli_suite(const proto_opts *o, const sim_catalog *cat);
/* `--board DIR|NAME` anywhere in the words: takes it out and execs the
  * board's front end (board.c).  -1: no --board; -2: it names
 * `self_board`, this front end's own board (the option taken out of
 * argv and *argc); else the
 * exit code of a failure (a line on stderr). */
int cli_board_dispatch(int *argc, char **argv, const char *self_board);
int cli_explore(const proto_opts *o);
/* replay F.pcapng */
int cli_replay(const proto_opts *o, const sim_catalog *cat);
/* sweep SCENARIO (sweep.c): every allocation fails once. */
int cli_sweep(const proto_opts *o);
/* merge F.json... (merge.c): explore or sweep shards as one summary. */
int cli_merge(const proto_opts *o);
/* Fails early on an output file that cannot be written (creates and
 * removes PATH.tmp): 0, or -1 with "lwipsim: cannot write PATH: ..." on
 * stderr. */
int cli_writable(const char *path);

/* ------------------------------------------------------------------ */
/* spawn.c: starting engines                                          */

/* The directory of the front end's executable (build/). */
int cli_self_dir(char *out, size_t len);
/* build/engines/<profile>/lwipsim-engine next to the front end. */
int cli_engine_path(const char *profile, char *out, size_t len);
/* The same, checked to be executable: 0, or -1 with "no engine for
 * profile 'P' (expected PATH); run make" in err. */
int cli_engine_find(const char *profile, char *out, size_t len, char *err,
                    size_t errlen);

/* A child's stream: one of ours (KEEP), /dev/null (NULL) or a descriptor
 * that becomes it. */
enum { CLI_SPAWN_KEEP = -1, CLI_SPAWN_NULL = -2 };

typedef struct {
  int in, out, err;  /* the engine's stdin, stdout, stderr */
  int cpu;           /* LWIPSIM_CPU for the engine, or -1 */
  bool ignore_int;   /* the engine ignores SIGINT (explore's workers: the
                        front end decides, and sends SIGTERM) */
} cli_spawn_io;

/* Starts the engine argv[0] with argv (NULL-terminated).  The child's pid,
 * or -1 with errno.  An engine that cannot be executed says so on its
 * stderr and exits 2. */
pid_t cli_spawn(char *const argv[], const cli_spawn_io *io);
/* waitpid(), again after EINTR: 0, or -1 with errno. */
int cli_spawn_wait(pid_t pid, int *status);
/* "engine killed by signal N (NAME)" for a status ended by a signal. */
void cli_spawn_killed(int status, char *out, size_t len);
/* run and serve: the engine on the front end's own streams, SIGINT and
 * SIGTERM passed on to it.  Its exit code; PROTO_EXIT_FAULT (said on
 * stderr) when it could not be started or waited for; -1 when a signal
 * ended it (*status says which). */
int cli_spawn_foreground(char *const argv[], int *status);

/* ------------------------------------------------------------------ */
/* result.c: reading results                                          */

struct json_t;

/* A result read from its JSON form: r's strings point into doc.  The
 * front end reads no counters (r.ncounters is 0). */
typedef struct {
  proto_result r;
  struct json_t *doc;
} cli_result;

/* Parses one JSON object (trailing white space allowed).  0, or -1 when
 * the text is no JSON object; fields that are missing or of another type
 * are left out of r.have (verdict: also one that names no verdict).
 * Either way cli_result_free() is due. */
int cli_result_parse(const char *text, cli_result *res);
/* The same for the last line of an engine's output (suite). */
int cli_result_parse_last(const char *out, cli_result *res);
void cli_result_free(cli_result *res);

/* sweep.c's summary, a JSON object (what sweep --json writes), shared
 * with merge.c: printed, as JUnit (one testcase per pool), written to a
 * file (F.tmp renamed; -1 said on stderr); groups in print order. */
void cli_sweep_print(struct json_t *s, const char *how);
int cli_sweep_junit(struct json_t *s, const char *path);
int cli_summary_write(struct json_t *s, const char *path);
void cli_sweep_sort_groups(struct json_t *groups);
/* explore.c: a failure's class key, its verdict and its message with
 * every number as '#' (merge.c groups explore shards' failures by it). */
void cli_explore_key(sim_verdict v, const char *msg, char *key, size_t len);

/* What the front end reads of the text form (replay): the digest, and
 * whether the engine saw the run diverge from the recording. */
typedef struct {
  char digest[32];
  bool diverged;
} cli_result_text;

/* Notes one line of the text form in t. */
void cli_result_text_line(const char *line, cli_result_text *t);

#endif

/*
 * cli.h - the lwipsim front end: suite and explore (suite.c, explore.c),
 * replay (replay.c), and the commands of cli.c.  It spawns engines and
 * reads their results; it never links lwIP.
 */
#ifndef CLI_H
#define CLI_H

#include "proto.h"

/* suite and explore (suite.c, explore.c): run engines as child processes,
 * up to o->jobs at a time, and report.  `self` is the front end's path. */
int sim_cli_suite(const sim_cli_opts *o, const sim_catalog *cat);
int sim_cli_explore(const sim_cli_opts *o);
/* The directory of the front end's executable (build/). */
int sim_cli_self_dir(char *out, size_t len);
/* build/engines/<profile>/lwipsim-engine next to the front end. */
int sim_cli_engine_path(const char *profile, char *out, size_t len);

/* The front end's main. */
int sim_cli_frontend(int argc, char **argv, const sim_catalog *cat,
                     const char *lwip_version);

#endif

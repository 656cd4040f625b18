/*
 * replay.h - `lwipsim replay F.pcapng` (front end side).
 */
#ifndef CLI_REPLAY_H
#define CLI_REPLAY_H

#include "cli.h"

int cli_replay(const sim_cli_opts *o, const sim_catalog *cat);

#endif

/*
 * replay.h - `lwipsim replay F.pcapng` (front end side).
 */
#ifndef SCN_REPLAY_H
#define SCN_REPLAY_H

#include "sim_catalog.h"
#include "sim_cli.h"

int scn_replay(const sim_cli_opts *o, const sim_catalog *cat);

#endif

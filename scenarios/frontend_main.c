/*
 * frontend_main.c - `lwipsim`, the front end: the catalog plus sim/'s CLI.
 */
#include "replay.h"
#include "scn_registry.h"
#include "sim_cli.h"
#include "sys_arch_sim.h"

int main(int argc, char **argv)
{
  return sim_cli_frontend(argc, argv, &scn_catalog, sys_arch_lwip_version(),
                          scn_replay);
}

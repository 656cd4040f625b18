/*
 * main.c - `lwipsim-engine`, one per lwipopts profile: runs one scenario
 * variant on the deterministic scheduler (run.c), serves the board live
 * (serve.c), or serves explore's seeds (worker.c), and prints the result.
 *
 * The front end starts it with the user's own arguments; it parses them
 * with the same code (proto/opts.c).  Output ends with the two lines of
 * the scenario contract (or, with --json, one JSON object: proto/
 * result.h).  Output files are written under temporary names and renamed
 * only once the run is complete (outputs.c).
 */
#include <stdio.h>

#include "engine.h"
#include "scn_registry.h"
#include "sys_arch_mem.h"
#include "sys_arch_sim.h"

int main(int argc, char **argv)
{
  proto_opts o;
  char err[512];
  if (proto_parse(argc, argv, &scn_catalog, &o, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return PROTO_EXIT_USAGE;
  }
  if (proto_expect(&o, sys_arch_lwip_version(), err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return PROTO_EXIT_USAGE;
  }
  if (o.cmd == PROTO_CMD_VERSION) {
    printf("lwipsim-engine (lwIP %s)\n", sys_arch_lwip_version());
    return PROTO_EXIT_OK;
  }
  if (o.cmd == PROTO_CMD_SERVE)
    return engine_serve(&o);
  if (o.cmd != PROTO_CMD_RUN) {
    fprintf(stderr, "lwipsim: the engine only runs scenarios; use lwipsim\n");
    return PROTO_EXIT_USAGE;
  }
  const scn_impl *impl = scn_registry_impl(o.scn->name);
  if (!impl) {
    fprintf(stderr, "lwipsim: scenario %s is not built into this engine\n",
            o.scn->name);
    return PROTO_EXIT_USAGE;
  }
  /* --fail names pools of this engine's profile: checked before any
   * output file exists. */
  if (sys_arch_mem_fail_arm(o.fails, o.nfails, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return PROTO_EXIT_USAGE;
  }
  if (o.worker)
    return engine_worker(&o, impl);
  return engine_run(&o, impl);
}

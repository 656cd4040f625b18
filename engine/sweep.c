/*
 * sweep.c - the engine's part of `lwipsim sweep` (cli/sweep.c): a
 * worker's line may carry the run's one --fail spec, and a run started
 * with --sweep-report adds to its JSON result what the sweep classifies
 * it by:
 *
 *   "sweep": {"allocs": {POOL: N, ..., "HEAP": N},
 *             "used": {POOL: U, ..., "HEAP": BYTES},
 *             "fired": K, "site": ["0x4a2f1", ...]}
 *
 * allocs: allocations asked of each pool and of the heap during the run
 * (the reference run's are the sweep's N ranges); used: each level when
 * the scenario's main has returned, after its own clean-up (a failure run
 * above the reference's leaked); site: the return addresses of the
 * failed allocation's call and its callers, link-time addresses of this
 * executable that the front end resolves once per build.  Nothing here
 * reaches the trace: the digest is the same with and without it.
 */
#include "engine.h"

#include <execinfo.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "sys_arch_mem.h"

/* A page the worker shares with the child of each run: the site of the
 * injected failure, written when it fires, so that the worker can name it
 * for a child a signal killed ([0]: how many addresses follow). */
#define ENGINE_SWEEP_SITE 8
static uint64_t *engine_sweep_page;

void engine_sweep_fired(void)
{
  if (engine_sweep_page)
    engine_sweep_page[0] = (uint64_t)sys_arch_mem_fail_site(
        engine_sweep_page + 1, ENGINE_SWEEP_SITE - 1);
}

void engine_sweep_killed_site(char *out, size_t len)
{
  size_t pos = 0;
  out[0] = 0;
  uint64_t n = engine_sweep_page ? engine_sweep_page[0] : 0;
  for (uint64_t i = 0; i < n && i + 1 < ENGINE_SWEEP_SITE && pos < len; i++)
    pos += (size_t)snprintf(out + pos, len - pos, "%s\"0x%" PRIx64 "\"",
                            i ? ", " : "", engine_sweep_page[i + 1]);
}

int engine_sweep_line(proto_opts *o, char *line, uint64_t *seed, char *err,
                      size_t errlen)
{
  static bool warm;
  if (!warm) {
    /* backtrace() loads libgcc's unwinder on its first call: once here,
     * in the fork server, not in every child. */
    void *frames[2];
    backtrace(frames, 2);
    warm = true;
  }
  if (o->sweep_report && !engine_sweep_page) {
    void *p = mmap(NULL, ENGINE_SWEEP_SITE * sizeof(uint64_t),
                   PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED)
      engine_sweep_page = p;
  }
  if (engine_sweep_page)
    engine_sweep_page[0] = 0; /* the next run's */
  char *spec = strchr(line, ' ');
  if (spec)
    *spec++ = 0;
  if (proto_parse_seed(line, seed) != 0) {
    snprintf(err, errlen, "worker: bad seed line '%s'", line);
    return -1;
  }
  if (!spec)
    return 0;
  if (proto_fail_parse(spec, &o->fails[0], err, errlen) != 0)
    return -1;
  o->nfails = 1;
  return sys_arch_mem_fail_arm(o->fails, o->nfails, err, errlen);
}

static json_t *engine_sweep_object(void)
{
  json_t *allocs = json_object(), *used = json_object(), *site = json_array();
  int np = sys_arch_mem_npools();
  for (int i = 0; i <= np; i++) {
    const char *name = i == np ? "HEAP" : sys_arch_mem_pool_name(i);
    if (!name)
      continue;
    json_object_set_new(allocs, name,
                        json_integer((json_int_t)sys_arch_mem_allocs(i)));
    json_object_set_new(used, name,
                        json_integer((json_int_t)sys_arch_mem_used(i)));
  }
  uint64_t addrs[8];
  int n = sys_arch_mem_fail_site(addrs, 8);
  for (int i = 0; i < n; i++) {
    char hex[24];
    snprintf(hex, sizeof hex, "0x%" PRIx64, addrs[i]);
    json_array_append_new(site, json_string(hex));
  }
  return json_pack("{s:o, s:o, s:I, s:o}", "allocs", allocs, "used", used,
                   "fired", (json_int_t)sys_arch_mem_fails_fired(), "site",
                   site);
}

int engine_sweep_json(FILE *f, const proto_result *r)
{
  json_t *j = engine_result_object(r);
  if (j && json_object_set_new(j, "sweep", engine_sweep_object()) != 0) {
    json_decref(j);
    j = NULL;
  }
  return engine_result_print(f, j);
}

/*
 * sim_fail.h - fault injection specs: `--fail memp:POOL@N` (the Nth
 * allocation from lwIP pool POOL fails) and `--fail mem@N` (the Nth
 * allocation from lwIP's heap fails).
 *
 * Plain data: the front end parses specs (proto/fail.c), the engine
 * resolves pool names against its own profile's pools and arms the port
 * (contrib_port/sys_arch_mem.c), which counts allocations from the start
 * of the run and makes the chosen ones fail.
 */
#ifndef SIM_FAIL_H
#define SIM_FAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_FAIL_MAX 16     /* --fail options per run */
#define SIM_FAIL_NAME_MAX 40 /* pool names are C identifiers of lwIP's */

typedef struct {
  bool heap;                    /* mem@N; false: memp:POOL@N */
  char pool[SIM_FAIL_NAME_MAX]; /* memp: lwIP's pool name (memp_std.h) */
  uint64_t nth;                 /* 1-based allocation number */
} sim_fail_spec;

#endif

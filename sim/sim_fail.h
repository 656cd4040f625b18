/*
 * sim_fail.h - fault injection specs: `--fail memp:POOL@N` (the Nth
 * allocation from lwIP pool POOL fails) and `--fail mem@N` (the Nth
 * allocation from lwIP's heap fails).
 *
 * This module only parses and formats; it knows nothing of lwIP.  The
 * engine resolves pool names against its own profile's pools and arms the
 * port (contrib_port/sys_arch_mem.c), which counts allocations from the
 * start of the run and makes the chosen ones fail.
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

/* Parses "memp:POOL@N" or "mem@N" (N a decimal number from 1).  Returns 0,
 * or -1 with a one-line reason in err. */
int sim_fail_parse(const char *s, sim_fail_spec *out, char *err,
                   size_t errlen);
/* The spec as it is written on the command line ("memp:PBUF_POOL@5"). */
void sim_fail_format(const sim_fail_spec *f, char *buf, size_t len);

#endif

/*
 * scn_lwip.h - lwIP helpers shared by scenarios (engine side only): start
 * the stack, and compare pool and heap occupancy before and after, as
 * lwIP's own unit tests check that nothing leaked.
 */
#ifndef SCN_LWIP_H
#define SCN_LWIP_H

#include <stddef.h>

#include "lwip/memp.h"
#include "lwip/opt.h"

/* tcpip_init() and wait until tcpip_thread has run its init callback. */
void scn_lwip_start(void);

typedef struct {
  unsigned long memp_used[MEMP_MAX];
  unsigned long memp_err[MEMP_MAX];
  unsigned long mem_used;
  unsigned long mem_err;
} scn_pools;

void scn_pools_snapshot(scn_pools *p);
/* Describes every pool whose use differs from `before` (and new allocation
 * errors) into buf; returns how many differ. */
int scn_pools_diff(const scn_pools *before, const scn_pools *after,
                   char *buf, size_t len);

#endif

/*
 * scn_lwip.h - lwIP helpers shared by scenarios (engine side only): start
 * the stack, and compare pool and heap occupancy before and after, as
 * lwIP's own unit tests check that nothing leaked.
 */
#ifndef SCN_LWIP_H
#define SCN_LWIP_H

#include <stdbool.h>
#include <stddef.h>

#include "lwip/memp.h"
#include "lwip/opt.h"

/* tcpip_init() and wait until tcpip_thread has run its init callback. */
void scn_lwip_start(void);

/* A socket of `type` (SOCK_DGRAM, SOCK_STREAM) bound to 127.0.0.1:port, or
 * -1 with a one-line reason in err (errno as lwIP set it). */
int scn_lwip_socket_loopback(int type, unsigned port, char *err,
                             size_t errlen);

typedef struct {
  unsigned long memp_used[MEMP_MAX];
  unsigned long memp_err[MEMP_MAX];
  unsigned long mem_used;
  unsigned long mem_err;
} scn_pools;

void scn_pools_snapshot(scn_pools *p);
/* Describes every pool (and the heap) that holds more than at `before`,
 * and new allocation errors, into buf; returns how many.  Less than at
 * `before` is not reported: `before` then caught something in flight
 * (a frame on its way, a deferred free not yet run: PCT and random orders
 * can take a snapshot there), which has since been freed - not a leak. */
int scn_pools_diff(const scn_pools *before, const scn_pools *after,
                   char *buf, size_t len);
/* True when no pool and not the heap holds more than at `before` (the
 * rule of scn_pools_diff; allocation errors aside). */
bool scn_pools_back(const scn_pools *before, const scn_pools *now);
/* Sleeps in steps of step_us while some pool or the heap holds more than at
 * `before`, for at most max_us; returns the virtual time slept (0
 * when every level is already back: a clean run's schedule is unchanged).
 * For the end of a scenario whose clean-up lwIP or the port finishes on a
 * timer: a partial IP datagram freed by the reassembly timer
 * (IP_REASS_MAXAGE), a TX frame the EMAC left to the PHY task's poll. */
unsigned long long scn_pools_settle(const scn_pools *before,
                                    unsigned long long step_us,
                                    unsigned long long max_us);

#endif

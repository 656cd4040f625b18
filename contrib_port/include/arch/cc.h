/*
 * arch/cc.h - compiler and platform glue for lwIP on the lwipsim scheduler.
 *
 * lwIP's types come from <stdint.h> (arch.h does that by default).  Errors
 * use the C library's errno, which the scheduler keeps per sim thread
 * (saved and restored at every switch, fibers or pthreads).  Randomness comes from the run's seeded PRNG only, and a failed
 * LWIP_ASSERT ends the run with a verdict instead of a core dump.
 */
#ifndef LWIPSIM_ARCH_CC_H
#define LWIPSIM_ARCH_CC_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h> /* struct timeval for lwIP's sockets */

#include "sim_prng.h"

/* glibc defines struct timeval; lwIP must not define its own. */
#define LWIP_TIMEVAL_PRIVATE 0
/* errno is the C library's (lwIP 2.1+ reads this; 2.0 includes errno.h). */
#define LWIP_ERRNO_STDINCLUDE 1

#define LWIP_RAND() ((u32_t)sim_rand_u32())

/* NO_SYS=1: lwIP reads no arch/sys_arch.h, but SYS_LIGHTWEIGHT_PROT
 * still needs the protection type (the same as there). */
#if defined(NO_SYS) && NO_SYS
typedef int sys_prot_t;
#endif

/* lwIP's debug messages (LWIP_DEBUGF with LWIP_DEBUG on) go to stderr when
 * the run is verbose; they never reach the trace, since lwIP prints
 * pointers in some of them. */
void sys_arch_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LWIP_PLATFORM_DIAG(x) \
  do {                        \
    sys_arch_diag x;          \
  } while (0)

void sys_arch_assert(const char *msg, const char *file, int line)
    __attribute__((noreturn));
#define LWIP_PLATFORM_ASSERT(x) sys_arch_assert((x), __FILE__, __LINE__)

#endif

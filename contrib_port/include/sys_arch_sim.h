/*
 * sys_arch_sim.h - what the port offers lwipsim's engines beyond lwIP's
 * sys_arch API.
 */
#ifndef LWIPSIM_SYS_ARCH_SIM_H
#define LWIPSIM_SYS_ARCH_SIM_H

#include <stdint.h>

/* lwIP's LWIP_PLATFORM_DIAG output to stderr (off by default). */
void sys_arch_set_verbose(int on);
/* Also hands every LWIP_PLATFORM_DIAG message (formatted, cut at 511
 * bytes, usually one line with its newline) to `fn`, in the context that
 * printed it; NULL removes the hook.  Diagnostics may carry pointers: a
 * hook must not put them into the trace. */
void sys_arch_set_diag_hook(void (*fn)(const char *line));
/* Where TCP initial sequence numbers come from (NULL: the run's PRNG); the
 * RX fuzz harness fixes them so seed inputs can carry valid ACKs. */
void sys_arch_set_isn_source(uint32_t (*fn)(void));
/* A source path made independent of where the lwIP tree lives. */
const char *sys_arch_short_path(const char *file);
/* The lwIP version the port was built against ("2.1.3"). */
const char *sys_arch_lwip_version(void);

#endif

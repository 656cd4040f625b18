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
/* Scheduling points every sys_arch call passes (sys_arch.c), by the names
 * scenarios pin to: the start of a semaphore wait, its end (woken or
 * timed out) and the moment interrupts are unmasked again. */
#define SYS_ARCH_POINT_SEM_WAIT "sys_arch_sem_wait"
#define SYS_ARCH_POINT_SEM_WAIT_DONE "sys_arch_sem_wait:done"
#define SYS_ARCH_POINT_UNPROTECT "sys_arch_unprotect"
#define SYS_ARCH_POINT_IRQ_ENABLE "sys_arch_irq_enable" /* NO_SYS */
/* The per-thread semaphore lookup (LWIP_NETCONN_THREAD_SEM_GET, with
 * LWIP_NETCONN_SEM_PER_THREAD=1).  Both pass the scheduling point
 * SYS_ARCH_SEM_LOOKUP_POINT between finding the current thread and reading
 * its slot, where an RTOS may preempt.  CORRECT keeps the thread in a local
 * (the task's own TCB); SHARED_SCRATCH keeps it in one global for all
 * threads, as the uC/OS port of the port_reentrancy field bug did: a thread preempted
 * there by another one's lookup returns the other thread's semaphore. */
#define SYS_ARCH_SEM_LOOKUP_POINT "sys_arch:netconn_sem_lookup"
typedef enum {
  SYS_ARCH_SEM_LOOKUP_CORRECT = 0,
  SYS_ARCH_SEM_LOOKUP_SHARED_SCRATCH
} sys_arch_sem_lookup;
void sys_arch_set_sem_lookup(sys_arch_sem_lookup mode);
/* What the lookup handed out; `first_*` is the first time a thread got a
 * semaphore that belongs to another ("owner"). */
typedef struct {
  unsigned long long lookups, wrong;
  char first_thread[32], first_owner[32];
  uint64_t first_us;
} sys_arch_sem_lookup_stats;
void sys_arch_get_sem_lookup_stats(sys_arch_sem_lookup_stats *st);
/* Thread `name`'s per-thread semaphore (a sim_sem *, for its history), or
 * NULL if that live thread has none. */
struct sim_sem *sys_arch_netconn_sem_of(const char *name);
/* A source path made independent of where the lwIP tree lives. */
const char *sys_arch_short_path(const char *file);
#include "sys_arch_version.h"

#endif

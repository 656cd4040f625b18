/*
 * sys_arch.c - lwIP's sys_arch API on the deterministic scheduler.
 *
 * NO_SYS=1 (a bare-metal super-loop board) takes only what lwIP calls
 * there: sys_now(), protection, the core-lock check (no lwIP call from an
 * interrupt handler), randomness, diagnostics and assertions, plus the
 * super-loop's wait for interrupt (sys_arch_wfi, sys_arch_nosys.h).  The
 * semaphores, mutexes, mailboxes and threads below are NO_SYS=0 only.
 *
 * Each call first passes a named scheduling point ("sys_arch_sem_wait",
 * "sys_mbox_post", ...) where the policy may switch threads and pending
 * interrupts are delivered; calls that block pass a second point
 * ("...:done") when they return, so a script can hold a thread right after
 * it woke.  Timeouts are lwIP milliseconds of virtual time (0 = for ever).
 * Version differences between lwIP 2.0, 2.1 and 2.2 stay in this directory:
 * functions a version does not declare are harmless extras.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "lwip/opt.h"
#include "lwip/sys.h"
#include "lwip/err.h"
#if !NO_SYS && LWIP_TCPIP_CORE_LOCKING
#include "lwip/tcpip.h"
#endif

#include "sim_clock.h"
#include "sim_prng.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"
#include "sys_arch_sim.h"
#include "sys_arch_glue.h"
#if NO_SYS
#include "lwip/timeouts.h"
#include "sys_arch_nosys.h"
#endif

#define SYS_ARCH_TLS_NETCONN_SEM 0

#if !NO_SYS
static uint64_t sys_arch_timeout_us(u32_t timeout_ms)
{
  return timeout_ms == 0 ? SIM_FOREVER : (uint64_t)timeout_ms * 1000u;
}

static u32_t sys_arch_waited_ms(uint64_t since_us)
{
  u32_t ms = (u32_t)((sim_clock_now_us() - since_us) / 1000u);
  return ms == SYS_ARCH_TIMEOUT ? ms - 1 : ms;
}

void sys_init(void)
{
  sys_arch_glue_reset();
}
#endif

u32_t sys_now(void)
{
  return sim_clock_now_ms();
}

u32_t sys_jiffies(void)
{
  return sim_clock_now_ms();
}

#if !NO_SYS
/* ------------------------------------------------------------------ */
/* semaphores                                                          */

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
  sim_point_silent("sys_sem_new");
  *sem = sim_sem_new(count);
  return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
  sim_point_silent("sys_sem_free");
  sim_sem_free(*sem);
}

void sys_sem_signal(sys_sem_t *sem)
{
  sim_point_silent("sys_sem_signal");
  sim_sem_give(*sem);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
  sim_point_silent(SYS_ARCH_POINT_SEM_WAIT);
  uint64_t t0 = sim_clock_now_us();
  int rc = sim_sem_take(*sem, sys_arch_timeout_us(timeout));
  sim_point_silent(SYS_ARCH_POINT_SEM_WAIT_DONE);
  return rc == SIM_OK ? sys_arch_waited_ms(t0) : SYS_ARCH_TIMEOUT;
}

int sys_sem_valid(sys_sem_t *sem)
{
  return sem && *sem;
}

void sys_sem_set_invalid(sys_sem_t *sem)
{
  *sem = NULL;
}

/* ------------------------------------------------------------------ */
/* mutexes                                                             */

err_t sys_mutex_new(sys_mutex_t *mutex)
{
  sim_point_silent("sys_mutex_new");
  *mutex = sim_mutex_new();
  return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
  sim_point_silent("sys_mutex_free");
  sim_mutex_free(*mutex);
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
  sim_point_silent("sys_mutex_lock");
  /* A board crashes here (or takes a lock that is not one): say so. */
  if (!*mutex)
    sim_sched_finish(SIM_END_FAULT, "sys_mutex_lock() of a mutex never "
                     "created or already freed (an lwIP call before "
                     "lwip_init(), e.g. a task's pbuf_alloc() before "
                     "tcpip_init()?)");
  sim_mutex_lock(*mutex);
  sim_point_silent("sys_mutex_lock:done");
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
  sim_point_silent("sys_mutex_unlock");
  sim_mutex_unlock(*mutex);
}

int sys_mutex_valid(sys_mutex_t *mutex)
{
  return mutex && *mutex;
}

void sys_mutex_set_invalid(sys_mutex_t *mutex)
{
  *mutex = NULL;
}

int sys_mutex_held(sys_mutex_t *mutex)
{
  return mutex && *mutex && sim_mutex_held_by_self(*mutex);
}

/* ------------------------------------------------------------------ */
/* mailboxes                                                           */

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
  sim_point_silent("sys_mbox_new");
  /* As an RTOS queue: a mailbox has the capacity asked for.  A size of 0
   * (an unset *_MBOX_SIZE option) cannot hold anything. */
  if (size <= 0) {
    *mbox = NULL;
    return ERR_MEM;
  }
  *mbox = sim_mbox_new((unsigned)size);
  return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
  sim_point_silent("sys_mbox_free");
  sim_mbox_free(*mbox);
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
  sim_point_silent("sys_mbox_post");
  sim_mbox_post(*mbox, msg);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
  sim_point_silent("sys_mbox_trypost");
  return sim_mbox_trypost(*mbox, msg) == SIM_OK ? ERR_OK : ERR_MEM;
}

/* From lwIP 2.1: the variant an interrupt handler may call.  It is not a
 * scheduling point (an ISR never switches); the woken thread runs when the
 * interrupt returns, if its priority says so. */
err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
  return sim_mbox_trypost(*mbox, msg) == SIM_OK ? ERR_OK : ERR_MEM;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
  sim_point_silent("sys_arch_mbox_fetch");
  uint64_t t0 = sim_clock_now_us();
  int rc = sim_mbox_fetch(*mbox, msg, sys_arch_timeout_us(timeout));
  sim_point_silent("sys_arch_mbox_fetch:done");
  if (rc != SIM_OK) {
    if (msg)
      *msg = NULL;
    return SYS_ARCH_TIMEOUT;
  }
  return sys_arch_waited_ms(t0);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
  sim_point_silent("sys_arch_mbox_tryfetch");
  if (sim_mbox_tryfetch(*mbox, msg) != SIM_OK)
    return SYS_MBOX_EMPTY;
  return 0;
}

int sys_mbox_valid(sys_mbox_t *mbox)
{
  return mbox && *mbox;
}

void sys_mbox_set_invalid(sys_mbox_t *mbox)
{
  *mbox = NULL;
}

/* ------------------------------------------------------------------ */
/* threads                                                             */

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn thread,
                            void *arg, int stacksize, int prio)
{
  /* The size asked for, rounded up to the host's minimum: a thread that
   * runs over it ends the run as a fault naming it. */
  return sim_thread_create_stack(name, prio, thread, arg,
                                 stacksize > 0 ? (size_t)stacksize : 0);
}

/* ------------------------------------------------------------------ */
/* per-thread semaphores (LWIP_NETCONN_SEM_PER_THREAD)                 */

/* The slot holds the thread's semaphore; it is named after its owner
 * ("netconn sem of app_ctl"), so deadlock summaries say whose semaphore a thread
 * waits on. */
static sys_arch_sem_lookup sys_arch_lookup;
static sim_thread *sys_arch_scratch; /* SHARED_SCRATCH: the port's global */
static sys_arch_sem_lookup_stats sys_arch_lookup_stats;

void sys_arch_set_sem_lookup(sys_arch_sem_lookup mode)
{
  sys_arch_lookup = mode;
  sys_arch_scratch = NULL;
  memset(&sys_arch_lookup_stats, 0, sizeof sys_arch_lookup_stats);
}

void sys_arch_get_sem_lookup_stats(sys_arch_sem_lookup_stats *st)
{
  *st = sys_arch_lookup_stats;
}

static void sys_arch_netconn_sem_dtor(void *p)
{
  sys_sem_t *sem = p;
  sim_sem_free(*sem);
  free(sem);
}

static sys_sem_t *sys_arch_netconn_sem_slot(sim_thread *t)
{
  return *sim_thread_tls(t, SYS_ARCH_TLS_NETCONN_SEM);
}

struct sim_sem *sys_arch_netconn_sem_of(const char *name)
{
  sim_thread *t = sim_thread_find(name);
  sys_sem_t *sem = t ? sys_arch_netconn_sem_slot(t) : NULL;
  return sem ? *sem : NULL;
}

sys_sem_t *sys_arch_netconn_sem_get(void)
{
  sim_thread *self = sim_thread_self(), *who;
  sys_arch_netconn_sem_alloc();
  sys_arch_lookup_stats.lookups++;
  if (sys_arch_lookup == SYS_ARCH_SEM_LOOKUP_SHARED_SCRATCH) {
    sys_arch_scratch = self; /* "OSTCBCur" copied to the port's global */
    sim_point_silent(SYS_ARCH_SEM_LOOKUP_POINT);
    who = sys_arch_scratch;  /* another lookup may have run meanwhile */
  } else {
    who = self;
    sim_point_silent(SYS_ARCH_SEM_LOOKUP_POINT);
  }
  if (who != self) {
    sys_arch_sem_lookup_stats *st = &sys_arch_lookup_stats;
    if (st->wrong++ == 0) {
      snprintf(st->first_thread, sizeof st->first_thread, "%s",
               sim_thread_name(self));
      snprintf(st->first_owner, sizeof st->first_owner, "%s",
               sim_thread_name(who));
      st->first_us = sim_clock_now_us();
    }
    sim_trace_eventf("port", "netconn sem lookup of %s returned %s's",
                     sim_thread_name(self), sim_thread_name(who));
  }
  return sys_arch_netconn_sem_slot(who);
}

void sys_arch_netconn_sem_alloc(void)
{
  sim_thread *self = sim_thread_self();
  void **slot = sim_thread_tls(self, SYS_ARCH_TLS_NETCONN_SEM);
  if (*slot)
    return;
  sys_sem_t *sem = malloc(sizeof *sem);
  if (!sem)
    sys_arch_assert("out of memory for a per-thread semaphore", __FILE__,
                    __LINE__);
  *sem = sim_sem_new(0);
  char name[40];
  snprintf(name, sizeof name, "netconn sem of %s", sim_thread_name(self));
  sim_sem_set_name(*sem, name);
  *slot = sem;
  sim_thread_set_tls_dtor(SYS_ARCH_TLS_NETCONN_SEM,
                          sys_arch_netconn_sem_dtor);
}

void sys_arch_netconn_sem_free(void)
{
  sim_thread *self = sim_thread_self();
  void **slot = sim_thread_tls(self, SYS_ARCH_TLS_NETCONN_SEM);
  if (*slot) {
    sys_arch_netconn_sem_dtor(*slot);
    *slot = NULL;
  }
}

#endif /* !NO_SYS */

/* ------------------------------------------------------------------ */
/* protection = interrupt masking                                      */

sys_prot_t sys_arch_protect(void)
{
  sim_point_silent("sys_arch_protect");
  sys_prot_t depth = (sys_prot_t)sim_irq_mask_depth();
  sim_irq_mask();
  return depth;
}

void sys_arch_unprotect(sys_prot_t pval)
{
  (void)pval; /* nesting is counted by the scheduler */
  sim_irq_unmask();
  sim_point_silent(SYS_ARCH_POINT_UNPROTECT);
}

#if NO_SYS
/* ------------------------------------------------------------------ */
/* a super-loop's interrupt masking and wait for interrupt (NO_SYS=1)  */

void sys_arch_irq_disable(void)
{
  sim_irq_mask();
}

void sys_arch_irq_enable(void)
{
  sim_irq_unmask(); /* pending interrupts run here */
  sim_point_silent(SYS_ARCH_POINT_IRQ_ENABLE);
}

/* As a Cortex-M's WFI with the SysTick's place taken by lwIP's next
 * timeout: the loop sleeps until an interrupt line ran its handler or
 * the next timeout is due.  With interrupts masked (the loop's
 * "__disable_irq(); if (!work) __WFI(); __enable_irq();", which loses no
 * wake-up) an interrupt pending or arriving ends the wait; here its
 * handler runs before WFI returns, on the core after __enable_irq: the
 * same for a handler that sets the loop's flags. */
void sys_arch_wfi(void)
{
  if (sim_in_isr())
    sim_sched_finish(SIM_END_FAULT, "__WFI() in an interrupt handler");
  u32_t ms = sys_timeouts_sleeptime();
  if (ms == 0)
    return; /* a timeout is due: sys_check_timeouts() has work */
  uint64_t us = ms == 0xffffffffu ? SIM_FOREVER : (uint64_t)ms * 1000u;
  unsigned depth = sim_irq_mask_depth();
  uint64_t wakes = sim_wfi_wakes();
  for (unsigned i = 0; i < depth; i++)
    sim_irq_unmask();
  if (sim_wfi_wakes() == wakes) /* none ran while masked */
    sim_wfi(us);
  for (unsigned i = 0; i < depth; i++)
    sim_irq_mask();
}
#endif /* NO_SYS */

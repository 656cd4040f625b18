/*
 * wfi.c - wait for interrupt, for a board's super-loop (NO_SYS=1): the
 * loop's thread blocks until an interrupt source says an interrupt ran
 * (sim_wfi_wake, from the handler's context) or its timeout passes, so
 * virtual time jumps to the next interrupt or the next lwIP timeout as
 * it does for threads blocked in sys_arch calls.
 *
 * One waiter at a time (a board has one super-loop); the semaphore lives
 * only while it waits, so nothing outlives a run.  A wake with no waiter
 * is lost, as an interrupt that ran before WFI does not end a later WFI
 * on a Cortex-M (the super-loop's flags are its business).
 */
#include "sim_sched.h"
#include "sim_sync.h"

static sim_sem *sim_wfi_sem;
static uint64_t sim_wfi_nwakes; /* every wake, waited for or not */

bool sim_wfi(uint64_t timeout_us)
{
  sim_sem *s = sim_sem_new(0);
  if (!s)
    sim_sched_finish(SIM_END_FAULT, "wfi: out of memory");
  sim_sem_set_name(s, "wfi");
  sim_wfi_sem = s;
  int r = sim_sem_take(s, timeout_us);
  sim_wfi_sem = NULL;
  sim_sem_free(s);
  return r == SIM_OK;
}

void sim_wfi_wake(void)
{
  sim_wfi_nwakes++;
  if (sim_wfi_sem && sim_sem_count(sim_wfi_sem) == 0)
    sim_sem_give(sim_wfi_sem);
}

uint64_t sim_wfi_wakes(void)
{
  return sim_wfi_nwakes;
}

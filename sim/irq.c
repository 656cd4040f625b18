/*
 * irq.c - the interrupt table both scheduler backends keep: registered
 * handlers with their priorities and pending bits.
 *
 * The table knows nothing of threads or locks: the deterministic scheduler
 * touches it only while it holds the run token, the free-running backend
 * under its own lock.  When several interrupts are pending the one with
 * the highest priority runs first, the lowest number among equals, so the
 * order never depends on timing.
 */
#include <stdio.h>

#include "sim_priv.h"

int sim__irq_add(sim_irq_table *tab, const char *name, int prio,
                 sim_irq_fn fn, void *arg)
{
  if (tab->n >= SIM_MAX_IRQS)
    return -1;
  sim_irq *q = &tab->irqs[tab->n];
  snprintf(q->name, sizeof q->name, "%s", name);
  q->prio = prio;
  q->fn = fn;
  q->arg = arg;
  q->pending = false;
  return tab->n++;
}

int sim__irq_raise(sim_irq_table *tab, int irq)
{
  if (irq < 0 || irq >= tab->n)
    return -1;
  if (tab->irqs[irq].pending)
    return 0;
  tab->irqs[irq].pending = true;
  tab->npending++;
  return 1;
}

sim_irq *sim__irq_take(sim_irq_table *tab)
{
  if (!tab->npending)
    return NULL;
  int best = -1;
  for (int i = 0; i < tab->n; i++)
    if (tab->irqs[i].pending &&
        (best < 0 || tab->irqs[i].prio > tab->irqs[best].prio))
      best = i;
  sim_irq *q = &tab->irqs[best];
  q->pending = false;
  tab->npending--;
  tab->runs++;
  return q;
}

/*
 * rtos_hooks.c - wait lists and end-of-run hooks for the RTOS API layers
 * (sim_rtos.h), on the scheduler's wait queues.  Sits above sched.c and
 * obj.c, beside sync.c; nothing of sim/ calls into it.
 */
#include "sim_rtos.h"

#include <stdlib.h>

#include "sim_priv.h"
#include "sim_sync.h"

struct sim_waitlist {
  sim_obj obj;
  sim_waitq q;
};

static const char *hooks_creator(void)
{
  sim_thread *self = sim_thread_self();
  return self ? sim_thread_name(self) : "sim";
}

static void waitlist_destroy(sim_obj *o)
{
  /* End of the run: its waiters went with their threads. */
  free(o);
}

sim_waitlist *sim_waitlist_new(const char *kind)
{
  sim_waitlist *w = sim__mem_zalloc(sizeof *w, "");
  sim__obj_init(&w->obj, kind, hooks_creator(), waitlist_destroy);
  return w;
}

void sim_waitlist_set_name(sim_waitlist *w, const char *name)
{
  sim__obj_set_name(&w->obj, name);
}

void sim_waitlist_free(sim_waitlist *w, const char *call)
{
  if (!w)
    return;
  if (w->q.head) {
    char desc[160];
    sim__obj_describe(&w->obj, desc, sizeof desc);
    sim__fault("%s: %s deleted while thread %s waits on it", call, desc,
               sim_thread_name(w->q.head));
  }
  sim__obj_unlink(&w->obj);
  free(w);
}

int sim_waitlist_block(sim_waitlist *w, const char *what, uint64_t timeout_us)
{
  if (timeout_us && !sim_in_isr() && sim_sched_lock_depth()) {
    sim_thread *self = sim_thread_self();
    sim__fault("thread %s blocks (%s %s#%u) with the scheduler locked",
               self ? sim_thread_name(self) : "?", what, w->obj.kind,
               w->obj.seq);
  }
  return sim__block(&w->obj, &w->q, what, timeout_us);
}

sim_thread *sim_waitlist_wake(sim_waitlist *w)
{
  return sim__wake_one(&w->q);
}

sim_thread *sim_waitlist_best(const sim_waitlist *w)
{
  return sim__waitq_best(&w->q);
}

bool sim_waitlist_empty(const sim_waitlist *w)
{
  return w->q.head == NULL;
}

void sim_resched(void)
{
  sim__resched();
}

/* ------------------------------------------------------------------ */
/* end-of-run hooks: an object of the live list that calls fn when the
 * run's objects are freed */

typedef struct {
  sim_obj obj;
  void (*fn)(void *);
  void *arg;
} run_hook;

static void hook_destroy(sim_obj *o)
{
  run_hook *h = (run_hook *)o;
  h->fn(h->arg);
  free(h);
}

void sim_at_run_end(void (*fn)(void *arg), void *arg)
{
  run_hook *h = sim__mem_zalloc(sizeof *h, "");
  sim__obj_init(&h->obj, "hook", hooks_creator(), hook_destroy);
  h->fn = fn;
  h->arg = arg;
}

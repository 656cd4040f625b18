/*
 * sync.c - semaphores, mutexes and mailboxes on the scheduler.
 *
 * Each object embeds a sim_obj header (obj.c; first member, so the live
 * list can free what lwIP never frees) and one or two wait queues, which
 * the scheduler keeps (sim__block, sim__wake_one): this file sits above
 * sched.c and obj.c and nothing below calls into it.  Semaphores and
 * mutexes hand off directly: the giver decides which waiter gets the unit or
 * the mutex, so no thread can barge in between.  Mailboxes keep messages in
 * their ring and a woken fetcher re-checks it (an ISR's trypost or another
 * fetcher may have come first), as FreeRTOS queues do.
 */
#include "sim_sync.h"

#include <stdio.h>
#include <stdlib.h>

#include "sim_clock.h"
#include "sim_priv.h"
#include "sim_sched.h"

struct sim_sem {
  sim_obj obj;
  sim_waitq q;
  unsigned count;
  sim_sem_history h;
};

struct sim_mutex {
  sim_obj obj;
  sim_waitq q;
  sim_thread *owner;
};

struct sim_mbox {
  sim_obj obj;
  sim_waitq rx; /* fetchers waiting for a message */
  sim_waitq tx; /* posters waiting for room */
  sim_ring ring;
};

static void *sync_alloc(size_t n)
{
  return sim__mem_zalloc(n, "");
}

/* The thread creating an object, as its header names it. */
static const char *sync_creator(void)
{
  sim_thread *self = sim_thread_self();
  return self ? sim_thread_name(self) : "sim";
}

/* The destroy functions of the headers, for objects still alive at the
 * end of a run: their waiters were killed with their threads. */
static void sync_sem_destroy(sim_obj *o)
{
  sim_sem *s = (sim_sem *)o;
  s->q.head = NULL;
  sim_sem_free(s);
}

static void sync_mutex_destroy(sim_obj *o)
{
  sim_mutex *m = (sim_mutex *)o;
  m->q.head = NULL;
  sim_mutex_free(m);
}

static void sync_mbox_destroy(sim_obj *o)
{
  sim_mbox *b = (sim_mbox *)o;
  b->rx.head = b->tx.head = NULL;
  sim_mbox_free(b);
}

/* ------------------------------------------------------------------ */
/* semaphores                                                          */

sim_sem *sim_sem_new(unsigned count)
{
  sim_sem *s = sync_alloc(sizeof *s);
  sim__obj_init(&s->obj, "sem", sync_creator(), sync_sem_destroy);
  s->count = count;
  return s;
}

void sim_sem_free(sim_sem *s)
{
  if (!s)
    return;
  sim__waitq_check_free(&s->obj, &s->q, NULL);
  sim__obj_unlink(&s->obj);
  free(s);
}

void sim_sem_set_name(sim_sem *s, const char *name)
{
  sim__obj_set_name(&s->obj, name);
}

static void sync_label(char *dst, size_t len, const char *name)
{
  snprintf(dst, len, "%s", name ? name : "?");
}

void sim_sem_give(sim_sem *s)
{
  s->h.gives++;
  s->h.given_us = sim_clock_now_us();
  sync_label(s->h.giver, sizeof s->h.giver, sim__current_label());
  sim_thread *t = sim__wake_one(&s->q);
  if (t) {
    s->h.takes++;
    s->h.taken_us = s->h.given_us;
    sync_label(s->h.taker, sizeof s->h.taker, sim_thread_name(t));
    sim__resched();
    return;
  }
  s->count++;
}

static void sync_took(sim_sem *s)
{
  s->count--;
  s->h.takes++;
  s->h.taken_us = sim_clock_now_us();
  sync_label(s->h.taker, sizeof s->h.taker, sim__current_label());
}

int sim_sem_trytake(sim_sem *s)
{
  if (s->count == 0)
    return SIM_EAGAIN;
  sync_took(s);
  return SIM_OK;
}

int sim_sem_take(sim_sem *s, uint64_t timeout_us)
{
  if (s->count > 0) {
    sync_took(s);
    return SIM_OK;
  }
  /* The giver hands the unit over directly: count stays 0. */
  return sim__block(&s->obj, &s->q, "take", timeout_us) == 0 ? SIM_OK
                                                               : SIM_ETIMEDOUT;
}

unsigned sim_sem_count(const sim_sem *s)
{
  return s->count;
}

void sim_sem_get_history(const sim_sem *s, sim_sem_history *h)
{
  *h = s->h;
}

/* ------------------------------------------------------------------ */
/* mutexes                                                             */

sim_mutex *sim_mutex_new(void)
{
  sim_mutex *m = sync_alloc(sizeof *m);
  sim__obj_init(&m->obj, "mutex", sync_creator(), sync_mutex_destroy);
  return m;
}

void sim_mutex_free(sim_mutex *m)
{
  if (!m)
    return;
  sim__waitq_check_free(&m->obj, &m->q, NULL);
  sim__obj_unlink(&m->obj);
  free(m);
}

void sim_mutex_set_name(sim_mutex *m, const char *name)
{
  sim__obj_set_name(&m->obj, name);
}

void sim_mutex_lock(sim_mutex *m)
{
  sim_thread *self = sim_thread_self();
  if (sim_in_isr())
    sim__fault("mutex#%u locked in interrupt context", m->obj.seq);
  if (!m->owner) {
    m->owner = self;
    sim__mutex_acquired(self);
    return;
  }
  /* Locking a mutex one holds is a self-deadlock, as on FreeRTOS with a
   * non-recursive mutex: block and let the deadlock summary say so. */
  sim__prio_inherit(m->owner, self);
  (void)sim__block(&m->obj, &m->q, "lock", SIM_FOREVER);
  /* The unlocker made us the owner. */
}

void sim_mutex_unlock(sim_mutex *m)
{
  sim_thread *self = sim_thread_self();
  if (m->owner != self)
    sim__fault("mutex#%u unlocked by %s, which does not hold it", m->obj.seq,
               self ? sim_thread_name(self) : "?");
  sim__mutex_released(self);
  sim_thread *next = sim__wake_one(&m->q);
  m->owner = next;
  if (next) {
    sim__mutex_acquired(next);
    sim__resched();
  }
}

bool sim_mutex_held_by_self(const sim_mutex *m)
{
  return m->owner && m->owner == sim_thread_self();
}

/* ------------------------------------------------------------------ */
/* mailboxes                                                           */

sim_mbox *sim_mbox_new(unsigned size)
{
  sim_mbox *b = sync_alloc(sizeof *b);
  sim__ring_init(&b->ring, size);
  sim__obj_init(&b->obj, "mbox", sync_creator(), sync_mbox_destroy);
  b->obj.size = b->ring.size;
  return b;
}

void sim_mbox_free(sim_mbox *b)
{
  if (!b)
    return;
  sim__waitq_check_free(&b->obj, &b->rx, &b->tx);
  sim__obj_unlink(&b->obj);
  free(b->ring.slot);
  free(b);
}

void sim_mbox_set_name(sim_mbox *b, const char *name)
{
  sim__obj_set_name(&b->obj, name);
}

int sim_mbox_trypost(sim_mbox *b, void *msg)
{
  if (b->ring.count == b->ring.size)
    return SIM_EAGAIN;
  sim__ring_put(&b->ring, msg);
  if (sim__wake_one(&b->rx))
    sim__resched();
  return SIM_OK;
}

void sim_mbox_post(sim_mbox *b, void *msg)
{
  while (b->ring.count == b->ring.size) {
    /* Woken by a fetch that made room; the loop re-checks because a
     * trypost from an ISR may have taken the slot meanwhile. */
    (void)sim__block(&b->obj, &b->tx, "post", SIM_FOREVER);
  }
  sim__ring_put(&b->ring, msg);
  if (sim__wake_one(&b->rx))
    sim__resched();
}

int sim_mbox_tryfetch(sim_mbox *b, void **msg)
{
  if (b->ring.count == 0)
    return SIM_EAGAIN;
  void *m = sim__ring_get(&b->ring);
  if (msg)
    *msg = m;
  if (sim__wake_one(&b->tx))
    sim__resched();
  return SIM_OK;
}

int sim_mbox_fetch(sim_mbox *b, void **msg, uint64_t timeout_us)
{
  uint64_t deadline = timeout_us == SIM_FOREVER
                          ? SIM_FOREVER
                          : sim_clock_now_us() + timeout_us;
  while (b->ring.count == 0) {
    uint64_t now = sim_clock_now_us();
    uint64_t left = deadline == SIM_FOREVER ? SIM_FOREVER
                    : deadline > now        ? deadline - now
                                            : 0;
    if (sim__block(&b->obj, &b->rx, "fetch", left) != 0)
      return SIM_ETIMEDOUT;
  }
  return sim_mbox_tryfetch(b, msg);
}

unsigned sim_mbox_count(const sim_mbox *b)
{
  return b->ring.count;
}

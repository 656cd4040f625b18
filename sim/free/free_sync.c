/*
 * free_sync.c - semaphores, mutexes and mailboxes of the free-running
 * backend: each object is a pthread mutex with one or two condition
 * variables (CLOCK_MONOTONIC, so timeouts are real time).
 *
 * Invariants.
 * - An object's state (count, owner, ring) changes only under its `mu`.
 * - No thread leaves (pthread_exit) or faults while it holds an object's
 *   `mu`: a fault is raised after unlocking, and a waiter that wakes to
 *   find the run killed unlocks first.  So a thread that ends abnormally
 *   never leaves a pthread mutex locked behind it.
 * - Every waiter checks the kill flag while it holds `mu`, and the kill
 *   broadcast (free_wake_all, handed to the scheduler by sim__free_on_kill)
 *   takes `mu` too, so a waiter never misses it: it either sees the flag
 *   before it waits or is woken.
 * - Live objects sit on the one list of their headers (sim_obj, obj.c,
 *   shared with the deterministic objects) under `free_live_mu` (lock
 *   order: that list, then an object's `mu`), for the kill broadcast and
 *   for freeing what lwIP never frees.
 *
 * Unlike the deterministic objects, nothing here picks a waiter by
 * priority or hands a unit over directly: the OS decides who wakes and a
 * running thread may barge in, as on an SMP RTOS port built on pthreads.
 * Mutexes have no priority inheritance (the OS ignores the priorities).
 */
#include "sim_sync.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "free_priv.h"
#include "sim_clock.h"
#include "sim_priv.h"
#include "sim_sched.h"

/* What every object of this backend has (first member): the common
 * header, then its lock and condition variables. */
typedef struct free_obj {
  sim_obj h;               /* kind, number, name; on the live list */
  pthread_mutex_t mu;
  pthread_cond_t cv[2];    /* sem, mutex: cv[0]; mbox: rx, tx */
  unsigned nwait[2];       /* waiters on each condition variable */
} free_obj;

struct sim_sem {
  free_obj obj;
  unsigned count;
  sim_sem_history h;       /* under obj.mu */
};

struct sim_mutex {
  free_obj obj;
  bool locked;
  sim_thread *owner;       /* read without `mu` by held_by_self (atomic) */
};

struct sim_mbox {
  free_obj obj;
  sim_ring ring;
};

static pthread_mutex_t free_live_mu = PTHREAD_MUTEX_INITIALIZER;

static void *free_alloc(size_t n)
{
  return sim__mem_zalloc(n, "");
}

/* ------------------------------------------------------------------ */
/* the common header                                                   */

/* Every thread has left when the end of a run frees what is still alive
 * (sim_sched_fini, through sim__obj_free_live): no waiter remains to fault
 * about. */
static void free_obj_destroy(sim_obj *h)
{
  free_obj *o = (free_obj *)h;
  pthread_cond_destroy(&o->cv[0]);
  pthread_cond_destroy(&o->cv[1]);
  pthread_mutex_destroy(&o->mu);
  if (strcmp(h->kind, "mbox") == 0)
    free(((sim_mbox *)o)->ring.slot);
  free(o);
}

/* Wakes every waiter of every live object (the end of a run). */
static void free_wake_all(void)
{
  pthread_mutex_lock(&free_live_mu);
  for (sim_obj *h = sim__obj_live(); h; h = h->live_next) {
    free_obj *o = (free_obj *)h;
    pthread_mutex_lock(&o->mu);
    pthread_cond_broadcast(&o->cv[0]);
    pthread_cond_broadcast(&o->cv[1]);
    pthread_mutex_unlock(&o->mu);
  }
  pthread_mutex_unlock(&free_live_mu);
}

static void free_obj_init(free_obj *o, const char *kind)
{
  pthread_mutex_init(&o->mu, NULL);
  sim__free_cond_init(&o->cv[0]);
  sim__free_cond_init(&o->cv[1]);
  sim_thread *self = sim_thread_self();
  pthread_mutex_lock(&free_live_mu);
  sim__obj_init(&o->h, kind, self ? sim_thread_name(self) : "sim",
                free_obj_destroy);
  pthread_mutex_unlock(&free_live_mu);
  sim__free_on_kill(free_wake_all);
}

/* Unlinks o and destroys its pthread objects; faults (as the deterministic
 * objects do) if a thread still waits on it. */
static void free_obj_fini(free_obj *o)
{
  pthread_mutex_lock(&o->mu);
  unsigned waiting = o->nwait[0] + o->nwait[1];
  pthread_mutex_unlock(&o->mu);
  if (waiting)
    sim__fault("%s#%u freed while %u thread(s) wait on it", o->h.kind,
               o->h.seq, waiting);
  pthread_mutex_lock(&free_live_mu);
  sim__obj_unlink(&o->h);
  pthread_mutex_unlock(&free_live_mu);
  pthread_cond_destroy(&o->cv[0]);
  pthread_cond_destroy(&o->cv[1]);
  pthread_mutex_destroy(&o->mu);
}

static void free_obj_set_name(free_obj *o, const char *name)
{
  pthread_mutex_lock(&o->mu);
  sim__obj_set_name(&o->h, name);
  pthread_mutex_unlock(&o->mu);
}

/* Waits once on o->cv[which] (o->mu held), until woken or `abs` (NULL: no
 * deadline).  Returns SIM_OK or SIM_ETIMEDOUT; the caller re-checks its
 * condition either way.  A killed run makes the thread leave here. */
static int free_wait(free_obj *o, int which, const struct timespec *abs,
                     const char *what)
{
  int saved_errno = errno;
  if (sim__free_killed()) {
    pthread_mutex_unlock(&o->mu);
    sim__free_leave();
  }
  o->nwait[which]++;
  sim__free_waiting(what, o->h.kind, o->h.seq, o->h.name);
  int rc = abs ? pthread_cond_timedwait(&o->cv[which], &o->mu, abs)
               : pthread_cond_wait(&o->cv[which], &o->mu);
  sim__free_waiting(NULL, NULL, 0, NULL);
  o->nwait[which]--;
  if (sim__free_killed()) {
    pthread_mutex_unlock(&o->mu);
    sim__free_leave();
  }
  errno = saved_errno;
  return rc == ETIMEDOUT ? SIM_ETIMEDOUT : SIM_OK;
}

/* Wakes one waiter of o->cv[which], if any (o->mu held). */
static void free_wake(free_obj *o, int which)
{
  if (o->nwait[which])
    pthread_cond_signal(&o->cv[which]);
}

/* ------------------------------------------------------------------ */
/* semaphores                                                          */

sim_sem *sim_sem_new(unsigned count)
{
  sim_sem *s = free_alloc(sizeof *s);
  free_obj_init(&s->obj, "sem");
  s->count = count;
  return s;
}

void sim_sem_free(sim_sem *s)
{
  if (!s)
    return;
  free_obj_fini(&s->obj);
  free(s);
}

void sim_sem_set_name(sim_sem *s, const char *name)
{
  free_obj_set_name(&s->obj, name);
}

static void free_label(char *dst, size_t len)
{
  snprintf(dst, len, "%s", sim__current_label());
}

/* s->obj.mu held. */
static void free_took(sim_sem *s)
{
  __atomic_store_n(&s->count, s->count - 1, __ATOMIC_RELAXED);
  s->h.takes++;
  s->h.taken_us = sim_clock_now_us();
  free_label(s->h.taker, sizeof s->h.taker);
}

void sim_sem_give(sim_sem *s)
{
  pthread_mutex_lock(&s->obj.mu);
  s->h.gives++;
  s->h.given_us = sim_clock_now_us();
  free_label(s->h.giver, sizeof s->h.giver);
  __atomic_store_n(&s->count, s->count + 1, __ATOMIC_RELAXED);
  free_wake(&s->obj, 0);
  pthread_mutex_unlock(&s->obj.mu);
}

int sim_sem_trytake(sim_sem *s)
{
  int rc = SIM_EAGAIN;
  pthread_mutex_lock(&s->obj.mu);
  if (s->count > 0) {
    free_took(s);
    rc = SIM_OK;
  }
  pthread_mutex_unlock(&s->obj.mu);
  return rc;
}

int sim_sem_take(sim_sem *s, uint64_t timeout_us)
{
  if (sim_sem_trytake(s) == SIM_OK)
    return SIM_OK;
  /* Checked without the object's lock held: a fault leaves the thread. */
  if (!sim__free_may_block("take", "sem", s->obj.h.seq, timeout_us))
    return SIM_ETIMEDOUT;
  struct timespec abs;
  bool timed = sim__free_deadline(timeout_us, &abs);
  int rc = SIM_OK;
  pthread_mutex_lock(&s->obj.mu);
  while (s->count == 0) {
    if (free_wait(&s->obj, 0, timed ? &abs : NULL, "take") != SIM_OK &&
        s->count == 0) {
      rc = SIM_ETIMEDOUT;
      break;
    }
  }
  if (rc == SIM_OK)
    free_took(s);
  pthread_mutex_unlock(&s->obj.mu);
  return rc;
}

unsigned sim_sem_count(const sim_sem *s)
{
  return __atomic_load_n(&s->count, __ATOMIC_RELAXED);
}

/* Unlike the deterministic semaphore a give never hands the unit over, so
 * a take is counted when the taker gets it, after the give. */
void sim_sem_get_history(const sim_sem *s, sim_sem_history *h)
{
  sim_sem *w = (sim_sem *)s; /* the lock, not the state, changes */
  pthread_mutex_lock(&w->obj.mu);
  *h = w->h;
  pthread_mutex_unlock(&w->obj.mu);
}

/* ------------------------------------------------------------------ */
/* mutexes                                                             */

sim_mutex *sim_mutex_new(void)
{
  sim_mutex *m = free_alloc(sizeof *m);
  free_obj_init(&m->obj, "mutex");
  return m;
}

void sim_mutex_free(sim_mutex *m)
{
  if (!m)
    return;
  free_obj_fini(&m->obj);
  free(m);
}

void sim_mutex_set_name(sim_mutex *m, const char *name)
{
  free_obj_set_name(&m->obj, name);
}

void sim_mutex_lock(sim_mutex *m)
{
  if (sim_in_isr())
    sim__fault("mutex#%u locked in interrupt context", m->obj.h.seq);
  sim_thread *self = sim_thread_self();
  pthread_mutex_lock(&m->obj.mu);
  if (m->locked) {
    pthread_mutex_unlock(&m->obj.mu);
    /* Locking a mutex one holds blocks for ever, as with a non-recursive
     * FreeRTOS mutex; here the wall-time limit ends such a run. */
    (void)sim__free_may_block("lock", "mutex", m->obj.h.seq, SIM_FOREVER);
    pthread_mutex_lock(&m->obj.mu);
    while (m->locked)
      (void)free_wait(&m->obj, 0, NULL, "lock");
  }
  m->locked = true;
  __atomic_store_n(&m->owner, self, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&m->obj.mu);
}

void sim_mutex_unlock(sim_mutex *m)
{
  sim_thread *self = sim_thread_self();
  pthread_mutex_lock(&m->obj.mu);
  bool mine = m->locked && m->owner == self;
  if (mine) {
    m->locked = false;
    __atomic_store_n(&m->owner, NULL, __ATOMIC_RELAXED);
    free_wake(&m->obj, 0);
  }
  pthread_mutex_unlock(&m->obj.mu);
  if (!mine)
    sim__fault("mutex#%u unlocked by %s, which does not hold it", m->obj.h.seq,
               self ? sim_thread_name(self) : "?");
}

bool sim_mutex_held_by_self(const sim_mutex *m)
{
  /* Only the calling thread can have stored itself as the owner, so a
   * lock-free read answers "is it me" exactly. */
  sim_thread *self = sim_thread_self();
  return self && __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == self;
}

/* ------------------------------------------------------------------ */
/* mailboxes                                                           */

enum { FREE_RX = 0, FREE_TX = 1 };

sim_mbox *sim_mbox_new(unsigned size)
{
  sim_mbox *b = free_alloc(sizeof *b);
  sim__ring_init(&b->ring, size);
  free_obj_init(&b->obj, "mbox");
  return b;
}

void sim_mbox_free(sim_mbox *b)
{
  if (!b)
    return;
  free_obj_fini(&b->obj);
  free(b->ring.slot);
  free(b);
}

void sim_mbox_set_name(sim_mbox *b, const char *name)
{
  free_obj_set_name(&b->obj, name);
}

/* Both with b->obj.mu held. */
static void free_mbox_put(sim_mbox *b, void *msg)
{
  sim__ring_put(&b->ring, msg);
  free_wake(&b->obj, FREE_RX);
}

static void *free_mbox_get(sim_mbox *b)
{
  void *msg = sim__ring_get(&b->ring);
  free_wake(&b->obj, FREE_TX);
  return msg;
}

int sim_mbox_trypost(sim_mbox *b, void *msg)
{
  int rc = SIM_EAGAIN;
  pthread_mutex_lock(&b->obj.mu);
  if (b->ring.count < b->ring.size) {
    free_mbox_put(b, msg);
    rc = SIM_OK;
  }
  pthread_mutex_unlock(&b->obj.mu);
  return rc;
}

void sim_mbox_post(sim_mbox *b, void *msg)
{
  if (sim_mbox_trypost(b, msg) == SIM_OK)
    return;
  (void)sim__free_may_block("post", "mbox", b->obj.h.seq, SIM_FOREVER);
  pthread_mutex_lock(&b->obj.mu);
  while (b->ring.count == b->ring.size)
    (void)free_wait(&b->obj, FREE_TX, NULL, "post");
  free_mbox_put(b, msg);
  pthread_mutex_unlock(&b->obj.mu);
}

int sim_mbox_tryfetch(sim_mbox *b, void **msg)
{
  int rc = SIM_EAGAIN;
  pthread_mutex_lock(&b->obj.mu);
  if (b->ring.count > 0) {
    void *m = free_mbox_get(b);
    if (msg)
      *msg = m;
    rc = SIM_OK;
  }
  pthread_mutex_unlock(&b->obj.mu);
  return rc;
}

int sim_mbox_fetch(sim_mbox *b, void **msg, uint64_t timeout_us)
{
  if (sim_mbox_tryfetch(b, msg) == SIM_OK)
    return SIM_OK;
  if (!sim__free_may_block("fetch", "mbox", b->obj.h.seq, timeout_us))
    return SIM_ETIMEDOUT;
  struct timespec abs;
  bool timed = sim__free_deadline(timeout_us, &abs);
  pthread_mutex_lock(&b->obj.mu);
  while (b->ring.count == 0) {
    if (free_wait(&b->obj, FREE_RX, timed ? &abs : NULL, "fetch") !=
            SIM_OK &&
        b->ring.count == 0) {
      pthread_mutex_unlock(&b->obj.mu);
      return SIM_ETIMEDOUT;
    }
  }
  void *m = free_mbox_get(b);
  if (msg)
    *msg = m;
  pthread_mutex_unlock(&b->obj.mu);
  return SIM_OK;
}

unsigned sim_mbox_count(const sim_mbox *b)
{
  return __atomic_load_n(&b->ring.count, __ATOMIC_RELAXED);
}

/*
 * switch_pthread.c - the pthread backend (`make SIM_SWITCH=pthread`):
 * every sim thread is a pthread with its own wake-up semaphore, running
 * on its sim_stack, and exactly one of them holds the run token.  Handing
 * the token over is "post the next thread's semaphore, wait on one's own";
 * the semaphores order the memory accesses, so the scheduler's state needs
 * no locks.  When the run is over, sim__sw_stop() wakes every parked
 * thread with `killed` set, which makes it pthread_exit(), and joins it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_priv.h"

const char sim__sw_name[] = "pthread";

struct sim_ctx {
  sim_thread *t;
  sim_stack *stack;
  void (*body)(sim_thread *t);
  pthread_t pt;
  sem_t wake;
  bool killed;
  void *altstack;
};

static void pt_park(sim_ctx *self)
{
  while (sem_wait(&self->wake) != 0) {
    /* EINTR: a signal arrived; keep waiting for the token. */
  }
  if (self->killed)
    pthread_exit(NULL);
}

static void *pt_start(void *p)
{
  sim_ctx *c = p;
  c->altstack = sim__altstack_set();
  /* The C library keeps its thread block and static TLS at the top of a
   * stack it is given: the thread's frames start here. */
  c->stack->top = __builtin_frame_address(0);
  pt_park(c);
  c->body(c->t);
  return NULL;
}

#if defined(__SANITIZE_THREAD__)
#define PT_TLS_ROOM (2u * 1024u * 1024u) /* TSan's static TLS is large */
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PT_TLS_ROOM (2u * 1024u * 1024u)
#endif
#endif
#ifndef PT_TLS_ROOM
#define PT_TLS_ROOM (64u * 1024u)
#endif

size_t sim__sw_stack_extra(void)
{
  return PT_TLS_ROOM;
}

sim_ctx *sim__ctx_new(sim_thread *t, sim_stack *stack,
                      void (*body)(sim_thread *t))
{
  sim_ctx *c = sim__mem_zalloc(sizeof *c, " in the scheduler");
  c->t = t;
  c->stack = stack;
  c->body = body;
  sem_init(&c->wake, 0, 0);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstack(&attr, stack->lo, stack->size + stack->extra);
  int rc = pthread_create(&c->pt, &attr, pt_start, c);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    fprintf(stderr, "lwipsim: cannot create a sim thread: %s\n",
            strerror(rc));
    abort();
  }
  return c;
}

void sim__sw_start(sim_ctx *first)
{
  sem_post(&first->wake);
}

void sim__ctx_switch(sim_ctx *from, sim_ctx *to)
{
  sem_post(&to->wake);
  pt_park(from);
}

void sim__ctx_exit(sim_ctx *from, sim_ctx *to)
{
  (void)from;
  sem_post(&to->wake);
}

void sim__ctx_park(sim_ctx *self)
{
  for (;;)
    pt_park(self);
}

bool sim__sw_stop(sim_ctx *const *all, int n, sim_ctx *wedged)
{
  bool clean = true;
  for (int i = 0; i < n; i++) {
    sim_ctx *c = all[i];
    c->killed = true;
    sem_post(&c->wake);
    if (c == wedged) {
      /* It may never stop: give it a second, then leave it be. */
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_sec += 1;
      if (pthread_timedjoin_np(c->pt, NULL, &ts) != 0) {
        pthread_detach(c->pt);
        clean = false;
      }
      continue;
    }
    pthread_join(c->pt, NULL);
  }
  return clean;
}

void sim__ctx_free(sim_ctx *c)
{
  sem_destroy(&c->wake);
  sim__altstack_free(c->altstack);
  free(c);
}

/* A copy of the process keeps only the thread that makes it, so pthreads
 * cannot be kept in a snapshot: the scheduler never asks this backend to
 * park (sim_sched_init refuses park_at_start). */
const bool sim__sw_can_park = false;

void sim__ctx_suspend(sim_ctx *self)
{
  (void)self;
  fprintf(stderr, "lwipsim: the pthread backend cannot park a run\n");
  abort();
}

void sim__sw_pause(void)
{
  fprintf(stderr, "lwipsim: the pthread backend cannot park a run\n");
  abort();
}

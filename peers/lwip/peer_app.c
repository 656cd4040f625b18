/*
 * peer_app.c - what the peer's client apps share: app slots with their
 * threads, waiting for them, and the socket calls every client makes.
 *
 * An app is a static slot (PEER_APP_MAX per run) holding its config copy,
 * a pointer to the caller's result storage and one sim thread per
 * connection, created through the peer's sys_thread_new.  Each thread
 * gives the slot's semaphore when its function returns; peer_app_wait()
 * counts them under one virtual deadline.  Nothing is allocated per app
 * (buffers live on the threads' stacks), so a run that ends while a
 * client is still blocked leaves nothing behind for a leak checker.
 *
 * The apps use the peer's own socket API (lwip_socket and friends, which
 * the renaming turns into peer_lwip_socket...): they are ordinary socket
 * programs, and bound every wait with SO_RCVTIMEO/SO_SNDTIMEO.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lwip/sockets.h"

#include "peer_priv.h"
#include "sim_clock.h"
#include "sim_sched.h"

static peer_app peer_app_slots[PEER_APP_MAX];
static unsigned peer_app_used;

peer_app *peer_app_new(const char *name, peer_app_fn fn)
{
  if (peer_app_used == PEER_APP_MAX)
    return NULL;
  peer_app *a = &peer_app_slots[peer_app_used++];
  memset(a, 0, sizeof *a);
  a->name = name;
  a->fn = fn;
  return a;
}

static void peer_app_thread_main(void *arg)
{
  peer_app_thread *t = arg;
  peer_app *a = t->app;
  a->fn(a, t->index);
  a->finished++;
  sim_sem_give(a->done);
}

bool peer_app_start(peer_app *a, unsigned n, int prio)
{
  if (n == 0 || n > PEER_APP_THREADS) {
    peer_app_used--; /* the slot was the last one taken */
    return false;
  }
  a->done = sim_sem_new(0);
  sim_sem_set_name(a->done, a->name);
  a->nthreads = n;
  for (unsigned i = 0; i < n; i++) {
    char name[32];
    if (n == 1)
      snprintf(name, sizeof name, "%s", a->name);
    else
      snprintf(name, sizeof name, "%s%u", a->name, i);
    a->threads[i].app = a;
    a->threads[i].index = i;
    sys_thread_new(name, peer_app_thread_main, &a->threads[i], 0, prio);
  }
  return true;
}

int peer_app_wait(peer_app *a, uint64_t timeout_us)
{
  if (!a)
    return -1;
  uint64_t deadline = sim_clock_now_us() + timeout_us;
  while (a->finished < a->nthreads) {
    uint64_t now = sim_clock_now_us();
    if (now >= deadline || sim_sem_take(a->done, deadline - now) != SIM_OK)
      return a->finished < a->nthreads ? -1 : 0;
  }
  return 0;
}

void peer_app_failed(peer_failure *f, const char *call)
{
  int e = errno;
  if (f->call)
    return;
  f->call = call;
  f->err = e;
  f->reset = e == ECONNRESET;
}

int peer_app_connect(const uint8_t ip[4], uint16_t port, uint64_t timeout_us,
                     peer_failure *f, uint64_t *took_us)
{
  int s = lwip_socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) {
    peer_app_failed(f, "socket");
    return -1;
  }
  struct timeval tv = {.tv_sec = (time_t)(timeout_us / 1000000u),
                       .tv_usec = (suseconds_t)(timeout_us % 1000000u)};
  if (lwip_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
      lwip_setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
    peer_app_failed(f, "setsockopt");
    lwip_close(s);
    return -1;
  }
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = lwip_htons(port);
  memcpy(&a.sin_addr.s_addr, ip, 4);
  uint64_t t0 = sim_clock_now_us();
  if (lwip_connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
    peer_app_failed(f, "connect");
    lwip_close(s);
    return -1;
  }
  *took_us = sim_clock_now_us() - t0;
  return s;
}

int peer_app_send_all(int s, const void *buf, size_t len, peer_failure *f)
{
  const uint8_t *p = buf;
  while (len) {
    ssize_t n = lwip_send(s, p, len, 0);
    if (n <= 0) {
      peer_app_failed(f, "send");
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

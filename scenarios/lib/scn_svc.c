/*
 * scn_svc.c - board-side echo and discard servers (see
 * scn_svc.h).  The thread blocks in accept() and recv() like any
 * board application; the scenario reads the results only after
 * scn_svc_wait() says the thread is done.
 */
#include "scn_svc.h"

#include <errno.h>
#include <string.h>

#include "lwip/sockets.h"

#include "peer.h"
#include "sim_sched.h"

static void scn_svc_failed(scn_svc *s, const char *call)
{
  if (!s->fail) {
    s->fail = call;
    s->fail_errno = errno;
  }
}

static void scn_svc_serve(scn_svc *s, int c)
{
  uint8_t buf[1460];
  for (;;) {
    ssize_t n = lwip_recv(c, buf, sizeof buf, 0);
    if (n <= 0) {
      if (n < 0)
        scn_svc_failed(s, "recv");
      return;
    }
    s->bytes += (size_t)n;
    s->hash = peer_fnv1a(s->hash, buf, (size_t)n);
    for (ssize_t off = 0; s->echo && off < n;) {
      ssize_t w = lwip_send(c, buf + off, (size_t)(n - off), 0);
      if (w <= 0) {
        scn_svc_failed(s, "send");
        return;
      }
      off += w;
    }
  }
}

static void scn_svc_thread(void *arg)
{
  scn_svc *s = arg;
  int l = lwip_socket(AF_INET, SOCK_STREAM, 0);
  if (l < 0) {
    scn_svc_failed(s, "socket");
  } else {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = lwip_htons(s->port);
    a.sin_addr.s_addr = lwip_htonl(INADDR_ANY);
    if (lwip_bind(l, (struct sockaddr *)&a, sizeof a) != 0) {
      scn_svc_failed(s, "bind");
    } else if (lwip_listen(l, 1) != 0) {
      scn_svc_failed(s, "listen");
    } else {
      int c = lwip_accept(l, NULL, NULL);
      if (c < 0) {
        scn_svc_failed(s, "accept");
      } else {
        scn_svc_serve(s, c);
        lwip_close(c);
      }
    }
    lwip_close(l);
  }
  sys_sem_signal(&s->done);
}

void scn_svc_start(scn_svc *s, const char *name, uint16_t port,
                        bool echo, int prio)
{
  memset(s, 0, sizeof *s);
  s->port = port;
  s->echo = echo;
  s->hash = PEER_FNV1A_INIT;
  if (sys_sem_new(&s->done, 0) != ERR_OK)
    sim_sched_finish(SIM_END_FAULT, "%s: no semaphore", name);
  sys_thread_new(name, scn_svc_thread, s, 0, prio);
}

bool scn_svc_wait(scn_svc *s, uint32_t timeout_ms)
{
  return sys_arch_sem_wait(&s->done, timeout_ms) != SYS_ARCH_TIMEOUT;
}

/*
 * sweep_planted - a small application with a planted defect per variant,
 * reached only when lwIP reports a failed allocation, so that `lwipsim
 * sweep` can be shown to report each of its classes (tests/cli/
 * test_sweep.sh).
 *
 * Thread "app" opens a UDP socket on 127.0.0.1, and three times takes a
 * buffer from pbuf_alloc(PBUF_RAW, PBUF_RAM), fills it, sends its bytes
 * to itself and receives them (SO_RCVTIMEO 1 s).  Without --fail nothing
 * fails: every variant ends `not-reproduced` with its pools and heap back
 * to their levels.  When lwIP reports an error (socket() or sendto() or
 * recv() failing, pbuf_alloc() returning NULL), each variant reacts its
 * own way: `handled` closes its socket and reports the error
 * (`reproduced`, what the sweep counts as an error lwIP returned to the
 * application); `leak` returns without closing; `assert` fires an
 * LWIP_ASSERT; `crash` never checks pbuf_alloc()'s result and writes
 * through NULL; `hang` waits on a semaphore nobody signals.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/pbuf.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"

#include "scn.h"
#include "scn_lwip.h"
#include "sim_sched.h"

#define SP_PORT 7100
#define SP_COUNT 3
#define SP_LEN 48
#define SP_APP_PRIO 3

typedef enum { SP_HANDLED, SP_LEAK, SP_ASSERT, SP_CRASH, SP_HANG } sp_kind;

static struct {
  sp_kind kind;
  sys_sem_t done, never;
  int echoed;
  char error[160];
} sp;

/* What the variant does with an error lwIP reported; the caller then
 * stops (handled: with the socket closed). */
static void sp_error(int s, const char *what)
{
  snprintf(sp.error, sizeof sp.error, "%s failed: errno %d", what, errno);
  switch (sp.kind) {
  case SP_ASSERT:
    LWIP_ASSERT("sweep_planted: the application asserts on an lwIP error",
                0);
    break;
  case SP_HANG:
    sys_arch_sem_wait(&sp.never, 0); /* planted: nobody signals it */
    break;
  case SP_LEAK:
    return; /* planted: the socket stays open */
  default:
    break;
  }
  if (s >= 0)
    lwip_close(s);
}

static void sp_app(void *arg)
{
  (void)arg;
  char err[160];
  int s = scn_lwip_socket_loopback(SOCK_DGRAM, SP_PORT, err, sizeof err);
  if (s < 0) {
    sp_error(-1, "socket()");
    goto out;
  }
  struct timeval tmo = {.tv_sec = 1, .tv_usec = 0};
  lwip_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof tmo);
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = lwip_htons(SP_PORT);
  to.sin_addr.s_addr = lwip_htonl(0x7f000001u);
  for (int i = 0; i < SP_COUNT; i++) {
    unsigned char out[SP_LEN], in[SP_LEN];
    struct pbuf *p = pbuf_alloc(PBUF_RAW, SP_LEN, PBUF_RAM);
    if (!p && sp.kind != SP_CRASH) {
      errno = ENOMEM;
      sp_error(s, "pbuf_alloc()");
      goto out;
    }
    /* crash: planted, p is used unchecked */
    memset(p->payload, 'a' + i, SP_LEN);
    memcpy(out, p->payload, SP_LEN);
    pbuf_free(p);
    if (lwip_sendto(s, out, SP_LEN, 0, (struct sockaddr *)&to, sizeof to) !=
        SP_LEN) {
      sp_error(s, "sendto()");
      goto out;
    }
    if (lwip_recv(s, in, sizeof in, 0) != SP_LEN ||
        memcmp(in, out, SP_LEN) != 0) {
      sp_error(s, "recv()");
      goto out;
    }
    sp.echoed++;
  }
  lwip_close(s);
out:
  sys_sem_signal(&sp.done);
}

static void sp_main(scn_run *run)
{
  static const char *const kinds[] = {"handled", "leak", "assert", "crash",
                                      "hang"};
  memset(&sp, 0, sizeof sp);
  for (int k = 0; k < 5; k++)
    if (scn_variant_is(run, kinds[k]))
      sp.kind = (sp_kind)k;
  scn_lwip_start();
  sys_sem_new(&sp.done, 0);
  sys_sem_new(&sp.never, 0);
  scn_pools before, after;
  scn_pools_snapshot(&before);
  sys_thread_new("app", sp_app, NULL, 0, SP_APP_PRIO);
  sys_arch_sem_wait(&sp.done, 0);
  sim_sleep_us(10000); /* tcpip_thread finishes what the close queued */
  scn_pools_snapshot(&after);
  char leaks[512];
  int nleaks = scn_pools_diff(&before, &after, leaks, sizeof leaks);
  scn_counter(run, "echoed", sp.echoed);
  if (sp.error[0])
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "lwIP error: %s", sp.error);
  else if (nleaks)
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "pools not back: %s", leaks);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%d/%d datagrams looped back; pools and heap back to "
                "baseline", sp.echoed, SP_COUNT);
  sys_sem_free(&sp.done);
  sys_sem_free(&sp.never);
}

SCN_IMPL(sweep_planted, .main_prio = 2, .main = sp_main);

/*
 * udp_loopback - two application threads exchange UDP datagrams through
 * lwIP's socket API over the loopback netif.
 *
 * Thread "B" (the replier) waits in lwip_select() and echoes every datagram;
 * thread "A" (the requester) sends datagram i (seeded length, a payload
 * derived from i), waits for its echo with SO_RCVTIMEO and checks it byte
 * for byte.  A baseline has no field bug, so the oracle reports `fault`
 * (a defect of the simulator or the port), never `reproduced`, on any loss,
 * reordering, corruption, socket error, or a pool or heap that does not
 * return to its level from before the exchange; otherwise `not-reproduced`.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/sockets.h"
#include "lwip/sys.h"

#include "scn.h"
#include "scn_lwip.h"
#include "sim_clock.h"
#include "sim_prng.h"
#include "sim_sched.h"

#define UL_COUNT 1000
#define UL_PORT_A 7001
#define UL_PORT_B 7000
#define UL_MAX_LEN 1024
#define UL_MIN_LEN 8
#define UL_APP_PRIO 3

typedef struct {
  scn_run *run;
  sys_sem_t ready; /* B is bound */
  sys_sem_t done;  /* a thread finished */
  /* A */
  int a_ok, a_lost, a_bad;
  long a_bytes;
  char a_error[160];
  /* B */
  int b_got, b_out_of_order, b_corrupt, b_select_calls, b_select_timeouts;
  char b_error[160];
} ul_state;

static ul_state ul;

static void ul_fill(unsigned char *buf, unsigned seq, unsigned len)
{
  buf[0] = (unsigned char)(seq >> 24);
  buf[1] = (unsigned char)(seq >> 16);
  buf[2] = (unsigned char)(seq >> 8);
  buf[3] = (unsigned char)seq;
  for (unsigned i = 4; i < len; i++)
    buf[i] = (unsigned char)(seq * 31u + i * 7u);
}

static unsigned ul_seq(const unsigned char *buf)
{
  return (unsigned)buf[0] << 24 | (unsigned)buf[1] << 16 |
         (unsigned)buf[2] << 8 | buf[3];
}

static void ul_replier(void *arg)
{
  (void)arg;
  static unsigned char buf[UL_MAX_LEN];
  int s = scn_lwip_socket_loopback(SOCK_DGRAM, UL_PORT_B, ul.b_error,
                                   sizeof ul.b_error);
  sys_sem_signal(&ul.ready);
  if (s < 0)
    goto out;
  unsigned expected = 0;
  while (ul.b_got < UL_COUNT && ul.b_select_timeouts < 3) {
    fd_set rf;
    FD_ZERO(&rf);
    FD_SET(s, &rf);
    struct timeval tv = {.tv_sec = 2, .tv_usec = 0};
    ul.b_select_calls++;
    int n = lwip_select(s + 1, &rf, NULL, NULL, &tv);
    if (n < 0) {
      snprintf(ul.b_error, sizeof ul.b_error, "select() failed: errno %d",
               errno);
      break;
    }
    if (n == 0 || !FD_ISSET(s, &rf)) {
      ul.b_select_timeouts++;
      continue;
    }
    struct sockaddr_in from;
    socklen_t fromlen = sizeof from;
    ssize_t len = lwip_recvfrom(s, buf, sizeof buf, 0,
                                (struct sockaddr *)&from, &fromlen);
    if (len < UL_MIN_LEN) {
      snprintf(ul.b_error, sizeof ul.b_error,
               "recvfrom() returned %d: errno %d", (int)len, errno);
      break;
    }
    unsigned seq = ul_seq(buf);
    if (seq != expected)
      ul.b_out_of_order++;
    expected = seq + 1;
    static unsigned char want[UL_MAX_LEN];
    ul_fill(want, seq, (unsigned)len);
    if (memcmp(want, buf, (size_t)len) != 0)
      ul.b_corrupt++;
    ul.b_got++;
    if (lwip_sendto(s, buf, (size_t)len, 0, (struct sockaddr *)&from,
                    fromlen) != len) {
      snprintf(ul.b_error, sizeof ul.b_error, "sendto() failed: errno %d",
               errno);
      break;
    }
  }
  lwip_close(s);
out:
  sys_sem_signal(&ul.done);
}

static void ul_requester(void *arg)
{
  (void)arg;
  static unsigned char out[UL_MAX_LEN], in[UL_MAX_LEN];
  int s = scn_lwip_socket_loopback(SOCK_DGRAM, UL_PORT_A, ul.a_error,
                                   sizeof ul.a_error);
  if (s < 0)
    goto done;
  struct timeval tmo = {.tv_sec = 1, .tv_usec = 0};
  lwip_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof tmo);
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = lwip_htons(UL_PORT_B);
  to.sin_addr.s_addr = lwip_htonl(0x7f000001u);
  for (unsigned i = 0; i < UL_COUNT; i++) {
    unsigned len = UL_MIN_LEN +
                   (unsigned)sim_rand_below(UL_MAX_LEN - UL_MIN_LEN + 1);
    ul_fill(out, i, len);
    if (lwip_sendto(s, out, len, 0, (struct sockaddr *)&to, sizeof to) !=
        (ssize_t)len) {
      snprintf(ul.a_error, sizeof ul.a_error,
               "sendto(#%u) failed: errno %d", i, errno);
      break;
    }
    ssize_t got = lwip_recv(s, in, sizeof in, 0);
    if (got < 0) {
      ul.a_lost++; /* receive timeout: no echo within 1 s */
      continue;
    }
    if ((unsigned)got != len || memcmp(in, out, len) != 0) {
      ul.a_bad++;
      continue;
    }
    ul.a_ok++;
    ul.a_bytes += got;
  }
  lwip_close(s);
done:
  sys_sem_signal(&ul.done);
}

static void ul_main(scn_run *run)
{
  memset(&ul, 0, sizeof ul);
  ul.run = run;
  scn_lwip_start();
  sys_sem_new(&ul.ready, 0);
  sys_sem_new(&ul.done, 0);
  scn_pools before, after;
  scn_pools_snapshot(&before);

  sys_thread_new("B", ul_replier, NULL, 0, UL_APP_PRIO);
  sys_arch_sem_wait(&ul.ready, 0);
  uint64_t t0 = sim_clock_now_us();
  sys_thread_new("A", ul_requester, NULL, 0, UL_APP_PRIO);
  sys_arch_sem_wait(&ul.done, 0);
  sys_arch_sem_wait(&ul.done, 0);
  uint64_t dt = sim_clock_now_us() - t0;
  /* Let tcpip_thread finish anything the closes queued. */
  sim_sleep_us(10000);
  scn_pools_snapshot(&after);
  char leaks[512];
  int nleaks = scn_pools_diff(&before, &after, leaks, sizeof leaks);

  scn_counter(run, "datagrams", UL_COUNT);
  scn_counter(run, "echoed", ul.a_ok);
  scn_counter(run, "lost", ul.a_lost);
  scn_counter(run, "corrupt", ul.a_bad + ul.b_corrupt);
  scn_counter(run, "out_of_order", ul.b_out_of_order);
  scn_counter(run, "bytes", ul.a_bytes);
  scn_counter(run, "select_calls", ul.b_select_calls);
  scn_counter(run, "exchange_us", (long long)dt);

  if (ul.a_error[0] || ul.b_error[0])
    scn_verdict(run, SIM_VERDICT_FAULT, "socket error: %s%s%s",
                ul.a_error, ul.a_error[0] && ul.b_error[0] ? "; " : "",
                ul.b_error);
  else if (ul.a_ok != UL_COUNT)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%d/%d datagrams echoed: %d lost, %d corrupt, %d out of "
                "order",
                ul.a_ok, UL_COUNT, ul.a_lost, ul.a_bad + ul.b_corrupt,
                ul.b_out_of_order);
  else if (ul.b_out_of_order || ul.b_corrupt)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "replier saw %d out of order, %d corrupt",
                ul.b_out_of_order, ul.b_corrupt);
  else if (nleaks)
    scn_verdict(run, SIM_VERDICT_FAULT, "pools not back: %s", leaks);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%d/%d datagrams (%ld bytes) echoed in order in "
                "%llu.%06llus virtual; pools and heap back to baseline",
                ul.a_ok, UL_COUNT, ul.a_bytes,
                (unsigned long long)(dt / 1000000),
                (unsigned long long)(dt % 1000000));
  sys_sem_free(&ul.ready);
  sys_sem_free(&ul.done);
}

SCN_IMPL(udp_loopback, .main_prio = 2, .main = ul_main);

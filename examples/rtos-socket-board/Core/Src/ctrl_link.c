/*
 * ctrl_link.c - the control link to the plant controller.
 *
 * ctrl_rx owns the UDP socket on CTRL_PORT: it waits in recvfrom() (with
 * a receive timeout) and answers each "REQ nnnn" with "ACK nnnn".
 * ctrl_sup watches the link: when the controller has been silent for
 * CTRL_SILENCE_MS (it rebooted, or moved), the socket is re-opened so
 * that a stale binding cannot keep the gateway deaf.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/sockets.h"
#include "lwip/sys.h"

#include "app.h"

struct gw_config gw_config;
struct ctrl_counters ctrl_counters;
volatile int ctrl_sock = -1;
static volatile u32_t ctrl_last_rx;
static volatile int ctrl_reopen_request;

static int ctrl_open(void)
{
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0)
    return -1;
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(CTRL_PORT);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
    close(s);
    return -1;
  }
  struct timeval tv = {0, CTRL_RX_TIMEOUT_MS * 1000};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return s;
}

static void ctrl_reopen(void)
{
  int old = ctrl_sock;
  ctrl_sock = -1;
  close(old);
  ctrl_sock = ctrl_open();
  ctrl_counters.reopens++;
}

static void ctrl_rx_task(void *arg)
{
  (void)arg;
  static char rx[128];
  char tx[32];
  for (;;) {
    int s = ctrl_sock;
    if (s < 0) {
      sys_msleep(10);
      continue;
    }
    struct sockaddr_in from;
    socklen_t fromlen = sizeof from;
    int n = recvfrom(s, rx, sizeof rx - 1, 0, (struct sockaddr *)&from,
                     &fromlen);
    if (n > 0) {
      ctrl_last_rx = sys_now();
      ctrl_counters.requests++;
      rx[n] = 0;
      unsigned seq;
      if (sscanf(rx, "REQ %u", &seq) == 1) {
        int len = snprintf(tx, sizeof tx, "ACK %04u", seq);
        if (sendto(s, tx, (size_t)len, 0, (struct sockaddr *)&from,
                   fromlen) == len)
          ctrl_counters.acks++;
      }
    } else if (n < 0 && (errno == EWOULDBLOCK || errno == EAGAIN)) {
      /* Receive timeout: the socket's owner does its housekeeping. */
      if (ctrl_reopen_request) {
        ctrl_reopen_request = 0;
        ctrl_reopen();
      }
    } else {
      ctrl_counters.rx_errors++;
      sys_msleep(10);
    }
  }
}

static void ctrl_sup_task(void *arg)
{
  (void)arg;
  for (;;) {
    sys_msleep(CTRL_SUP_PERIOD_MS);
    if (ctrl_sock < 0 || sys_now() - ctrl_last_rx < CTRL_SILENCE_MS)
      continue;
    ctrl_counters.silences++;
    ctrl_last_rx = sys_now();
    if (gw_config.ctrl_reopen_by_owner)
      ctrl_reopen_request = 1;
    else
      ctrl_reopen();
  }
}

void ctrl_link_start(void)
{
  ctrl_last_rx = sys_now();
  ctrl_sock = ctrl_open();
  sys_thread_new("ctrl_rx", ctrl_rx_task, NULL, 1024, CTRL_RX_PRIO);
  sys_thread_new("ctrl_sup", ctrl_sup_task, NULL, 512, CTRL_SUP_PRIO);
}

/*
 * app.c - the freertos-board's application tasks:
 *
 *   app_ctl   priority 4: the control channel, UDP port 7: select() with
 *             a 1 s timeout, then echo what arrived;
 *   app_data  priority 3: the data channel, UDP port 9000: echo;
 *   app_log   priority 2: builds a 200-byte log buffer in a PBUF_RAM
 *             every tick and releases it (lwIP's heap is pvPortMalloc).
 */
#include <string.h>

#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/sockets.h"

#include "FreeRTOS.h"
#include "task.h"

#include "app.h"

app_stats_t app_stats;

static void app_failed(const char *call)
{
  if (!app_stats.failed)
    app_stats.failed = call;
}

static int app_udp_socket(uint16_t port)
{
  int s = lwip_socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0) {
    app_failed("socket");
    return -1;
  }
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = lwip_htons(port);
  sa.sin_addr.s_addr = lwip_htonl(INADDR_ANY);
  if (lwip_bind(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
    app_failed("bind");
    lwip_close(s);
    return -1;
  }
  return s;
}

/* One datagram in, the same back; false when the socket failed. */
static int app_echo_one(int s, unsigned char *b)
{
  struct sockaddr_in from;
  socklen_t flen = sizeof from;
  ssize_t n = lwip_recvfrom(s, b, 1500, 0, (struct sockaddr *)&from, &flen);
  if (n < 0) {
    app_failed("recvfrom");
    return 0;
  }
  /* A reply that finds no TX descriptor is lost, as UDP allows. */
  if (lwip_sendto(s, b, (size_t)n, 0, (struct sockaddr *)&from, flen) < 0)
    app_stats.send_failures++;
  return 1;
}

static void app_ctl_task(void *arg)
{
  (void)arg;
  static unsigned char buf[1500];
  int s = app_udp_socket(APP_CTL_PORT);
  while (s >= 0) {
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    struct timeval tv = {.tv_sec = 1, .tv_usec = 0};
    TickType_t t0 = xTaskGetTickCount();
    int n = lwip_select(s + 1, &rd, NULL, NULL, &tv);
    app_stats.ctl_selects++;
    if (n < 0) {
      app_failed("select");
      break;
    }
    if (n == 0) {
      if (xTaskGetTickCount() - t0 < pdMS_TO_TICKS(1000))
        app_stats.ctl_empty_wakes++; /* woken with nothing to read */
      continue;
    }
    if (!app_echo_one(s, buf))
      break;
    app_stats.ctl_echoes++;
  }
  vTaskDelete(NULL);
}

static void app_data_task(void *arg)
{
  (void)arg;
  static unsigned char buf[1500];
  int s = app_udp_socket(APP_DATA_PORT);
  while (s >= 0 && app_echo_one(s, buf))
    app_stats.data_echoes++;
  vTaskDelete(NULL);
}

static void app_log_task(void *arg)
{
  (void)arg;
  for (;;) {
    vTaskDelay(1);
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, 200, PBUF_RAM);
    if (!p) {
      app_stats.log_failures++;
      continue;
    }
    memset(p->payload, (int)(app_stats.log_buffers & 0xff), 200);
    pbuf_free(p);
    app_stats.log_buffers++;
  }
}

void app_link_changed(struct netif *netif)
{
  if (netif_is_link_up(netif))
    app_stats.link_ups++;
  else
    app_stats.link_downs++;
}

void app_start(void)
{
  memset(&app_stats, 0, sizeof app_stats);
  xTaskCreate(app_ctl_task, "app_ctl", 1024, NULL, 4, NULL);
  xTaskCreate(app_data_task, "app_data", 1024, NULL, 3, NULL);
  xTaskCreate(app_log_task, "app_log", 512, NULL, 2, NULL);
}

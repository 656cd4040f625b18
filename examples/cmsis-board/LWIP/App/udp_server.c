/*
 * udp_server.c - the cmsis-board's socket application: "UdpRx" receives
 * requests on UDP port 5000 and queues each for "UdpWorker" through an
 * osMessageQueue of UDP_SERVER_QUEUE_LEN; the worker takes a tick to
 * process one and answers from its own socket.
 */
#include <string.h>

#include "lwip/sockets.h"

#include "cmsis_os2.h"

#include "udp_server.h"

typedef struct {
  struct sockaddr_in from;
  uint16_t len;
  uint8_t data[64];
} udp_request_t;

uint32_t udp_server_put_timeout = osWaitForever;
udp_server_stats_t udp_server_stats;
static osMessageQueueId_t req_q;

static void failed(const char *call)
{
  if (!udp_server_stats.failed)
    udp_server_stats.failed = call;
}

static void UdpRxTask(void *argument)
{
  (void)argument;
  int s = lwip_socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = lwip_htons(UDP_SERVER_PORT);
  if (s < 0 || lwip_bind(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
    failed("socket/bind");
    osThreadExit();
  }
  for (;;) {
    udp_request_t req;
    socklen_t flen = sizeof req.from;
    ssize_t n = lwip_recvfrom(s, req.data, sizeof req.data, 0,
                              (struct sockaddr *)&req.from, &flen);
    if (n < 0) {
      failed("recvfrom");
      break;
    }
    req.len = (uint16_t)n;
    udp_server_stats.requests++;
    osStatus_t st = osMessageQueuePut(req_q, &req, 0, udp_server_put_timeout);
    if (st != osOK && udp_server_stats.queue_errors++ == 0) {
      udp_server_stats.first_error = st;
      udp_server_stats.first_error_req = udp_server_stats.requests;
      udp_server_stats.first_error_tick = osKernelGetTickCount();
    }
  }
  osThreadExit();
}

static void UdpWorkerTask(void *argument)
{
  (void)argument;
  int s = lwip_socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0) {
    failed("socket");
    osThreadExit();
  }
  for (;;) {
    udp_request_t req;
    if (osMessageQueueGet(req_q, &req, NULL, osWaitForever) != osOK)
      continue;
    osDelay(1); /* the work */
    if (lwip_sendto(s, req.data, req.len, 0, (struct sockaddr *)&req.from,
                    sizeof req.from) == (ssize_t)req.len)
      udp_server_stats.answered++;
  }
}

void udp_server_start(void)
{
  memset(&udp_server_stats, 0, sizeof udp_server_stats);
  req_q = osMessageQueueNew(UDP_SERVER_QUEUE_LEN, sizeof(udp_request_t),
                            NULL);
  const osThreadAttr_t rx = {.name = "UdpRx", .stack_size = 1024 * 4,
                             .priority = osPriorityAboveNormal};
  const osThreadAttr_t wk = {.name = "UdpWorker", .stack_size = 1024 * 4,
                             .priority = osPriorityNormal};
  osThreadNew(UdpRxTask, NULL, &rx);
  osThreadNew(UdpWorkerTask, NULL, &wk);
}

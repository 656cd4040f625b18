/*
 * echo_task.c - the production-test echo: the test station sends UDP
 * datagrams to port 7; each is written to the test log in SPI flash
 * (TEST_LOG_WRITE_MS) and sent back unchanged.
 */
#include <string.h>

#include "lwip/sockets.h"
#include "lwip/sys.h"

#include "app.h"

static unsigned char echo_buf[1472];

static void test_log_write(const void *rec, int len)
{
  (void)rec, (void)len;
  sys_msleep(TEST_LOG_WRITE_MS); /* page program + wait for ready */
}

static void test_echo_task(void *arg)
{
  (void)arg;
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(TEST_ECHO_PORT);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) < 0)
    return;
  for (;;) {
    struct sockaddr_in from;
    socklen_t fromlen = sizeof from;
    int n = recvfrom(s, echo_buf, sizeof echo_buf, 0,
                     (struct sockaddr *)&from, &fromlen);
    if (n <= 0)
      continue;
    test_log_write(echo_buf, n);
    sendto(s, echo_buf, (size_t)n, 0, (struct sockaddr *)&from, fromlen);
  }
}

void test_echo_start(void)
{
  sys_thread_new("test_echo", test_echo_task, NULL, 1024, TEST_ECHO_PRIO);
}

#ifndef CMB_UDP_SERVER_H
#define CMB_UDP_SERVER_H
#include <stdint.h>

#define UDP_SERVER_PORT 5000
#define UDP_SERVER_QUEUE_LEN 4

/* How long the receive thread may wait to queue a request for the worker
 * (osMessageQueuePut's timeout). */
extern uint32_t udp_server_put_timeout;

typedef struct {
  unsigned long requests, answered, queue_errors;
  int first_error;              /* osStatus_t of the first failed put */
  unsigned long first_error_req; /* which request (1-based) */
  uint32_t first_error_tick;
  const char *failed;           /* a socket call that failed */
} udp_server_stats_t;
extern udp_server_stats_t udp_server_stats;

void udp_server_start(void);
#endif

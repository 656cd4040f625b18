/* app.h - GW-3 gateway application: the control link to the plant
 * controller (UDP port 5000, "REQ nnnn" answered by "ACK nnnn"). */
#ifndef GW_APP_H
#define GW_APP_H

#include <stdint.h>

#define CTRL_PORT          5000
#define CTRL_SILENCE_MS    3000 /* controller silent this long: re-open */
#define CTRL_RX_TIMEOUT_MS 250  /* ctrl_rx's receive timeout */
#define CTRL_SUP_PERIOD_MS 500

/* Task priorities (FreeRTOS numbers: higher runs first). */
#define CTRL_RX_PRIO  4
#define CTRL_SUP_PRIO 3

/* Factory configuration (from flash). */
struct gw_config {
  /* 0: fw 3.2 behaviour, the supervisor re-opens the control socket
   * itself; 1: fw 3.3, it asks ctrl_rx, the socket's owner, to do it. */
  uint8_t ctrl_reopen_by_owner;
};
extern struct gw_config gw_config;

struct ctrl_counters {
  uint32_t requests, acks, rx_errors, silences, reopens;
};
extern struct ctrl_counters ctrl_counters;
/* The control socket (-1 while there is none). */
extern volatile int ctrl_sock;

void ctrl_link_start(void);
void app_net_start(void);

#endif

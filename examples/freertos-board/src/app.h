#ifndef FRB_APP_H
#define FRB_APP_H

#define APP_CTL_PORT 7      /* control: select() loop, echo */
#define APP_DATA_PORT 9000  /* data: echo */

/* What the application tasks did (read by the board's scenarios). */
typedef struct {
  unsigned long ctl_echoes, ctl_selects, ctl_empty_wakes;
  unsigned long data_echoes, send_failures;
  unsigned long log_buffers, log_failures;
  unsigned long link_ups, link_downs; /* lwIP's netif link callbacks */
  const char *failed; /* the first call that failed */
} app_stats_t;
extern app_stats_t app_stats;

/* Creates the application tasks (from the init task). */
void app_start(void);
/* The netif's link callback (tcpip_thread): counts the changes. */
struct netif;
void app_link_changed(struct netif *netif);
#endif

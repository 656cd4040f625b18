/* The tiny board's main after hardware init. */
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"

#include "ethernetif.h"

static struct netif gnetif;

static void tcpip_ready(void *arg)
{
  (void)arg;
  ip4_addr_t ip, mask, gw;
  IP4_ADDR(&ip, 192, 0, 2, 1);
  IP4_ADDR(&mask, 255, 255, 255, 0);
  IP4_ADDR(&gw, 192, 0, 2, 254);
  netif_add(&gnetif, &ip, &mask, &gw, NULL, ethernetif_init, tcpip_input);
  netif_set_default(&gnetif);
  netif_set_up(&gnetif);
  netif_set_link_up(&gnetif);
}

void tiny_board_main(void)
{
  tcpip_init(tcpip_ready, NULL);
}

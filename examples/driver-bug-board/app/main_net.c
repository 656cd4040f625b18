/* main_net.c - the network part of main(), after HAL and clock init. */
#include "lwip/netif.h"
#include "lwip/tcpip.h"

#include "app.h"
#include "ethernetif.h"

static struct netif eth0;

void main_net_init(void)
{
  ip4_addr_t ip, mask, gw;
  IP4_ADDR(&ip, 192, 0, 2, 1);
  IP4_ADDR(&mask, 255, 255, 255, 0);
  IP4_ADDR(&gw, 192, 0, 2, 254);
  tcpip_init(NULL, NULL);
  LOCK_TCPIP_CORE();
  netif_add(&eth0, &ip, &mask, &gw, NULL, ethernetif_init, tcpip_input);
  netif_set_default(&eth0);
  netif_set_up(&eth0);
  if (ethernetif_link_up())
    netif_set_link_up(&eth0);
  UNLOCK_TCPIP_CORE();
  test_echo_start();
}

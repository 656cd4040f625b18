/*
 * app_main.c - what main() does after the HAL and clock init: lwIP
 * (MX_LWIP_Init) and the application tasks.
 */
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"

#include "app.h"
#include "ethernetif.h"

static struct netif gnetif;

static void MX_LWIP_Init(void)
{
  ip4_addr_t ipaddr, netmask, gw;
  IP4_ADDR(&ipaddr, 192, 0, 2, 1);
  IP4_ADDR(&netmask, 255, 255, 255, 0);
  IP4_ADDR(&gw, 192, 0, 2, 254);

  tcpip_init(NULL, NULL);
  LOCK_TCPIP_CORE();
  netif_add(&gnetif, &ipaddr, &netmask, &gw, NULL, &ethernetif_init,
            &tcpip_input);
  netif_set_default(&gnetif);
  netif_set_up(&gnetif);
  if (ethernetif_link_up())
    netif_set_link_up(&gnetif);
  UNLOCK_TCPIP_CORE();
}

void app_net_start(void)
{
  MX_LWIP_Init();
  ctrl_link_start();
}

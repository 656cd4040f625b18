/*
 * main.c - the web panel's firmware after clock and pin set-up: lwIP
 * without an RTOS, its httpd, and the super-loop.
 *
 * The loop polls the Ethernet driver, runs lwIP's timers, and sleeps in
 * WFI until the next interrupt; interrupts are disabled around the last
 * check so that a frame arriving between the check and WFI still wakes
 * it.  The SysTick that keeps sys_now() is the board support's.
 */
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "lwip/apps/httpd.h"
#include "netif/ethernet.h"

#include "ethernetif.h"

static struct netif gnetif;

void board_main(void)
{
  ip4_addr_t ip, mask, gw;

  lwip_init();
  IP4_ADDR(&ip, 192, 0, 2, 1);
  IP4_ADDR(&mask, 255, 255, 255, 0);
  IP4_ADDR(&gw, 192, 0, 2, 254);
  netif_add(&gnetif, &ip, &mask, &gw, NULL, ethernetif_init, ethernet_input);
  netif_set_default(&gnetif);
  httpd_init();
  netif_set_up(&gnetif);

  for (;;) {
    ethernetif_poll(&gnetif);
    sys_check_timeouts();
    __disable_irq();
    if (!ethernetif_pending())
      __WFI();
    __enable_irq();
  }
}

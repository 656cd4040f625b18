/*
 * main.c - the cmsis-board's main after hardware init, as generated:
 * osKernelInitialize, the default task (lwIP and the application),
 * osKernelStart (which returns to lwipsim).
 */
#include "lwip/netifapi.h"
#include "lwip/tcpip.h"

#include "cmsis_os2.h"

#include "ethernetif.h"
#include "udp_server.h"

static struct netif gnetif;

static void StartDefaultTask(void *argument)
{
  (void)argument;
  tcpip_init(NULL, NULL);
  osDelay(1); /* tcpip_thread runs first (higher priority) */
  ip4_addr_t ip, mask, gw;
  IP4_ADDR(&ip, 192, 0, 2, 1);
  IP4_ADDR(&mask, 255, 255, 255, 0);
  IP4_ADDR(&gw, 192, 0, 2, 254);
  netifapi_netif_add(&gnetif, &ip, &mask, &gw, NULL, ethernetif_init,
                     tcpip_input);
  netifapi_netif_set_default(&gnetif);
  netifapi_netif_set_up(&gnetif);
  udp_server_start();
  osThreadExit();
}

void board_main(void)
{
  osKernelInitialize();
  const osThreadAttr_t attr = {.name = "defaultTask", .stack_size = 4096,
                               .priority = osPriorityNormal};
  osThreadNew(StartDefaultTask, NULL, &attr);
  osKernelStart();
}

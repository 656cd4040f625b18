/*
 * main.c - the freertos-board's main after hardware init: one init task
 * brings lwIP up (tcpip_init, the netif with the board's driver, the
 * application's link callback) and starts the application; then the
 * scheduler starts.
 */
#include "lwip/netif.h"
#include "lwip/netifapi.h"
#include "lwip/tcpip.h"

#include "FreeRTOS.h"
#include "semphr.h"
#include "task.h"

#include "app.h"
#include "ethernetif.h"

static struct netif gnetif;

static void tcpip_ready(void *arg)
{
  xSemaphoreGive((SemaphoreHandle_t)arg);
}

/* In tcpip_thread: netif_set_link_callback wants lwIP's core. */
static void install_link_callback(void *arg)
{
  netif_set_link_callback((struct netif *)arg, app_link_changed);
}

static void init_task(void *arg)
{
  (void)arg;
  SemaphoreHandle_t ready = xSemaphoreCreateBinary();
  tcpip_init(tcpip_ready, ready);
  xSemaphoreTake(ready, portMAX_DELAY);
  vSemaphoreDelete(ready);
  ip4_addr_t ip, mask, gw;
  IP4_ADDR(&ip, 192, 0, 2, 1);
  IP4_ADDR(&mask, 255, 255, 255, 0);
  IP4_ADDR(&gw, 192, 0, 2, 254);
  netifapi_netif_add(&gnetif, &ip, &mask, &gw, NULL, ethernetif_init,
                     tcpip_input);
  tcpip_callback(install_link_callback, &gnetif);
  netifapi_netif_set_default(&gnetif);
  netifapi_netif_set_up(&gnetif);
  app_start();
  vTaskDelete(NULL);
}

void board_main(void)
{
  xTaskCreate(init_task, "init", 1024, NULL, 5, NULL);
  vTaskStartScheduler(); /* returns to lwipsim */
}

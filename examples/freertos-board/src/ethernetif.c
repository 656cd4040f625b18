/*
 * ethernetif.c - the freertos-board's Ethernet driver on the MAC device.
 *
 * RX: the RX interrupt gives a binary semaphore; the task "eth_rx" copies
 * each frame into a PBUF_POOL pbuf and hands it to tcpip_input.  TX is
 * zero-copy: low_level_output puts the pbuf's segments on a TX descriptor
 * and keeps a reference until the TX-complete interrupt sees the
 * descriptor back and releases it - with pbuf_free in the ISR, or with
 * pbuf_free_callback (ethernetif_tx_free_in_isr).  A frame the MAC drops
 * (cable out) comes back with the TX-error bit: released the same way.
 *
 * Link: the PHY's interrupt gives a binary semaphore; the task "eth_link"
 * reads the PHY's link bit and tells lwIP (netifapi_netif_set_link_up /
 * _down) when it differs from what lwIP was last told.  It reads the PHY
 * once at start, so the netif's link follows the cable from the first.
 */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/netifapi.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "macdev.h"

#include "FreeRTOS.h"
#include "semphr.h"
#include "task.h"

#include "ethernetif.h"

#define RX_DESCS 4
#define TX_DESCS 4
#define BUF_SIZE 1536
#define ETH_RX_TASK_PRIO 5
#define ETH_LINK_TASK_PRIO 4
#define ETH_IRQ_PRIO 2

int ethernetif_tx_free_in_isr;
unsigned long ethernetif_tx_frames, ethernetif_tx_released;
unsigned long ethernetif_tx_isr_in_heap, ethernetif_tx_free_fallbacks;
unsigned long ethernetif_link_downs, ethernetif_link_ups;

static macdev *eth;
static struct netif *eth_netif;
static SemaphoreHandle_t rx_sem, link_sem;
static unsigned rx_next, tx_head, tx_tail;
static unsigned char rx_buf[RX_DESCS][BUF_SIZE];
static struct pbuf *tx_pbuf[TX_DESCS];

static void give_rx(unsigned i)
{
  macdev_seg s = {rx_buf[i], BUF_SIZE};
  macdev_rx_give(eth, i, &s, 1);
}

static void eth_rx_isr(void *arg)
{
  (void)arg;
  BaseType_t woken = pdFALSE;
  uint32_t st = macdev_irq_status(eth);
  macdev_irq_clear(eth, st & (MACDEV_IRQ_RX | MACDEV_IRQ_RXERR));
  if (st & MACDEV_IRQ_RX)
    xSemaphoreGiveFromISR(rx_sem, &woken);
  portYIELD_FROM_ISR(woken);
}

/* TX complete (or error): every descriptor the DMA gave back releases
 * its frame. */
static void eth_tx_isr(void *arg)
{
  (void)arg;
  macdev_irq_clear(eth, MACDEV_IRQ_TX | MACDEV_IRQ_TXERR);
  /* Debug counter: the only vTaskSuspendAll section of this firmware is
   * the heap's, so a task was inside pvPortMalloc or vPortFree. */
  if (xTaskGetSchedulerState() == taskSCHEDULER_SUSPENDED)
    ethernetif_tx_isr_in_heap++;
  while (tx_tail != tx_head && !macdev_tx_owned(eth, tx_tail % TX_DESCS)) {
    struct pbuf *p = tx_pbuf[tx_tail % TX_DESCS];
    tx_pbuf[tx_tail % TX_DESCS] = NULL;
    tx_tail++;
    if (ethernetif_tx_free_in_isr)
      pbuf_free(p);
    else if (pbuf_free_callback(p) != ERR_OK) {
      ethernetif_tx_free_fallbacks++;
      pbuf_free(p); /* tcpip's mailbox full: the old way */
    }
    ethernetif_tx_released++;
  }
}

/* The PHY's interrupt pin. */
static void eth_phy_isr(void *arg)
{
  (void)arg;
  BaseType_t woken = pdFALSE;
  macdev_irq_clear(eth, MACDEV_IRQ_LINK);
  xSemaphoreGiveFromISR(link_sem, &woken);
  portYIELD_FROM_ISR(woken);
}

static void eth_link_task(void *arg)
{
  (void)arg;
  int told = -1; /* what lwIP was last told: unknown */
  for (;;) {
    int up = macdev_link_up(eth);
    if (up != told) {
      if (up) {
        netifapi_netif_set_link_up(eth_netif);
        ethernetif_link_ups++;
      } else {
        netifapi_netif_set_link_down(eth_netif);
        ethernetif_link_downs++;
      }
      told = up;
    }
    xSemaphoreTake(link_sem, portMAX_DELAY);
  }
}

static void eth_rx_task(void *arg)
{
  (void)arg;
  for (;;) {
    xSemaphoreTake(rx_sem, portMAX_DELAY);
    int len;
    while ((len = macdev_rx_take(eth, rx_next)) > 0) {
      struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
      if (p)
        pbuf_take(p, rx_buf[rx_next], (u16_t)len);
      give_rx(rx_next);
      rx_next = (rx_next + 1) % RX_DESCS;
      if (p && eth_netif->input(p, eth_netif) != ERR_OK)
        pbuf_free(p);
    }
  }
}

static err_t low_level_output(struct netif *netif, struct pbuf *p)
{
  (void)netif;
  macdev_seg segs[MACDEV_MAX_SEGS];
  unsigned n = 0;
  SYS_ARCH_DECL_PROTECT(lev);
  if (pbuf_clen(p) > MACDEV_MAX_SEGS)
    return ERR_IF;
  SYS_ARCH_PROTECT(lev);
  if (tx_head - tx_tail == TX_DESCS) {
    SYS_ARCH_UNPROTECT(lev);
    return ERR_MEM; /* ring full */
  }
  unsigned i = tx_head % TX_DESCS;
  for (struct pbuf *q = p; q; q = q->next) {
    segs[n].buf = q->payload;
    segs[n].len = q->len;
    n++;
  }
  pbuf_ref(p);
  tx_pbuf[i] = p;
  tx_head++;
  ethernetif_tx_frames++;
  macdev_tx_submit(eth, i, segs, n);
  SYS_ARCH_UNPROTECT(lev);
  return ERR_OK;
}

err_t ethernetif_init(struct netif *netif)
{
  eth = macdev_board();
  eth_netif = netif;
  netif->name[0] = 'e';
  netif->name[1] = 'n';
  netif->output = etharp_output;
  netif->linkoutput = low_level_output;
  netif->mtu = 1500;
  netif->hwaddr_len = ETH_HWADDR_LEN;
  macdev_get_mac(eth, netif->hwaddr);
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                 NETIF_FLAG_ETHERNET; /* the link: eth_link_task */
  rx_sem = xSemaphoreCreateBinary();
  link_sem = xSemaphoreCreateBinary();
  for (unsigned i = 0; i < RX_DESCS; i++)
    give_rx(i);
  macdev_irq_attach(eth, MACDEV_LINE_RX, "eth_rx", ETH_IRQ_PRIO, eth_rx_isr,
                    NULL);
  macdev_irq_attach(eth, MACDEV_LINE_TX, "eth_tx", ETH_IRQ_PRIO, eth_tx_isr,
                    NULL);
  macdev_irq_attach(eth, MACDEV_LINE_PHY, "eth_phy", ETH_IRQ_PRIO - 1,
                    eth_phy_isr, NULL);
  macdev_irq_enable(eth, MACDEV_IRQ_RX | MACDEV_IRQ_TX | MACDEV_IRQ_TXERR |
                    MACDEV_IRQ_LINK);
  xTaskCreate(eth_rx_task, "eth_rx", 512, NULL, ETH_RX_TASK_PRIO, NULL);
  xTaskCreate(eth_link_task, "eth_link", 512, NULL, ETH_LINK_TASK_PRIO,
              NULL);
  return ERR_OK;
}

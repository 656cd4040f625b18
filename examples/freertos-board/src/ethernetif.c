/*
 * ethernetif.c - the freertos-board's Ethernet driver on the MAC device.
 *
 * RX: the RX interrupt gives a binary semaphore; the task "eth_rx" copies
 * each frame into a PBUF_POOL pbuf and hands it to tcpip_input.  TX is
 * zero-copy: low_level_output puts the pbuf's segments on a TX descriptor
 * and keeps a reference until the TX-complete interrupt sees the
 * descriptor back and releases it - with pbuf_free in the ISR, or with
 * pbuf_free_callback (ethernetif_tx_free_in_isr).
 */
#include <string.h>

#include "lwip/etharp.h"
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
#define ETH_IRQ_PRIO 2

int ethernetif_tx_free_in_isr;
unsigned long ethernetif_tx_frames, ethernetif_tx_released;

static macdev *eth;
static struct netif *eth_netif;
static SemaphoreHandle_t rx_sem;
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

/* TX complete: every descriptor the DMA gave back releases its frame. */
static void eth_tx_isr(void *arg)
{
  (void)arg;
  macdev_irq_clear(eth, MACDEV_IRQ_TX | MACDEV_IRQ_TXERR);
  while (tx_tail != tx_head && !macdev_tx_owned(eth, tx_tail % TX_DESCS)) {
    struct pbuf *p = tx_pbuf[tx_tail % TX_DESCS];
    tx_pbuf[tx_tail % TX_DESCS] = NULL;
    tx_tail++;
    if (ethernetif_tx_free_in_isr)
      pbuf_free(p);
    else if (pbuf_free_callback(p) != ERR_OK)
      pbuf_free(p); /* tcpip's mailbox full: the old way */
    ethernetif_tx_released++;
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
                 NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
  rx_sem = xSemaphoreCreateBinary();
  for (unsigned i = 0; i < RX_DESCS; i++)
    give_rx(i);
  macdev_irq_attach(eth, MACDEV_LINE_RX, "eth_rx", ETH_IRQ_PRIO, eth_rx_isr,
                    NULL);
  macdev_irq_attach(eth, MACDEV_LINE_TX, "eth_tx", ETH_IRQ_PRIO, eth_tx_isr,
                    NULL);
  macdev_irq_enable(eth, MACDEV_IRQ_RX | MACDEV_IRQ_TX);
  xTaskCreate(eth_rx_task, "eth_rx", 512, NULL, ETH_RX_TASK_PRIO, NULL);
  return ERR_OK;
}

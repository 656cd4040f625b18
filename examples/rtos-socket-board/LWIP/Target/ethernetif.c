/*
 * ethernetif.c - lwIP glue for the GW-3's EMAC.
 *
 * RX: 4 DMA descriptors with static 1536-byte buffers.  The RX interrupt
 * signals the EthIf task, which copies each received frame into a
 * PBUF_POOL chain, gives the descriptor back to the DMA and hands the
 * chain to tcpip_input.  TX: 4 descriptors with static buffers; a frame
 * is copied into the next free one (ERR_MEM while the DMA still owns it).
 */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "macdev.h" /* the EMAC's register interface */

#include "ethernetif.h"

#define ETH_RXBUFNB 4
#define ETH_TXBUFNB 4
#define ETH_BUF_SIZE 1536
#define INTERFACE_THREAD_STACK_SIZE 512
#define INTERFACE_THREAD_PRIO 7 /* osPriorityRealtime */
#define ETH_IRQ_PRIO 5

static macdev *heth;
static struct netif *eth_netif;
static sys_sem_t RxPktSemaphore;
static unsigned rx_idx, tx_idx;
static unsigned char Rx_Buff[ETH_RXBUFNB][ETH_BUF_SIZE];
static unsigned char Tx_Buff[ETH_TXBUFNB][ETH_BUF_SIZE];

static void eth_rx_release(unsigned i)
{
  macdev_seg s = {Rx_Buff[i], ETH_BUF_SIZE};
  macdev_rx_give(heth, i, &s, 1);
}

/* ETH_IRQHandler */
static void ETH_IRQHandler(void *arg)
{
  (void)arg;
  uint32_t st = macdev_irq_status(heth);
  macdev_irq_clear(heth, st);
  if (st & MACDEV_IRQ_RX)
    sys_sem_signal(&RxPktSemaphore);
}

static struct pbuf *low_level_input(void)
{
  int len = macdev_rx_take(heth, rx_idx);
  if (len <= 0)
    return NULL;
  struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
  if (p != NULL)
    pbuf_take(p, Rx_Buff[rx_idx], (u16_t)len);
  else
    LINK_STATS_INC(link.memerr);
  /* Copied: the descriptor goes back to the DMA. */
  eth_rx_release(rx_idx);
  rx_idx = (rx_idx + 1) % ETH_RXBUFNB;
  return p != NULL ? p : low_level_input();
}

static void ethernetif_input(void *arg)
{
  (void)arg;
  for (;;) {
    if (sys_arch_sem_wait(&RxPktSemaphore, 0) == SYS_ARCH_TIMEOUT)
      continue;
    struct pbuf *p;
    while ((p = low_level_input()) != NULL) {
      LINK_STATS_INC(link.recv);
      if (eth_netif->input(p, eth_netif) != ERR_OK)
        pbuf_free(p);
    }
  }
}

static err_t low_level_output(struct netif *netif, struct pbuf *p)
{
  (void)netif;
  if (macdev_tx_owned(heth, tx_idx)) {
    LINK_STATS_INC(link.drop);
    return ERR_MEM;
  }
  u16_t len = pbuf_copy_partial(p, Tx_Buff[tx_idx], ETH_BUF_SIZE, 0);
  macdev_seg s = {Tx_Buff[tx_idx], len};
  macdev_tx_submit(heth, tx_idx, &s, 1);
  tx_idx = (tx_idx + 1) % ETH_TXBUFNB;
  LINK_STATS_INC(link.xmit);
  return ERR_OK;
}

static void low_level_init(struct netif *netif)
{
  heth = macdev_board();
  netif->hwaddr_len = ETH_HWADDR_LEN;
  macdev_get_mac(heth, netif->hwaddr);
  netif->mtu = 1500;
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                 NETIF_FLAG_ETHERNET;
  sys_sem_new(&RxPktSemaphore, 0);
  for (unsigned i = 0; i < ETH_RXBUFNB; i++)
    eth_rx_release(i);
  macdev_irq_attach(heth, MACDEV_LINE_RX, "ETH_IRQn", ETH_IRQ_PRIO,
                    ETH_IRQHandler, NULL);
  macdev_irq_enable(heth, MACDEV_IRQ_RX);
  sys_thread_new("EthIf", ethernetif_input, NULL,
                 INTERFACE_THREAD_STACK_SIZE, INTERFACE_THREAD_PRIO);
}

err_t ethernetif_init(struct netif *netif)
{
  eth_netif = netif;
  netif->name[0] = 's';
  netif->name[1] = 't';
  netif->output = etharp_output;
  netif->linkoutput = low_level_output;
  low_level_init(netif);
  return ERR_OK;
}

int ethernetif_link_up(void)
{
  return macdev_link_up(heth);
}

/*
 * ethernetif.c - the panel's Ethernet driver, bare metal (NO_SYS=1).
 *
 * Shaped as the vendor's template: the ETH interrupt handler reads and
 * clears the DMA status and sets flags; the main loop calls
 * ethernetif_poll(), which copies each received frame out of its DMA
 * buffer into a PBUF_POOL pbuf, gives the descriptor back and hands the
 * pbuf to lwIP.  TX copies the frame into a DMA buffer of its own (the
 * descriptor is reused once the DMA has released it).  The PHY's link
 * interrupt only flags a change; the loop tells lwIP.
 */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "macdev.h"

#include "ethernetif.h"

#define ETH_RX_DESCS 8 /* at most; the MAC's rings may be shorter */
#define ETH_TX_DESCS 8
#define ETH_BUF_SIZE 1536
#define ETH_IRQ_PRIO 5

static macdev *heth;
static unsigned char rx_buf[ETH_RX_DESCS][ETH_BUF_SIZE];
static unsigned char tx_buf[ETH_TX_DESCS][ETH_BUF_SIZE];
static unsigned rx_idx, tx_idx, rx_n, tx_n;
static volatile int rx_flag, link_flag;

static void eth_rx_give(unsigned i)
{
  macdev_seg s = {rx_buf[i], ETH_BUF_SIZE};
  macdev_rx_give(heth, i, &s, 1);
}

/* ETH_IRQHandler: RX and the DMA's error bits; nothing of lwIP here. */
static void ETH_IRQHandler(void *arg)
{
  (void)arg;
  uint32_t sr = macdev_irq_status(heth) & (MACDEV_IRQ_RX | MACDEV_IRQ_RXERR);
  macdev_irq_clear(heth, sr);
  if (sr)
    rx_flag = 1;
}

/* EXTI line of the PHY's interrupt pin. */
static void PHY_IRQHandler(void *arg)
{
  (void)arg;
  macdev_irq_clear(heth, MACDEV_IRQ_LINK);
  link_flag = 1;
}

static err_t low_level_output(struct netif *netif, struct pbuf *p)
{
  (void)netif;
  if (macdev_tx_owned(heth, tx_idx)) {
    LINK_STATS_INC(link.memerr);
    return ERR_MEM; /* ring full: the DMA still sends this descriptor */
  }
  u16_t len = pbuf_copy_partial(p, tx_buf[tx_idx], ETH_BUF_SIZE, 0);
  macdev_seg s = {tx_buf[tx_idx], len};
  macdev_tx_submit(heth, tx_idx, &s, 1);
  tx_idx = (tx_idx + 1) % tx_n;
  LINK_STATS_INC(link.xmit);
  return ERR_OK;
}

int ethernetif_pending(void)
{
  return rx_flag || link_flag;
}

void ethernetif_poll(struct netif *netif)
{
  if (link_flag) {
    link_flag = 0;
    if (macdev_link_up(heth))
      netif_set_link_up(netif);
    else
      netif_set_link_down(netif);
  }
  if (!rx_flag)
    return;
  rx_flag = 0;
  int len;
  while ((len = macdev_rx_take(heth, rx_idx)) > 0) {
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (p)
      pbuf_take(p, rx_buf[rx_idx], (u16_t)len);
    else
      LINK_STATS_INC(link.memerr);
    eth_rx_give(rx_idx);
    rx_idx = (rx_idx + 1) % rx_n;
    if (p) {
      LINK_STATS_INC(link.recv);
      if (netif->input(p, netif) != ERR_OK)
        pbuf_free(p);
    }
  }
}

err_t ethernetif_init(struct netif *netif)
{
  heth = macdev_board();
  netif->name[0] = 'e';
  netif->name[1] = 'n';
  netif->output = etharp_output;
  netif->linkoutput = low_level_output;
  netif->mtu = 1500;
  netif->hwaddr_len = ETH_HWADDR_LEN;
  macdev_get_mac(heth, netif->hwaddr);
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                 NETIF_FLAG_ETHERNET;
  rx_n = macdev_rx_ring(heth) < ETH_RX_DESCS ? macdev_rx_ring(heth)
                                            : ETH_RX_DESCS;
  tx_n = macdev_tx_ring(heth) < ETH_TX_DESCS ? macdev_tx_ring(heth)
                                            : ETH_TX_DESCS;
  for (unsigned i = 0; i < rx_n; i++)
    eth_rx_give(i);
  macdev_irq_attach(heth, MACDEV_LINE_RX, "ETH_IRQ", ETH_IRQ_PRIO,
                    ETH_IRQHandler, NULL);
  macdev_irq_attach(heth, MACDEV_LINE_PHY, "PHY_EXTI", ETH_IRQ_PRIO - 1,
                    PHY_IRQHandler, NULL);
  macdev_irq_enable(heth, MACDEV_IRQ_RX | MACDEV_IRQ_RXERR |
                    MACDEV_IRQ_LINK);
  link_flag = 1; /* read the PHY's state once at start */
  return ERR_OK;
}

/*
 * ethernetif.c - the cmsis-board's generated Ethernet driver on the MAC
 * device: the RX interrupt sets a thread flag of "EthIf", which copies
 * each frame into a PBUF_POOL pbuf for tcpip_input; TX copies the frame
 * into a TX buffer and starts the DMA (no TX interrupt).
 */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "macdev.h"

#include "cmsis_os2.h"

#include "ethernetif.h"

#define RX_DESCS 4
#define TX_DESCS 4
#define ETH_RX_BUFFER_SIZE 1536
#define RX_FLAG 0x1u

static macdev *heth;
static struct netif *eth_netif;
static osThreadId_t EthIfThread;
static unsigned rx_next, tx_next;
static unsigned char Rx_Buff[RX_DESCS][ETH_RX_BUFFER_SIZE];
static unsigned char Tx_Buff[TX_DESCS][ETH_RX_BUFFER_SIZE];

static void rx_give(unsigned i)
{
  macdev_seg s = {Rx_Buff[i], ETH_RX_BUFFER_SIZE};
  macdev_rx_give(heth, i, &s, 1);
}

static void ETH_IRQHandler(void *arg)
{
  (void)arg;
  uint32_t st = macdev_irq_status(heth);
  macdev_irq_clear(heth, st);
  if (st & MACDEV_IRQ_RX)
    osThreadFlagsSet(EthIfThread, RX_FLAG);
}

static void ethernetif_input(void *argument)
{
  (void)argument;
  for (;;) {
    osThreadFlagsWait(RX_FLAG, osFlagsWaitAny, osWaitForever);
    int len;
    while ((len = macdev_rx_take(heth, rx_next)) > 0) {
      struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
      if (p)
        pbuf_take(p, Rx_Buff[rx_next], (u16_t)len);
      rx_give(rx_next);
      rx_next = (rx_next + 1) % RX_DESCS;
      if (p && eth_netif->input(p, eth_netif) != ERR_OK)
        pbuf_free(p);
    }
  }
}

static err_t low_level_output(struct netif *netif, struct pbuf *p)
{
  (void)netif;
  if (macdev_tx_owned(heth, tx_next))
    return ERR_MEM;
  u16_t len = pbuf_copy_partial(p, Tx_Buff[tx_next], ETH_RX_BUFFER_SIZE, 0);
  macdev_seg s = {Tx_Buff[tx_next], len};
  macdev_tx_submit(heth, tx_next, &s, 1);
  tx_next = (tx_next + 1) % TX_DESCS;
  return ERR_OK;
}

err_t ethernetif_init(struct netif *netif)
{
  heth = macdev_board();
  eth_netif = netif;
  netif->name[0] = 's';
  netif->name[1] = 't';
  netif->output = etharp_output;
  netif->linkoutput = low_level_output;
  netif->mtu = 1500;
  netif->hwaddr_len = ETH_HWADDR_LEN;
  macdev_get_mac(heth, netif->hwaddr);
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                 NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
  const osThreadAttr_t attributes = {
      .name = "EthIf",
      .stack_size = 512 * 4,
      .priority = (osPriority_t)osPriorityRealtime,
  };
  EthIfThread = osThreadNew(ethernetif_input, NULL, &attributes);
  for (unsigned i = 0; i < RX_DESCS; i++)
    rx_give(i);
  macdev_irq_attach(heth, MACDEV_LINE_RX, "ETH_IRQ", 5, ETH_IRQHandler, NULL);
  macdev_irq_enable(heth, MACDEV_IRQ_RX);
  return ERR_OK;
}

/* The tiny board's Ethernet driver: copies frames in and out of static
 * buffers, an RX thread woken by the RX interrupt. */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "macdev.h"

#include "ethernetif.h"

#define RX_DESCS 4
#define TX_DESCS 2
#define BUF_SIZE 1536

static macdev *eth;
static struct netif *eth_netif;
static sys_sem_t rx_sem;
static unsigned rx_next, tx_next;
static unsigned char rx_buf[RX_DESCS][BUF_SIZE];
static unsigned char tx_buf[TX_DESCS][BUF_SIZE];

static void give_rx(unsigned i)
{
  macdev_seg s = {rx_buf[i], BUF_SIZE};
  macdev_rx_give(eth, i, &s, 1);
}

static void eth_irq_handler(void *arg)
{
  (void)arg;
  uint32_t st = macdev_irq_status(eth);
  macdev_irq_clear(eth, st);
  if (st & MACDEV_IRQ_RX)
    sys_sem_signal(&rx_sem);
}

static void ethernetif_input_thread(void *arg)
{
  (void)arg;
  for (;;) {
    sys_arch_sem_wait(&rx_sem, 0);
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
  if (macdev_tx_owned(eth, tx_next))
    return ERR_MEM;
  u16_t len = pbuf_copy_partial(p, tx_buf[tx_next], BUF_SIZE, 0);
  macdev_seg s = {tx_buf[tx_next], len};
  macdev_tx_submit(eth, tx_next, &s, 1);
  tx_next = (tx_next + 1) % TX_DESCS;
  return ERR_OK;
}

err_t ethernetif_init(struct netif *netif)
{
  eth = macdev_board();
  eth_netif = netif;
  netif->name[0] = 's';
  netif->name[1] = 't';
  netif->output = etharp_output;
  netif->linkoutput = low_level_output;
  netif->mtu = 1500;
  netif->hwaddr_len = ETH_HWADDR_LEN;
  macdev_get_mac(eth, netif->hwaddr);
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                 NETIF_FLAG_ETHERNET;
  sys_sem_new(&rx_sem, 0);
  for (unsigned i = 0; i < RX_DESCS; i++)
    give_rx(i);
  macdev_irq_attach(eth, MACDEV_LINE_RX, "eth_irq", 2, eth_irq_handler,
                    NULL);
  macdev_irq_enable(eth, MACDEV_IRQ_RX);
  sys_thread_new("eth_rx", ethernetif_input_thread, NULL, 512, 5);
  return ERR_OK;
}

/*
 * ethernetif.c - IO-8 EMAC driver, zero-copy receive.
 *
 * RX: ETH_RX_DESC_CNT DMA descriptors, each given one 1536-byte buffer of
 * the RX buffer pool.  The RX interrupt wakes the EthIf task, which takes
 * each filled descriptor, wraps its buffer in a custom pbuf (no copy) and
 * hands it to tcpip_input; the pbuf's free function runs when lwIP is
 * done with the frame.
 *   rev 1 (fw 1.6, when RX went zero-copy): the descriptor is given its
 *   buffer back right away, as the copying driver before it did.
 *   rev 2: the descriptor gets a free buffer of the pool; the frame's
 *   buffer goes back to the pool in the pbuf's free function (a
 *   descriptor left without one is refilled there).
 * TX: frames are copied into static TX buffers, one per descriptor.
 */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "macdev.h" /* the EMAC's registers */

#include "ethernetif.h"

#define ETH_TX_DESC_CNT 4
#define ETH_RX_BUFFER_SIZE 1536
#define ETH_IRQ_PRIO 5
#define ETHIF_TASK_PRIO 6

typedef struct {
  struct pbuf_custom pc;
  int buf; /* index into rx_buff */
} rx_pbuf;

LWIP_MEMPOOL_DECLARE(RX_POOL, ETH_RX_BUFFER_CNT, sizeof(rx_pbuf),
                     "Zero-copy RX PBUF pool");

int ethernetif_rev = 2;
volatile int ethernetif_rx_free;

static macdev *heth;
static struct netif *eth_netif;
static sys_sem_t rx_sem;
static unsigned rx_idx, tx_idx;
static unsigned char rx_buff[ETH_RX_BUFFER_CNT][ETH_RX_BUFFER_SIZE];
static unsigned char tx_buff[ETH_TX_DESC_CNT][ETH_RX_BUFFER_SIZE];
static int desc_buf[ETH_RX_DESC_CNT];   /* buffer on each descriptor, -1 */
static int free_list[ETH_RX_BUFFER_CNT]; /* rev 2: free buffers */

static void rx_desc_give(unsigned d, int b)
{
  macdev_seg s = {rx_buff[b], ETH_RX_BUFFER_SIZE};
  desc_buf[d] = b;
  macdev_rx_give(heth, d, &s, 1);
}

/* Caller holds SYS_ARCH_PROTECT. */
static int rx_buf_get(void)
{
  return ethernetif_rx_free > 0 ? free_list[--ethernetif_rx_free] : -1;
}

/* The frame's pbuf is freed: its buffer goes back (revision 2). */
static void rx_pbuf_free(struct pbuf *p)
{
  SYS_ARCH_DECL_PROTECT(old);
  rx_pbuf *rp = (rx_pbuf *)p;
  SYS_ARCH_PROTECT(old);
  if (ethernetif_rev >= 2) {
    free_list[ethernetif_rx_free++] = rp->buf;
    for (unsigned d = 0; d < ETH_RX_DESC_CNT; d++)
      if (desc_buf[d] < 0)
        rx_desc_give(d, rx_buf_get());
  }
  SYS_ARCH_UNPROTECT(old);
  LWIP_MEMPOOL_FREE(RX_POOL, rp);
}

static void ETH_IRQHandler(void *arg)
{
  (void)arg;
  uint32_t st = macdev_irq_status(heth);
  macdev_irq_clear(heth, st);
  if (st & MACDEV_IRQ_RX)
    sys_sem_signal(&rx_sem);
}

static struct pbuf *low_level_input(void)
{
  SYS_ARCH_DECL_PROTECT(old);
  if (desc_buf[rx_idx] < 0)
    return NULL; /* the ring waits for a buffer (rev 2) */
  int len = macdev_rx_take(heth, rx_idx);
  if (len <= 0)
    return NULL;
  unsigned d = rx_idx;
  int b = desc_buf[d];
  rx_idx = (rx_idx + 1) % ETH_RX_DESC_CNT;
  rx_pbuf *rp = (rx_pbuf *)LWIP_MEMPOOL_ALLOC(RX_POOL);
  if (rp == NULL) {
    /* No pbuf: drop the frame, the buffer stays on its descriptor. */
    LINK_STATS_INC(link.memerr);
    rx_desc_give(d, b);
    return low_level_input();
  }
  rp->buf = b;
  rp->pc.custom_free_function = rx_pbuf_free;
  struct pbuf *p = pbuf_alloced_custom(PBUF_RAW, (u16_t)len, PBUF_REF,
                                       &rp->pc, rx_buff[b],
                                       ETH_RX_BUFFER_SIZE);
  if (ethernetif_rev >= 2) {
    SYS_ARCH_PROTECT(old);
    int nb = rx_buf_get();
    if (nb >= 0)
      rx_desc_give(d, nb);
    else
      desc_buf[d] = -1; /* refilled when a pbuf is freed */
    SYS_ARCH_UNPROTECT(old);
  } else {
    /* Release the descriptor to the DMA. */
    rx_desc_give(d, b);
  }
  return p;
}

static void ethernetif_input(void *arg)
{
  (void)arg;
  for (;;) {
    sys_arch_sem_wait(&rx_sem, 0);
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
  u16_t len = pbuf_copy_partial(p, tx_buff[tx_idx], ETH_RX_BUFFER_SIZE, 0);
  macdev_seg s = {tx_buff[tx_idx], len};
  macdev_tx_submit(heth, tx_idx, &s, 1);
  tx_idx = (tx_idx + 1) % ETH_TX_DESC_CNT;
  LINK_STATS_INC(link.xmit);
  return ERR_OK;
}

err_t ethernetif_init(struct netif *netif)
{
  eth_netif = netif;
  heth = macdev_board();
  netif->name[0] = 'e';
  netif->name[1] = '0';
  netif->output = etharp_output;
  netif->linkoutput = low_level_output;
  netif->mtu = 1500;
  netif->hwaddr_len = ETH_HWADDR_LEN;
  macdev_get_mac(heth, netif->hwaddr);
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                 NETIF_FLAG_ETHERNET;

  LWIP_MEMPOOL_INIT(RX_POOL);
  ethernetif_rx_free = 0;
  for (int b = ETH_RX_BUFFER_CNT - 1; b >= 0; b--)
    free_list[ethernetif_rx_free++] = b;
  for (unsigned d = 0; d < ETH_RX_DESC_CNT; d++)
    rx_desc_give(d, ethernetif_rev >= 2 ? rx_buf_get() : (int)d);
  rx_idx = tx_idx = 0;

  sys_sem_new(&rx_sem, 0);
  macdev_irq_attach(heth, MACDEV_LINE_RX, "ETH_IRQn", ETH_IRQ_PRIO,
                    ETH_IRQHandler, NULL);
  macdev_irq_enable(heth, MACDEV_IRQ_RX);
  sys_thread_new("EthIf", ethernetif_input, NULL, 512, ETHIF_TASK_PRIO);
  return ERR_OK;
}

int ethernetif_link_up(void)
{
  return macdev_link_up(heth);
}

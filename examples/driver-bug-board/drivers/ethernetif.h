/* ethernetif.h - the IO-8's EMAC driver (zero-copy RX). */
#ifndef IO8_ETHERNETIF_H
#define IO8_ETHERNETIF_H

#include "lwip/err.h"
#include "lwip/netif.h"

#define ETH_RX_DESC_CNT 4  /* RX DMA descriptors */
#define ETH_RX_BUFFER_CNT 12 /* RX buffers (revision 2: more than the ring) */

/* Driver revision: 1 as shipped in firmware 1.6 (zero-copy RX, the
 * descriptor gets its buffer back as soon as the frame is read); 2 the
 * fix (a fresh buffer from the pool; lwIP's buffer comes back when its
 * pbuf is freed).  Set before ethernetif_init. */
extern int ethernetif_rev;
/* RX buffers neither on a descriptor nor held by lwIP (revision 2). */
extern volatile int ethernetif_rx_free;

err_t ethernetif_init(struct netif *netif);
int ethernetif_link_up(void);

#endif

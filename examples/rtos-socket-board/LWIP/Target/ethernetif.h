/* ethernetif.h - the GW-3's Ethernet interface (EMAC with DMA). */
#ifndef GW_ETHERNETIF_H
#define GW_ETHERNETIF_H

#include "lwip/err.h"
#include "lwip/netif.h"

err_t ethernetif_init(struct netif *netif);
/* The PHY's link bit (basic status register). */
int ethernetif_link_up(void);

#endif

/* The panel's Ethernet driver (bare metal): the interrupt handlers only
 * set flags; the super-loop moves frames. */
#ifndef PANEL_ETHERNETIF_H
#define PANEL_ETHERNETIF_H

#include "lwip/err.h"
#include "lwip/netif.h"

err_t ethernetif_init(struct netif *netif);
/* Called from the main loop: passes every received frame up, follows the
 * link, releases sent buffers. */
void ethernetif_poll(struct netif *netif);
/* Work for ethernetif_poll (read with interrupts disabled before WFI). */
int ethernetif_pending(void);

#endif

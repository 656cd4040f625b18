#ifndef FRB_ETHERNETIF_H
#define FRB_ETHERNETIF_H
#include "lwip/err.h"
#include "lwip/netif.h"

/* How the TX-complete interrupt releases a sent frame's pbuf: pbuf_free
 * right in the ISR (1), or handed to tcpip_thread with
 * pbuf_free_callback (0, the default). */
extern int ethernetif_tx_free_in_isr;

/* Frames sent, and released by the TX-complete interrupt. */
extern unsigned long ethernetif_tx_frames, ethernetif_tx_released;

err_t ethernetif_init(struct netif *netif);
#endif

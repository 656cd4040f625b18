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
/* Debug counters: TX-complete interrupts that found a task inside the
 * RTOS heap (the scheduler suspended); releases that fell back to
 * pbuf_free in the ISR because pbuf_free_callback failed. */
extern unsigned long ethernetif_tx_isr_in_heap, ethernetif_tx_free_fallbacks;
/* Link changes eth_link_task passed on to lwIP. */
extern unsigned long ethernetif_link_downs, ethernetif_link_ups;

err_t ethernetif_init(struct netif *netif);
#endif

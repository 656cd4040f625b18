/*
 * emac.h - lwipsim's reference driver for the board's MAC device
 * (macdev.h), in the shape of a typical MCU `ethernetif.c`; an ordinary
 * client of the device, as a firmware team's own driver is:
 *
 *   wire -> RX descriptor (preloaded PBUF_POOL pbuf, DMA copy) -> RX IRQ ->
 *   semaphore -> RX task -> netif->input (tcpip_input); refill descriptor
 *
 *   low_level_output -> TX descriptor keeps a pbuf reference -> wire ->
 *   TX-complete IRQ -> pbuf_free in the ISR (the classic bug) or
 *   pbuf_free_callback (deferred to tcpip_thread)
 *
 *   PHY task: polls the cable and drives netif_set_link_up/down through
 *   tcpip_callback.
 *
 * Every dropped frame has a reason, a counter and a capture comment.
 */
#ifndef TAPIF_EMAC_H
#define TAPIF_EMAC_H

#include <stdbool.h>
#include <stdint.h>

#include "lwip/err.h"
#include "lwip/netif.h"

#include "macdev.h"
#include "wire.h"

typedef enum {
  EMAC_TXFREE_ISR,     /* pbuf_free() in the TX-complete ISR */
  EMAC_TXFREE_DEFERRED /* pbuf_free_callback(): freed by tcpip_thread */
} emac_txfree;

/* Driver configuration; emac_config_default() documents the defaults. */
typedef struct {
  unsigned rx_ring;        /* RX descriptors (default 4) */
  unsigned tx_ring;        /* TX descriptors (default 4) */
  unsigned rx_buf;         /* bytes per RX descriptor buffer (1536) */
  emac_txfree tx_free;     /* default EMAC_TXFREE_DEFERRED */
  uint8_t mac[6];          /* default 02:00:00:00:00:01 */
  uint32_t link_mbps;      /* wire speed for TX completion times (100) */
  int rx_irq_prio;         /* IRQ priorities (RX 2, TX 1) */
  int tx_irq_prio;
  int rx_task_prio;        /* RX task (default 5, below tcpip_thread) */
  int phy_task_prio;       /* PHY task (default 1) */
  unsigned phy_poll_ms;    /* PHY polling period (default 100) */
  unsigned refill_retry_ms;/* RX task retries failed refills (default 50) */
  bool cable_plugged;      /* at start (default true) */
  bool tx_irq_external;    /* the EMAC never raises its TX-complete IRQ
                              itself: a scenario does (sim_irq_pin or
                              sim_irq_raise on emac_tx_irq()), to place a
                              completion exactly; frames that have left by
                              then are released (default false) */
} emac_config;

void emac_config_default(emac_config *c);

/* Counters: every frame is counted exactly once in one of these (the
 * driver's own, and the device's drops by reason). */
typedef struct {
  uint64_t rx_frames;          /* handed to netif->input */
  uint64_t rx_drop_no_desc;    /* every descriptor full (RX task behind) */
  uint64_t rx_drop_no_pbuf;    /* descriptor without buffer: the refill
                                  found the pool empty */
  uint64_t rx_drop_queue_full; /* netif->input refused (tcpip mbox full) */
  uint64_t rx_drop_link_down;  /* cable pulled */
  uint64_t rx_drop_oversize;   /* longer than a descriptor buffer */
  uint64_t rx_drop_runt;       /* shorter than an Ethernet header */
  uint64_t tx_frames;          /* put on the wire */
  uint64_t tx_drop_link_down;
  uint64_t tx_drop_no_desc;    /* every TX descriptor still in flight */
  uint64_t tx_drop_mac;        /* on the ring, dropped by the MAC (the link
                                  went down after the driver looked): given
                                  back with TXERR, released as a sent one */
  uint64_t tx_freed_isr;       /* TX pbufs freed in the ISR */
  uint64_t tx_freed_deferred;  /* TX pbufs passed to pbuf_free_callback */
  uint64_t refill_failures;    /* pbuf_alloc(PBUF_POOL) failed on refill */
} emac_stats;

typedef struct emac emac;

/* Creates the EMAC on `wire` (attached as `name`, the board).  Call from a
 * sim thread after lwIP is up; then add the netif with emac_netif_init. */
emac *emac_new(const emac_config *c, tapif_wire *wire, const char *name);
/* netif_add() init function; netif->state must be the emac. */
err_t emac_netif_init(struct netif *netif);
/* Starts the RX and PHY tasks (after netif_add). */
void emac_start(emac *e, struct netif *netif);
/* The cable, now or at virtual time t (from any context). */
void emac_set_cable(emac *e, bool plugged);
void emac_set_cable_at(emac *e, bool plugged, uint64_t t_us);
/* The counters: the driver's own, and the device's drops as read now
 * (call again for later values of those). */
const emac_stats *emac_get_stats(emac *e);
/* The MAC device under the driver (registers, descriptors, counters). */
macdev *emac_device(const emac *e);
/* The frames the board could not take in: no free descriptor, no pool
 * buffer, or netif->input refused - the drops that load causes (a pulled
 * cable and oversize frames are counted apart). */
uint64_t emac_rx_drops(const emac_stats *s);
/* The TX-complete IRQ's number (after emac_start), for sim_irq_pin. */
int emac_tx_irq(const emac *e);
/* Attaches `note` (copied, at most 127 bytes) as a capture comment to the
 * next frame the board transmits, e.g. why lwIP sends it; NULL clears. */
void emac_note_next_tx(emac *e, const char *note);
/* Frees what the EMAC owns (after the run; not its pbufs' pool). */
void emac_free(emac *e);

#endif

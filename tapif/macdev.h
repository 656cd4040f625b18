/*
 * macdev.h - the board's Ethernet MAC as a device, the shape a typical MCU
 * MAC with DMA has (STM32 ETH, NXP ENET, TI CPSW, ...), for a driver to
 * drive: lwipsim's reference driver (emac.c) or a firmware team's own
 * ethernetif.c (docs/your-firmware.md maps the HAL calls onto these).
 *
 *   - a MAC address register;
 *   - a ring of TX descriptors: the driver fills one with buffer segments
 *     (gather) and hands it to the device (OWN = DMA); the device puts the
 *     frame on the wire, and the descriptor comes back to the driver (OWN =
 *     CPU) when the frame has left at link speed; the TX status bit is set
 *     and, when enabled, the TX interrupt line is raised then;
 *   - a ring of RX descriptors the driver gives buffer segments to
 *     (scatter); the DMA fills the descriptor at its head with the next
 *     frame, hands it back to the driver (with the length) and sets the RX
 *     status bit.  The DMA never skips a descriptor: one the driver still
 *     owns at the head drops the frame ("no free descriptor" when it still
 *     holds a frame the driver has not taken, "no buffer" when the driver
 *     took its frame but has not given a buffer back), as a real ring
 *     stalls, and sets the RX-error status bit;
 *   - an interrupt status register (RX, RX error, TX complete, TX error,
 *     link change) that the driver reads and clears (write one to clear),
 *     an enable mask, and three interrupt lines the driver attaches its
 *     handlers to (RX + RX error, TX + TX error, PHY link change);
 *   - a PHY whose link bit follows the cable (scenarios pull it);
 *   - a counter for every drop, by reason.
 *
 * The device copies bytes only: it knows nothing of pbufs or lwIP.  Every
 * call is from a sim thread or interrupt/event context; state shared with
 * the DMA (event context) changes in model sections (sim_model_lock).
 * Trace records are tagged "emac" (the board's MAC, as before the split).
 */
#ifndef TAPIF_MACDEV_H
#define TAPIF_MACDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Interrupt status bits (macdev_irq_status / macdev_irq_clear). */
#define MACDEV_IRQ_RX 0x01u     /* a frame landed in an RX descriptor */
#define MACDEV_IRQ_RXERR 0x02u  /* a frame was dropped (see counters) */
#define MACDEV_IRQ_TX 0x04u     /* a TX descriptor came back completed */
#define MACDEV_IRQ_TXERR 0x08u  /* a frame handed over was not sent */
#define MACDEV_IRQ_LINK 0x10u   /* the PHY's link bit changed */
#define MACDEV_IRQ_ALL 0x1fu

/* Interrupt lines: which status bits raise which line when enabled. */
typedef enum {
  MACDEV_LINE_RX = 0, /* MACDEV_IRQ_RX | MACDEV_IRQ_RXERR */
  MACDEV_LINE_TX,     /* MACDEV_IRQ_TX | MACDEV_IRQ_TXERR */
  MACDEV_LINE_PHY,    /* MACDEV_IRQ_LINK (the PHY's interrupt pin) */
  MACDEV_LINES
} macdev_line;

/* Segments of a descriptor's buffer: at most MACDEV_MAX_SEGS. */
#define MACDEV_MAX_SEGS 16
typedef struct {
  void *buf;
  size_t len;
} macdev_seg;

/* Errors the calls return (negative; macdev_strerror). */
enum {
  MACDEV_OK = 0,
  MACDEV_DROPPED = 1,    /* tx: handed over, not sent (counted, TXERR) */
  MACDEV_ERR_INDEX = -1, /* no such descriptor */
  MACDEV_ERR_OWNED = -2, /* the device owns that descriptor */
  MACDEV_ERR_SEGS = -3,  /* no segment, too many, or an empty one */
  MACDEV_ERR_MEM = -4
};
const char *macdev_strerror(int err);

typedef struct {
  unsigned rx_ring;   /* RX descriptors (default 4) */
  unsigned tx_ring;   /* TX descriptors (default 4) */
  uint8_t mac[6];     /* default 02:00:00:00:00:01 */
  uint32_t link_mbps; /* wire speed for TX completion times (100) */
  size_t max_frame;   /* longer received frames are dropped as oversize
                         (the MAC's giant-frame limit; default 1536) */
  bool link_up;       /* the cable at start (default true) */
} macdev_config;

void macdev_config_default(macdev_config *c);

/* Every frame the device sees is counted once: received or dropped by
 * reason, sent or dropped. */
typedef struct {
  uint64_t rx_frames;          /* written into an RX descriptor */
  uint64_t rx_drop_link_down;  /* cable pulled */
  uint64_t rx_drop_oversize;   /* longer than max_frame or the buffer */
  uint64_t rx_drop_runt;       /* shorter than an Ethernet header (14) */
  uint64_t rx_drop_no_desc;    /* head descriptor holds an untaken frame */
  uint64_t rx_drop_no_buf;     /* head descriptor taken, not given back */
  uint64_t tx_frames;          /* put on the wire */
  uint64_t tx_drop_link_down;  /* handed over while the link was down */
  uint64_t tx_drop_oversize;   /* longer than a frame can be */
} macdev_stats;

typedef struct macdev macdev;

/* Creates the device on `wire`, attached as `name` (the board's port).
 * NULL when out of memory or for a ring of 0 descriptors. */
macdev *macdev_new(const macdev_config *c, tapif_wire *wire,
                   const char *name);
void macdev_free(macdev *d);

void macdev_get_mac(const macdev *d, uint8_t mac[6]);
unsigned macdev_rx_ring(const macdev *d);
unsigned macdev_tx_ring(const macdev *d);

/* --- interrupts */
/* Attaches `fn` to a line as sim IRQ `name` with priority `prio`; returns
 * the sim IRQ number (for sim_irq_pin / sim_irq_raise), or -1. */
int macdev_irq_attach(macdev *d, macdev_line line, const char *name,
                      int prio, void (*fn)(void *arg), void *arg);
int macdev_irq_number(const macdev *d, macdev_line line); /* -1: none */
/* Which status bits raise their line (default: none). */
void macdev_irq_enable(macdev *d, uint32_t bits);
void macdev_irq_disable(macdev *d, uint32_t bits);
uint32_t macdev_irq_status(macdev *d);           /* read */
void macdev_irq_clear(macdev *d, uint32_t bits); /* write one to clear */

/* --- PHY */
bool macdev_link_up(const macdev *d);
/* The cable, now or at virtual time t (from any context). */
void macdev_set_link(macdev *d, bool up);
void macdev_set_link_at(macdev *d, bool up, uint64_t t_us);

/* --- receive */
/* Gives descriptor i the buffer `segs` and hands it to the DMA. */
int macdev_rx_give(macdev *d, unsigned i, const macdev_seg *segs,
                   unsigned nseg);
/* Takes descriptor i's frame: its length (> 0), 0 when it holds none (the
 * DMA owns it, or its frame was taken), or a negative error.  The
 * descriptor stays the driver's until given back. */
int macdev_rx_take(macdev *d, unsigned i);
/* True while the DMA owns descriptor i (given, no frame yet). */
bool macdev_rx_owned(macdev *d, unsigned i);

/* --- transmit */
/* Hands descriptor i, filled with the frame's segments, to the DMA: the
 * frame leaves after the frames handed over before it.  Short frames are
 * padded to 60 bytes, as hardware does.  MACDEV_OK: sent.  MACDEV_DROPPED:
 * handed over while the link was down, or longer than a frame can be:
 * counted, TX-error bit set, the descriptor back at once.
 * MACDEV_ERR_OWNED when the DMA still owns the descriptor. */
int macdev_tx_submit(macdev *d, unsigned i, const macdev_seg *segs,
                     unsigned nseg);
/* True while the DMA owns descriptor i (its frame has not left yet). */
bool macdev_tx_owned(macdev *d, unsigned i);

/* Attaches `note` (copied; appended to a pending one on a new line; at
 * most 255 bytes in all) as a capture comment to the next frame the device
 * transmits, e.g. why lwIP sends it; NULL clears. */
void macdev_note_next_tx(macdev *d, const char *note);

const macdev_stats *macdev_get_stats(const macdev *d);

/* The board's device, for a board project's own driver: set by the
 * board's bring-up (scn_board_up_user) before the board's entry runs;
 * NULL before. */
macdev *macdev_board(void);
void macdev_set_board(macdev *d);

#endif

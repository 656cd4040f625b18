/*
 * peers.h - scripted frame peers: small hosts on a wire, each with a MAC
 * and an IPv4 address, each running one script as a sim thread, for the
 * stateless traffic a board meets (ARP, ICMP echo, UDP, TFTP).  No TCP
 * here: TCP peers are lwIP peer nodes.
 *
 * Every peer answers ARP requests for its address, resolves the board with
 * ARP before it sends (unless told the board's MAC), and reassembles
 * fragmented IPv4 datagrams addressed to it, one at a time.  Its script
 * sends at fixed virtual times, so a run stays a pure function of its seed.
 *
 * Use from a sim thread (a scenario's main):
 *
 *   peers_ping_config pc;
 *   peers_ping_config_default(&pc, "ping", 99);   // 192.0.2.99
 *   pc.payload = 2000;
 *   peers_node *p = peers_ping_start(wire, &pc, err, sizeof err);
 *   peers_wait(p, SIM_FOREVER);
 *   const peers_ping_result *r = peers_get_ping(p);
 *
 * Results live in the node and are complete once peers_wait() returns;
 * read them only then.  peers_free() frees the node after the run (its
 * receive function may be called until the wire is gone); the semaphores
 * belong to the scheduler, which frees them at the end of the run.
 */
#ifndef TAPIF_PEERS_H
#define TAPIF_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frames.h"
#include "wire.h"

typedef struct peers_node peers_node;

/* What every peer needs; peers_common_default() documents the defaults. */
typedef struct {
  const char *name;        /* thread and wire port name (copied) */
  frames_host me;          /* the peer's MAC and IPv4 address */
  uint8_t board_ip[4];     /* whom the script talks to (192.0.2.1) */
  bool board_mac_known;    /* true: use board_mac, skip ARP */
  uint8_t board_mac[6];
  int prio;                /* of the peer's sim thread (3: below the
                              board's RX task and tcpip_thread) */
  uint64_t start_us;       /* virtual delay before the script starts (0) */
  uint64_t arp_timeout_us; /* wait per ARP request (200 ms) */
  unsigned arp_tries;      /* ARP requests before giving up (3) */
  size_t mtu;              /* IP MTU for fragmentation (1500) */
  uint32_t link_mbps;      /* the fragments of one datagram leave back to
                              back at this speed, as from a NIC (100; 0:
                              all at the same instant) */
} peers_common;

/* Host number `host` on 192.0.2.0/24: IP 192.0.2.<host>, MAC
 * 02:00:00:00:01:<host>, talking to the board at 192.0.2.1. */
void peers_common_default(peers_common *c, const char *name, uint8_t host);

/* What every peer counts. */
typedef struct {
  bool resolved;           /* the board's MAC is known */
  uint8_t board_mac[6];
  uint64_t resolve_us;     /* virtual time the first resolution took */
  unsigned arp_requests;   /* ARP requests sent */
  unsigned arp_answers;    /* ARP requests for our address answered */
  uint64_t frames_in;      /* frames for us (our MAC or broadcast) */
  uint64_t frames_out;
  uint64_t inbox_drops;    /* frames lost because the inbox was full */
  uint64_t ignored;        /* for us, but not understood or not expected */
  uint64_t reassembled;    /* datagrams put together from fragments */
  uint64_t reass_abandoned, reass_rejected, reass_duplicates;
  uint64_t start_us, end_us; /* the script's virtual start and end */
} peers_stats;

/* ------------------------------------------------------------------ */
/* ARP: resolve the board (again and again), answer for ourselves      */

typedef struct {
  peers_common c;
  unsigned resolves;       /* resolutions of the board (1) */
  uint64_t interval_us;    /* from one resolution's start to the next's
                              (100 ms) */
  uint64_t listen_us;      /* then keep answering ARP this long (0) */
} peers_arp_config;

typedef struct {
  peers_stats st;
  unsigned resolved, failed;
  uint64_t rtt_min_us, rtt_max_us; /* request to reply, resolved ones */
} peers_arp_result;

void peers_arp_config_default(peers_arp_config *c, const char *name,
                              uint8_t host);

/* ------------------------------------------------------------------ */
/* ICMP echo requester                                                 */

typedef struct {
  peers_common c;
  unsigned count;          /* echo requests (10; at most 65535) */
  size_t payload;          /* bytes each (56; fragmented above mtu - 28,
                              at most FRAMES_ECHO_MAX) */
  uint64_t interval_us;    /* start to start: the rate (100 ms) */
  uint64_t timeout_us;     /* per echo; a later reply is late (1 s) */
  uint16_t id;             /* ICMP identifier (0x5045) */
} peers_ping_config;

/* One echo request. */
typedef struct {
  uint64_t sent_us;        /* virtual time sent (0: never sent) */
  uint64_t rtt_us;         /* to the reply's last fragment, if answered */
  bool answered;           /* a reply came within the timeout */
  bool payload_ok;         /* ... of the right length, byte for byte */
  unsigned fragments;      /* frames the request took */
  unsigned reply_fragments;
} peers_echo;

typedef struct {
  peers_stats st;
  unsigned count;          /* entries in `echo` */
  unsigned sent, replies, lost, late, bad, duplicates;
  uint64_t rtt_min_us, rtt_max_us, rtt_sum_us; /* over `replies` */
  peers_echo *echo;        /* [count], owned by the node */
} peers_ping_result;

void peers_ping_config_default(peers_ping_config *c, const char *name,
                               uint8_t host);

/* ------------------------------------------------------------------ */
/* UDP sender                                                          */

/* Datagram n carries frames_echo_byte(n, i) at byte i, so a receiver can
 * check it.  Datagrams above mtu - 28 bytes go fragmented. */
typedef struct {
  peers_common c;
  uint16_t sport, dport;   /* 40000 -> 7 */
  unsigned count;          /* datagrams (10) */
  size_t size;             /* bytes each (64; at most FRAMES_UDP_MAX) */
  uint64_t interval_us;    /* start to start (10 ms) */
  uint64_t linger_us;      /* keep receiving after the last send (100 ms) */
} peers_udp_config;

typedef struct {
  peers_stats st;
  unsigned sent;
  uint64_t bytes_sent;
  unsigned received;       /* datagrams back to sport (e.g. echoes) */
  uint64_t bytes_received;
} peers_udp_result;

void peers_udp_config_default(peers_udp_config *c, const char *name,
                              uint8_t host);

/* ------------------------------------------------------------------ */
/* TFTP client (RFC 1350 read, no options)                             */

typedef struct {
  peers_common c;
  const char *file;        /* the file to read (copied; < 128 bytes) */
  const char *mode;        /* "octet" (copied; < 16 bytes) */
  uint16_t sport;          /* our transfer id (49152 + host) */
  uint16_t server_port;    /* where the RRQ goes (69) */
  uint64_t timeout_us;     /* before a retransmission (500 ms) */
  unsigned retries;        /* consecutive timeouts before giving up (5) */
  size_t max_bytes;        /* the largest file we keep (1 MiB) */
} peers_tftp_config;

typedef struct {
  peers_stats st;
  bool complete;           /* the last (short) block came */
  bool failed;             /* an ERROR came, or we gave up, or too big */
  uint16_t error_code;     /* of the server's ERROR */
  char error_msg[96];      /* its text, or why we stopped */
  uint8_t *data;           /* the file as received, owned by the node */
  size_t len;
  unsigned blocks;         /* DATA blocks accepted */
  unsigned retransmits;    /* RRQs and ACKs sent again after a timeout */
  unsigned timeouts;
  unsigned duplicates;     /* DATA blocks received again (re-ACKed) */
  unsigned foreign;        /* packets from another transfer id */
  uint16_t server_tid;     /* the server's port for the transfer */
  uint64_t duration_us;    /* RRQ to the last block */
} peers_tftp_result;

void peers_tftp_config_default(peers_tftp_config *c, const char *name,
                               uint8_t host, const char *file);
/* The transfer completed with exactly `len` bytes, byte i being
 * `byte(i)`: the file a scenario's server generated arrived whole. */
bool peers_tftp_exact(const peers_tftp_result *r, size_t len,
                      uint8_t (*byte)(size_t i));

/* ------------------------------------------------------------------ */
/* life cycle (from a sim thread)                                      */

/* Each attaches a new peer to `w` and starts its script; returns NULL
 * with a reason in `err` if the configuration makes no sense or the wire
 * is full. */
peers_node *peers_arp_start(tapif_wire *w, const peers_arp_config *c,
                            char *err, size_t errlen);
peers_node *peers_ping_start(tapif_wire *w, const peers_ping_config *c,
                             char *err, size_t errlen);
peers_node *peers_udp_start(tapif_wire *w, const peers_udp_config *c,
                            char *err, size_t errlen);
peers_node *peers_tftp_start(tapif_wire *w, const peers_tftp_config *c,
                             char *err, size_t errlen);

/* Waits (virtual µs, or SIM_FOREVER) until the script has finished;
 * returns SIM_OK, or SIM_ETIMEDOUT if it is still running. */
int peers_wait(peers_node *p, uint64_t timeout_us);
bool peers_done(const peers_node *p);
const char *peers_name(const peers_node *p);

/* The results of a peer of that kind (NULL for another kind). */
const peers_arp_result *peers_get_arp(const peers_node *p);
const peers_ping_result *peers_get_ping(const peers_node *p);
const peers_udp_result *peers_get_udp(const peers_node *p);
const peers_tftp_result *peers_get_tftp(const peers_node *p);

/* Frees the node once the run is over (e.g. from scn_at_end()). */
void peers_free(peers_node *p);

#endif

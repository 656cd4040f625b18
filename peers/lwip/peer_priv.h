/*
 * peer_priv.h - what the peer node's files share inside the peer object:
 * the node and its NIC (peer_nic.c), app slots and socket helpers
 * (peer_app.c).  Compiled with the peer's lwipopts.h; never included by
 * scenarios.  Every global is named peer_*, so that the renaming in
 * peer.mk leaves it alone and the whole object reads as one namespace.
 */
#ifndef LWIPSIM_PEER_PRIV_H
#define LWIPSIM_PEER_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "lwip/netif.h"
#include "lwip/sys.h"

#include "peer.h"
#include "sim_sync.h"

#define PEER_FRAME_MAX 1518   /* Ethernet without FCS, with a VLAN tag */
#define PEER_FRAME_MIN 60     /* a NIC pads shorter frames */
#define PEER_RX_RING_MAX 256
#define PEER_APP_MAX 8        /* apps per run */
#define PEER_APP_THREADS 16   /* threads per app (HTTP connections) */
#define PEER_BUF_MAX 16384    /* per-call buffers live on 512 KiB stacks */

/* ------------------------------------------------------------------ */
/* the node and its NIC                                                */

typedef struct {
  uint16_t len;
  uint8_t data[PEER_FRAME_MAX];
} peer_frame_slot;

struct peer_node {
  peer_node_config cfg;
  struct netif netif;
  bool claimed, started;
  /* RX ring: the wire (event context) fills at head, the RX thread
   * empties at tail; `count` is the only shared field. */
  peer_frame_slot ring[PEER_RX_RING_MAX];
  unsigned head, tail, count;
  sys_sem_t rx_sem;
  uint8_t txbuf[PEER_FRAME_MAX];
  peer_node_stats nic; /* the nic_* fields */
};

/* netif_add() init function (netif->state is the node). */
err_t peer_nic_init(struct netif *netif);
/* The RX thread: ring -> PBUF_POOL pbuf -> netif->input (tcpip_input). */
void peer_nic_rx_task(void *arg);

/* ------------------------------------------------------------------ */
/* apps                                                                */

typedef void (*peer_app_fn)(peer_app *a, unsigned index);

typedef struct {
  peer_app *app;
  unsigned index;
} peer_app_thread;

typedef struct {
  peer_echo_config cfg;
  peer_echo_result *r;
} peer_echo_ctx;

typedef struct {
  peer_http_config cfg;
  peer_http_request *r;
} peer_http_ctx;

typedef struct {
  peer_bulk_config cfg;
  peer_bulk_result *r;
} peer_bulk_ctx;

struct peer_app {
  const char *name;
  peer_app_fn fn;
  unsigned nthreads, finished;
  sim_sem *done; /* given once per finished thread */
  peer_app_thread threads[PEER_APP_THREADS];
  union {
    peer_echo_ctx echo;
    peer_http_ctx http;
    peer_bulk_ctx bulk;
  } u;
};

/* A free app slot named `name` (a static string), or NULL. */
peer_app *peer_app_new(const char *name, peer_app_fn fn);
/* Starts `n` threads "name", or "name0".. when n > 1; false if none
 * could be created (then the slot is released). */
bool peer_app_start(peer_app *a, unsigned n, int prio);

/* Records the first failure of a client: `call` and errno. */
void peer_app_failed(peer_failure *f, const char *call);
/* A TCP socket connected to ip:port with receive and send timeouts, or -1
 * (failure recorded).  *took_us: virtual time of the connect(). */
int peer_app_connect(const uint8_t ip[4], uint16_t port, uint64_t timeout_us,
                     peer_failure *f, uint64_t *took_us);
/* Sends all `len` bytes; 0, or -1 with the failure recorded. */
int peer_app_send_all(int s, const void *buf, size_t len, peer_failure *f);

#endif

/*
 * peer.h - lwIP peer nodes: a second, complete lwIP instance in the engine
 * (PC-class options, peers/lwip/lwipopts.h) with one NIC on the
 * virtual wire and client apps that run as sim threads of that instance.
 *
 * The instance is one object, build/peer/peer.o, in which every global is
 * renamed to peer_<name> (see peer.mk): its tcp_input is peer_tcp_input,
 * its lwip_stats is peer_lwip_stats, and nothing of it can bind to the
 * board's lwIP.  The functions below are named peer_* in the source, so the
 * renaming leaves them as they are; they are the only way in.
 *
 * Plain C only: scenarios include the BOARD's lwIP headers, so no lwIP type
 * or macro may appear here.  Addresses are 4 bytes in network order,
 * times are virtual microseconds, errors are the C library's errno values
 * (lwIP's sockets use them).
 *
 * Contexts.  peer_node_start() and the peer_*_start() functions are called
 * from a sim thread; peer_node_rx() is the wire's receive function and runs
 * in event context.  Frames cross between the instances as bytes only,
 * never as pbufs.  One node per process: the instance's state is static.
 */
#ifndef LWIPSIM_PEER_H
#define LWIPSIM_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* the node                                                            */

/* Puts one Ethernet frame (no FCS) on the wire; 0, or -1 if dropped.  Runs
 * in a peer thread; the scenario side supplies it (the peer object does not
 * know the wire's types). */
typedef int (*peer_send_fn)(void *ctx, const uint8_t *frame, size_t len);

typedef struct {
  uint8_t mac[6];       /* default 02:00:00:00:00:02 */
  uint8_t ip[4];        /* default 192.0.2.2 */
  int prefix;           /* default 24 */
  uint8_t gw[4];        /* default 0.0.0.0 (none) */
  peer_send_fn send;    /* required */
  void *send_ctx;
  unsigned rx_ring;     /* frames the NIC holds for its RX thread (64,
                           at most 256) */
  int rx_prio;          /* of the RX thread (5; the peer's tcpip_thread
                           has TCPIP_THREAD_PRIO 6 from its lwipopts.h) */
} peer_node_config;

typedef struct peer_node peer_node;

void peer_node_config_default(peer_node_config *c);
/* Claims the instance with configuration `c` and returns the node to
 * attach to the wire (with peer_node_rx); NULL with a one-line reason in
 * err (a second node in the process, a bad setting). */
peer_node *peer_node_new(const peer_node_config *c, char *err,
                         size_t errlen);
/* Starts the instance (tcpip_init: thread "peer_tcpip"), adds the netif,
 * up with its link, and starts the RX thread "peer_rx".  From a sim
 * thread, after the node is on the wire: it announces itself at once.
 * Returns 0, or -1 with a one-line reason in err. */
int peer_node_start(peer_node *n, char *err, size_t errlen);
/* The wire's receive function (tapif_rx_fn's shape), with the node as its
 * argument: copies the frame into the NIC's ring for the RX thread.  Frames
 * for another unicast MAC are filtered, as a NIC does.  Returns NULL (a
 * peer's notes are not part of the board's capture). */
const char *peer_node_rx(void *node, const uint8_t *frame, size_t len);

/* What the instance counted (lwIP's stats and the NIC's). */
typedef struct {
  uint64_t nic_rx, nic_tx;         /* frames in and out of the NIC */
  uint64_t nic_drop_filtered;      /* unicast for another MAC */
  uint64_t nic_drop_ring;          /* ring full (RX thread behind) */
  uint64_t nic_drop_pbuf;          /* no pool pbuf for a frame */
  uint64_t nic_drop_input;         /* tcpip_input refused (mbox full) */
  uint64_t nic_tx_fail;            /* too long, or the wire refused it */
  uint64_t tcp_xmit, tcp_recv, tcp_drop, tcp_err;
  uint64_t ip_frag_recv, ip_frag_xmit;
  uint64_t mem_used, mem_err;      /* the heap */
  uint64_t memp_err;               /* allocation failures of all pools */
} peer_node_stats;

void peer_node_get_stats(peer_node_stats *st);

/* ------------------------------------------------------------------ */
/* client apps: each runs as one or more sim threads of the instance   */

typedef struct peer_app peer_app;

/* Waits until every thread of `a` has finished (0) or `timeout_us` of
 * virtual time passed (-1).  From a sim thread. */
int peer_app_wait(peer_app *a, uint64_t timeout_us);

/* How a client call failed: the call ("connect", "send", "recv") and errno;
 * `reset` is set when the connection was reset (ECONNRESET). */
typedef struct {
  const char *call; /* NULL: no failure */
  int err;
  bool reset;
} peer_failure;

/* TCP echo client (thread "peer_echo"): connects, then `trips` times
 * sends `bytes` bytes of peer_pattern(salt + trip, i) and reads them back,
 * byte-exact. */
typedef struct {
  uint8_t server[4];
  uint16_t port;        /* default 7 */
  unsigned trips;       /* default 10 */
  size_t bytes;         /* per trip, default 1000, at most 16384 */
  uint32_t salt;
  uint64_t timeout_us;  /* per receive (SO_RCVTIMEO), default 2 s */
  uint64_t interval_us; /* pause between trips (a periodic poll), default 0 */
  int prio;             /* default 3 */
  uint64_t *trip_us;    /* if not NULL: `trips` durations, virtual */
} peer_echo_config;

typedef struct {
  unsigned done;        /* round trips completed byte-exact */
  long mismatch_trip;   /* first trip with a wrong byte, -1: none */
  size_t mismatch_at;   /* its offset */
  peer_failure fail;
  uint64_t connect_us;  /* virtual time connect() took */
  uint64_t total_us;    /* from connect() to the last trip's end */
} peer_echo_result;

void peer_echo_config_default(peer_echo_config *c);
/* NULL if the config is out of range or no app slot is left (8 per run). */
peer_app *peer_echo_start(const peer_echo_config *c, peer_echo_result *r);

/* HTTP GET client: `connections` threads "peer_http<i>" in parallel
 * (one: "peer_http"), each connects and sends `requests` GETs of `path`
 * (HTTP/1.1 with "Connection: keep-alive" when keep_alive and more
 * requests follow or linger_us is set, otherwise HTTP/1.0), after
 * `idle_us` of idleness before each request; reads the status line, the
 * headers and the body (Content-Length, or up to the close).  A
 * connection the server does not keep open is replaced by a new one for
 * the next request. */
typedef struct {
  uint8_t server[4];
  uint16_t port;        /* default 80 */
  const char *path;     /* default "/"; must outlive the app */
  unsigned connections; /* parallel, default 1, at most 16 */
  unsigned requests;    /* per connection, default 1 */
  bool keep_alive;      /* reuse the connection for the next request */
  uint64_t idle_us;     /* before each request, default 0 */
  uint64_t linger_us;   /* after the last response, keep a connection the
                           server keeps open idle this long, then close
                           (a browser's idle keep-alive connection); the
                           last request then asks for keep-alive too.
                           Default 0: close at once */
  uint64_t timeout_us;  /* per receive, default 5 s */
  int prio;             /* default 3 */
} peer_http_config;

/* One request; the result array has connections * requests entries, in
 * (connection, request) order. */
typedef struct {
  int status;           /* from the status line, 0 if none was read */
  long content_length;  /* -1 if the response had none */
  size_t header_bytes;  /* status line and headers, with the blank line */
  size_t body_bytes;
  uint32_t body_hash;   /* peer_fnv1a of the body */
  bool complete;        /* the whole body arrived (Content-Length, or a
                           clean close without one) */
  peer_failure fail;
  uint64_t start_us;    /* virtual time the request was sent */
  uint64_t duration_us; /* until the body was complete or failed */
} peer_http_request;

void peer_http_config_default(peer_http_config *c);
peer_app *peer_http_start(const peer_http_config *c, peer_http_request *r);

/* Bulk sender (thread "peer_bulk"): connects and sends `total` bytes of
 * peer_pattern(salt, i) in writes of `chunk` bytes, then shuts its side
 * down and, with `wait_close`, reads until the server closes. */
typedef struct {
  uint8_t server[4];
  uint16_t port;        /* default 9 (discard) */
  size_t total;         /* default 64 KiB */
  size_t chunk;         /* default 1460, at most 16384 */
  uint32_t salt;
  bool wait_close;      /* default true */
  uint64_t timeout_us;  /* per send and receive, default 5 s */
  int prio;             /* default 3 */
} peer_bulk_config;

typedef struct {
  size_t sent;          /* bytes the stack accepted */
  peer_failure fail;
  uint64_t connect_us;
  uint64_t duration_us; /* from connect() to the end */
} peer_bulk_result;

void peer_bulk_config_default(peer_bulk_config *c);
peer_app *peer_bulk_start(const peer_bulk_config *c, peer_bulk_result *r);

/* ------------------------------------------------------------------ */
/* data helpers shared with the scenarios' servers (no symbols)        */

#define PEER_FNV1A_INIT 0x811c9dc5u

/* FNV-1a over `n` bytes, continuing from `h`. */
static inline uint32_t peer_fnv1a(uint32_t h, const void *p, size_t n)
{
  const uint8_t *b = p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * 0x01000193u;
  return h;
}

/* Byte `i` of the test pattern `salt`: not periodic in short spans, so a
 * misplaced segment shows. */
static inline uint8_t peer_pattern(uint32_t salt, uint64_t i)
{
  uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ull ^ salt;
  return (uint8_t)(x >> 29);
}

#endif

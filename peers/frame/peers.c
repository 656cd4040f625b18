/*
 * peers.c - scripted frame peers (see peers.h).
 *
 * Contexts.  The wire calls peers_rx() in event context: it keeps only
 * frames for the peer's MAC or broadcast, copies each into the node's
 * inbox with its virtual arrival time and gives the node's semaphore; it
 * never sends and never blocks.  Everything else happens in the peer's
 * sim thread: the script sends at fixed virtual times and, while it waits,
 * peers_run_until() drains the inbox: ARP answered or learnt, IPv4 checked
 * and reassembled, then handed to the kind's handler (echo replies, UDP,
 * TFTP).  A handler that sees progress sets `woken`, so the script can
 * look before its deadline.
 *
 * Invariants.  The inbox holds in_count frames from in_head on; peers_rx()
 * writes only behind them, so the frame being handled is never
 * overwritten; the thread reads and moves in_head/in_count in model
 * sections (sim_model_lock), so free-running threads agree with events on
 * them too.  Round trips use the arrival time stamped by peers_rx(),
 * not the time the thread got to run.  Once the script ends (`finished`)
 * the peer is silent: a host that has left the wire.  Everything a peer
 * does goes into the trace as one "peer" event, so it is in the digest.
 */
#include "peers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"

#define PEERS_INBOX 32 /* frames; a 2000-byte reply is 2 */
#define PEERS_NAME 32

typedef enum { PEERS_ARP, PEERS_PING, PEERS_UDP, PEERS_TFTP } peers_kind;

typedef struct {
  uint64_t t_us;
  size_t len;
  uint8_t data[TAPIF_FRAME_MAX];
} peers_slot;

typedef struct {
  peers_arp_config cfg;
  peers_arp_result res;
} peers_arp_state;

typedef struct {
  peers_ping_config cfg;
  peers_ping_result res;
  unsigned outstanding; /* sent, not yet answered */
} peers_ping_state;

typedef struct {
  peers_udp_config cfg;
  peers_udp_result res;
  uint8_t *data; /* one datagram's payload */
  uint8_t *l4;   /* UDP header and payload, before fragmentation */
} peers_udp_state;

typedef struct {
  peers_tftp_config cfg;
  peers_tftp_result res;
  char file[128], mode[16];
  uint16_t expect;    /* the next block wanted */
  bool progress;      /* a new block came since the script looked */
  uint64_t rrq_us;
  /* the last packet sent, for retransmission */
  uint8_t last[4 + FRAMES_TFTP_BLOCK];
  size_t last_len;
  uint16_t last_port;
} peers_tftp_state;

struct peers_node {
  peers_kind kind;
  char name[PEERS_NAME];
  peers_common c;
  tapif_wire *wire;
  int port;
  sim_sem *wake; /* given per frame queued */
  sim_sem *done; /* given when the script ends */
  bool finished;
  bool woken;
  peers_stats *st; /* in the kind's result */
  frames_host board;
  uint16_t ip_id;
  bool arp_got;      /* a reply from the board since the last request */
  uint64_t arp_reply_us;
  frames_frame *frags; /* room for the largest datagram the script sends */
  int nfrags;
  frames_reass reass;
  unsigned in_head, in_count;
  peers_slot inbox[PEERS_INBOX];
  union {
    peers_arp_state arp;
    peers_ping_state ping;
    peers_udp_state udp;
    peers_tftp_state tftp;
  } u;
  uint8_t reass_buf[FRAMES_IP_MAX - FRAMES_IP_HLEN];
};

static const uint8_t peers_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* ------------------------------------------------------------------ */
/* defaults                                                            */

void peers_common_default(peers_common *c, const char *name, uint8_t host)
{
  static const uint8_t board[4] = {192, 0, 2, 1};
  memset(c, 0, sizeof *c);
  c->name = name;
  const uint8_t mac[6] = {0x02, 0, 0, 0, 0x01, host};
  const uint8_t ip[4] = {192, 0, 2, host};
  memcpy(c->me.mac, mac, 6);
  memcpy(c->me.ip, ip, 4);
  memcpy(c->board_ip, board, 4);
  c->prio = 3;
  c->arp_timeout_us = 200000;
  c->arp_tries = 3;
  c->mtu = FRAMES_MTU;
  c->link_mbps = 100;
}

/* Each kind's defaults as one initializer (what is not named is 0), then
 * the settings every peer shares. */
void peers_arp_config_default(peers_arp_config *c, const char *name,
                              uint8_t host)
{
  *c = (peers_arp_config){.resolves = 1, .interval_us = 100000};
  peers_common_default(&c->c, name, host);
}

void peers_ping_config_default(peers_ping_config *c, const char *name,
                               uint8_t host)
{
  *c = (peers_ping_config){.count = 10, .payload = 56,
                           .interval_us = 100000, .timeout_us = 1000000,
                           .id = 0x5045};
  peers_common_default(&c->c, name, host);
}

void peers_udp_config_default(peers_udp_config *c, const char *name,
                              uint8_t host)
{
  *c = (peers_udp_config){.sport = 40000, .dport = 7, .count = 10,
                          .size = 64, .interval_us = 10000,
                          .linger_us = 100000};
  peers_common_default(&c->c, name, host);
}

void peers_tftp_config_default(peers_tftp_config *c, const char *name,
                               uint8_t host, const char *file)
{
  *c = (peers_tftp_config){.file = file, .mode = "octet",
                           .sport = (uint16_t)(49152 + host),
                           .server_port = FRAMES_TFTP_PORT,
                           .timeout_us = 500000, .retries = 5,
                           .max_bytes = 1u << 20};
  peers_common_default(&c->c, name, host);
}

/* ------------------------------------------------------------------ */
/* the wire side (event context)                                       */

static const char *peers_rx(void *node, const uint8_t *f, size_t len)
{
  peers_node *n = node;
  if (n->finished || len < FRAMES_ETH_HLEN || len > TAPIF_FRAME_MAX ||
      (memcmp(f, n->c.me.mac, 6) != 0 && memcmp(f, peers_bcast, 6) != 0))
    return NULL;
  if (n->in_count == PEERS_INBOX) {
    n->st->inbox_drops++;
    return NULL;
  }
  peers_slot *s = &n->inbox[(n->in_head + n->in_count) % PEERS_INBOX];
  s->t_us = sim_clock_now_us();
  s->len = len;
  memcpy(s->data, f, len);
  n->in_count++;
  sim_sem_give(n->wake);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* sending and receiving (the peer's thread)                           */

static void peers_send(peers_node *n, const uint8_t *f, size_t len)
{
  if (len && tapif_wire_send(n->wire, n->port, f, len, NULL) == 0)
    n->st->frames_out++;
}

static void peers_idle_until(peers_node *n, uint64_t t);

/* Sends the frames of one datagram back to back, as a NIC does: each
 * starts once the one before has left at link speed (with preamble and
 * inter-frame gap, 20 bytes), so a burst does not reach the board in one
 * virtual instant.  Frames that come in meanwhile are handled. */
static void peers_send_frags(peers_node *n, int nf)
{
  uint32_t mbps = n->c.link_mbps;
  for (int k = 0; k < nf; k++) {
    if (k && mbps) {
      uint64_t bits = (uint64_t)(n->frags[k - 1].len + 20) * 8;
      peers_idle_until(n, sim_clock_now_us() + (bits + mbps - 1) / mbps);
    }
    peers_send(n, n->frags[k].data, n->frags[k].len);
  }
}

/* One unfragmented UDP datagram to the board. */
static void peers_send_udp(peers_node *n, uint16_t sport, uint16_t dport,
                           const uint8_t *data, size_t len)
{
  uint8_t f[TAPIF_FRAME_MAX];
  peers_send(n, f,
             frames_udp(f, sizeof f, &n->c.me, &n->board, sport, dport,
                        n->ip_id++, data, len));
}

static void peers_on_arp(peers_node *n, const frames_arp *a, uint64_t t)
{
  bool for_me = memcmp(a->tpa, n->c.me.ip, 4) == 0;
  if (a->op == 1 && for_me) {
    uint8_t f[FRAMES_ARP_LEN];
    peers_send(n, f, frames_arp_reply(f, &n->c.me, a));
    n->st->arp_answers++;
    sim_trace_eventf("peer", "%s: arp reply to %u.%u.%u.%u", n->name,
                     a->spa[0], a->spa[1], a->spa[2], a->spa[3]);
  }
  /* Learn the board from its replies to us and its requests for us
   * (RFC 826: the target merges the sender). */
  if (!for_me || memcmp(a->spa, n->c.board_ip, 4) != 0) {
    if (a->op != 1 || !for_me)
      n->st->ignored++;
    return;
  }
  memcpy(n->board.mac, a->sha, 6);
  memcpy(n->st->board_mac, a->sha, 6);
  n->st->resolved = true;
  if (a->op == 2) {
    n->arp_got = true;
    n->arp_reply_us = t;
    n->woken = true;
  }
}

static void peers_ping_input(peers_node *n, const frames_echo *e,
                             unsigned frags, uint64_t t);
static void peers_udp_input(peers_node *n, const frames_ipv4 *ip,
                            const frames_udp_dgram *u);
static void peers_tftp_input(peers_node *n, const frames_ipv4 *ip,
                             const frames_udp_dgram *u, uint64_t t);

static void peers_handle(peers_node *n, const peers_slot *s)
{
  n->st->frames_in++;
  frames_arp a;
  if (frames_arp_parse(s->data, s->len, &a)) {
    peers_on_arp(n, &a, s->t_us);
    return;
  }
  frames_ipv4 ip, whole;
  if (!frames_ipv4_parse(s->data, s->len, &ip) ||
      memcmp(ip.dst, n->c.me.ip, 4) != 0) {
    n->st->ignored++;
    return;
  }
  frames_reass_status rs = frames_reass_add(&n->reass, &ip, &whole);
  if (rs != FRAMES_REASS_WHOLE && rs != FRAMES_REASS_DONE)
    return; /* kept, or counted by the reassembler */
  frames_echo e;
  frames_udp_dgram u;
  if (n->kind == PEERS_PING && frames_icmp_echo_parse(&whole, &e))
    peers_ping_input(n, &e, whole.fragments, s->t_us);
  else if (n->kind == PEERS_UDP && frames_udp_parse(&whole, &u))
    peers_udp_input(n, &whole, &u);
  else if (n->kind == PEERS_TFTP && frames_udp_parse(&whole, &u))
    peers_tftp_input(n, &whole, &u, s->t_us);
  else
    n->st->ignored++;
}

static unsigned peers_inbox_count(peers_node *n)
{
  sim_model_lock(); /* peers_rx() adds from event context */
  unsigned c = n->in_count;
  sim_model_unlock();
  return c;
}

static void peers_inbox_pop(peers_node *n)
{
  sim_model_lock();
  n->in_head = (n->in_head + 1) % PEERS_INBOX;
  n->in_count--;
  sim_model_unlock();
}

/* Handles frames until virtual time `deadline` or until a handler sets
 * `woken` (then the caller looks and calls again). */
static void peers_run_until(peers_node *n, uint64_t deadline)
{
  n->woken = false;
  for (;;) {
    while (peers_inbox_count(n)) {
      peers_handle(n, &n->inbox[n->in_head]);
      peers_inbox_pop(n);
    }
    uint64_t now = sim_clock_now_us();
    if (n->woken || now >= deadline)
      return;
    sim_sem_take(n->wake,
                 deadline == SIM_FOREVER ? SIM_FOREVER : deadline - now);
  }
}

/* Handles frames until virtual time t, whatever comes. */
static void peers_idle_until(peers_node *n, uint64_t t)
{
  while (sim_clock_now_us() < t)
    peers_run_until(n, t);
}

/* One ARP resolution of the board: up to arp_tries requests.  Returns
 * true with the round trip of the request that was answered. */
static bool peers_arp_query(peers_node *n, uint64_t *rtt)
{
  uint64_t t0 = sim_clock_now_us();
  for (unsigned i = 0; i < n->c.arp_tries; i++) {
    uint8_t f[FRAMES_ARP_LEN];
    n->arp_got = false;
    uint64_t sent = sim_clock_now_us();
    peers_send(n, f, frames_arp_request(f, &n->c.me, n->c.board_ip));
    n->st->arp_requests++;
    uint64_t until = sent + n->c.arp_timeout_us;
    while (!n->arp_got && sim_clock_now_us() < until)
      peers_run_until(n, until);
    if (n->arp_got) {
      *rtt = n->arp_reply_us - sent;
      if (!n->st->resolve_us)
        n->st->resolve_us = n->arp_reply_us - t0;
      return true;
    }
  }
  sim_trace_eventf("peer", "%s: no ARP reply from the board after %u "
                   "requests", n->name, n->c.arp_tries);
  return false;
}

static bool peers_resolve(peers_node *n)
{
  uint64_t rtt;
  return n->st->resolved || peers_arp_query(n, &rtt);
}

/* ------------------------------------------------------------------ */
/* ARP peer                                                            */

static void peers_arp_script(peers_node *n)
{
  peers_arp_state *s = &n->u.arp;
  uint64_t t0 = sim_clock_now_us();
  for (unsigned i = 0; i < s->cfg.resolves; i++) {
    peers_idle_until(n, t0 + (uint64_t)i * s->cfg.interval_us);
    uint64_t rtt;
    if (!peers_arp_query(n, &rtt)) {
      s->res.failed++;
      continue;
    }
    if (!s->res.resolved || rtt < s->res.rtt_min_us)
      s->res.rtt_min_us = rtt;
    if (rtt > s->res.rtt_max_us)
      s->res.rtt_max_us = rtt;
    s->res.resolved++;
  }
  peers_idle_until(n, sim_clock_now_us() + s->cfg.listen_us);
}

/* ------------------------------------------------------------------ */
/* ICMP echo requester                                                 */

static void peers_ping_input(peers_node *n, const frames_echo *e,
                             unsigned frags, uint64_t t)
{
  peers_ping_state *s = &n->u.ping;
  peers_ping_result *r = &s->res;
  if (e->type != 0 || e->id != s->cfg.id || e->seq >= r->count ||
      r->echo[e->seq].fragments == 0) {
    n->st->ignored++;
    return;
  }
  peers_echo *x = &r->echo[e->seq];
  if (x->answered) {
    r->duplicates++;
    return;
  }
  uint64_t rtt = t - x->sent_us;
  if (rtt > s->cfg.timeout_us) {
    r->late++;
    sim_trace_eventf("peer", "%s: echo %u reply late (%llu us)", n->name,
                     e->seq, (unsigned long long)rtt);
    return;
  }
  x->answered = true;
  x->rtt_us = rtt;
  x->reply_fragments = frags;
  x->payload_ok = e->len == s->cfg.payload;
  for (size_t i = 0; x->payload_ok && i < e->len; i++)
    x->payload_ok = e->data[i] == frames_echo_byte(e->seq, i);
  r->replies++;
  if (!x->payload_ok)
    r->bad++;
  if (r->replies == 1 || rtt < r->rtt_min_us)
    r->rtt_min_us = rtt;
  if (rtt > r->rtt_max_us)
    r->rtt_max_us = rtt;
  r->rtt_sum_us += rtt;
  s->outstanding--;
  n->woken = true;
  sim_trace_eventf("peer", "%s: echo %u reply %zu bytes in %u fragment%s, "
                   "rtt %llu us%s", n->name, e->seq, e->len, frags,
                   frags == 1 ? "" : "s", (unsigned long long)rtt,
                   x->payload_ok ? "" : ", payload differs");
}

static void peers_ping_script(peers_node *n)
{
  peers_ping_state *s = &n->u.ping;
  peers_ping_result *r = &s->res;
  if (!peers_resolve(n))
    return;
  uint64_t t0 = sim_clock_now_us(), last_deadline = t0;
  for (unsigned i = 0; i < s->cfg.count; i++) {
    peers_idle_until(n, t0 + (uint64_t)i * s->cfg.interval_us);
    int nf = frames_icmp_echo_fragments(n->frags, n->nfrags, n->c.mtu,
                                        &n->c.me, &n->board, s->cfg.id,
                                        (uint16_t)i, n->ip_id++,
                                        s->cfg.payload);
    peers_echo *x = &r->echo[i];
    x->sent_us = sim_clock_now_us();
    x->fragments = (unsigned)nf;
    peers_send_frags(n, nf);
    r->sent++;
    s->outstanding++;
    last_deadline = x->sent_us + s->cfg.timeout_us;
    sim_trace_eventf("peer", "%s: echo %u request %zu bytes in %d "
                     "fragment%s", n->name, i, s->cfg.payload, nf,
                     nf == 1 ? "" : "s");
  }
  while (s->outstanding && sim_clock_now_us() < last_deadline)
    peers_run_until(n, last_deadline);
  r->lost = r->sent - r->replies;
}

/* ------------------------------------------------------------------ */
/* UDP sender                                                          */

static void peers_udp_input(peers_node *n, const frames_ipv4 *ip,
                            const frames_udp_dgram *u)
{
  peers_udp_state *s = &n->u.udp;
  if (u->dport != s->cfg.sport || memcmp(ip->src, n->c.board_ip, 4) != 0) {
    n->st->ignored++;
    return;
  }
  s->res.received++;
  s->res.bytes_received += u->len;
}

static void peers_udp_script(peers_node *n)
{
  peers_udp_state *s = &n->u.udp;
  if (!peers_resolve(n))
    return;
  uint64_t t0 = sim_clock_now_us();
  size_t l4cap = FRAMES_UDP_HLEN + s->cfg.size;
  for (unsigned i = 0; i < s->cfg.count; i++) {
    peers_idle_until(n, t0 + (uint64_t)i * s->cfg.interval_us);
    for (size_t k = 0; k < s->cfg.size; k++)
      s->data[k] = frames_echo_byte((uint16_t)i, k);
    size_t l4len = frames_udp_build(s->l4, l4cap, n->c.me.ip, n->board.ip,
                                    s->cfg.sport, s->cfg.dport, s->data,
                                    s->cfg.size);
    int nf = frames_ipv4_fragments(n->frags, n->nfrags, n->c.mtu, &n->c.me,
                                   &n->board, FRAMES_PROTO_UDP, n->ip_id++,
                                   s->l4, l4len);
    peers_send_frags(n, nf);
    s->res.sent++;
    s->res.bytes_sent += s->cfg.size;
  }
  sim_trace_eventf("peer", "%s: %u datagrams of %zu bytes sent to port %u",
                   n->name, s->res.sent, s->cfg.size, s->cfg.dport);
  peers_idle_until(n, sim_clock_now_us() + s->cfg.linger_us);
}

/* ------------------------------------------------------------------ */
/* TFTP client                                                         */

/* Sends a packet and keeps it for retransmission. */
static void peers_tftp_keep(peers_node *n, size_t len, uint16_t port)
{
  peers_tftp_state *s = &n->u.tftp;
  s->last_len = len;
  s->last_port = port;
  peers_send_udp(n, s->cfg.sport, port, s->last, len);
}

static void peers_tftp_fail(peers_node *n, uint16_t code, const char *msg)
{
  peers_tftp_result *r = &n->u.tftp.res;
  r->failed = true;
  r->error_code = code;
  snprintf(r->error_msg, sizeof r->error_msg, "%s", msg);
  n->woken = true;
  sim_trace_eventf("peer", "%s: tftp failed: %s", n->name, r->error_msg);
}

static void peers_tftp_input(peers_node *n, const frames_ipv4 *ip,
                             const frames_udp_dgram *u, uint64_t t)
{
  peers_tftp_state *s = &n->u.tftp;
  peers_tftp_result *r = &s->res;
  frames_tftp p;
  if (u->dport != s->cfg.sport || memcmp(ip->src, n->c.board_ip, 4) != 0 ||
      !frames_tftp_parse(u->data, u->len, &p) || r->failed) {
    n->st->ignored++;
    return;
  }
  if (r->server_tid && u->sport != r->server_tid) {
    /* RFC 1350: answer a stranger with an error (not an error with an
     * error) and go on with our transfer. */
    uint8_t e[64];
    r->foreign++;
    if (p.op != FRAMES_TFTP_ERROR)
      peers_send_udp(n, s->cfg.sport, u->sport, e,
                     frames_tftp_error(e, sizeof e, 5,
                                       "Unknown transfer ID"));
    return;
  }
  if (p.op == FRAMES_TFTP_ERROR) {
    char msg[96];
    snprintf(msg, sizeof msg, "error %u from the server: %.64s", p.error,
             p.msg);
    peers_tftp_fail(n, p.error, msg);
    return;
  }
  if (p.op != FRAMES_TFTP_DATA) {
    n->st->ignored++;
    return;
  }
  if (!r->server_tid) {
    if (p.block != 1) {
      n->st->ignored++;
      return;
    }
    r->server_tid = u->sport; /* the first DATA names the transfer */
  }
  if (p.block == s->expect && !r->complete) {
    if (p.len > s->cfg.max_bytes - r->len) {
      uint8_t e[64];
      peers_send_udp(n, s->cfg.sport, r->server_tid, e,
                     frames_tftp_error(e, sizeof e, 3, "File too big"));
      peers_tftp_fail(n, 3, "the file is larger than max_bytes");
      return;
    }
    memcpy(r->data + r->len, p.data, p.len);
    r->len += p.len;
    r->blocks++;
    peers_tftp_keep(n, frames_tftp_ack(s->last, sizeof s->last, p.block),
                    r->server_tid);
    s->expect++;
    s->progress = true;
    n->woken = true;
    if (p.len < FRAMES_TFTP_BLOCK) {
      r->complete = true;
      r->duration_us = t - s->rrq_us;
      sim_trace_eventf("peer", "%s: tftp %s complete: %zu bytes in %u "
                       "blocks, %u retransmissions, %llu us", n->name,
                       s->file, r->len, r->blocks, r->retransmits,
                       (unsigned long long)r->duration_us);
    }
  } else if (p.block == (uint16_t)(s->expect - 1)) {
    /* Our ACK was lost: the server sent the block again. */
    r->duplicates++;
    peers_send_udp(n, s->cfg.sport, r->server_tid, s->last, s->last_len);
  } else {
    n->st->ignored++;
  }
}

static void peers_tftp_script(peers_node *n)
{
  peers_tftp_state *s = &n->u.tftp;
  peers_tftp_result *r = &s->res;
  if (!peers_resolve(n)) {
    peers_tftp_fail(n, 0, "the board did not answer ARP");
    return;
  }
  s->expect = 1;
  s->rrq_us = sim_clock_now_us();
  peers_tftp_keep(n, frames_tftp_rrq(s->last, sizeof s->last, s->file,
                                     s->mode),
                  s->cfg.server_port);
  sim_trace_eventf("peer", "%s: tftp RRQ %s (%s)", n->name, s->file,
                   s->mode);
  unsigned tries = 0;
  while (!r->complete && !r->failed) {
    s->progress = false;
    uint64_t until = sim_clock_now_us() + s->cfg.timeout_us;
    while (!s->progress && !r->failed && sim_clock_now_us() < until)
      peers_run_until(n, until);
    if (r->complete || r->failed)
      break;
    if (s->progress) {
      tries = 0;
      continue;
    }
    r->timeouts++;
    if (tries == s->cfg.retries) {
      char msg[96];
      snprintf(msg, sizeof msg, "gave up after %u timeouts at block %u",
               tries + 1, s->expect);
      peers_tftp_fail(n, 0, msg);
      break;
    }
    tries++;
    r->retransmits++;
    sim_trace_eventf("peer", "%s: tftp timeout, %s again", n->name,
                     s->expect == 1 && !r->server_tid ? "RRQ" : "ACK");
    peers_send_udp(n, s->cfg.sport, s->last_port, s->last, s->last_len);
  }
  /* Dally (RFC 1350): if our last ACK is lost, the last block comes
   * again and is answered. */
  if (r->complete)
    peers_idle_until(n, sim_clock_now_us() + s->cfg.timeout_us);
}

/* ------------------------------------------------------------------ */
/* life cycle                                                          */

static void peers_thread(void *arg)
{
  peers_node *n = arg;
  peers_idle_until(n, sim_clock_now_us() + n->c.start_us);
  n->st->start_us = sim_clock_now_us();
  switch (n->kind) {
  case PEERS_ARP:
    peers_arp_script(n);
    break;
  case PEERS_PING:
    peers_ping_script(n);
    break;
  case PEERS_UDP:
    peers_udp_script(n);
    break;
  case PEERS_TFTP:
    peers_tftp_script(n);
    break;
  }
  n->st->end_us = sim_clock_now_us();
  n->st->reassembled = n->reass.completed;
  n->st->reass_abandoned = n->reass.abandoned;
  n->st->reass_rejected = n->reass.rejected;
  n->st->reass_duplicates = n->reass.duplicates;
  n->finished = true;
  sim_trace_eventf("peer", "%s: done", n->name);
  sim_sem_give(n->done);
}

static peers_node *peers_fail(peers_node *n, char *err, size_t errlen,
                              const char *name, const char *why)
{
  snprintf(err, errlen, "peer %s: %s", name ? name : "?", why);
  peers_free(n);
  return NULL;
}

/* Allocates a node of `kind` and checks the common settings; the largest
 * datagram the script sends has `l4_max` bytes after the IP header. */
static peers_node *peers_new(peers_kind kind, const peers_common *c,
                             size_t l4_max, char *err, size_t errlen)
{
  if (!c->name || !c->name[0] || strlen(c->name) >= PEERS_NAME) {
    snprintf(err, errlen, "peer: a name of 1 to %d characters is needed",
             PEERS_NAME - 1);
    return NULL;
  }
  peers_node *n = calloc(1, sizeof *n);
  if (!n)
    return peers_fail(n, err, errlen, c->name, "out of memory");
  n->kind = kind;
  n->c = *c;
  snprintf(n->name, sizeof n->name, "%s", c->name);
  n->c.name = n->name;
  n->nfrags = frames_fragment_count(l4_max, c->mtu);
  if (n->nfrags == 0)
    return peers_fail(n, err, errlen, c->name,
                      "the MTU must be 28..1500 and a datagram at most "
                      "65515 bytes");
  if (!c->board_mac_known && (c->arp_tries == 0 || c->arp_timeout_us == 0))
    return peers_fail(n, err, errlen, c->name,
                      "ARP needs arp_tries and arp_timeout_us");
  n->frags = calloc((size_t)n->nfrags, sizeof *n->frags);
  if (!n->frags)
    return peers_fail(n, err, errlen, c->name, "out of memory");
  memcpy(n->board.ip, c->board_ip, 4);
  n->ip_id = (uint16_t)(c->me.ip[3] << 8 | 1);
  frames_reass_init(&n->reass, n->reass_buf, sizeof n->reass_buf);
  return n;
}

/* Puts the node on the wire and starts its thread. */
static peers_node *peers_launch(peers_node *n, tapif_wire *w,
                                peers_stats *st, char *err, size_t errlen)
{
  n->st = st;
  if (n->c.board_mac_known) {
    memcpy(n->board.mac, n->c.board_mac, 6);
    memcpy(st->board_mac, n->c.board_mac, 6);
    st->resolved = true;
  }
  n->wire = w;
  n->port = tapif_wire_attach(w, n->name, peers_rx, n);
  if (n->port < 0)
    return peers_fail(n, err, errlen, n->name, "the wire is full");
  n->wake = sim_sem_new(0);
  n->done = sim_sem_new(0);
  char sem_name[PEERS_NAME + 8];
  snprintf(sem_name, sizeof sem_name, "%s rx", n->name);
  sim_sem_set_name(n->wake, sem_name);
  snprintf(sem_name, sizeof sem_name, "%s done", n->name);
  sim_sem_set_name(n->done, sem_name);
  sim_thread_create(n->name, n->c.prio, peers_thread, n);
  return n;
}

peers_node *peers_arp_start(tapif_wire *w, const peers_arp_config *c,
                            char *err, size_t errlen)
{
  peers_node *n = peers_new(PEERS_ARP, &c->c, 0, err, errlen);
  if (!n)
    return NULL;
  if (c->c.arp_tries == 0 || c->c.arp_timeout_us == 0)
    return peers_fail(n, err, errlen, c->c.name,
                      "ARP needs arp_tries and arp_timeout_us");
  n->u.arp.cfg = *c;
  n->u.arp.cfg.c.name = n->name;
  return peers_launch(n, w, &n->u.arp.res.st, err, errlen);
}

peers_node *peers_ping_start(tapif_wire *w, const peers_ping_config *c,
                             char *err, size_t errlen)
{
  if (c->payload > FRAMES_ECHO_MAX) {
    snprintf(err, errlen, "peer %s: payload above %d bytes",
             c->c.name ? c->c.name : "?", FRAMES_ECHO_MAX);
    return NULL;
  }
  peers_node *n = peers_new(PEERS_PING, &c->c,
                            FRAMES_ICMP_HLEN + c->payload, err, errlen);
  if (!n)
    return NULL;
  if (c->count > 65535 || c->timeout_us == 0)
    return peers_fail(n, err, errlen, c->c.name,
                      "count must be at most 65535 and timeout_us set");
  peers_ping_state *s = &n->u.ping;
  s->cfg = *c;
  s->cfg.c.name = n->name;
  s->res.count = c->count;
  s->res.echo = calloc(c->count ? c->count : 1, sizeof *s->res.echo);
  if (!s->res.echo)
    return peers_fail(n, err, errlen, c->c.name, "out of memory");
  return peers_launch(n, w, &s->res.st, err, errlen);
}

peers_node *peers_udp_start(tapif_wire *w, const peers_udp_config *c,
                            char *err, size_t errlen)
{
  if (c->size > FRAMES_UDP_MAX) {
    snprintf(err, errlen, "peer %s: datagrams above %d bytes",
             c->c.name ? c->c.name : "?", FRAMES_UDP_MAX);
    return NULL;
  }
  peers_node *n = peers_new(PEERS_UDP, &c->c, FRAMES_UDP_HLEN + c->size,
                            err, errlen);
  if (!n)
    return NULL;
  peers_udp_state *s = &n->u.udp;
  s->cfg = *c;
  s->cfg.c.name = n->name;
  s->data = malloc(c->size ? c->size : 1);
  s->l4 = malloc(FRAMES_UDP_HLEN + c->size);
  if (!s->data || !s->l4)
    return peers_fail(n, err, errlen, c->c.name, "out of memory");
  return peers_launch(n, w, &s->res.st, err, errlen);
}

peers_node *peers_tftp_start(tapif_wire *w, const peers_tftp_config *c,
                             char *err, size_t errlen)
{
  peers_node *n = peers_new(PEERS_TFTP, &c->c,
                            FRAMES_UDP_HLEN + 4 + FRAMES_TFTP_BLOCK, err,
                            errlen);
  if (!n)
    return NULL;
  peers_tftp_state *s = &n->u.tftp;
  if (!c->file || !c->file[0] || strlen(c->file) >= sizeof s->file ||
      !c->mode || !c->mode[0] || strlen(c->mode) >= sizeof s->mode)
    return peers_fail(n, err, errlen, c->c.name,
                      "a file name (< 128) and a mode (< 16) are needed");
  if (c->timeout_us == 0 || c->max_bytes == 0)
    return peers_fail(n, err, errlen, c->c.name,
                      "timeout_us and max_bytes must be set");
  s->cfg = *c;
  s->cfg.c.name = n->name;
  snprintf(s->file, sizeof s->file, "%s", c->file);
  snprintf(s->mode, sizeof s->mode, "%s", c->mode);
  s->cfg.file = s->file;
  s->cfg.mode = s->mode;
  s->res.data = malloc(c->max_bytes);
  if (!s->res.data)
    return peers_fail(n, err, errlen, c->c.name, "out of memory");
  return peers_launch(n, w, &s->res.st, err, errlen);
}

int peers_wait(peers_node *p, uint64_t timeout_us)
{
  if (p->finished)
    return SIM_OK;
  int rc = sim_sem_take(p->done, timeout_us);
  if (rc == SIM_OK)
    sim_sem_give(p->done); /* for any other waiter */
  return rc;
}

bool peers_done(const peers_node *p)
{
  return p->finished;
}

const char *peers_name(const peers_node *p)
{
  return p->name;
}

const peers_arp_result *peers_get_arp(const peers_node *p)
{
  return p->kind == PEERS_ARP ? &p->u.arp.res : NULL;
}

const peers_ping_result *peers_get_ping(const peers_node *p)
{
  return p->kind == PEERS_PING ? &p->u.ping.res : NULL;
}

const peers_udp_result *peers_get_udp(const peers_node *p)
{
  return p->kind == PEERS_UDP ? &p->u.udp.res : NULL;
}

const peers_tftp_result *peers_get_tftp(const peers_node *p)
{
  return p->kind == PEERS_TFTP ? &p->u.tftp.res : NULL;
}

bool peers_tftp_exact(const peers_tftp_result *r, size_t len,
                      uint8_t (*byte)(size_t i))
{
  if (!r->complete || r->len != len)
    return false;
  for (size_t i = 0; i < len; i++)
    if (r->data[i] != byte(i))
      return false;
  return true;
}

void peers_free(peers_node *p)
{
  if (!p)
    return;
  switch (p->kind) {
  case PEERS_PING:
    free(p->u.ping.res.echo);
    break;
  case PEERS_UDP:
    free(p->u.udp.data);
    free(p->u.udp.l4);
    break;
  case PEERS_TFTP:
    free(p->u.tftp.res.data);
    break;
  case PEERS_ARP:
    break;
  }
  free(p->frags);
  free(p);
}

/*
 * heap_fragmentation - "enough free memory, no block big enough".
 *
 * lwIP's heap (mem.c) is first-fit: a request takes the lowest free block
 * that holds it, and a freed block merges only with free neighbours.  When
 * allocations of mixed sizes and lifetimes interleave, long-lived blocks
 * end up scattered through the heap with short-lived gaps between them, and
 * a large request can fail while the free bytes, added up, would hold it
 * several times over.  The board (192.0.2.1) meets two kinds of traffic at
 * once for up to 30 virtual seconds:
 *
 *   udp_tx   the application thread sends a UDP datagram every millisecond
 *            to a sink (192.0.2.99, a scripted ARP peer that answers for
 *            its address and drops the rest), building each one as lwIP's
 *            raw API is used on boards: pbuf_alloc(PBUF_TRANSPORT, len,
 *            PBUF_RAM), udp_sendto() under the core lock, pbuf_free();
 *            lengths are seeded: mostly small, some medium, one in ten
 *            1000-1400 bytes.  Each pbuf lives until the EMAC has sent it.
 *   tcp_srv  an echo server on port 7 answers the echo client of an lwIP
 *            peer node (192.0.2.2) behind a slow link (2 ms each way):
 *            each received block goes back in seeded pieces of 64-600
 *            bytes, one lwip_send() each; tcp_write copies every piece into
 *            a PBUF_RAM pbuf of its own size, which stays on the heap until
 *            the peer acknowledges it (Nagle and the peer's delayed ACK
 *            keep the later pieces queued for a while).
 *
 * The port sees the heap's blocks (sys_arch_mem.h: the heap lives in the
 * port's buffer and is walked, with a layout check, right after lwIP
 * refuses an allocation), so the oracle compares each refused PBUF_RAM
 * request with the free bytes and the largest free block at that moment.
 *
 * Oracle: `reproduced` at the first pbuf_alloc(PBUF_RAM) of udp_tx that
 * fails while the free bytes in total exceed what mem_malloc() was asked
 * for and no free block holds the request (the largest free block is
 * smaller than the request rounded up to lwIP's alignment); the message
 * gives the request, the free bytes, the number of free blocks and the
 * largest.  A refusal with enough free bytes and a block large enough is
 * not fragmentation (the port's view of the heap and lwIP's disagree):
 * `fault`, and so is a refusal that an injected failure (--fail on a
 * malloc pool under mem_malloc) caused.  With MEM_USE_POOLS (variant `pools`) "free" is
 * the free elements of the malloc pools and "a block" one element.  A
 * failure with less free memory than the request is plain exhaustion: it
 * is counted, not the finding.  `not-reproduced` when the traffic runs its
 * 30 seconds without such a failure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sockets.h"
#include "lwip/tcpip.h"
#include "lwip/udp.h"

#include "peers.h"
#include "scn.h"
#include "scn_board.h"
#include "scn_lwip.h"
#include "scn_peer.h"
#include "sim_clock.h"
#include "sim_prng.h"
#include "sim_sched.h"
#include "sys_arch_mem.h"

#define HF_RUN_US 30000000ull
#define HF_UDP_INTERVAL_US 1000
#define HF_UDP_PORT 9
#define HF_SINK 99
#define HF_LATENCY_US 2000
#define HF_LINK_MBPS 10
#define HF_CONNS 3
#define HF_ECHO_BYTES 2000
#define HF_ECHO_TRIPS 100000 /* more than fit into the run */
#define HF_PIECE_MIN 64
#define HF_PIECE_MAX 600

static struct {
  scn_board board;
  scn_peer peer;
  peers_node *sink;
  peer_echo_result echo[HF_CONNS];
  sim_prng udp_rng, tcp_rng[HF_CONNS];
  sys_sem_t udp_done;
  volatile bool stop;
  /* udp_tx */
  unsigned sent, refused_exhausted;
  unsigned long biggest_sent;
  bool udp_new_failed;   /* udp_new() returned NULL: an lwIP error */
  bool found;            /* the finding: a refusal with enough free */
  unsigned found_len;    /* the datagram's length */
  sys_arch_heap_failure at;
  /* tcp_srv */
  unsigned long tcp_bytes, tcp_pieces;
  const char *tcp_fail;
  int tcp_errno;
} hf;

static void hf_free_sink(void *arg)
{
  peers_free(arg);
}

/* Mostly small, some medium, one in ten large. */
static unsigned hf_udp_len(void)
{
  uint64_t k = sim_prng_below(&hf.udp_rng, 10);
  if (k < 6)
    return 32 + (unsigned)sim_prng_below(&hf.udp_rng, 225);
  if (k < 9)
    return 257 + (unsigned)sim_prng_below(&hf.udp_rng, 444);
  return 1000 + (unsigned)sim_prng_below(&hf.udp_rng, 401);
}

static void hf_udp_thread(void *arg)
{
  (void)arg;
  ip_addr_t dst;
  IP_ADDR4(&dst, 192, 0, 2, HF_SINK);
  LOCK_TCPIP_CORE();
  struct udp_pcb *pcb = udp_new();
  UNLOCK_TCPIP_CORE();
  if (!pcb) {
    /* An error lwIP returned (UDP_PCB pool empty): the verdict says so;
     * the run ends normally, as an application would go on. */
    hf.udp_new_failed = true;
    sys_sem_signal(&hf.udp_done);
    return;
  }
  while (!hf.stop && sim_clock_now_us() < HF_RUN_US) {
    unsigned len = hf_udp_len();
    uint64_t failures = sys_arch_mem_last_heap_failure()->failures;
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    if (!p) {
      /* No scheduling point since lwIP refused it: the port's record of
       * the last refusal is this one. */
      const sys_arch_heap_failure *f = sys_arch_mem_last_heap_failure();
      if (f->failures > failures && f->walked &&
          f->at.free_total > f->request) {
        hf.found = true;
        hf.found_len = len;
        hf.at = *f;
        break;
      }
      hf.refused_exhausted++;
      sim_sleep_us(HF_UDP_INTERVAL_US);
      continue;
    }
    for (unsigned i = 0; i < len; i++)
      ((u8_t *)p->payload)[i] = (u8_t)(i * 7 + hf.sent);
    LOCK_TCPIP_CORE();
    err_t e = udp_sendto(pcb, p, &dst, HF_UDP_PORT);
    UNLOCK_TCPIP_CORE();
    pbuf_free(p);
    if (e == ERR_OK) {
      hf.sent++;
      if (len > hf.biggest_sent)
        hf.biggest_sent = len;
    }
    sim_sleep_us(HF_UDP_INTERVAL_US);
  }
  LOCK_TCPIP_CORE();
  udp_remove(pcb);
  UNLOCK_TCPIP_CORE();
  sys_sem_signal(&hf.udp_done);
}

static void hf_tcp_failed(const char *call)
{
  if (!hf.tcp_fail) {
    hf.tcp_fail = call;
    hf.tcp_errno = errno;
  }
}

/* Echoes each received block in seeded pieces, one lwip_send() each;
 * connection i on port 7 + i. */
static void hf_tcp_thread(void *arg)
{
  unsigned i = (unsigned)(uintptr_t)arg;
  sim_prng *rng = &hf.tcp_rng[i];
  int l = lwip_socket(AF_INET, SOCK_STREAM, 0);
  if (l < 0) {
    hf_tcp_failed("socket");
    return;
  }
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = lwip_htons((u16_t)(7 + i));
  a.sin_addr.s_addr = lwip_htonl(INADDR_ANY);
  int c = -1;
  if (lwip_bind(l, (struct sockaddr *)&a, sizeof a) != 0)
    hf_tcp_failed("bind");
  else if (lwip_listen(l, 1) != 0)
    hf_tcp_failed("listen");
  else if ((c = lwip_accept(l, NULL, NULL)) < 0)
    hf_tcp_failed("accept");
  static uint8_t buf[1460];
  while (c >= 0 && !hf.stop) {
    ssize_t n = lwip_recv(c, buf, sizeof buf, 0);
    if (n <= 0) {
      if (n < 0)
        hf_tcp_failed("recv");
      break;
    }
    hf.tcp_bytes += (unsigned long)n;
    for (ssize_t off = 0; off < n && !hf.stop;) {
      size_t piece = HF_PIECE_MIN +
                     (size_t)sim_prng_below(rng,
                                            HF_PIECE_MAX - HF_PIECE_MIN + 1);
      if (piece > (size_t)(n - off))
        piece = (size_t)(n - off);
      ssize_t w = lwip_send(c, buf + off, piece, 0);
      if (w <= 0) {
        hf_tcp_failed("send");
        break;
      }
      off += w;
      hf.tcp_pieces++;
    }
  }
  if (c >= 0)
    lwip_close(c);
  lwip_close(l);
}

static void hf_main(scn_run *run)
{
  memset(&hf, 0, sizeof hf);
  sim_prng_seed(&hf.udp_rng, run->seed, 61);
  for (unsigned i = 0; i < HF_CONNS; i++)
    sim_prng_seed(&hf.tcp_rng[i], run->seed, 62 + i);
  if (sys_sem_new(&hf.udp_done, 0) != ERR_OK)
    sim_sched_finish(SIM_END_FAULT, "no semaphore");
  tapif_vwire_config wc;
  tapif_vwire_config_default(&wc);
  wc.seed = run->seed;
  wc.latency_us = HF_LATENCY_US; /* the slow peer's link */
  wc.link_mbps = HF_LINK_MBPS;
  emac_config ecfg;
  emac_config_default(&ecfg);
  ecfg.link_mbps = HF_LINK_MBPS;
  scn_board_up(run, &hf.board, &ecfg, &wc);

  char err[200];
  peers_arp_config ac;
  peers_arp_config_default(&ac, "sink", HF_SINK);
  ac.resolves = 1;
  ac.listen_us = HF_RUN_US + 10000000ull;
  hf.sink = peers_arp_start(hf.board.wire, &ac, err, sizeof err);
  if (!hf.sink)
    sim_sched_finish(SIM_END_FAULT, "sink: %s", err);
  scn_at_end(run, hf_free_sink, hf.sink);

  static const char *const names[HF_CONNS] = {"tcp_srv0", "tcp_srv1",
                                               "tcp_srv2"};
  for (unsigned i = 0; i < HF_CONNS; i++)
    sys_thread_new(names[i], hf_tcp_thread, (void *)(uintptr_t)i, 0, 3);
  scn_peer_up(run, &hf.peer, &hf.board, NULL);
  for (unsigned i = 0; i < HF_CONNS; i++) {
    peer_echo_config ec;
    peer_echo_config_default(&ec);
    memcpy(ec.server, hf.board.host.ip, 4);
    ec.port = (uint16_t)(7 + i);
    ec.trips = HF_ECHO_TRIPS;
    ec.bytes = HF_ECHO_BYTES;
    ec.salt = (uint32_t)run->seed + i;
    ec.timeout_us = 5000000;
    if (!peer_echo_start(&ec, &hf.echo[i]))
      sim_sched_finish(SIM_END_FAULT, "peer: cannot start echo client %u",
                       i);
  }
  sys_thread_new("udp_tx", hf_udp_thread, NULL, 0, 3);

  sys_arch_sem_wait(&hf.udp_done, 0);
  hf.stop = true;

  sys_arch_heap_layout now;
  memset(&now, 0, sizeof now);
  if (sys_arch_mem_heap_walk(&now, err, sizeof err) != 0)
    sim_sched_finish(SIM_END_FAULT, "%s", err);
  const sys_arch_heap_failure *last = sys_arch_mem_last_heap_failure();
  scn_counter(run, "udp_sent", hf.sent);
  scn_counter(run, "udp_refused_exhausted", hf.refused_exhausted);
  scn_counter(run, "heap_refusals", (long long)last->failures);
  scn_counter(run, "heap_size", (long long)now.size);
  scn_counter(run, "heap_used_max", (long long)lwip_stats.mem.max);
  unsigned trips = 0;
  for (unsigned i = 0; i < HF_CONNS; i++)
    trips += hf.echo[i].done;
  scn_counter(run, "tcp_echo_trips", trips);
  scn_counter(run, "tcp_pieces", (long long)hf.tcp_pieces);
  scn_peer_counters(run);

  const char *what = now.pools ? "free in the malloc pools" : "free";
  const char *blk = now.pools ? "element" : "block";
  /* What mem_malloc() needs of one block for this request. */
  unsigned long need = LWIP_MEM_ALIGN_SIZE(hf.at.request);
  if (hf.udp_new_failed) {
    scn_verdict(run, SIM_VERDICT_FAULT,
                "udp_tx: udp_new() returned NULL (UDP_PCB pool empty): no "
                "datagram sent");
  } else if (hf.found && hf.at.injected) {
    const sys_arch_heap_layout *l = &hf.at.at;
    scn_verdict(run, SIM_VERDICT_FAULT,
                "at %.3f s mem_malloc(%lu) refused because an allocation "
                "inside it was failed by --fail (%lu bytes %s, the largest "
                "%s %lu bytes): an injected failure, not fragmentation",
                (double)hf.at.t_us / 1e6, hf.at.request, l->free_total,
                what, blk, l->largest_free);
  } else if (hf.found && hf.at.at.largest_free >= need) {
    const sys_arch_heap_layout *l = &hf.at.at;
    scn_verdict(run, SIM_VERDICT_FAULT,
                "at %.3f s mem_malloc(%lu) refused with %lu bytes %s and a "
                "free %s of %lu bytes, which holds it: not fragmentation "
                "(the port's view of the %s and lwIP's disagree)",
                (double)hf.at.t_us / 1e6, hf.at.request, l->free_total,
                what, blk, l->largest_free, now.pools ? "pools" : "heap");
  } else if (hf.found) {
    const sys_arch_heap_layout *l = &hf.at.at;
    scn_counter(run, "request", (long long)hf.at.request);
    scn_counter(run, "free_total", (long long)l->free_total);
    scn_counter(run, "largest_free", (long long)l->largest_free);
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "at %.3f s pbuf_alloc(PBUF_TRANSPORT, %u, PBUF_RAM) failed: "
                "mem_malloc(%lu) refused with %lu bytes %s in %lu "
                "%ss, none large enough: the largest %lu bytes, %lu needed "
                "(%s of %lu bytes, %lu used); "
                "before it %u datagrams sent, %u refused for lack of "
                "memory, %u TCP echo trips",
                (double)hf.at.t_us / 1e6, hf.found_len, hf.at.request,
                l->free_total, what, l->free_blocks, blk, l->largest_free,
                need, now.pools ? "pools" : "heap", l->size, l->used, hf.sent,
                hf.refused_exhausted, trips);
  } else {
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%.0f s of traffic: %u datagrams sent (the largest %lu "
                "bytes), %u refused for lack of memory, none while enough "
                "was %s; %u TCP echo trips in %lu pieces; %s peak %lu of "
                "%lu bytes",
                (double)HF_RUN_US / 1e6, hf.sent, hf.biggest_sent,
                hf.refused_exhausted, now.pools ? "free in the pools" : "free",
                trips, hf.tcp_pieces, now.pools ? "pools" : "heap",
                (unsigned long)lwip_stats.mem.max, now.size);
  }
}

SCN_IMPL(heap_fragmentation, .main_prio = 2, .main = hf_main);

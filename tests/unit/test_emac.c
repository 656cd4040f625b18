/*
 * test_emac.c - the board's EMAC model with real lwIP (board profile) on the
 * virtual wire, against a test node that sends hand-built frames and keeps
 * what the board sends back.
 *
 * lwIP can be started once per process, so every test runs in a child
 * process of its own (fork): the child starts the scheduler and lwIP, runs
 * the test body as sim thread "main" and reports "ok" or the first failed
 * check through a pipe; the parent asserts on that.  Tests share nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"

#include "emac.h"
#include "pcapio.h"
#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_trace.h"
#include "wire.h"

/* ------------------------------------------------------------------ */
/* the child's world                                                   */

typedef struct {
  tapif_wire *wire;
  emac *mac;
  struct netif netif;
  int node_port;
  int frames_seen;
  uint64_t tx_base; /* board frames sent while coming up */
  uint8_t last[TAPIF_FRAME_MAX];
  size_t last_len;
  emac_config cfg;
  char fail[256];
} te_world;

static te_world W;

#define TE_CHECK(cond)                                                    \
  do {                                                                    \
    if (!(cond) && !W.fail[0])                                            \
      snprintf(W.fail, sizeof W.fail, "line %d: %s", __LINE__, #cond);    \
  } while (0)

static const uint8_t te_node_mac[6] = {0x02, 0, 0, 0, 0, 0x99};

static const char *te_node_rx(void *node, const uint8_t *frame, size_t len)
{
  (void)node;
  W.frames_seen++;
  W.last_len = len < sizeof W.last ? len : sizeof W.last;
  memcpy(W.last, frame, W.last_len);
  return NULL;
}

/* An ARP request from the test node (192.0.2.99) for 192.0.2.1. */
static size_t te_arp_request(uint8_t *f)
{
  memset(f, 0, 60);
  memset(f, 0xff, 6);
  memcpy(f + 6, te_node_mac, 6);
  f[12] = 0x08, f[13] = 0x06;          /* ARP */
  f[14] = 0, f[15] = 1;                /* Ethernet */
  f[16] = 0x08, f[17] = 0x00;          /* IPv4 */
  f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1; /* request */
  memcpy(f + 22, te_node_mac, 6);
  f[28] = 192, f[29] = 0, f[30] = 2, f[31] = 99;
  f[38] = 192, f[39] = 0, f[40] = 2, f[41] = 1;
  return 60;
}

static void te_init_done(void *arg)
{
  sys_sem_signal((sys_sem_t *)arg);
}

/* lwIP up, the board netif on the wire as 192.0.2.1/24, link up. */
static void te_board_up(void)
{
  sys_sem_t ready;
  sys_sem_new(&ready, 0);
  tcpip_init(te_init_done, &ready);
  sys_arch_sem_wait(&ready, 0);
  sys_sem_free(&ready);
  tapif_vwire_config wc;
  tapif_vwire_config_default(&wc);
  W.wire = tapif_vwire_new(&wc);
  W.mac = emac_new(&W.cfg, W.wire, "board");
  W.node_port = tapif_wire_attach(W.wire, "node", te_node_rx, NULL);
  ip4_addr_t ip, mask, gw;
  IP4_ADDR(&ip, 192, 0, 2, 1);
  IP4_ADDR(&mask, 255, 255, 255, 0);
  IP4_ADDR(&gw, 0, 0, 0, 0);
  LOCK_TCPIP_CORE();
  netif_add(&W.netif, &ip, &mask, &gw, W.mac, emac_netif_init,
            tcpip_input);
  netif_set_up(&W.netif);
  UNLOCK_TCPIP_CORE();
  emac_start(W.mac, &W.netif);
  sim_sleep_us(200000); /* the PHY task reports the link */
  /* lwIP announced itself (gratuitous ARP at link up): start counting
   * the board's frames from here. */
  W.tx_base = emac_get_stats(W.mac)->tx_frames;
  W.frames_seen = 0;
}

static void te_send(const uint8_t *f, size_t len)
{
  tapif_wire_send(W.wire, W.node_port, f, len, NULL);
}

static unsigned long te_pool_used(void)
{
  return lwip_stats.memp[MEMP_PBUF_POOL]->used;
}

/* Runs `body` as sim thread "main" in a child; returns its verdict. */
static void te_run(void (*body)(void *), const emac_config *cfg,
                   sim_end want_end, const char *want_msg)
{
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    memset(&W, 0, sizeof W);
    if (cfg)
      W.cfg = *cfg;
    else
      emac_config_default(&W.cfg);
    char err[128];
    sim_config sc = {.policy = SIM_POLICY_RTOS, .seed = 1,
                     .time_limit_us = 60000000};
    sim_trace_open(NULL, err, sizeof err);
    sim_sched_init(&sc, err, sizeof err);
    sim_outcome out;
    sim_sched_run(body, NULL, 2, &out);
    char msg[1400];
    if (W.fail[0])
      snprintf(msg, sizeof msg, "check failed: %s", W.fail);
    else if (out.end != want_end)
      snprintf(msg, sizeof msg, "run ended %s: %s", sim_end_name(out.end),
               out.message);
    else if (want_msg && !strstr(out.message, want_msg))
      snprintf(msg, sizeof msg, "end message '%.1100s' lacks '%.100s'",
               out.message, want_msg);
    else
      snprintf(msg, sizeof msg, "ok");
    if (write(fds[1], msg, strlen(msg)) < 0)
      _exit(3);
    _exit(0); /* no teardown: the process ends here */
  }
  close(fds[1]);
  char msg[1400] = "";
  ssize_t n = read(fds[0], msg, sizeof msg - 1);
  close(fds[0]);
  msg[n > 0 ? n : 0] = 0;
  int status;
  waitpid(pid, &status, 0);
  assert_true(WIFEXITED(status));
  assert_string_equal(msg, "ok");
}

/* ------------------------------------------------------------------ */

static void arp_body(void *arg)
{
  (void)arg;
  te_board_up();
  TE_CHECK(netif_is_link_up(&W.netif));
  uint8_t f[64];
  te_send(f, te_arp_request(f));
  sim_sleep_us(10000);
  const emac_stats *st = emac_get_stats(W.mac);
  TE_CHECK(st->rx_frames == 1);
  TE_CHECK(st->tx_frames - W.tx_base == 1);
  TE_CHECK(W.frames_seen == 1);
  /* An ARP reply from the board's MAC to the node. */
  TE_CHECK(W.last_len >= 42);
  TE_CHECK(memcmp(W.last, te_node_mac, 6) == 0);
  TE_CHECK(memcmp(W.last + 6, W.cfg.mac, 6) == 0);
  TE_CHECK(W.last[12] == 0x08 && W.last[13] == 0x06);
  TE_CHECK(W.last[21] == 2);
}

static void test_arp_request_gets_reply(void **state)
{
  (void)state;
  te_run(arp_body, NULL, SIM_END_NORMAL, NULL);
}

/* Six frames from six hosts arrive at the same instant on four
 * descriptors: the RX task cannot run in between, so two find every
 * descriptor full.  (One host's frames leave one after another at link
 * speed, so it takes six.) */
static void ring_body(void *arg)
{
  (void)arg;
  te_board_up();
  uint8_t f[64];
  size_t len = te_arp_request(f);
  for (int i = 0; i < 6; i++) {
    char name[16];
    snprintf(name, sizeof name, "host%d", i);
    int port = tapif_wire_attach(W.wire, name, te_node_rx, NULL);
    tapif_wire_send(W.wire, port, f, len, NULL);
  }
  sim_sleep_us(10000);
  const emac_stats *st = emac_get_stats(W.mac);
  TE_CHECK(st->rx_drop_no_desc == 2);
  TE_CHECK(st->rx_frames == 4);
  TE_CHECK(st->rx_drop_no_pbuf == 0);
  /* Later frames find the ring refilled. */
  te_send(f, len);
  sim_sleep_us(10000);
  TE_CHECK(st->rx_frames == 5);
}

static void test_ring_exhaustion_drops_and_counts(void **state)
{
  (void)state;
  te_run(ring_body, NULL, SIM_END_NORMAL, NULL);
}

/* With PBUF_POOL empty the RX task cannot refill: the descriptor it used
 * stays without a buffer and the DMA drops what reaches it; once pbufs are
 * back, the retry refills it.  The test holds the core lock meanwhile, so
 * tcpip_thread cannot free the frames it was given (as when lwIP is busy
 * or holds received data). */
static void pool_body(void *arg)
{
  (void)arg;
  te_board_up();
  struct pbuf *hog[64];
  int n = 0;
  while (n < 64 && (hog[n] = pbuf_alloc(PBUF_RAW, 100, PBUF_POOL)) != NULL)
    n++;
  TE_CHECK(n < 64);
  uint8_t f[64];
  size_t len = te_arp_request(f);
  LOCK_TCPIP_CORE();
  for (int i = 0; i < 5; i++) {
    te_send(f, len);
    sim_sleep_us(1000);
  }
  UNLOCK_TCPIP_CORE();
  const emac_stats *st = emac_get_stats(W.mac);
  TE_CHECK(st->rx_frames == 4);       /* the preloaded buffers */
  TE_CHECK(st->rx_drop_no_pbuf == 1); /* the fifth meets an empty one */
  TE_CHECK(st->refill_failures >= 4);
  for (int i = 0; i < n; i++)
    pbuf_free(hog[i]);
  sim_sleep_us(100000); /* the retry refills */
  te_send(f, len);
  sim_sleep_us(1000);
  TE_CHECK(st->rx_frames == 5);
}

static void test_pool_exhaustion_drops_then_recovers(void **state)
{
  (void)state;
  te_run(pool_body, NULL, SIM_END_NORMAL, NULL);
}

/* Every transmitted frame's pbuf is released exactly once, and the pools
 * come back to their level. */
static void txfree_body(void *arg)
{
  (void)arg;
  te_board_up();
  sim_sleep_us(10000);
  unsigned long pool0 = te_pool_used();
  unsigned long heap0 = lwip_stats.mem.used;
  uint8_t f[64];
  size_t len = te_arp_request(f);
  for (int i = 0; i < 10; i++) {
    te_send(f, len);
    sim_sleep_us(2000);
  }
  sim_sleep_us(20000);
  const emac_stats *st = emac_get_stats(W.mac);
  TE_CHECK(st->tx_frames - W.tx_base == 10);
  TE_CHECK(st->tx_freed_deferred == st->tx_frames);
  TE_CHECK(st->tx_freed_isr == 0);
  TE_CHECK(te_pool_used() == pool0);
  TE_CHECK(lwip_stats.mem.used == heap0);
}

static void test_tx_complete_frees_exactly_once(void **state)
{
  (void)state;
  te_run(txfree_body, NULL, SIM_END_NORMAL, NULL);
}

/* The classic bug: pbuf_free() in the TX-complete ISR reaches lwIP's heap,
 * whose lock is a mutex: a blocking call in interrupt context. */
static void txisr_body(void *arg)
{
  (void)arg;
  te_board_up();
  uint8_t f[64];
  te_send(f, te_arp_request(f));
  sim_sleep_us(10000);
  TE_CHECK(0); /* not reached: the ISR ends the run */
}

static void test_tx_free_in_isr_is_a_fault(void **state)
{
  (void)state;
  emac_config c;
  emac_config_default(&c);
  c.tx_free = EMAC_TXFREE_ISR;
  te_run(txisr_body, &c, SIM_END_FAULT, "interrupt context");
}

/* A pulled cable: TX is dropped at once (before the PHY notices), RX too,
 * and the PHY task then reports the link down to lwIP. */
static void link_body(void *arg)
{
  (void)arg;
  te_board_up();
  emac_set_cable(W.mac, false);
  ip4_addr_t peer;
  IP4_ADDR(&peer, 192, 0, 2, 99);
  LOCK_TCPIP_CORE();
  etharp_request(&W.netif, &peer);
  UNLOCK_TCPIP_CORE();
  const emac_stats *st = emac_get_stats(W.mac);
  TE_CHECK(st->tx_drop_link_down == 1);
  TE_CHECK(st->tx_frames == W.tx_base);
  uint8_t f[64];
  te_send(f, te_arp_request(f));
  sim_sleep_us(200000);
  st = emac_get_stats(W.mac); /* the device's counters, read now */
  TE_CHECK(st->rx_drop_link_down == 1);
  TE_CHECK(!netif_is_link_up(&W.netif));
  TE_CHECK(W.frames_seen == 0);
  /* Plugged again at a virtual time: the link comes back. */
  emac_set_cable_at(W.mac, true, sim_clock_now_us() + 50000);
  sim_sleep_us(300000);
  TE_CHECK(netif_is_link_up(&W.netif));
}

static void test_link_down_drops_tx_and_rx(void **state)
{
  (void)state;
  te_run(link_body, NULL, SIM_END_NORMAL, NULL);
}

/* ------------------------------------------------------------------ */
/* the replay: wire                                                    */

static char te_replay_path[256];
static uint64_t te_seen_t[8];
static size_t te_seen_len[8];
static int te_seen;

static const char *te_replay_rx(void *node, const uint8_t *frame,
                                size_t len)
{
  (void)node;
  (void)frame;
  if (te_seen < 8) {
    te_seen_t[te_seen] = sim_clock_now_us();
    te_seen_len[te_seen] = len;
  }
  te_seen++;
  return NULL;
}

static void replay_body(void *arg)
{
  (void)arg;
  char err[256] = "";
  tapif_wire *w = tapif_replay_new(te_replay_path, err, sizeof err);
  TE_CHECK(w != NULL);
  if (!w) {
    snprintf(W.fail, sizeof W.fail, "replay wire: %.200s", err);
    return;
  }
  TE_CHECK(tapif_wire_attach(w, "board", te_replay_rx, NULL) == 0);
  sim_sleep_us(10000);
  /* Only the inbound frames, in recorded order, at recorded times. */
  TE_CHECK(te_seen == 3);
  TE_CHECK(te_seen_t[0] == 1000 && te_seen_len[0] == 60);
  TE_CHECK(te_seen_t[1] == 2000 && te_seen_len[1] == 100);
  TE_CHECK(te_seen_t[2] == 2000 && te_seen_len[2] == 70);
  tapif_wire_destroy(w);
}

static void test_replay_wire_delivers_in_order_at_times(void **state)
{
  (void)state;
  char dir[] = "/tmp/lwipsim-replay-XXXXXX";
  assert_non_null(mkdtemp(dir));
  snprintf(te_replay_path, sizeof te_replay_path, "%s/r.pcapng", dir);
  char err[256];
  pcapio_writer *cap = pcapio_open(te_replay_path, "test", err, sizeof err);
  assert_non_null(cap);
  int ifid = pcapio_add_interface(cap, "en0", "test", 1, 65535);
  assert_int_equal(ifid, 0);
  uint8_t f[100];
  memset(f, 0xab, sizeof f);
  assert_int_equal(pcapio_write_frame(cap, 0, 1000, PCAPIO_IN, f, 60, NULL),
                   0);
  assert_int_equal(pcapio_write_frame(cap, 0, 1500, PCAPIO_OUT, f, 80, NULL),
                   0); /* the board's own: not replayed */
  assert_int_equal(pcapio_write_frame(cap, 0, 2000, PCAPIO_IN, f, 100,
                                      "two at once"),
                   0);
  assert_int_equal(pcapio_write_frame(cap, 0, 2000, PCAPIO_IN, f, 70, NULL),
                   0);
  assert_int_equal(pcapio_close(cap, err, sizeof err), 0);
  te_run(replay_body, NULL, SIM_END_NORMAL, NULL);
  unlink(te_replay_path);
  rmdir(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_arp_request_gets_reply),
      cmocka_unit_test(test_ring_exhaustion_drops_and_counts),
      cmocka_unit_test(test_pool_exhaustion_drops_then_recovers),
      cmocka_unit_test(test_tx_complete_frees_exactly_once),
      cmocka_unit_test(test_tx_free_in_isr_is_a_fault),
      cmocka_unit_test(test_link_down_drops_tx_and_rx),
      cmocka_unit_test(test_replay_wire_delivers_in_order_at_times),
  };
  return cmocka_run_group_tests_name("emac", tests, NULL, NULL);
}

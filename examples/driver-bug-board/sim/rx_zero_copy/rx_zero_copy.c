/*
 * rx_zero_copy - the IO-8's production-test echo under a burst.
 *
 * The test station (a scripted frame peer at 192.0.2.60, run by this
 * thread) sends RZ_DGRAMS UDP datagrams of RZ_BYTES to port 7, RZ_GAP_US
 * apart; datagram n carries n in its first two bytes and
 * frames_echo_byte(n, i) after.  The echo task spends TEST_LOG_WRITE_MS
 * on each, so the burst waits in the socket's receive mailbox: lwIP holds
 * those frames in the driver's RX buffers (zero copy).
 *
 * Driver rev 1 gives each descriptor its buffer back as soon as the frame
 * is read, so the ring's next lap (ETH_RX_DESC_CNT frames later) is
 * written by the MAC into buffers lwIP has not read yet.  The oracle
 * matches every echo against what the station sent: an echo (the k-th
 * answers datagram k; the echo task is one FIFO) that carries another
 * datagram's bytes is the defect's evidence, named with both numbers.
 * Missing echoes, bytes that match no datagram, device drops or RX
 * buffers not back in the pool are a `fault`: not this defect.
 */
#include <stdio.h>
#include <string.h>

#include "frames.h"
#include "scn.h"
#include "scn_board.h"
#include "sim_clock.h"
#include "sim_sync.h"

#include "app.h"
#include "ethernetif.h"

#define RZ_DGRAMS 8
#define RZ_BYTES 200
#define RZ_GAP_US 100
#define RZ_PORT 40007
#define RZ_INBOX 16

static struct {
  scn_board board;
  frames_host me;
  int port;
  sim_sem *wake;
  struct {
    size_t len;
    uint8_t data[TAPIF_FRAME_MAX];
  } inbox[RZ_INBOX];
  unsigned in_head, in_count, in_drops;
  uint8_t sent[RZ_DGRAMS][RZ_BYTES];
  int echoes;          /* echoes received, in order */
  int exact;           /* echo k == datagram k */
  int foreign_echo;    /* first echo carrying another datagram (-1) */
  int foreign_from;    /* whose bytes it carried */
  int foreign_count;
  int garbage;         /* echoes matching no datagram */
} rz;

static const char *rz_rx(void *node, const uint8_t *f, size_t len)
{
  (void)node;
  if (len > TAPIF_FRAME_MAX || rz.in_count == RZ_INBOX) {
    rz.in_drops++;
    return NULL;
  }
  unsigned i = (rz.in_head + rz.in_count) % RZ_INBOX;
  memcpy(rz.inbox[i].data, f, len);
  rz.inbox[i].len = len;
  rz.in_count++;
  sim_sem_give(rz.wake);
  return NULL;
}

static void rz_echo(const frames_udp_dgram *u)
{
  int k = rz.echoes++;
  if (u->len == RZ_BYTES && k < RZ_DGRAMS &&
      memcmp(u->data, rz.sent[k], RZ_BYTES) == 0) {
    rz.exact++;
    return;
  }
  for (int j = 0; j < RZ_DGRAMS; j++)
    if (u->len == RZ_BYTES && memcmp(u->data, rz.sent[j], RZ_BYTES) == 0) {
      if (rz.foreign_count++ == 0) {
        rz.foreign_echo = k;
        rz.foreign_from = j;
      }
      return;
    }
  rz.garbage++;
}

static void rz_handle(const uint8_t *f, size_t len)
{
  frames_arp a;
  frames_ipv4 ip;
  frames_udp_dgram u;
  uint8_t out[FRAMES_ARP_LEN];
  if (frames_arp_parse(f, len, &a)) {
    if (a.op == 1 && memcmp(a.tpa, rz.me.ip, 4) == 0)
      tapif_wire_send(rz.board.wire, rz.port, out,
                      frames_arp_reply(out, &rz.me, &a), NULL);
    else if (a.op == 2 && memcmp(a.spa, rz.board.host.ip, 4) == 0)
      memcpy(rz.board.host.mac, a.sha, 6);
    return;
  }
  if (frames_ipv4_parse(f, len, &ip) && memcmp(ip.dst, rz.me.ip, 4) == 0 &&
      frames_udp_parse(&ip, &u) && u.sport == TEST_ECHO_PORT &&
      u.dport == RZ_PORT)
    rz_echo(&u);
}

static bool rz_board_mac_known(void)
{
  static const uint8_t zero[6];
  return memcmp(rz.board.host.mac, zero, 6) != 0;
}

/* Handles frames until virtual time `until` (or, with `arp`, until the
 * board's MAC is known). */
static void rz_pump(uint64_t until, bool arp)
{
  for (;;) {
    sim_model_lock(); /* rz_rx adds from event context */
    bool have = rz.in_count > 0;
    sim_model_unlock();
    if (have) {
      rz_handle(rz.inbox[rz.in_head].data, rz.inbox[rz.in_head].len);
      sim_model_lock();
      rz.in_head = (rz.in_head + 1) % RZ_INBOX;
      rz.in_count--;
      sim_model_unlock();
      continue;
    }
    uint64_t now = sim_clock_now_us();
    if (now >= until || (arp && rz_board_mac_known()))
      return;
    sim_sem_take(rz.wake, until - now);
  }
}

/* Frames the MAC dropped, for every reason. */
static uint64_t rz_drops(const macdev_stats *st)
{
  return st->rx_drop_link_down + st->rx_drop_oversize + st->rx_drop_runt +
         st->rx_drop_no_desc + st->rx_drop_no_buf;
}

static void rz_main(scn_run *run)
{
  memset(&rz, 0, sizeof rz);
  rz.foreign_echo = -1;
  ethernetif_rev = scn_variant_is(run, "rev1") ? 1 : 2;
  scn_board_up_user(run, &rz.board, NULL, NULL, 3);
  int rx_free0 = ethernetif_rx_free;
  const macdev_stats *st = macdev_get_stats(rz.board.dev);
  uint64_t drops0 = rz_drops(st);

  static const uint8_t mac[6] = {0x02, 0, 0, 0, 0x01, 60};
  static const uint8_t ip[4] = {192, 0, 2, 60};
  memcpy(rz.me.mac, mac, 6);
  memcpy(rz.me.ip, ip, 4);
  rz.wake = sim_sem_new(0);
  rz.port = tapif_wire_attach(rz.board.wire, "station", rz_rx, NULL);
  memset(rz.board.host.mac, 0, 6);
  uint8_t f[TAPIF_FRAME_MAX];
  for (int i = 0; i < 3 && rz.port >= 0 && !rz_board_mac_known(); i++) {
    tapif_wire_send(rz.board.wire, rz.port, f,
                    frames_arp_request(f, &rz.me, rz.board.host.ip), NULL);
    rz_pump(sim_clock_now_us() + 200000, true);
  }
  if (!rz_board_mac_known())
    sim_sched_finish(SIM_END_FAULT, "station: the board does not answer "
                     "ARP");

  uint64_t t = sim_clock_now_us() + 10000;
  for (int n = 0; n < RZ_DGRAMS; n++) {
    rz.sent[n][0] = (uint8_t)(n >> 8);
    rz.sent[n][1] = (uint8_t)n;
    for (size_t i = 2; i < RZ_BYTES; i++)
      rz.sent[n][i] = frames_echo_byte((uint16_t)n, i);
    rz_pump(t, false);
    size_t len = frames_udp(f, sizeof f, &rz.me, &rz.board.host, RZ_PORT,
                            TEST_ECHO_PORT, (uint16_t)(n + 1), rz.sent[n],
                            RZ_BYTES);
    tapif_wire_send(rz.board.wire, rz.port, f, len, NULL);
    t += RZ_GAP_US;
  }
  /* every echo: 8 log writes of 2 ms, and margin */
  rz_pump(t + 100000, false);

  uint64_t drops = rz_drops(st) - drops0;
  scn_counter(run, "echoes", rz.echoes);
  scn_counter(run, "exact", rz.exact);
  scn_counter(run, "foreign", rz.foreign_count);
  scn_counter(run, "garbage", rz.garbage);
  scn_counter(run, "rx_drops", (long long)drops);
  scn_counter(run, "driver_rev", ethernetif_rev);
  if (rz.foreign_count)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "echo %d carried datagram %d's %d bytes, not its own (%d "
                "of %d echoes so): lwIP read datagram %d from an RX "
                "buffer the driver had given back to the DMA, and the "
                "MAC wrote frame %d into it %d frames later (the RX ring has "
                "%d descriptors)",
                rz.foreign_echo, rz.foreign_from, RZ_BYTES,
                rz.foreign_count, rz.echoes, rz.foreign_echo,
                rz.foreign_from, rz.foreign_from - rz.foreign_echo,
                ETH_RX_DESC_CNT);
  else if (rz.exact != RZ_DGRAMS || rz.garbage || drops)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%d of %d echoes exact, %d matching no datagram, %llu "
                "frames dropped by the MAC: not the defect", rz.exact,
                RZ_DGRAMS, rz.garbage, (unsigned long long)drops);
  else if (ethernetif_rev >= 2 && ethernetif_rx_free != rx_free0)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%d of %d echoes exact, but %d RX buffers free after the "
                "burst (%d before): buffers lost", rz.exact, RZ_DGRAMS,
                ethernetif_rx_free, rx_free0);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%d of %d echoes exact, byte for byte; no frame dropped; "
                "%d of %d RX buffers back in the driver's pool",
                rz.exact, RZ_DGRAMS, ethernetif_rx_free,
                ETH_RX_BUFFER_CNT - ETH_RX_DESC_CNT);
}

SCN_IMPL(rx_zero_copy, .main_prio = 2, .main = rz_main);

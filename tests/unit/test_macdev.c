/*
 * test_macdev.c - the board's MAC device (tapif/macdev.c) alone, without
 * lwIP: a test thread plays the driver (gives RX buffers, takes frames,
 * fills TX descriptors, reads and clears the status register) while a node
 * on the virtual wire sends frames and keeps what the device sends.
 *
 * Each test runs its body as sim thread "main" on a fresh scheduler
 * (harness.h); the body notes what it sees in the log, and the test asserts
 * the exact log once the run is over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "macdev.h"
#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"
#include "wire.h"

#include "harness.h"

/* The test's world: one device, one node, what the node received. */
static struct {
  ts *st;
  tapif_wire *wire;
  macdev *dev;
  int node;
  int node_frames;
  size_t node_len;
  uint8_t node_last[TAPIF_FRAME_MAX];
  int isr_calls[MACDEV_LINES];
  uint32_t isr_status; /* what the last ISR read */
  uint8_t rxbuf[4][2][800];
} M;

static const char *md_node_rx(void *node, const uint8_t *f, size_t len)
{
  (void)node;
  M.node_frames++;
  M.node_len = len;
  memcpy(M.node_last, f, len);
  return NULL;
}

static void md_isr(macdev_line l)
{
  M.isr_calls[l]++;
  M.isr_status = macdev_irq_status(M.dev);
}
static void md_rx_isr(void *arg) { (void)arg; md_isr(MACDEV_LINE_RX); }
static void md_tx_isr(void *arg) { (void)arg; md_isr(MACDEV_LINE_TX); }
static void md_phy_isr(void *arg) { (void)arg; md_isr(MACDEV_LINE_PHY); }

static void md_up(unsigned rx_ring, unsigned tx_ring)
{
  tapif_vwire_config wc;
  tapif_vwire_config_default(&wc);
  M.wire = tapif_vwire_new(&wc);
  macdev_config c;
  macdev_config_default(&c);
  c.rx_ring = rx_ring;
  c.tx_ring = tx_ring;
  M.dev = macdev_new(&c, M.wire, "board");
  M.node = tapif_wire_attach(M.wire, "node", md_node_rx, NULL);
  macdev_irq_attach(M.dev, MACDEV_LINE_RX, "mac_rx", 2, md_rx_isr, NULL);
  macdev_irq_attach(M.dev, MACDEV_LINE_TX, "mac_tx", 1, md_tx_isr, NULL);
  macdev_irq_attach(M.dev, MACDEV_LINE_PHY, "mac_phy", 1, md_phy_isr, NULL);
}

static void md_down(void)
{
  macdev_free(M.dev);
  tapif_wire_destroy(M.wire);
}

/* Gives RX descriptor i two segments of 800 bytes (a scatter list). */
static int md_give(unsigned i)
{
  macdev_seg s[2] = {{M.rxbuf[i][0], 800}, {M.rxbuf[i][1], 800}};
  return macdev_rx_give(M.dev, i, s, 2);
}

/* A frame of `len` bytes from the node whose bytes count up from `tag`. */
static void md_send(size_t len, uint8_t tag)
{
  uint8_t f[TAPIF_FRAME_MAX];
  for (size_t k = 0; k < len; k++)
    f[k] = (uint8_t)(tag + k);
  tapif_wire_send(M.wire, M.node, f, len, NULL);
}

static int setup_m(void **state)
{
  memset(&M, 0, sizeof M);
  return setup(state);
}

/* ------------------------------------------------------------------ */

/* RX: the DMA fills only descriptors it owns, in ring order, across the
 * segments; taking a frame leaves the descriptor the driver's; frames meet
 * a full descriptor ("no free descriptor") or one taken and not given back
 * ("no buffer") and are dropped by reason. */
static void rx_body(void *arg)
{
  ts *st = arg;
  md_up(2, 1);
  note(st, "owned0=%d", macdev_rx_owned(M.dev, 0));
  note(st, "segs=%d", macdev_rx_give(M.dev, 0, NULL, 0));
  md_send(100, 1); /* no descriptor given yet: no buffer */
  sim_sleep_us(1000);
  note(st, "nobuf=%llu", (unsigned long long)
       macdev_get_stats(M.dev)->rx_drop_no_buf);
  note(st, "give=%d,%d", md_give(0), md_give(1));
  note(st, "again=%d take=%d", md_give(0) == MACDEV_ERR_OWNED,
       macdev_rx_take(M.dev, 0));
  md_send(1000, 7); /* spans both segments of descriptor 0 */
  md_send(60, 9);
  md_send(60, 11); /* both full: no free descriptor */
  sim_sleep_us(1000);
  const macdev_stats *s = macdev_get_stats(M.dev);
  note(st, "rx=%llu nodesc=%llu", (unsigned long long)s->rx_frames,
       (unsigned long long)s->rx_drop_no_desc);
  int len = macdev_rx_take(M.dev, 0);
  note(st, "take0=%d bytes=%d,%d", len, M.rxbuf[0][0][0] == 7,
       M.rxbuf[0][1][999 - 800] == (uint8_t)(7 + 999));
  note(st, "take0again=%d", macdev_rx_take(M.dev, 0));
  md_send(60, 13); /* head is descriptor 0: taken, not given back */
  sim_sleep_us(1000);
  note(st, "nobuf=%llu", (unsigned long long)s->rx_drop_no_buf);
  note(st, "take1=%d", macdev_rx_take(M.dev, 1));
  note(st, "give0=%d", md_give(0));
  md_send(60, 15);
  sim_sleep_us(1000);
  note(st, "owned0=%d take0=%d", macdev_rx_owned(M.dev, 0),
       macdev_rx_take(M.dev, 0));
  macdev_seg one = {M.rxbuf[0][0], 800};
  macdev_rx_give(M.dev, 1, &one, 1);
  md_send(1000, 1); /* longer than the descriptor's buffer */
  sim_sleep_us(1000);
  md_send(10, 1); /* shorter than a header: a runt */
  sim_sleep_us(1000);
  note(st, "oversize=%llu runt=%llu rx=%llu",
       (unsigned long long)s->rx_drop_oversize,
       (unsigned long long)s->rx_drop_runt, (unsigned long long)s->rx_frames);
  md_down();
}

static void test_rx_descriptor_ownership_and_drops(void **state)
{
  ts *st = *state;
  run_main(st, rx_body, 3);
  assert_int_equal(st->out.end, SIM_END_NORMAL);
  assert_string_equal(st->log,
      "owned0=0 segs=-3 nobuf=1 give=0,0 again=1 take=0 rx=2 nodesc=1 take0=1000 "
      "bytes=1,1 take0again=0 nobuf=2 take1=60 give0=0 owned0=0 take0=60 "
      "oversize=1 runt=1 rx=3");
}

/* TX: the descriptor is the DMA's until the frame has left at link speed;
 * the frame is gathered from the segments and padded; the TX status bit
 * and line follow the completion; status bits stay until cleared. */
static void tx_body(void *arg)
{
  ts *st = arg;
  md_up(1, 2);
  macdev_irq_enable(M.dev, MACDEV_IRQ_TX);
  uint8_t a[20], b[20];
  memset(a, 0xaa, sizeof a);
  memset(b, 0xbb, sizeof b);
  macdev_seg s[2] = {{a, sizeof a}, {b, sizeof b}};
  uint64_t t0 = sim_clock_now_us();
  note(st, "submit=%d", macdev_tx_submit(M.dev, 0, s, 2));
  note(st, "owned=%d again=%d", macdev_tx_owned(M.dev, 0),
       macdev_tx_submit(M.dev, 0, s, 2) == MACDEV_ERR_OWNED);
  note(st, "status=%u", macdev_irq_status(M.dev));
  /* 60 bytes + 20 of preamble and gap at 100 Mbit/s: 6.4 µs -> 7. */
  sim_sleep_us(7);
  note(st, "dt=%llu owned=%d isr=%d status=%u",
       (unsigned long long)(sim_clock_now_us() - t0),
       macdev_tx_owned(M.dev, 0), M.isr_calls[MACDEV_LINE_TX],
       M.isr_status);
  macdev_irq_clear(M.dev, MACDEV_IRQ_TX);
  note(st, "cleared=%u", macdev_irq_status(M.dev));
  sim_sleep_us(1000);
  note(st, "node=%d len=%zu pad=%d gather=%d", M.node_frames, M.node_len,
       M.node_last[59] == 0, M.node_last[19] == 0xaa &&
       M.node_last[20] == 0xbb);
  /* TX interrupt disabled: the bit still comes, no line. */
  macdev_irq_disable(M.dev, MACDEV_IRQ_TX);
  macdev_tx_submit(M.dev, 1, s, 2);
  sim_sleep_us(1000);
  note(st, "isr=%d status=%u", M.isr_calls[MACDEV_LINE_TX],
       macdev_irq_status(M.dev));
  note(st, "bad=%d,%d", macdev_tx_submit(M.dev, 5, s, 2),
       macdev_tx_submit(M.dev, 0, s, 0));
  md_down();
}

static void test_tx_ownership_and_status_bits(void **state)
{
  ts *st = *state;
  run_main(st, tx_body, 3);
  assert_int_equal(st->out.end, SIM_END_NORMAL);
  assert_string_equal(st->log,
      "submit=0 owned=1 again=1 status=0 dt=7 owned=0 isr=1 status=4 "
      "cleared=0 node=1 len=60 pad=1 gather=1 isr=1 status=4 bad=-1,-3");
}

/* The PHY: the link bit follows the cable, a change sets the LINK bit and
 * raises the PHY line when enabled; while the link is down frames are
 * dropped both ways, by reason, with the error bits. */
static void link_body(void *arg)
{
  ts *st = arg;
  md_up(1, 1);
  macdev_irq_enable(M.dev, MACDEV_IRQ_LINK | MACDEV_IRQ_RX);
  md_give(0);
  note(st, "up=%d", macdev_link_up(M.dev));
  macdev_set_link(M.dev, false);
  sim_sleep_us(1);
  note(st, "up=%d phy=%d status=%u", macdev_link_up(M.dev),
       M.isr_calls[MACDEV_LINE_PHY], M.isr_status);
  macdev_irq_clear(M.dev, MACDEV_IRQ_ALL);
  uint8_t f[60] = {0};
  macdev_seg s = {f, sizeof f};
  note(st, "tx=%d", macdev_tx_submit(M.dev, 0, &s, 1));
  md_send(60, 1);
  sim_sleep_us(1000);
  const macdev_stats *ms = macdev_get_stats(M.dev);
  note(st, "txdown=%llu rxdown=%llu status=%u node=%d",
       (unsigned long long)ms->tx_drop_link_down,
       (unsigned long long)ms->rx_drop_link_down, macdev_irq_status(M.dev),
       M.node_frames);
  macdev_irq_clear(M.dev, MACDEV_IRQ_ALL);
  macdev_set_link(M.dev, false); /* no change: no interrupt */
  macdev_set_link_at(M.dev, true, sim_clock_now_us() + 500);
  sim_sleep_us(1000);
  note(st, "up=%d phy=%d", macdev_link_up(M.dev),
       M.isr_calls[MACDEV_LINE_PHY]);
  md_send(60, 1);
  sim_sleep_us(1000);
  note(st, "rx=%llu rxisr=%d", (unsigned long long)ms->rx_frames,
       M.isr_calls[MACDEV_LINE_RX]);
  md_down();
}

static void test_link_changes_and_drops_by_reason(void **state)
{
  ts *st = *state;
  run_main(st, link_body, 3);
  assert_int_equal(st->out.end, SIM_END_NORMAL);
  assert_string_equal(st->log,
      "up=1 up=0 phy=1 status=16 tx=1 txdown=1 rxdown=1 status=8 node=0 "
      "up=1 phy=2 rx=1 rxisr=1");
}

/* Wait for interrupt (sim_wfi, a NO_SYS super-loop's __WFI()): with
 * nothing pending virtual time jumps to the timeout; a frame's RX
 * interrupt (through the device's line) ends the wait at the frame's
 * arrival; a wake with nobody waiting is lost; SIM_FOREVER waits for the
 * interrupt alone. */
static void wfi_body(void *arg)
{
  ts *st = arg;
  md_up(2, 1);
  macdev_irq_enable(M.dev, MACDEV_IRQ_RX);
  md_give(0);
  md_give(1);
  uint64_t t0 = sim_clock_now_us();
  bool irq = sim_wfi(2500);
  note(st, "timeout irq=%d dt=%llu", irq,
       (unsigned long long)(sim_clock_now_us() - t0));
  md_send(60, 1); /* on the device after 7 µs at 100 Mbit/s + 50 latency */
  t0 = sim_clock_now_us();
  irq = sim_wfi(1000000);
  note(st, "frame irq=%d dt=%llu rxisr=%d", irq,
       (unsigned long long)(sim_clock_now_us() - t0),
       M.isr_calls[MACDEV_LINE_RX]);
  sim_wfi_wake(); /* nobody waits: lost */
  md_send(60, 2);
  t0 = sim_clock_now_us();
  irq = sim_wfi(SIM_FOREVER);
  note(st, "forever irq=%d dt=%llu", irq,
       (unsigned long long)(sim_clock_now_us() - t0));
  md_down();
}

static void test_wfi_jumps_to_the_next_irq_or_timeout(void **state)
{
  ts *st = *state;
  run_main(st, wfi_body, 3);
  assert_int_equal(st->out.end, SIM_END_NORMAL);
  assert_string_equal(st->log, "timeout irq=0 dt=2500 frame irq=1 dt=57 "
                      "rxisr=1 forever irq=1 dt=57");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_rx_descriptor_ownership_and_drops,
                                      setup_m, teardown),
      cmocka_unit_test_setup_teardown(test_tx_ownership_and_status_bits,
                                      setup_m, teardown),
      cmocka_unit_test_setup_teardown(test_link_changes_and_drops_by_reason,
                                      setup_m, teardown),
      cmocka_unit_test_setup_teardown(test_wfi_jumps_to_the_next_irq_or_timeout,
                                      setup_m, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

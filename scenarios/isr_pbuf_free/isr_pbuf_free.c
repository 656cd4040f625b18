/*
 * isr_pbuf_free - the TX-complete interrupt frees the pbuf it sent while a
 * thread is inside the heap.  The board (192.0.2.1) runs on the virtual
 * wire with its cable plugged at t0; the first frame it sends is the
 * gratuitous ARP request of link-up, a PBUF_RAM from the heap, which the
 * EMAC keeps in its TX descriptor until the TX-complete IRQ.  An
 * application thread "app" builds a PBUF_RAM buffer every millisecond and
 * frees it.  The EMAC raises no TX IRQ of its own here
 * (emac_config.tx_irq_external): the scenario pins it inside app's heap
 * operation, so the completion lands exactly where the field bug's did.
 *
 *   isr-free             board-rtosheap profile (the RTOS heap model,
 *                        semaphore only), pbuf_free in the ISR; the IRQ
 *                        is pinned at app's SYS_ARCH_HEAP_POINT_FREE_LINK
 *                        ("heap:free:link").  The heap detects the
 *                        re-entry (the ISR's free while app is inside its
 *                        own), its check at the end of the ISR's free
 *                        describes app's unfinished free, the model stops
 *                        the run there as a fault, and on_end turns that
 *                        fault - and only that one - into `reproduced`.
 *                        The model never resumes app: what app's resumed
 *                        free would do (write its links over the ISR's,
 *                        losing the ISR's block) is shown by
 *                        tests/unit/test_heap_model.c, not by this run.
 *   deferred-free        the same heap and pinning, the ISR hands the
 *                        pbuf to pbuf_free_callback; 1,000 cable
 *                        unplug/plug cycles, each with its own gratuitous
 *                        ARP and its own pin.
 *   lwip-heap-protected  lwIP's heap with
 *                        LWIP_ALLOW_MEM_FREE_FROM_OTHER_CONTEXT (mem_free
 *                        masks interrupts) and pbuf_free in the ISR; the
 *                        IRQ is pinned at app's first sys_arch_unprotect
 *                        of each cycle, the window inside mem_malloc where
 *                        lwIP lets a pending interrupt in; 1,000 cycles,
 *                        mem_sanity after every free.
 *
 * Oracle.  `reproduced` only with the defect's own evidence: the heap
 * model's re-entry (a heap call from ISR context while a thread is inside
 * the heap), named in the message with the point.  `not-reproduced`:
 * every cycle's frames released by the pinned IRQ, no re-entry, the
 * heap's block list intact, every frame sent released once, the pools and
 * the heap back at their level after the first cycle.  Anything else -
 * the link not following the cable, frames never released, a leak, a
 * broken block list without a re-entry, lwIP's heap not in the model on a
 * board-rtosheap variant - is `fault`, saying it is not the defect.  A
 * pinned IRQ whose point is never reached ends the run as a fault of its
 * own (sim_sched_unfired): "pin heap:free:link never reached".
 */
#include <stdio.h>
#include <string.h>

#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sys.h"

#include "emac.h"
#include "scn.h"
#include "scn_board.h"
#include "scn_lwip.h"
#include "sim_prng.h"
#include "sim_sched.h"
#include "sys_arch_heap.h"
#include "sys_arch_sim.h"

/* lwIP's own heap (mem_init() builds it), not the RTOS's behind
 * MEM_LIBC_MALLOC or MEM_CUSTOM_ALLOCATOR. */
#if MEM_LIBC_MALLOC || (defined(MEM_CUSTOM_ALLOCATOR) && MEM_CUSTOM_ALLOCATOR)
#define IP_LWIP_HEAP 0
#else
#define IP_LWIP_HEAP 1
#endif

#define IP_CYCLES 1000
#define IP_APP_PERIOD_US 1000
#define IP_APP_BYTES 200
#define IP_PHY_POLL_MS 10
#define IP_LINK_WAIT_US 1000000 /* for the PHY task to report a change */
#define IP_FREE_WAIT_US 50000   /* for the pinned IRQ to release frames */
#define IP_SETTLE_US 20000      /* deferred frees run in tcpip_thread */

/* Under --policy random or pct nothing is pinned: the EMAC raises its own
 * TX-complete IRQ when the frame has left at the link speed (--link-mbps,
 * default 100), and every scheduling point costs the board's CPU
 * IP_POINT_COST_NS of virtual time, so the IRQ falls between two points of
 * whichever thread runs then - inside a heap operation or not.  One run is
 * one chance (the first ARP of link-up); explore over seeds gives the
 * rate. */
#define IP_POINT_COST_NS 1000 /* ~100-200 instructions of a 100-200 MHz MCU */

static struct {
  scn_board board;
  bool unpinned;
  bool app_busy; /* app holds its buffer (not a leak) */
  const char *pin_point;
  unsigned cycles, stuck, pins;
  unsigned long app_ops, app_failures;
  bool link_timeout;
} ip;

/* The application: a buffer built and released every millisecond, as a
 * board's sensor or log task would. */
/* Random, pct, or a schedule recorded under them. */
static bool ip_unpinned(const scn_run *run)
{
  return run->policy == SIM_POLICY_RANDOM || run->policy == SIM_POLICY_PCT ||
         run->schedule;
}

static void ip_app(void *arg)
{
  (void)arg;
  /* Unpinned, the task's phase against link-up is the seed's: a board's
   * sensor task does not start in step with its PHY. */
  uint64_t wait =
      ip.unpinned ? sim_rand_below(IP_APP_PERIOD_US) : IP_APP_PERIOD_US;
  for (;;) {
    sim_sleep_us(wait);
    wait = IP_APP_PERIOD_US;
#if IP_LWIP_HEAP
    /* Not before lwIP's own heap exists: main's tcpip_init() runs
     * lwip_init(), whose mem_init() makes it and its mutex (a scheduling
     * point: mem.avail is set before it), then memp_init(), which sets
     * the pools' stats pointers with no point in between.  Unpinned, the
     * seed may wake the task first; pinned, it never does. */
    if (lwip_stats.memp[MEMP_PBUF] == NULL)
      continue;
#endif
    ip.app_busy = true;
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, IP_APP_BYTES, PBUF_RAM);
    if (!p) {
      ip.app_busy = false;
      ip.app_failures++;
      continue;
    }
    memset(p->payload, (int)(ip.app_ops & 0xff), IP_APP_BYTES);
    pbuf_free(p);
    ip.app_busy = false;
    ip.app_ops++;
  }
}

static uint64_t ip_released(const emac_stats *st)
{
  return st->tx_freed_isr + st->tx_freed_deferred;
}

/* Frames on the TX ring: sent, or dropped by the MAC when the cable went
 * out between the driver's link check and the submit (unpinned orders
 * only); each comes back to the driver, which releases it. */
static uint64_t ip_on_ring(const emac_stats *st)
{
  return st->tx_frames + st->tx_drop_mac;
}

static bool ip_wait_link(bool up)
{
  for (uint64_t t = 0; t < IP_LINK_WAIT_US; t += 1000) {
    if (netif_is_link_up(&ip.board.netif) == up)
      return true;
    sim_sleep_us(1000);
  }
  return false;
}

/* Pins the TX-complete IRQ inside app's next heap operation and waits
 * until every frame sent so far is released. */
static bool ip_complete_tx(void)
{
  const emac_stats *st = emac_get_stats(ip.board.mac);
  if (!ip.unpinned) {
    sim_irq_pin(emac_tx_irq(ip.board.mac), "app", ip.pin_point, 1);
    ip.pins++;
  }
  for (uint64_t t = 0; t < IP_FREE_WAIT_US; t += 1000) {
    if (ip_released(st) == ip_on_ring(st))
      return true;
    sim_sleep_us(1000);
  }
  return false;
}

/* One cycle: frames of the link-up released, cable out, link down. */
static bool ip_cycle(bool first)
{
  if (!first) {
    emac_set_cable(ip.board.mac, true);
    if (!ip_wait_link(true))
      return false;
  }
  if (!ip_complete_tx())
    ip.stuck++;
  emac_set_cable(ip.board.mac, false);
  if (!ip_wait_link(false))
    return false;
  ip.cycles++;
  return true;
}

/* Waits until app holds no buffer, so a snapshot of the pools and heap
 * does not count app's buffer of the moment. */
static void ip_quiet(void)
{
  while (ip.app_busy)
    sim_sleep_us(1);
}

static void ip_main(scn_run *run)
{
  memset(&ip, 0, sizeof ip);
  bool isr_free = scn_variant_is(run, "isr-free");
  bool lwip_heap = scn_variant_is(run, "lwip-heap-protected");
  ip.pin_point =
      lwip_heap ? SYS_ARCH_POINT_UNPROTECT : SYS_ARCH_HEAP_POINT_FREE_LINK;
  ip.unpinned = ip_unpinned(run);
  emac_config ec;
  emac_config_default(&ec);
  ec.tx_free = scn_variant_is(run, "deferred-free") ? EMAC_TXFREE_DEFERRED
                                                    : EMAC_TXFREE_ISR;
  ec.tx_irq_external = !ip.unpinned;
  ec.phy_poll_ms = IP_PHY_POLL_MS;
  ec.cable_plugged = true; /* plugged at t0 */
  sys_thread_new("app", ip_app, NULL, 0, 3);
  scn_board_up(run, &ip.board, &ec, NULL);

  unsigned ncycles = isr_free ? 1 : IP_CYCLES;
  scn_pools before, after;
  for (unsigned i = 0; i < ncycles; i++) {
    if (!ip_cycle(i == 0)) {
      ip.link_timeout = true;
      break;
    }
    if (i == 0) {
      sim_sleep_us(IP_SETTLE_US);
      ip_quiet();
      scn_pools_snapshot(&before);
    }
  }
  sim_sleep_us(IP_SETTLE_US);
  ip_quiet();
  scn_pools_snapshot(&after);
  char leaks[512];
  int nleaks = scn_pools_diff(&before, &after, leaks, sizeof leaks);

  const emac_stats *st = emac_get_stats(ip.board.mac);
  sys_arch_heap_stats hs;
  sys_arch_heap_get_stats(&hs);
  char broken[200] = "";
  bool heap_ok = hs.allocs == 0 || sys_arch_heap_check(broken,
                                                       sizeof broken);
  scn_counter(run, "cycles", ip.cycles);
  scn_counter(run, "pins", ip.pins);
  scn_counter(run, "stuck_cycles", ip.stuck);
  scn_counter(run, "tx_frames", (long long)st->tx_frames);
  scn_counter(run, "tx_freed_isr", (long long)st->tx_freed_isr);
  scn_counter(run, "tx_freed_deferred", (long long)st->tx_freed_deferred);
  scn_counter(run, "app_ops", (long long)ip.app_ops);
  scn_counter(run, "app_failures", (long long)ip.app_failures);
  scn_counter(run, "heap_allocs", (long long)hs.allocs);
  scn_counter(run, "heap_reentries", (long long)hs.reentries);
  scn_counter(run, "heap_checks", (long long)hs.checks);
  scn_counter(run, "heap_max_used", (long long)hs.max_used);
  scn_counter(run, "lwip_mem_max", (long long)lwip_stats.mem.max);
  scn_counter(run, "lwip_mem_err", (long long)lwip_stats.mem.err);

  /* lwIP's heap must be the RTOS heap model on its variants: without
   * MEM_LIBC_MALLOC (2.1) or MEM_CUSTOM_ALLOCATOR (2.2) lwIP keeps its own
   * heap and the model is never entered. */
  bool model_heap = !lwip_heap;
  const char *not_defect = "not the defect: no heap re-entry";
  if (hs.reentries)
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "heap re-entered: %s",
                hs.reentry);
  else if (model_heap && hs.allocs == 0)
    scn_verdict(run, SIM_VERDICT_FAULT, "lwIP's heap is not the RTOS heap "
                "model (0 allocations in it; the profile sets neither "
                "MEM_LIBC_MALLOC nor MEM_CUSTOM_ALLOCATOR to it): the "
                "set-up, %s", not_defect);
  else if (ip.link_timeout)
    scn_verdict(run, SIM_VERDICT_FAULT, "the link did not follow the "
                "cable in cycle %u: %s", ip.cycles + 1, not_defect);
  else if (!heap_ok)
    scn_verdict(run, SIM_VERDICT_FAULT, "heap block list broken without a "
                "re-entry: %s; %s", broken, not_defect);
  else if (ip.stuck || ip_released(st) != ip_on_ring(st))
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%u cycles left frames unreleased; %llu of %llu frames "
                "on the TX ring (%llu sent, %llu dropped by the MAC) "
                "released: %s", ip.stuck,
                (unsigned long long)ip_released(st),
                (unsigned long long)ip_on_ring(st),
                (unsigned long long)st->tx_frames,
                (unsigned long long)st->tx_drop_mac, not_defect);
  else if (nleaks)
    scn_verdict(run, SIM_VERDICT_FAULT, "after %u cycles the pools "
                "did not come back: %s; %s", ip.cycles, leaks, not_defect);
  else {
    char how[96];
    if (ip.unpinned)
      snprintf(how, sizeof how, "the EMAC's own TX-complete IRQ (unpinned)");
    else
      snprintf(how, sizeof how, "a TX-complete IRQ pinned at app's %s",
               ip.pin_point);
    char dropped[64] = "";
    if (st->tx_drop_mac)
      snprintf(dropped, sizeof dropped, " and %llu dropped by the MAC",
               (unsigned long long)st->tx_drop_mac);
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%u cable cycles; %llu frames (each link-up's gratuitous "
                "ARP)%s released by %s "
                "(%llu in the ISR, %llu deferred); no heap re-entry, %s; "
                "%lu app buffers; pools back",
                ip.cycles, (unsigned long long)st->tx_frames, dropped, how,
                (unsigned long long)st->tx_freed_isr,
                (unsigned long long)st->tx_freed_deferred,
                hs.allocs ? "block list checked after every operation"
                          : "mem_sanity after every free",
                ip.app_ops);
  }
}

/* The heap model ends the run as a fault when it is re-entered (where the
 * board took its data abort): that fault, and no other, is the defect. */
static void ip_on_end(scn_run *run, const sim_outcome *out)
{
  sys_arch_heap_stats hs;
  sys_arch_heap_get_stats(&hs);
  if (out->end == SIM_END_FAULT && hs.stopped && hs.reentries) {
    scn_counter(run, "heap_reentries", (long long)hs.reentries);
    scn_counter(run, "heap_allocs", (long long)hs.allocs);
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "%s", out->message);
  }
}

static int ip_configure(scn_run *run, sim_config *cfg, char *err,
                        size_t errlen)
{
  (void)err, (void)errlen;
  if (ip_unpinned(run))
    cfg->point_cost_ns = IP_POINT_COST_NS;
  return 0;
}

SCN_IMPL(isr_pbuf_free, .main_prio = 2, .main = ip_main,
         .configure = ip_configure, .on_end = ip_on_end);

/*
 * fr_load - the freertos-board's firmware (its own lwIP port on FreeRTOS,
 * its driver, its tasks: src/app.c) under the load of lwipsim's scripted
 * peers for FL_LOAD_US of virtual time: 2000-byte pings every 2 ms and a
 * 64 KiB TFTP download (scn_load.h), and two UDP senders, to app_ctl's
 * port 7 every 1.037 ms and app_data's port 9000 every 1 ms.
 *
 * Every scheduling point costs FL_POINT_COST_NS of virtual CPU, so the
 * MAC's interrupts land between any two points of whichever task runs.
 * Under the rtos policy a script also holds app_data inside its
 * per-thread semaphore lookup (at the port's first
 * pvTaskGetThreadLocalStoragePointer) once, until app_ctl has run its own
 * lookup: the field report's preemption.  Under random or pct nothing is
 * held: explore finds the window.
 *
 * Oracle.  `reproduced` only with a defect's own evidence:
 *   - a task left waiting, after the load and FL_GRACE_MS, on another
 *     task's netconn semaphore (the semaphores are read from each task's
 *     thread-local storage slot, SYS_ARCH_TLS_NETCONN_SEM of the port's
 *     arch/sys_arch.h, and named in the FreeRTOS queue registry): the
 *     port's lookup handed it that semaphore; the run ends as a deadlock
 *     naming both;
 *   - or a task left waiting for good on its own netconn semaphore while
 *     tcpip_thread waits on its empty mailbox: its call was completed and
 *     its semaphore given, and the give taken by the other task, which
 *     the lookup had handed this task's semaphore (fl_on_own_sem; found
 *     by explore under pct, where either task may be the one preempted);
 *   - the FreeRTOS heap's own re-entry report: vPortFree from interrupt
 *     context while a task is inside pvPortMalloc, at the named point.
 * `not-reproduced`: no task stuck, no re-entry, the TFTP file exact, both
 * echo channels answered.  Anything else is `fault`.
 *
 * callback-cable (fl_cable): the fix of isr-free (the driver releases
 * sent frames with pbuf_free_callback) under the same load and the same
 * interrupt pressure, with the cable pulled and plugged FC_CYCLES times:
 * out for FC_DOWN_US of every FC_PERIOD_US, in hardware time (the MAC's
 * PHY raises its interrupt; the board's eth_link task tells lwIP).  A
 * ping peer sends a 2000-byte echo request every millisecond and both UDP
 * senders run throughout; after the last plug, two fresh UDP senders.
 * `not-reproduced` only when every one of these holds:
 *   - lwIP's own link callback saw FC_CYCLES link-downs and as many
 *     link-ups, and the MAC dropped frames while the cable was out;
 *   - no echo request sent while the cable was out was answered, and in
 *     every one of the FC_CYCLES up-windows at least one was (traffic
 *     resumes after each plug);
 *   - after the last plug, every datagram of both fresh senders echoed;
 *   - every frame handed to the MAC released (dropped ones included);
 *   - TX-complete interrupts landed while a task was inside the heap (the
 *     pressure under which isr-free re-enters it), yet the heap was never
 *     re-entered (its integrity walk after every call held) and is back
 *     to its baseline: the same free bytes in the same number of blocks.
 * A heap re-entry is `reproduced` (fl_on_end): the variant then fails its
 * expectation.  Anything else is `fault`.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/sys.h"

#include "FreeRTOS.h"
#include "portable.h"
#include "queue.h"
#include "task.h"

#include "macdev.h"
#include "peers.h"
#include "scn.h"
#include "scn_board.h"
#include "scn_load.h"
#include "sim_clock.h"
#include "sim_sched.h"

#include "app.h"
#include "ethernetif.h"

#define FL_LOAD_US 1000000ull
#define FL_ARM_US 200000ull
/* Not a multiple of app_data's 1 ms: app_ctl's datagrams sweep across
 * app_data's echo cycle, so some land inside its lookup. */
#define FL_CTL_INTERVAL_US 1037
#define FL_GRACE_MS 1500
#define FL_POINT_COST_NS 1000
/* app_ctl's select() timeout: the only timed wait of the firmware on a
 * netconn semaphore (an API call waits for its completion for good). */
#define FL_SELECT_TIMEOUT_US 1000000ull
#define FL_LOOKUP_POINT "pvTaskGetThreadLocalStoragePointer"
#define FL_HEAP_REENTRY "heap re-entered: vPortFree from interrupt context"

/* callback-cable */
#define FC_CYCLES 1000
#define FC_PERIOD_US 6000ull
#define FC_DOWN_US 2000ull
#define FC_PING_INTERVAL_US 1000ull
#define FC_PING_PAYLOAD 2000
#define FC_SETTLE_US 20000ull
#define FC_AFTER_US 200000ull
/* A request sent this long before the plug or later cannot be answered
 * while the cable is out (its fragments reach the MAC after the plug). */
#define FC_OUT_MARGIN_US 300ull

static struct {
  scn_board board;
  scn_load load;
  peers_node *ctl, *data;
} fl;

static const sim_script_step fl_hold = {
    .thread = "app_data", .point = FL_LOOKUP_POINT, .nth = 1,
    .action = SIM_ACT_HOLD, .target = "app_data", .keep = true};
static const sim_script_step fl_release = {
    .thread = "app_ctl", .point = FL_LOOKUP_POINT, .nth = 1,
    .action = SIM_ACT_RELEASE, .target = "app_data"};

static bool fl_unpinned(const scn_run *run)
{
  return run->policy == SIM_POLICY_RANDOM || run->policy == SIM_POLICY_PCT ||
         run->schedule;
}

static void fl_free_peer(void *arg)
{
  peers_free(arg);
}

static peers_node *fl_udp_for(scn_run *run, uint8_t host, const char *name,
                              uint16_t port, uint64_t interval_us,
                              size_t size, uint64_t run_us)
{
  peers_udp_config c;
  peers_udp_config_default(&c, name, host);
  c.dport = port;
  c.count = (unsigned)(run_us / interval_us);
  c.interval_us = interval_us;
  c.size = size;
  char err[160];
  peers_node *p = peers_udp_start(fl.board.wire, &c, err, sizeof err);
  if (!p)
    sim_sched_finish(SIM_END_FAULT, "UDP peer %s: %s", name, err);
  scn_at_end(run, fl_free_peer, p);
  return p;
}

static peers_node *fl_udp(scn_run *run, uint8_t host, const char *name,
                          uint16_t port, uint64_t interval_us, size_t size)
{
  return fl_udp_for(run, host, name, port, interval_us, size, FL_LOAD_US);
}

/* lwIP's heap must be the FreeRTOS heap (lwipopts.h): each of app_log's
 * buffers is one pvPortMalloc, so the heap counts at least as many
 * allocations.  Else a fault (true: it is). */
static bool fl_heap_is_lwips(scn_run *run)
{
  HeapStats_t hs;
  vPortGetHeapStats(&hs);
  if (hs.xNumberOfSuccessfulAllocations >= app_stats.log_buffers)
    return true;
  scn_verdict(run, SIM_VERDICT_FAULT, "lwIP's heap is not pvPortMalloc: "
              "%zu allocations for %lu log buffers (MEM_LIBC_MALLOC with "
              "2.1's mem_clib_* names on lwIP 2.2?)",
              hs.xNumberOfSuccessfulAllocations, app_stats.log_buffers);
  return false;
}

/* Names each app task's netconn semaphore in the queue registry, so that
 * what a task waits on says whose semaphore it is. */
static void fl_name_sems(void)
{
  static const char *const tasks[] = {"app_ctl", "app_data"};
  static char names[2][40];
  for (int i = 0; i < 2; i++) {
    TaskHandle_t t = xTaskGetHandle(tasks[i]);
    SemaphoreHandle_t *sem =
        t ? pvTaskGetThreadLocalStoragePointer(t, SYS_ARCH_TLS_NETCONN_SEM)
          : NULL;
    if (sem && *sem) {
      snprintf(names[i], sizeof names[i], "netconn sem of %s", tasks[i]);
      vQueueAddToRegistry(*sem, names[i]);
    }
  }
}

/* What `task` waits on, if it waits on another task's netconn semaphore
 * (then true, with the line in buf). */
static bool fl_on_other_sem(const char *task, char *buf, size_t len)
{
  const sim_thread *t = sim_thread_find(task);
  char what[200];
  uint64_t since = 0;
  if (!t || !sim_thread_wait_info(t, what, sizeof what, &since))
    return false;
  const char *s = strstr(what, "netconn sem of ");
  if (!s || strncmp(s + 15, task, strlen(task)) == 0)
    return false;
  char owner[32];
  snprintf(owner, sizeof owner, "%s", s + 15);
  owner[strcspn(owner, "'\" )")] = '\0';
  snprintf(buf, len,
           "%s waits (%s) since t=%llu.%06llus: the port's "
           "LWIP_NETCONN_THREAD_SEM_GET (sys_arch_netconn_sem_get) handed "
           "%s %s's per-thread semaphore",
           task, what, (unsigned long long)(since / 1000000),
           (unsigned long long)(since % 1000000), task, owner);
  return true;
}

/* What `task` waits on, if it waits for good on its own netconn semaphore
 * while tcpip_thread waits on its empty mailbox (then true, with the line
 * in buf).  lwIP has then completed every call posted to it, `task`'s
 * included, and given `task`'s semaphore: the give went to another task
 * that waited on the same semaphore, which only the port's lookup hands
 * it.  (A give is never lost here: until the other task's wrong wait, the
 * semaphore was `task`'s alone.)  `other` is the other task calling lwIP
 * during the load. */
static bool fl_on_own_sem(const char *task, const char *other, char *buf,
                          size_t len)
{
  const sim_thread *t = sim_thread_find(task);
  const sim_thread *tcpip = sim_thread_find(TCPIP_THREAD_NAME);
  char what[200], tw[200];
  uint64_t since = 0;
  if (!t || !tcpip || !sim_thread_wait_info(t, what, sizeof what, &since) ||
      !sim_thread_wait_info(tcpip, tw, sizeof tw, NULL))
    return false;
  const char *s = strstr(what, "netconn sem of ");
  size_t n = strlen(task);
  if (!s || strncmp(s + 15, task, n) != 0 || s[15 + n] != '\'' ||
      sim_clock_now_us() - since <= FL_SELECT_TIMEOUT_US ||
      strncmp(tw, "receive on queue", 16) != 0)
    return false;
  snprintf(buf, len,
           "%s waits (%s) since t=%llu.%06llus, longer than any timed wait "
           "on it, while %s waits on its empty mailbox: lwIP gave %s's "
           "semaphore and %s, waiting on it too, took the give: the port's "
           "LWIP_NETCONN_THREAD_SEM_GET (sys_arch_netconn_sem_get) had "
           "handed %s %s's per-thread semaphore",
           task, what, (unsigned long long)(since / 1000000),
           (unsigned long long)(since % 1000000), TCPIP_THREAD_NAME, task,
           other, other, task);
  return true;
}

/* The heap when the board is quiet: the sample with the most free bytes
 * of three, half a tick apart from app_log's tick (its buffer lives
 * within one), with the blocks allocated then. */
typedef struct {
  size_t free_bytes, blocks;
} fc_heap;

static fc_heap fc_heap_quiet(void)
{
  fc_heap best = {0, 0};
  for (int i = 0; i < 3; i++) {
    uint64_t now = sim_clock_now_us();
    sim_sleep_us(1000 - now % 1000 + 500);
    HeapStats_t st;
    vPortGetHeapStats(&st);
    if (st.xAvailableHeapSpaceInBytes > best.free_bytes) {
      best.free_bytes = st.xAvailableHeapSpaceInBytes;
      best.blocks = st.xNumberOfSuccessfulAllocations -
                    st.xNumberOfSuccessfulFrees;
    }
  }
  return best;
}

static void fl_cable(scn_run *run)
{
  scn_board_up_user(run, &fl.board, NULL, NULL, 3);
  sim_sleep_us(FC_SETTLE_US);
  fc_heap base = fc_heap_quiet();

  /* Peers first (each resolves the board), then the cable's schedule. */
  uint64_t t_peers = sim_clock_now_us();
  uint64_t t_c0 = t_peers + FC_SETTLE_US;
  uint64_t t_end = t_c0 + FC_CYCLES * FC_PERIOD_US;
  uint64_t load_us = t_end + FC_SETTLE_US - t_peers;
  peers_ping_config pc;
  peers_ping_config_default(&pc, "ping", 99);
  pc.count = (unsigned)(load_us / FC_PING_INTERVAL_US);
  pc.payload = FC_PING_PAYLOAD;
  pc.interval_us = FC_PING_INTERVAL_US;
  char err[160];
  peers_node *ping = peers_ping_start(fl.board.wire, &pc, err, sizeof err);
  if (!ping)
    sim_sched_finish(SIM_END_FAULT, "%s", err);
  scn_at_end(run, fl_free_peer, ping);
  fl.ctl = fl_udp_for(run, 30, "udp_ctl", APP_CTL_PORT, FL_CTL_INTERVAL_US,
                      100, load_us);
  fl.data = fl_udp_for(run, 31, "udp_data", APP_DATA_PORT, 1000, 512,
                       load_us);
  for (unsigned k = 0; k < FC_CYCLES; k++) {
    macdev_set_link_at(fl.board.dev, false, t_c0 + k * FC_PERIOD_US);
    macdev_set_link_at(fl.board.dev, true,
                       t_c0 + k * FC_PERIOD_US + FC_DOWN_US);
  }
  sim_sleep_us(t_c0 - FC_PING_INTERVAL_US - sim_clock_now_us());
  unsigned long downs0 = app_stats.link_downs, ups0 = app_stats.link_ups;
  sim_sleep_us(t_end - sim_clock_now_us());
  unsigned long downs = app_stats.link_downs - downs0;
  unsigned long ups = app_stats.link_ups - ups0;
  peers_wait(ping, SIM_FOREVER);
  peers_wait(fl.ctl, SIM_FOREVER);
  peers_wait(fl.data, SIM_FOREVER);

  /* After the last plug: fresh senders, every datagram echoed. */
  peers_node *ctl2 = fl_udp_for(run, 32, "udp_ctl_after", APP_CTL_PORT,
                                FL_CTL_INTERVAL_US, 100, FC_AFTER_US);
  peers_node *data2 = fl_udp_for(run, 33, "udp_data_after", APP_DATA_PORT,
                                 1000, 512, FC_AFTER_US);
  peers_wait(ctl2, SIM_FOREVER);
  peers_wait(data2, SIM_FOREVER);
  sim_sleep_us((uint64_t)FL_GRACE_MS * 1000);
  fc_heap end = fc_heap_quiet();

  /* Each up-window [plug, next pull) had an answered request; none sent
   * while the cable was out was answered. */
  const peers_ping_result *pr = peers_get_ping(ping);
  unsigned resumed = 0, first_dead = FC_CYCLES, up_sent = 0, up_answered = 0;
  unsigned out_sent = 0, out_answered = 0, i = 0;
  for (unsigned k = 0; k < FC_CYCLES; k++) {
    uint64_t pull = t_c0 + k * FC_PERIOD_US, plug = pull + FC_DOWN_US;
    uint64_t next = pull + FC_PERIOD_US;
    unsigned answered = 0;
    for (; i < pr->count && pr->echo[i].sent_us < next; i++) {
      const peers_echo *x = &pr->echo[i];
      if (!x->sent_us || x->sent_us < pull)
        continue;
      if (x->sent_us + FC_OUT_MARGIN_US < plug) {
        out_sent++;
        out_answered += x->answered;
      } else if (x->sent_us >= plug) {
        up_sent++;
        up_answered += x->answered;
        answered += x->answered && x->payload_ok;
      }
    }
    if (answered)
      resumed++;
    else if (first_dead == FC_CYCLES)
      first_dead = k;
  }

  const peers_udp_result *rc = peers_get_udp(fl.ctl);
  const peers_udp_result *rd = peers_get_udp(fl.data);
  const peers_udp_result *rc2 = peers_get_udp(ctl2);
  const peers_udp_result *rd2 = peers_get_udp(data2);
  const macdev_stats *ms = macdev_get_stats(fl.board.dev);
  HeapStats_t hs;
  vPortGetHeapStats(&hs);
  scn_counter(run, "cable_cycles", FC_CYCLES);
  scn_counter(run, "lwip_link_downs", (long long)downs);
  scn_counter(run, "lwip_link_ups", (long long)ups);
  scn_counter(run, "cycles_resumed", resumed);
  scn_counter(run, "pings_up_sent", up_sent);
  scn_counter(run, "pings_up_answered", up_answered);
  scn_counter(run, "pings_out_sent", out_sent);
  scn_counter(run, "pings_out_answered", out_answered);
  scn_counter(run, "data_echoed", rd->received);
  scn_counter(run, "ctl_echoed", rc->received);
  scn_counter(run, "rx_drop_link_down", (long long)ms->rx_drop_link_down);
  scn_counter(run, "tx_drop_link_down", (long long)ms->tx_drop_link_down);
  scn_counter(run, "tx_frames", (long long)ethernetif_tx_frames);
  scn_counter(run, "tx_released", (long long)ethernetif_tx_released);
  scn_counter(run, "tx_isr_in_heap", (long long)ethernetif_tx_isr_in_heap);
  scn_counter(run, "tx_free_fallbacks",
              (long long)ethernetif_tx_free_fallbacks);
  scn_counter(run, "log_buffers", (long long)app_stats.log_buffers);
  scn_counter(run, "heap_allocs", (long long)hs.xNumberOfSuccessfulAllocations);
  scn_counter(run, "heap_free_base", (long long)base.free_bytes);
  scn_counter(run, "heap_free_end", (long long)end.free_bytes);

  const char *not_defect = "not a defect of the port or the heap";
  if (downs != FC_CYCLES || ups != FC_CYCLES)
    scn_verdict(run, SIM_VERDICT_FAULT, "lwIP saw %lu link-downs and %lu "
                "link-ups of %d cable cycles", downs, ups, FC_CYCLES);
  else if (!ms->rx_drop_link_down || out_sent == 0)
    scn_verdict(run, SIM_VERDICT_FAULT, "no frame met a pulled cable (%llu "
                "dropped, %u requests sent while out)",
                (unsigned long long)ms->rx_drop_link_down, out_sent);
  else if (out_answered)
    scn_verdict(run, SIM_VERDICT_FAULT, "%u of %u echo requests sent while "
                "the cable was out were answered", out_answered, out_sent);
  else if (resumed != FC_CYCLES)
    scn_verdict(run, SIM_VERDICT_FAULT, "traffic resumed after %u of %d "
                "plugs: no echo reply in cycle %u's up-window (t=%llu us "
                "on); %s", resumed, FC_CYCLES, first_dead,
                (unsigned long long)(t_c0 + first_dead * FC_PERIOD_US +
                                     FC_DOWN_US), not_defect);
  else if (app_stats.failed)
    scn_verdict(run, SIM_VERDICT_FAULT, "the application's %s failed; %s",
                app_stats.failed, not_defect);
  else if (rd->received == 0 || rc->received == 0 ||
           rd2->received != rd2->sent || rc2->received != rc2->sent)
    scn_verdict(run, SIM_VERDICT_FAULT, "echoes while cycling: data %u of "
                "%u, control %u of %u; after the last plug: data %u of %u, "
                "control %u of %u; %s", rd->received, rd->sent,
                rc->received, rc->sent, rd2->received, rd2->sent,
                rc2->received, rc2->sent, not_defect);
  else if (ethernetif_tx_released != ethernetif_tx_frames)
    scn_verdict(run, SIM_VERDICT_FAULT, "%lu of %lu frames handed to the "
                "MAC released", ethernetif_tx_released,
                ethernetif_tx_frames);
  else if (!fl_heap_is_lwips(run))
    return;
  else if (ethernetif_tx_isr_in_heap == 0)
    scn_verdict(run, SIM_VERDICT_FAULT, "no TX-complete interrupt landed "
                "while a task was inside the heap: the run did not put the "
                "fix under isr-free's pressure");
  else if (end.free_bytes != base.free_bytes || end.blocks != base.blocks)
    scn_verdict(run, SIM_VERDICT_FAULT, "the heap is not back to its "
                "baseline: %zu bytes free in %zu blocks allocated, %zu and "
                "%zu before the load", end.free_bytes, end.blocks,
                base.free_bytes, base.blocks);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%d cable cycles, lwIP saw each link-down and link-up; "
                "echo replies in every up-window (%u of %u requests; none "
                "of %u sent while out), data echo %u of %u and control %u "
                "of %u while cycling, all %u and %u after the last plug; "
                "%lu frames handed to the MAC and released "
                "(pbuf_free_callback, %lu TX-complete interrupts inside the "
                "heap); heap walked after each of %zu calls, back to its "
                "baseline (%zu bytes free, %zu blocks); no heap re-entry",
                FC_CYCLES, up_answered, up_sent, out_sent, rd->received,
                rd->sent, rc->received, rc->sent, rd2->sent, rc2->sent,
                ethernetif_tx_frames, ethernetif_tx_isr_in_heap,
                hs.xNumberOfSuccessfulAllocations +
                    hs.xNumberOfSuccessfulFrees,
                end.free_bytes, end.blocks);
}

static void fl_main(scn_run *run)
{
  memset(&fl, 0, sizeof fl);
  ethernetif_tx_free_in_isr = scn_variant_is(run, "isr-free");
  if (scn_variant_is(run, "callback-cable")) {
    fl_cable(run);
    return;
  }
  scn_board_up_user(run, &fl.board, NULL, NULL, 3);
  scn_load_start(run, &fl.load, &fl.board, FL_LOAD_US);
  fl.ctl = fl_udp(run, 30, "udp_ctl", APP_CTL_PORT, FL_CTL_INTERVAL_US, 100);
  fl.data = fl_udp(run, 31, "udp_data", APP_DATA_PORT, 1000, 512);
  if (!fl_unpinned(run)) {
    /* Armed right after one of app_ctl's echoes, when it waits in
     * select() again: app_data's next lookup comes before app_ctl's. */
    sim_sleep_us(FL_ARM_US);
    unsigned long e = app_stats.ctl_echoes;
    while (app_stats.ctl_echoes == e)
      sim_sleep_us(10);
    sim_script_add(&fl_hold);
    sim_script_add(&fl_release);
  }
  scn_load_wait(&fl.load);
  peers_wait(fl.ctl, 2 * FL_LOAD_US);
  peers_wait(fl.data, 2 * FL_LOAD_US);
  sim_sleep_us((uint64_t)FL_GRACE_MS * 1000);

  const peers_udp_result *rc = peers_get_udp(fl.ctl);
  const peers_udp_result *rd = peers_get_udp(fl.data);
  scn_counter(run, "ctl_echoes", (long long)app_stats.ctl_echoes);
  scn_counter(run, "ctl_empty_wakes", (long long)app_stats.ctl_empty_wakes);
  scn_counter(run, "data_echoes", (long long)app_stats.data_echoes);
  scn_counter(run, "log_buffers", (long long)app_stats.log_buffers);
  scn_counter(run, "send_failures", (long long)app_stats.send_failures);
  scn_counter(run, "tx_frames", (long long)ethernetif_tx_frames);
  scn_counter(run, "tx_released", (long long)ethernetif_tx_released);

  fl_name_sems();
  char stuck[2][600];
  bool s_data = fl_on_other_sem("app_data", stuck[0], sizeof stuck[0]) ||
                fl_on_own_sem("app_data", "app_ctl", stuck[0],
                              sizeof stuck[0]);
  bool s_ctl = fl_on_other_sem("app_ctl", stuck[1], sizeof stuck[1]) ||
               fl_on_own_sem("app_ctl", "app_data", stuck[1],
                             sizeof stuck[1]);
  if (s_data || s_ctl)
    sim_sched_finish(SIM_END_DEADLOCK,
                     "deadlock %d ms after the load ended: %s%s%s; data "
                     "echo %u of %u, control echo %u of %u",
                     FL_GRACE_MS, s_data ? stuck[0] : "",
                     s_data && s_ctl ? "; " : "", s_ctl ? stuck[1] : "",
                     rd->received, rd->sent, rc->received, rc->sent);

  const char *not_defect = "not a defect of the port or the heap";
  if (!scn_load_file_exact(&fl.load))
    scn_verdict(run, SIM_VERDICT_FAULT, "tftp: file incomplete or "
                "different; %s", not_defect);
  else if (app_stats.failed)
    scn_verdict(run, SIM_VERDICT_FAULT, "the application's %s failed; %s",
                app_stats.failed, not_defect);
  else if (rd->received == 0 || rc->received == 0 ||
           rd->received + 10 < rd->sent) {
    /* Where app_data is (a task on its own semaphore is not evidence:
     * who took its signal is not known here). */
    char what[200] = "not blocked";
    const sim_thread *t = sim_thread_find("app_data");
    uint64_t since = 0;
    if (t)
      (void)sim_thread_wait_info(t, what, sizeof what, &since);
    scn_verdict(run, SIM_VERDICT_FAULT, "echoes: data %u of %u, control "
                "%u of %u; app_data: %s; %s", rd->received, rd->sent,
                rc->received, rc->sent, what, not_defect);
  }
  else if (ethernetif_tx_released != ethernetif_tx_frames)
    scn_verdict(run, SIM_VERDICT_FAULT, "%lu of %lu sent frames released; "
                "%s", ethernetif_tx_released, ethernetif_tx_frames,
                not_defect);
  else if (!fl_heap_is_lwips(run))
    return;
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "every task went on: data echo %u of %u, control echo %u "
                "of %u (%lu select() calls, %lu woken early), tftp 64 KiB "
                "exact, %lu frames sent and released (%s), %lu log buffers "
                "from pvPortMalloc; no task on another's semaphore, no "
                "heap re-entry",
                rd->received, rd->sent, rc->received, rc->sent,
                app_stats.ctl_selects, app_stats.ctl_empty_wakes,
                ethernetif_tx_frames,
                ethernetif_tx_free_in_isr ? "pbuf_free in the ISR"
                                          : "pbuf_free_callback",
                app_stats.log_buffers);
}

/* The deadlock main reported (a task on another's semaphore), or the
 * FreeRTOS heap's own re-entry report: those, and nothing else. */
static void fl_on_end(scn_run *run, const sim_outcome *out)
{
  if (out->end == SIM_END_DEADLOCK && strstr(out->message, "handed"))
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "%s", out->message);
  else if (out->end == SIM_END_FAULT &&
           strncmp(out->message, FL_HEAP_REENTRY,
                   strlen(FL_HEAP_REENTRY)) == 0)
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "%s", out->message);
}

static int fl_configure(scn_run *run, sim_config *cfg, char *err,
                        size_t errlen)
{
  (void)run, (void)err, (void)errlen;
  cfg->point_cost_ns = FL_POINT_COST_NS;
  return 0;
}

SCN_IMPL(fr_load, .main_prio = 2, .main = fl_main,
         .configure = fl_configure, .on_end = fl_on_end);

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
 *   - the FreeRTOS heap's own re-entry report: vPortFree from interrupt
 *     context while a task is inside pvPortMalloc, at the named point.
 * `not-reproduced`: no task stuck, no re-entry, the TFTP file exact, both
 * echo channels answered.  Anything else is `fault`.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/sys.h"

#include "FreeRTOS.h"
#include "queue.h"
#include "task.h"

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
#define FL_LOOKUP_POINT "pvTaskGetThreadLocalStoragePointer"
#define FL_HEAP_REENTRY "heap re-entered: vPortFree from interrupt context"

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

static peers_node *fl_udp(uint8_t host, const char *name, uint16_t port,
                          uint64_t interval_us, size_t size)
{
  peers_udp_config c;
  peers_udp_config_default(&c, name, host);
  c.dport = port;
  c.count = (unsigned)(FL_LOAD_US / interval_us);
  c.interval_us = interval_us;
  c.size = size;
  char err[160];
  peers_node *p = peers_udp_start(fl.board.wire, &c, err, sizeof err);
  if (!p)
    sim_sched_finish(SIM_END_FAULT, "UDP peer %s: %s", name, err);
  return p;
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

static void fl_main(scn_run *run)
{
  memset(&fl, 0, sizeof fl);
  ethernetif_tx_free_in_isr = scn_variant_is(run, "isr-free");
  scn_board_up_user(run, &fl.board, NULL, NULL, 3);
  scn_load_start(run, &fl.load, &fl.board, FL_LOAD_US);
  fl.ctl = fl_udp(30, "udp_ctl", APP_CTL_PORT, FL_CTL_INTERVAL_US, 100);
  fl.data = fl_udp(31, "udp_data", APP_DATA_PORT, 1000, 512);
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
  char stuck[2][400];
  bool s_data = fl_on_other_sem("app_data", stuck[0], sizeof stuck[0]);
  bool s_ctl = fl_on_other_sem("app_ctl", stuck[1], sizeof stuck[1]);
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

/*
 * select_close_race - a thread waits in lwip_select() (or lwip_poll()) on a
 * socket while another thread closes it.
 *
 * Threads.  "selector" opens a UDP socket each cycle, lets "closer" go, and
 * waits in select()/poll() on it (1 s timeout).  "closer" sleeps 1 ms (so
 * the selector is surely asleep), closes the socket, passes the point
 * "app.close.done", and in the reuse schedule opens a new socket at once
 * ("app.reuse.done"), which lands in the same slot.  One more socket stays
 * open all along (the product's diagnostics listener), so NUM_SOCKETS - 1
 * slots can leak before socket() fails.
 *
 * Schedules (variant policy `script`): the selector is held at the point
 * where its select()/poll() wait returns ("sys_arch_sem_wait:done", inside
 * lwIP) until the closer has passed "app.close.done" (leak schedule) or
 * "app.reuse.done" (reuse schedule): the selector resumes only after
 * close() - or close() and socket() - returned.  Under `rtos` with no
 * script, priorities decide, as on a board.
 *
 * The scenario's own synchronisation uses sim semaphores, not lwIP's, so the
 * only "sys_arch_sem_wait:done" the selector passes is lwIP's own.
 *
 * The oracle reads lwIP's socket table through lwip_socket_dbg_get_socket()
 * (lwIP 2.1 and later; 2.0 keeps the table private, and the message says
 * so).
 */
#include <stdio.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/opt.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"
#if LWIP_VERSION_MAJOR > 2 || (LWIP_VERSION_MAJOR == 2 && LWIP_VERSION_MINOR >= 1)
#include "lwip/priv/sockets_priv.h"
#define SCR_HAVE_DBG 1
#else
#define SCR_HAVE_DBG 0
#endif

#include "scn.h"
#include "scn_lwip.h"
#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sys_arch_sim.h"

#define SCR_MAX_CYCLES 1000
#define SCR_SELECT_MS 1000
#define SCR_DIAG_PORT 7
#define SCR_NUM_SOCKETS MEMP_NUM_NETCONN

typedef enum { SCR_SCHED_NONE, SCR_SCHED_LEAK, SCR_SCHED_REUSE } scr_schedule;

typedef struct {
  const char *variant;
  scr_schedule schedule;
  bool use_poll;
  bool workaround;
  int cycles;          /* at most */
  int selector_prio, closer_prio;
} scr_config;

static const scr_config scr_configs[] = {
    /* variant, schedule, poll, workaround, cycles (at most: the leak
     * variants stop when socket() fails), selector and closer priority */
    {"leak-2.0", SCR_SCHED_LEAK, false, false, SCR_MAX_CYCLES, 4, 3},
    {"reuse-assert", SCR_SCHED_REUSE, false, false, 1, 4, 3},
    {"reuse-noassert", SCR_SCHED_REUSE, false, false, 1, 4, 3},
    {"poll-fullduplex", SCR_SCHED_LEAK, true, false, SCR_MAX_CYCLES, 4, 3},
    {"poll-fullduplex-fixed", SCR_SCHED_LEAK, true, false, SCR_MAX_CYCLES, 4,
     3},
    {"select-fullduplex", SCR_SCHED_LEAK, false, false, SCR_MAX_CYCLES, 4, 3},
    {"workaround", SCR_SCHED_REUSE, false, true, SCR_MAX_CYCLES, 4, 3},
    {"workaround-2.0", SCR_SCHED_LEAK, false, true, SCR_MAX_CYCLES, 4, 3},
    {"fixed", SCR_SCHED_LEAK, false, false, SCR_MAX_CYCLES, 4, 3},
    {"leak-2.0-rtos-closer-high", SCR_SCHED_NONE, false, false,
     SCR_MAX_CYCLES, 3, 4},
    {"leak-2.0-rtos-closer-low", SCR_SCHED_NONE, false, false,
     SCR_MAX_CYCLES, 4, 3},
};

static const sim_script_step scr_leak_steps[] = {
    {.thread = "selector", .point = SYS_ARCH_POINT_SEM_WAIT_DONE,
     .action = SIM_ACT_HOLD, .target = "selector", .every = true},
    {.thread = "closer", .point = "app.close.done", .action = SIM_ACT_RELEASE,
     .target = "selector", .every = true},
};

static const sim_script_step scr_reuse_steps[] = {
    {.thread = "selector", .point = SYS_ARCH_POINT_SEM_WAIT_DONE,
     .action = SIM_ACT_HOLD, .target = "selector", .every = true},
    {.thread = "closer", .point = "app.reuse.done", .action = SIM_ACT_RELEASE,
     .target = "selector", .every = true},
};

static struct {
  const scr_config *cfg;
  sim_sem *go, *closed, *looked, *done;
  sys_mutex_t wa_lock; /* the workaround: select() and close() serialised */
  int fd;              /* the socket of the current cycle */
  int reuse_fd;        /* the closer's new socket (reuse schedule) */
  int reuse_new_fd;    /* the last one, for the oracle */
  bool quit;
  /* results */
  int cycles;          /* cycles completed */
  int enfile_cycle;    /* cycle whose socket() failed with ENFILE, or 0 */
  int other_errno;
  int sel_pos, sel_zero, sel_neg, sel_last, sel_last_errno;
  int reuse_sw_at_birth, reuse_sw_after, reuse_same_slot;
  int close_errors;
} scr;

static const scr_config *scr_find(const char *variant)
{
  for (size_t i = 0; i < sizeof scr_configs / sizeof scr_configs[0]; i++)
    if (strcmp(scr_configs[i].variant, variant) == 0)
      return &scr_configs[i];
  return NULL;
}

/* select_waiting of the slot behind fd, or -1 where lwIP hides it. */
static int scr_select_waiting(int fd)
{
#if SCR_HAVE_DBG
  struct lwip_sock *sock = lwip_socket_dbg_get_socket(fd);
  return sock ? (int)sock->select_waiting : -1;
#else
  (void)fd;
  return -1;
#endif
}

static bool scr_slot_free(int fd)
{
#if SCR_HAVE_DBG
  struct lwip_sock *sock = lwip_socket_dbg_get_socket(fd);
  return sock && sock->conn == NULL;
#else
  (void)fd;
  return false;
#endif
}

static int scr_wait(int fd)
{
  if (scr.cfg->use_poll) {
#if LWIP_SOCKET_POLL
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    return lwip_poll(&pfd, 1, SCR_SELECT_MS);
#else
    (void)fd;
    errno = ENOSYS;
    return -1;
#endif
  }
  fd_set rf;
  FD_ZERO(&rf);
  FD_SET(fd, &rf);
  struct timeval tv = {.tv_sec = SCR_SELECT_MS / 1000, .tv_usec = 0};
  return lwip_select(fd + 1, &rf, NULL, NULL, &tv);
}

static void scr_selector(void *arg)
{
  (void)arg;
  for (int cycle = 1; cycle <= scr.cfg->cycles; cycle++) {
    int s = lwip_socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) {
      if (errno == ENFILE)
        scr.enfile_cycle = cycle;
      else
        scr.other_errno = errno;
      break;
    }
    scr.fd = s;
    sim_sem_give(scr.go);
    if (scr.cfg->workaround)
      sys_mutex_lock(&scr.wa_lock);
    int n = scr_wait(s);
    int e = errno;
    if (scr.cfg->workaround)
      sys_mutex_unlock(&scr.wa_lock);
    sim_point("app.select.returned");
    scr.sel_last = n;
    scr.sel_last_errno = n < 0 ? e : 0;
    if (n > 0)
      scr.sel_pos++;
    else if (n == 0)
      scr.sel_zero++;
    else
      scr.sel_neg++;
    if (scr.cfg->schedule == SCR_SCHED_REUSE) {
      /* The closer's new socket exists here unless the workaround made
       * close() wait for this select() to end. */
      if (scr.reuse_fd >= 0)
        scr.reuse_sw_after = scr_select_waiting(scr.reuse_fd);
      sim_sem_give(scr.looked);
    }
    sim_sem_take(scr.closed, SIM_FOREVER);
    scr.cycles = cycle;
  }
  scr.quit = true;
  sim_sem_give(scr.go);
  sim_sem_give(scr.done);
}

static void scr_closer(void *arg)
{
  (void)arg;
  for (;;) {
    sim_sem_take(scr.go, SIM_FOREVER);
    if (scr.quit)
      break;
    sim_sleep_us(1000); /* the selector is asleep in select() by now */
    if (scr.cfg->workaround)
      sys_mutex_lock(&scr.wa_lock);
    if (lwip_close(scr.fd) != 0)
      scr.close_errors++;
    if (scr.cfg->workaround)
      sys_mutex_unlock(&scr.wa_lock);
    sim_point("app.close.done");
    if (scr.cfg->schedule == SCR_SCHED_REUSE) {
      scr.reuse_fd = lwip_socket(AF_INET, SOCK_DGRAM, 0);
      scr.reuse_new_fd = scr.reuse_fd;
      scr.reuse_same_slot = scr.reuse_fd == scr.fd;
      scr.reuse_sw_at_birth = scr_select_waiting(scr.reuse_fd);
      sim_point("app.reuse.done");
      sim_sem_take(scr.looked, SIM_FOREVER);
      if (scr.reuse_fd >= 0)
        lwip_close(scr.reuse_fd);
      scr.reuse_fd = -1;
    }
    sim_sem_give(scr.closed);
  }
  sim_sem_give(scr.done);
}

/* "fd 1 select_waiting 1, fd 2 ..." for every free slot that cannot be
 * allocated any more. */
static int scr_lost_slots(char *buf, size_t len)
{
  int lost = 0;
  size_t pos = 0;
  buf[0] = 0;
  for (int i = 0; i < SCR_NUM_SOCKETS; i++) {
    int fd = i + LWIP_SOCKET_OFFSET;
    int sw = scr_select_waiting(fd);
    if (scr_slot_free(fd) && sw > 0) {
      lost++;
      if (pos < len)
        pos += (size_t)snprintf(buf + pos, len - pos,
                                "%sfd %d select_waiting %d", lost > 1 ? ", " : "",
                                fd, sw);
    }
  }
  return lost;
}

static void scr_main(scn_run *run)
{
  memset(&scr, 0, sizeof scr);
  scr.cfg = scr_find(run->variant->name);
  scr.reuse_fd = -1;
  scn_lwip_start();
  scr.go = sim_sem_new(0);
  scr.closed = sim_sem_new(0);
  scr.looked = sim_sem_new(0);
  scr.done = sim_sem_new(0);
  sys_mutex_new(&scr.wa_lock);

  /* The diagnostics listener the product keeps open all along. */
  char err[160];
  int diag = scn_lwip_socket_loopback(SOCK_DGRAM, SCR_DIAG_PORT, err,
                                      sizeof err);
  if (diag < 0) {
    /* An error lwIP returned (a pool empty: a sweep's injected failure):
     * the product cannot start; the run ends normally with that verdict,
     * as the firmware would go on, not as a simulator fault. */
    scn_verdict(run, SIM_VERDICT_FAULT, "diagnostics socket: %s (an error "
                "lwIP returned): the race was not run", err);
    return;
  }
  int in_use = 1;
  /* lwIP up and the listener open: what every seed shares. */
  scn_start_point(run);

  sys_thread_new("closer", scr_closer, NULL, 0, scr.cfg->closer_prio);
  sys_thread_new("selector", scr_selector, NULL, 0, scr.cfg->selector_prio);
  sim_sem_take(scr.done, SIM_FOREVER);
  sim_sem_take(scr.done, SIM_FOREVER);

  char lost_list[600];
  int lost = scr_lost_slots(lost_list, sizeof lost_list);
  int expect_cycles = SCR_NUM_SOCKETS - in_use;
  scn_counter(run, "cycles", scr.cycles);
  scn_counter(run, "enfile_cycle", scr.enfile_cycle);
  scn_counter(run, "lost_slots", lost);
  scn_counter(run, "select_pos", scr.sel_pos);
  scn_counter(run, "select_zero", scr.sel_zero);
  scn_counter(run, "select_neg", scr.sel_neg);
  scn_counter(run, "selector_prio", scr.cfg->selector_prio);
  scn_counter(run, "closer_prio", scr.cfg->closer_prio);

  char prio[96];
  snprintf(prio, sizeof prio, " (selector prio %d, closer prio %d)",
           scr.cfg->selector_prio, scr.cfg->closer_prio);
  /* Priorities decide the rtos runs of the closer-high/-low variants; a
   * schedule file's replay runs on rtos too, but its choices decide. */
  const char *prio_note =
      run->policy == SIM_POLICY_RTOS && !run->schedule ? prio : "";
  const char *api = scr.cfg->use_poll ? "poll()" : "select()";

  if (scr.other_errno)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "socket() failed with errno %d (not ENFILE) in cycle %d",
                scr.other_errno, scr.cycles + 1);
  else if (scr.cfg->schedule == SCR_SCHED_REUSE && scr.cfg->cycles == 1) {
    if (scr.reuse_sw_at_birth > 0)
      scn_verdict(run, SIM_VERDICT_REPRODUCED,
                  "new socket fd %d took the closed socket's slot%s with "
                  "select_waiting %d; %s returned %d (errno %d) and left "
                  "select_waiting %d",
                  scr.reuse_new_fd,
                  scr.reuse_same_slot ? "" : " (another slot)",
                  scr.reuse_sw_at_birth, api, scr.sel_last,
                  scr.sel_last_errno, scr.reuse_sw_after);
    else
      scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                  "new socket started with select_waiting %d; %s returned %d",
                  scr.reuse_sw_at_birth, api, scr.sel_last);
  } else if (scr.enfile_cycle) {
    /* Under the scripted schedule every cycle must leak exactly one slot;
     * under another policy some cycles leak and some do not. */
    if (scr.enfile_cycle - 1 != expect_cycles &&
        run->policy == SIM_POLICY_SCRIPT)
      scn_verdict(run, SIM_VERDICT_FAULT,
                  "socket() failed with ENFILE after %d cycles, expected %d "
                  "(NUM_SOCKETS %d - %d in use)",
                  scr.enfile_cycle - 1, expect_cycles, SCR_NUM_SOCKETS,
                  in_use);
    else if (SCR_HAVE_DBG && lost == 0)
      /* ENFILE with no free slot marked by select(): the slots are held
       * by something else. */
      scn_verdict(run, SIM_VERDICT_FAULT,
                  "socket() failed with ENFILE in cycle %d, but no free slot "
                  "has select_waiting set: not the close-during-%s leak",
                  scr.enfile_cycle, api);
    else
      scn_verdict(run, SIM_VERDICT_REPRODUCED,
                  "socket() failed with ENFILE in cycle %d: %d cycles of "
                  "close() during %s leaked %d of %d slots (%d in use)%s; "
                  "lost: %s",
                  scr.enfile_cycle, scr.enfile_cycle - 1, api,
                  SCR_HAVE_DBG ? lost : SCR_NUM_SOCKETS - in_use,
                  SCR_NUM_SOCKETS, in_use, prio_note,
                  SCR_HAVE_DBG ? lost_list
                               : "every free slot (lwIP 2.0 keeps "
                                 "select_waiting private)");
  } else if (lost > 0) {
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "%d slots lost in %d cycles of close() during %s%s: %s", lost,
                scr.cycles, api, prio_note, lost_list);
  } else {
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%d cycles of close() during %s: no ENFILE, no assertion, "
                "every slot free%s%s",
                scr.cycles, api, scr.cfg->workaround ? " (workaround)" : "",
                prio_note);
  }
  lwip_close(diag);
}

static int scr_configure(scn_run *run, sim_config *cfg, char *err,
                         size_t errlen)
{
  const scr_config *c = scr_find(run->variant->name);
  if (!c) {
    snprintf(err, errlen, "select_close_race: no set-up for variant %s",
             run->variant->name);
    return -1;
  }
  if (c->schedule == SCR_SCHED_LEAK) {
    cfg->script = scr_leak_steps;
    cfg->script_len = sizeof scr_leak_steps / sizeof scr_leak_steps[0];
  } else if (c->schedule == SCR_SCHED_REUSE) {
    cfg->script = scr_reuse_steps;
    cfg->script_len = sizeof scr_reuse_steps / sizeof scr_reuse_steps[0];
  }
  return 0;
}

/* An lwIP assertion about select_waiting is the defect showing itself. */
static void scr_on_end(scn_run *run, const sim_outcome *out)
{
  if (out->end == SIM_END_ASSERT &&
      strstr(out->message, "select_waiting == 0") != NULL)
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "%s (cycle %d, %s)",
                out->message, scr.cycles + 1,
                scr.cfg && scr.cfg->use_poll ? "poll()" : "select()");
}

SCN_IMPL(select_close_race, .main_prio = 1, .main = scr_main,
         .configure = scr_configure, .on_end = scr_on_end,
         .start_point = true);

/*
 * idle_timers - an idle board: lwIP runs with nothing but the loopback
 * netif it creates itself and one TCP server listening on 127.0.0.1, for
 * one virtual hour.
 *
 * Nothing is sent or received.  All that happens is lwIP's own cyclic
 * timers firing in tcpip_thread, so the run measures two things: that
 * virtual time advances exactly (each sleep step, and the hour, end on the
 * millisecond that sys_now() should show), and that an idle hour costs
 * nothing (pools and heap do not move while idle, and return to their level
 * from before the socket once it is closed).  It is also the benchmark of
 * how fast an idle hour simulates (bench/run.sh times it).
 *
 * Note that lwIP 2.1 arms its TCP timer only while an active or TIME-WAIT
 * pcb exists (tcp_timer_needed()); a listening pcb alone does not, so the
 * timers that run here are the always-on cyclic ones (IP reassembly and
 * ARP, one second each).  The counter `timeouts_armed` shows how many.
 *
 * A baseline has no field bug, so nothing here is ever `reproduced`: the
 * oracle reports `fault` (a defect of the simulator or the set-up) if
 * time did not advance by
 * exactly one hour, a step ended off its deadline, the server stopped
 * listening, a socket call failed, or a pool or the heap moved; otherwise
 * `not-reproduced`.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/sockets.h"
#include "lwip/stats.h"
#include "lwip/sys.h"

#include "scn.h"
#include "scn_lwip.h"
#include "sim_clock.h"
#include "sim_sched.h"

#define IT_PORT 80
#define IT_STEP_MS 60000u                 /* one sleep step: a minute */
#define IT_HOUR_MS 3600000u
#define IT_STEPS (IT_HOUR_MS / IT_STEP_MS)
#define IT_SETTLE_US 10000u               /* after close, for tcpip_thread */

static unsigned long it_pool_used(memp_t pool)
{
  return lwip_stats.memp[pool] ? lwip_stats.memp[pool]->used : 0;
}

/* A TCP socket listening on 127.0.0.1:IT_PORT, or -1 with err filled. */
static int it_listen(char *err, size_t errlen)
{
  int s = scn_lwip_socket_loopback(SOCK_STREAM, IT_PORT, err, errlen);
  if (s < 0)
    return -1;
  if (lwip_listen(s, 1) != 0) {
    snprintf(err, errlen, "listen() failed: errno %d", errno);
    goto err;
  }
  return s;
err:
  lwip_close(s);
  return -1;
}

/* 1 if the socket is still a listener, 0 if not, -1 if the query fails. */
static int it_listening(int s)
{
  int on = 0;
  socklen_t len = sizeof on;
  if (lwip_getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) != 0)
    return -1;
  return on != 0;
}

static void it_main(scn_run *run)
{
  scn_lwip_start();
  scn_pools base, open, idle, closed;
  scn_pools_snapshot(&base);

  char err[160] = "";
  int s = it_listen(err, sizeof err);
  if (s < 0) {
    scn_verdict(run, SIM_VERDICT_FAULT, "socket error: %s", err);
    return;
  }
  scn_pools_snapshot(&open);
  unsigned long listen_pcbs = it_pool_used(MEMP_TCP_PCB_LISTEN);

  /* The idle hour, in steps; each must end exactly on its deadline. */
  u32_t ms0 = sys_now();
  uint64_t us0 = sim_clock_now_us();
  unsigned bad_steps = 0, first_bad = 0;
  u32_t first_bad_ms = 0;
  for (unsigned i = 0; i < IT_STEPS; i++) {
    u32_t before = sys_now();
    sim_sleep_us((uint64_t)IT_STEP_MS * 1000u);
    u32_t took = sys_now() - before; /* u32 arithmetic, as lwIP's */
    if (took != IT_STEP_MS && bad_steps++ == 0) {
      first_bad = i;
      first_bad_ms = took;
    }
  }
  u32_t elapsed_ms = sys_now() - ms0;
  uint64_t elapsed_us = sim_clock_now_us() - us0;

  scn_pools_snapshot(&idle);
  unsigned long timeouts_armed = it_pool_used(MEMP_SYS_TIMEOUT);
  int listening = it_listening(s);
  char idle_leaks[512];
  int nidle = scn_pools_diff(&open, &idle, idle_leaks, sizeof idle_leaks);

  int close_rc = lwip_close(s);
  int close_errno = errno;
  /* Let tcpip_thread finish anything the close queued. */
  sim_sleep_us(IT_SETTLE_US);
  scn_pools_snapshot(&closed);
  char leaks[512];
  int nleaks = scn_pools_diff(&base, &closed, leaks, sizeof leaks);

  scn_counter(run, "virtual_s", (long long)(elapsed_us / 1000000u));
  scn_counter(run, "sys_now_delta_ms", (long long)elapsed_ms);
  scn_counter(run, "sleep_steps", IT_STEPS);
  scn_counter(run, "bad_steps", bad_steps);
  scn_counter(run, "timeouts_armed", (long long)timeouts_armed);
  scn_counter(run, "timeouts_max",
              lwip_stats.memp[MEMP_SYS_TIMEOUT]
                  ? (long long)lwip_stats.memp[MEMP_SYS_TIMEOUT]->max
                  : -1);
  scn_counter(run, "tcp_listen_pcbs", (long long)listen_pcbs);
  scn_counter(run, "tcp_pcbs", (long long)it_pool_used(MEMP_TCP_PCB));
  scn_counter(run, "still_listening", listening);
  scn_counter(run, "heap_used_idle", (long long)idle.mem_used);
  scn_counter(run, "ip_sent", lwip_stats.ip.xmit);
  scn_counter(run, "ip_received", lwip_stats.ip.recv);
  scn_counter(run, "tcp_sent", lwip_stats.tcp.xmit);
  scn_counter(run, "pool_changes_idle", nidle);
  scn_counter(run, "pool_changes_closed", nleaks);

  if (elapsed_ms != IT_HOUR_MS ||
      elapsed_us != (uint64_t)IT_HOUR_MS * 1000u)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "time advanced by %lu ms (%llu us), not %u ms",
                (unsigned long)elapsed_ms, (unsigned long long)elapsed_us,
                IT_HOUR_MS);
  else if (bad_steps)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "%u of %u sleep steps off their deadline; step %u took "
                "%lu ms, not %u",
                bad_steps, IT_STEPS, first_bad, (unsigned long)first_bad_ms,
                IT_STEP_MS);
  else if (listening != 1)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "the server is no longer listening after the idle hour "
                "(SO_ACCEPTCONN %s)",
                listening < 0 ? "failed" : "is 0");
  else if (close_rc != 0)
    scn_verdict(run, SIM_VERDICT_FAULT, "close() failed: errno %d",
                close_errno);
  else if (nidle)
    scn_verdict(run, SIM_VERDICT_FAULT,
                "pools moved during the idle hour: %s", idle_leaks);
  else if (nleaks)
    scn_verdict(run, SIM_VERDICT_FAULT, "pools not back: %s", leaks);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%u ms passed exactly in %u steps with %lu lwIP timeouts "
                "armed; pools and heap unchanged while idle and back to "
                "baseline after close",
                IT_HOUR_MS, IT_STEPS, timeouts_armed);
}

/* main is an application task, below tcpip_thread. */
SCN_IMPL(idle_timers, .main_prio = 2, .main = it_main);

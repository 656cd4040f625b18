/*
 * ctrl_reopen - the GW-3's control link across a controller reboot.
 *
 * The controller (a scripted frame peer at 192.0.2.50, run by this
 * thread) sends five "REQ nnnn" datagrams to the gateway's port 5000,
 * falls silent for 4.5 s (it reboots: the gateway's supervisor re-opens
 * the control socket after 3 s), then sends five more.  Every request
 * must be answered "ACK nnnn".
 *
 * fw-3.2 (as shipped): ctrl_sup closes the socket itself while ctrl_rx
 * is blocked in recvfrom() on it.  lwIP 2.x without
 * LWIP_NETCONN_FULLDUPLEX frees the netconn's receive mailbox in
 * close() (netconn_drain) with ctrl_rx still waiting on it: on FreeRTOS a
 * task left in a deleted queue's wait list.  The simulator stops the run
 * at that free ("mbox#N freed while thread ctrl_rx waits on it"); this
 * oracle names the mailbox (it labelled the control socket's receive
 * mailbox when the firmware opened it) and calls that, and nothing else,
 * the defect.  fw-3.3 (the fix): ctrl_rx re-opens its own socket.
 */
#include <stdio.h>
#include <string.h>

/* lwipsim's headers before lwIP's sockets: the firmware's
 * LWIP_COMPAT_SOCKETS makes send(), close() ... macros. */
#include "frames.h"
#include "scn.h"
#include "scn_board.h"
#include "sim_clock.h"
#include "sim_sync.h"

#include "lwip/api.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/sockets.h"

#include "app.h"

#define CR_REQS 10
#define CR_INBOX 16
#define CR_MBOX_NAME "recvmbox of the control socket"

static struct {
  scn_board board;
  frames_host me;
  int port;
  sim_sem *wake;
  struct {
    size_t len;
    uint8_t data[TAPIF_FRAME_MAX];
  } inbox[CR_INBOX];
  unsigned in_head, in_count, in_drops;
  bool acked[CR_REQS];
  int acks, bad_acks;
  int first_fd;
  bool named;
} cr;

/* The wire's event context: queue the frame for the peer's thread. */
static const char *cr_rx(void *node, const uint8_t *f, size_t len)
{
  (void)node;
  if (len > TAPIF_FRAME_MAX || cr.in_count == CR_INBOX) {
    cr.in_drops++;
    return NULL;
  }
  unsigned i = (cr.in_head + cr.in_count) % CR_INBOX;
  memcpy(cr.inbox[i].data, f, len);
  cr.inbox[i].len = len;
  cr.in_count++;
  sim_sem_give(cr.wake);
  return NULL;
}

static void cr_handle(const uint8_t *f, size_t len)
{
  frames_arp a;
  frames_ipv4 ip;
  frames_udp_dgram u;
  uint8_t out[FRAMES_ARP_LEN];
  if (frames_arp_parse(f, len, &a)) {
    if (a.op == 1 && memcmp(a.tpa, cr.me.ip, 4) == 0)
      tapif_wire_send(cr.board.wire, cr.port, out,
                      frames_arp_reply(out, &cr.me, &a), NULL);
    return;
  }
  if (!frames_ipv4_parse(f, len, &ip) || memcmp(ip.dst, cr.me.ip, 4) != 0 ||
      !frames_udp_parse(&ip, &u) || u.sport != CTRL_PORT)
    return;
  char txt[16] = {0};
  unsigned seq;
  memcpy(txt, u.data, u.len < sizeof txt - 1 ? u.len : sizeof txt - 1);
  if (sscanf(txt, "ACK %u", &seq) == 1 && seq < CR_REQS && !cr.acked[seq]) {
    cr.acked[seq] = true;
    cr.acks++;
  } else {
    cr.bad_acks++;
  }
}

/* Handles frames until virtual time `until`. */
static void cr_pump(uint64_t until)
{
  for (;;) {
    sim_model_lock(); /* cr_rx adds from event context */
    bool have = cr.in_count > 0;
    sim_model_unlock();
    if (have) {
      cr_handle(cr.inbox[cr.in_head].data, cr.inbox[cr.in_head].len);
      sim_model_lock();
      cr.in_head = (cr.in_head + 1) % CR_INBOX;
      cr.in_count--;
      sim_model_unlock();
      continue;
    }
    uint64_t now = sim_clock_now_us();
    if (now >= until)
      return;
    sim_sem_take(cr.wake, until - now);
  }
}

static void cr_request(unsigned seq)
{
  char txt[16];
  uint8_t f[TAPIF_FRAME_MAX];
  int n = snprintf(txt, sizeof txt, "REQ %04u", seq);
  size_t len = frames_udp(f, sizeof f, &cr.me, &cr.board.host, 5000,
                          CTRL_PORT, (uint16_t)(seq + 1), txt, (size_t)n);
  tapif_wire_send(cr.board.wire, cr.port, f, len, NULL);
}

/* The board's MAC, learnt with ARP, for the requests' destination. */
static bool cr_resolve(void)
{
  uint8_t f[FRAMES_ARP_LEN];
  for (int i = 0; i < 3; i++) {
    tapif_wire_send(cr.board.wire, cr.port, f,
                    frames_arp_request(f, &cr.me, cr.board.host.ip), NULL);
    uint64_t until = sim_clock_now_us() + 200000;
    while (sim_clock_now_us() < until) {
      sim_model_lock();
      bool have = cr.in_count > 0;
      sim_model_unlock();
      if (!have) {
        sim_sem_take(cr.wake, until - sim_clock_now_us());
        continue;
      }
      const uint8_t *d = cr.inbox[cr.in_head].data;
      size_t len = cr.inbox[cr.in_head].len;
      bool got = frames_arp_reply_parse(d, len, &cr.me, cr.board.host.mac);
      if (!got)
        cr_handle(d, len);
      sim_model_lock();
      cr.in_head = (cr.in_head + 1) % CR_INBOX;
      cr.in_count--;
      sim_model_unlock();
      if (got)
        return true;
    }
  }
  return false;
}

static void cr_main(scn_run *run)
{
  memset(&cr, 0, sizeof cr);
  /* The factory configuration the variant's firmware revision has. */
  gw_config.ctrl_reopen_by_owner = scn_variant_is(run, "fw-3.3");
  scn_board_up_user(run, &cr.board, NULL, NULL, 3);

  /* The entry starts the control link after the netif is up: wait for
   * its socket, then label the socket's receive mailbox, as a debugger
   * would. */
  for (int i = 0; i < 100 && ctrl_sock < 0; i++)
    sim_sleep_us(1000);
  cr.first_fd = ctrl_sock;
  struct lwip_sock *sk = lwip_socket_dbg_get_socket(cr.first_fd);
  if (!sk || !sk->conn || !sys_mbox_valid(&sk->conn->recvmbox))
    sim_sched_finish(SIM_END_FAULT, "the firmware opened no control socket "
                     "within 100 ms (ctrl_sock %d)", cr.first_fd);
  sim_mbox_set_name(sk->conn->recvmbox, CR_MBOX_NAME);
  cr.named = true;

  static const uint8_t mac[6] = {0x02, 0, 0, 0, 0x01, 50};
  static const uint8_t ip[4] = {192, 0, 2, 50};
  memcpy(cr.me.mac, mac, 6);
  memcpy(cr.me.ip, ip, 4);
  cr.wake = sim_sem_new(0);
  cr.port = tapif_wire_attach(cr.board.wire, "controller", cr_rx, NULL);
  if (cr.port < 0 || !cr_resolve())
    sim_sched_finish(SIM_END_FAULT, "controller: the gateway does not "
                     "answer ARP");

  uint64_t t = sim_clock_now_us();
  for (unsigned i = 0; i < CR_REQS; i++) {
    /* 100 ms apart; the reboot's 4.5 s of silence after the fifth */
    t += i == CR_REQS / 2 ? 4500000 : 100000;
    cr_pump(t);
    cr_request(i);
  }
  cr_pump(t + 500000);

  scn_counter(run, "acks", cr.acks);
  scn_counter(run, "bad_acks", cr.bad_acks);
  scn_counter(run, "silences", ctrl_counters.silences);
  scn_counter(run, "reopens", ctrl_counters.reopens);
  scn_counter(run, "rx_errors", ctrl_counters.rx_errors);
  if (ctrl_counters.reopens == 0)
    scn_verdict(run, SIM_VERDICT_FAULT, "the control socket was never "
                "re-opened (%u silences): the run did not reach the "
                "re-open path", (unsigned)ctrl_counters.silences);
  else if (cr.acks != CR_REQS || cr.bad_acks)
    scn_verdict(run, SIM_VERDICT_FAULT, "%d of %d requests answered (%d "
                "wrong answers), with no task waiting on a freed mailbox: "
                "not the defect", cr.acks, CR_REQS, cr.bad_acks);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "%d of %d requests answered; the control socket re-opened "
                "%u time(s) %s, no task waiting on it",
                cr.acks, CR_REQS, (unsigned)ctrl_counters.reopens,
                gw_config.ctrl_reopen_by_owner ? "by ctrl_rx, its owner"
                                               : "by ctrl_sup");
}

/* The defect's evidence: the run stopped where lwIP freed the control
 * socket's receive mailbox while ctrl_rx waited on it. */
static void cr_on_end(scn_run *run, const sim_outcome *out)
{
  if (out->end != SIM_END_FAULT || !cr.named ||
      !strstr(out->message, "freed while thread ctrl_rx waits on it"))
    return;
  char what[200] = "";
  sim_thread *rx = sim_thread_find("ctrl_rx");
  if (!rx || !sim_thread_wait_info(rx, what, sizeof what, NULL) ||
      !strstr(what, CR_MBOX_NAME))
    return;
  /* Who closed: ctrl_sup counted the silence and is inside its re-open
   * (fw 3.2), or ctrl_rx did (it cannot be waiting then). */
  bool sup = !gw_config.ctrl_reopen_by_owner &&
             ctrl_counters.silences > ctrl_counters.reopens;
  scn_counter(run, "acks", cr.acks);
  scn_counter(run, "silences", ctrl_counters.silences);
  scn_counter(run, "reopens", ctrl_counters.reopens);
  scn_verdict(run, SIM_VERDICT_REPRODUCED,
              "close() of the control socket (fd %d)%s freed its receive "
              "mailbox while ctrl_rx was blocked in recvfrom() on it "
              "(ctrl_rx: %s; %s)",
              cr.first_fd, sup ? " by ctrl_sup's re-open" : "", what,
              out->message);
}

/* serve --board rtos-socket-board --config ctrl_reopen:fw-3.3: the live
 * firmware with that revision's configuration. */
static void cr_serve_setup(const sim_variant *v)
{
  gw_config.ctrl_reopen_by_owner = strcmp(v->name, "fw-3.3") == 0;
}

SCN_IMPL(ctrl_reopen, .main_prio = 2, .main = cr_main, .on_end = cr_on_end,
         .serve_setup = cr_serve_setup);

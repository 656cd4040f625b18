/*
 * peer_udp_tftp - scripted peers (peers/frame/peers.h) other than ICMP, against
 * two small socket services that the board runs as application threads:
 *
 *   tftpd     port 69: serves "fw.bin" (3000 bytes, 6 blocks) from a new
 *             port per transfer, retransmits a block after 300 ms without
 *             its ACK (up to 6 times), never on a duplicate ACK (the
 *             Sorcerer's Apprentice); any other name gets ERROR 1.
 *   udp_echo  port 7: checks each datagram's pattern and sends it back.
 *
 * Peers (192.0.2.x): "tftp" (.20) reads fw.bin, "tftp404" (.21) asks for
 * a file that does not exist, "udp" (.30) sends 8 datagrams of 3000 bytes
 * (3 IP fragments each way), "udp-noarp" (.31) sends 8 datagrams of 64
 * bytes without resolving the board first (it is told the board's MAC),
 * so the board must ARP for it and the peer's ARP responder answers;
 * "arp" (.40) resolves the board 3 times.
 *
 * Why udp-noarp's datagrams are small: with ARP_QUEUEING 0 (lwIP's
 * default) a pending ARP entry keeps only the last packet queued on it, so
 * a fragmented reply to a host not yet resolved leaves with its last
 * fragment only and the first echo would be lost (seen in the capture).
 *
 * The peers start a few milliseconds apart: the virtual wire delivers
 * frames sent at the same instant at the same instant, and five at once
 * overflow the board's 4 RX descriptors (an ARP reply lost that way left
 * the board's entry pending until etharp's 1-second retry).
 *
 * `loss`: the wire loses 10% of deliveries (seeded); only the TFTP peers
 * run,
 * and the file must still arrive exactly, through retransmissions on both
 * sides.  Oracle: everything complete and byte-exact, or `fault` (a baseline: no
 * field bug to reproduce).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lwip/ip4_frag.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"

#include "frames.h"
#include "peers.h"
#include "scn.h"
#include "scn_board.h"
#include "scn_lwip.h"
#include "sim_clock.h"
#include "sim_sched.h"

#define PU_FILE "fw.bin"
#define PU_FILE_LEN 3000
#define PU_SRV_PRIO 4
#define PU_SRV_TIMEOUT_MS 300
#define PU_SRV_TRIES 6
#define PU_UDP_COUNT 8
#define PU_UDP_SIZE 3000
#define PU_NOARP_SIZE 64
#define PU_ARP_RESOLVES 3
#define PU_LOSS_PPM 100000
/* At the end, while a level is not back (a failed run only): lwIP's
 * reassembly timer frees a partial datagram after IP_REASS_MAXAGE. */
#define PU_DRAIN_STEP_US 100000ull
#define PU_DRAIN_MAX_US (IP_REASS_MAXAGE * IP_TMR_INTERVAL * 1000ull + 1000000ull)

static struct {
  scn_board board;
  sys_sem_t ready;
  peers_node *tftp, *missing, *udp, *noarp, *arp;
  /* the board's services */
  unsigned served, refused, srv_retransmits, srv_dup_acks, srv_aborted;
  unsigned echo_got, echo_bad;
  unsigned long long echo_bytes;
  char srv_error[128];
} pu;

static uint8_t pu_file_byte(size_t i)
{
  return (uint8_t)(i * 31 + 7);
}

static void pu_free_peer(void *arg)
{
  peers_free(arg);
}

/* A UDP socket bound to any address and `port` (0: an ephemeral one). */
static int pu_udp_socket(uint16_t port)
{
  int s = lwip_socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0)
    return -1;
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = lwip_htons(port);
  a.sin_addr.s_addr = PP_HTONL(INADDR_ANY);
  if (lwip_bind(s, (struct sockaddr *)&a, sizeof a) != 0) {
    lwip_close(s);
    return -1;
  }
  return s;
}

/* Waits for the ACK of `block` from `to`; false after a timeout. */
static bool pu_tftp_wait_ack(int t, const struct sockaddr_in *to,
                             uint16_t block, bool *abort)
{
  uint8_t in[600];
  for (;;) {
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t got = lwip_recvfrom(t, in, sizeof in, 0,
                                (struct sockaddr *)&from, &fl);
    if (got < 0)
      return false; /* SO_RCVTIMEO */
    frames_tftp a;
    if (from.sin_port != to->sin_port || from.sin_addr.s_addr !=
        to->sin_addr.s_addr || !frames_tftp_parse(in, (size_t)got, &a))
      continue;
    if (a.op == FRAMES_TFTP_ACK && a.block == block)
      return true;
    if (a.op == FRAMES_TFTP_ACK) {
      pu.srv_dup_acks++; /* not a reason to send again */
      continue;
    }
    if (a.op == FRAMES_TFTP_ERROR) {
      *abort = true;
      return false;
    }
  }
}

/* One transfer of the file from a new port (the server's transfer id). */
static void pu_tftp_transfer(const struct sockaddr_in *to)
{
  int t = pu_udp_socket(0);
  if (t < 0) {
    snprintf(pu.srv_error, sizeof pu.srv_error,
             "tftpd: no socket for a transfer (errno %d)", errno);
    return;
  }
  struct timeval tmo = {.tv_sec = 0, .tv_usec = PU_SRV_TIMEOUT_MS * 1000};
  lwip_setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof tmo);
  uint8_t pkt[4 + FRAMES_TFTP_BLOCK], blk[FRAMES_TFTP_BLOCK];
  for (uint16_t block = 1;; block++) {
    size_t off = (size_t)(block - 1) * FRAMES_TFTP_BLOCK;
    size_t len = PU_FILE_LEN - off < FRAMES_TFTP_BLOCK ? PU_FILE_LEN - off
                                                       : FRAMES_TFTP_BLOCK;
    for (size_t k = 0; k < len; k++)
      blk[k] = pu_file_byte(off + k);
    size_t n = frames_tftp_data(pkt, sizeof pkt, block, blk, len);
    bool acked = false, abort = false;
    for (unsigned tries = 0; !acked && !abort && tries < PU_SRV_TRIES;
         tries++) {
      if (tries)
        pu.srv_retransmits++;
      lwip_sendto(t, pkt, n, 0, (const struct sockaddr *)to, sizeof *to);
      acked = pu_tftp_wait_ack(t, to, block, &abort);
    }
    if (!acked) {
      pu.srv_aborted++;
      break;
    }
    if (len < FRAMES_TFTP_BLOCK) {
      pu.served++;
      break;
    }
  }
  lwip_close(t);
}

static void pu_tftpd(void *arg)
{
  (void)arg;
  int s = pu_udp_socket(FRAMES_TFTP_PORT);
  sys_sem_signal(&pu.ready);
  if (s < 0) {
    snprintf(pu.srv_error, sizeof pu.srv_error,
             "tftpd: cannot bind port 69 (errno %d)", errno);
    return;
  }
  uint8_t in[600], out[64];
  for (;;) {
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t got = lwip_recvfrom(s, in, sizeof in, 0,
                                (struct sockaddr *)&from, &fl);
    frames_tftp rq;
    if (got < 0 || !frames_tftp_parse(in, (size_t)got, &rq) ||
        rq.op != FRAMES_TFTP_RRQ)
      continue;
    if (strcmp(rq.file, PU_FILE) != 0) {
      size_t n = frames_tftp_error(out, sizeof out, 1, "File not found");
      lwip_sendto(s, out, n, 0, (struct sockaddr *)&from, fl);
      pu.refused++;
      continue;
    }
    pu_tftp_transfer(&from);
  }
}

static void pu_echo(void *arg)
{
  (void)arg;
  int s = pu_udp_socket(7);
  sys_sem_signal(&pu.ready);
  if (s < 0) {
    snprintf(pu.srv_error, sizeof pu.srv_error,
             "udp_echo: cannot bind port 7 (errno %d)", errno);
    return;
  }
  static uint8_t buf[PU_UDP_SIZE + 100];
  for (;;) {
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t got = lwip_recvfrom(s, buf, sizeof buf, 0,
                                (struct sockaddr *)&from, &fl);
    if (got <= 0)
      continue;
    /* Datagram n carries frames_echo_byte(n, i), and byte 0 is n. */
    bool ok = true;
    for (ssize_t i = 0; ok && i < got; i++)
      ok = buf[i] == frames_echo_byte(buf[0], (size_t)i);
    pu.echo_got++;
    pu.echo_bytes += (unsigned long long)got;
    if (!ok)
      pu.echo_bad++;
    lwip_sendto(s, buf, (size_t)got, 0, (struct sockaddr *)&from, fl);
  }
}

static peers_node *pu_start(scn_run *run, peers_node *n, const char *err)
{
  if (!n)
    sim_sched_finish(SIM_END_FAULT, "%s", err);
  scn_at_end(run, pu_free_peer, n);
  return n;
}

static void pu_main(scn_run *run)
{
  memset(&pu, 0, sizeof pu);
  bool loss = scn_variant_is(run, "loss");
  tapif_vwire_config wc;
  tapif_vwire_config_default(&wc);
  wc.seed = run->seed;
  if (loss)
    wc.loss_ppm = PU_LOSS_PPM;
  scn_board_up(run, &pu.board, NULL, &wc);
  sys_sem_new(&pu.ready, 0);
  sys_thread_new("tftpd", pu_tftpd, NULL, 0, PU_SRV_PRIO);
  sys_thread_new("udp_echo", pu_echo, NULL, 0, PU_SRV_PRIO);
  sys_arch_sem_wait(&pu.ready, 0);
  sys_arch_sem_wait(&pu.ready, 0);
  scn_pools before;
  scn_pools_snapshot(&before);

  char err[160];
  unsigned tries = loss ? 8 : 3;
  peers_tftp_config tc;
  peers_tftp_config_default(&tc, "tftp404", 21, "nope.bin");
  tc.c.arp_tries = tries;
  pu.missing = pu_start(run, peers_tftp_start(pu.board.wire, &tc, err,
                                              sizeof err), err);
  peers_tftp_config_default(&tc, "tftp", 20, PU_FILE);
  tc.c.arp_tries = tries;
  tc.c.start_us = 10000;
  tc.retries = 8;
  pu.tftp = pu_start(run, peers_tftp_start(pu.board.wire, &tc, err,
                                           sizeof err), err);
  if (!loss) {
    peers_udp_config uc;
    peers_udp_config_default(&uc, "udp", 30);
    uc.c.start_us = 20000;
    uc.count = PU_UDP_COUNT;
    uc.size = PU_UDP_SIZE;
    uc.interval_us = 20000;
    uc.linger_us = 200000;
    pu.udp = pu_start(run, peers_udp_start(pu.board.wire, &uc, err,
                                           sizeof err), err);
    /* The same datagrams, smaller, from a peer that knows the board's MAC
     * and never ARPs: the board must ARP for it. */
    peers_common_default(&uc.c, "udp-noarp", 31);
    uc.c.board_mac_known = true;
    memcpy(uc.c.board_mac, pu.board.host.mac, 6);
    uc.c.start_us = 25000;
    uc.sport = 40001;
    uc.size = PU_NOARP_SIZE;
    pu.noarp = pu_start(run, peers_udp_start(pu.board.wire, &uc, err,
                                             sizeof err), err);
    peers_arp_config ac;
    peers_arp_config_default(&ac, "arp", 40);
    ac.c.start_us = 5000;
    ac.resolves = PU_ARP_RESOLVES;
    ac.interval_us = 50000;
    pu.arp = pu_start(run, peers_arp_start(pu.board.wire, &ac, err,
                                           sizeof err), err);
  }
  peers_node *all[] = {pu.missing, pu.tftp, pu.udp, pu.noarp, pu.arp};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (all[i])
      peers_wait(all[i], SIM_FOREVER);
  scn_pools_settle(&before, PU_DRAIN_STEP_US, PU_DRAIN_MAX_US);

  const peers_tftp_result *t = peers_get_tftp(pu.tftp);
  const peers_tftp_result *m = peers_get_tftp(pu.missing);
  scn_counter(run, "tftp_bytes", (long long)t->len);
  scn_counter(run, "tftp_blocks", t->blocks);
  scn_counter(run, "tftp_retransmits", t->retransmits);
  scn_counter(run, "tftp_duplicates", t->duplicates);
  scn_counter(run, "tftp_foreign", t->foreign);
  scn_counter(run, "tftp_duration_us", (long long)t->duration_us);
  scn_counter(run, "tftpd_retransmits", pu.srv_retransmits);
  scn_counter(run, "tftpd_dup_acks", pu.srv_dup_acks);
  scn_counter(run, "tftpd_served", pu.served);
  scn_counter(run, "tftpd_refused", pu.refused);
  scn_counter(run, "wire_lost", (long long)pu.board.wire->frames_lost);
  bool file_ok = peers_tftp_exact(t, PU_FILE_LEN, pu_file_byte);
  bool missing_ok = m->failed && m->error_code == 1;
  if (pu.srv_error[0]) {
    scn_verdict(run, SIM_VERDICT_FAULT, "%s", pu.srv_error);
    return;
  }
  if (!file_ok || !missing_ok) {
    scn_verdict(run, SIM_VERDICT_FAULT,
                "tftp: %s (%zu bytes, %u blocks, %u retransmissions%s%s); "
                "missing file: %s",
                t->complete ? "file differs" : "incomplete", t->len,
                t->blocks, t->retransmits, t->failed ? ", " : "",
                t->failed ? t->error_msg : "",
                missing_ok ? "error 1" : m->error_msg);
    return;
  }
  if (loss) {
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "tftp: %zu bytes exact in %u blocks through a wire that "
                "lost %llu frames: client retransmitted %u times (%u "
                "duplicate blocks), server %u times; %llu us; missing "
                "file: error 1",
                t->len, t->blocks,
                (unsigned long long)pu.board.wire->frames_lost,
                t->retransmits, t->duplicates, pu.srv_retransmits,
                (unsigned long long)t->duration_us);
    return;
  }
  const peers_udp_result *u = peers_get_udp(pu.udp);
  const peers_udp_result *q = peers_get_udp(pu.noarp);
  const peers_arp_result *a = peers_get_arp(pu.arp);
  scn_counter(run, "udp_sent", u->sent);
  scn_counter(run, "udp_received", u->received);
  scn_counter(run, "udp_peer_reassembled", (long long)u->st.reassembled);
  scn_counter(run, "noarp_received", q->received);
  scn_counter(run, "noarp_arp_answers", q->st.arp_answers);
  scn_counter(run, "echo_got", pu.echo_got);
  scn_counter(run, "echo_bad", pu.echo_bad);
  scn_counter(run, "arp_resolved", a->resolved);
  scn_counter(run, "arp_rtt_max_us", (long long)a->rtt_max_us);
  if (u->received != PU_UDP_COUNT ||
      u->bytes_received != (uint64_t)PU_UDP_COUNT * PU_UDP_SIZE ||
      q->received != PU_UDP_COUNT ||
      q->bytes_received != (uint64_t)PU_UDP_COUNT * PU_NOARP_SIZE ||
      pu.echo_got != 2 * PU_UDP_COUNT || pu.echo_bad ||
      q->st.arp_answers != 1) {
    scn_verdict(run, SIM_VERDICT_FAULT,
                "udp: %u + %u sent, board got %u (%u bad), %u + %u echoed "
                "back; udp-noarp answered %u ARP requests (1 expected)",
                u->sent, q->sent, pu.echo_got, pu.echo_bad, u->received,
                q->received, q->st.arp_answers);
    return;
  }
  if (a->resolved != PU_ARP_RESOLVES) {
    scn_verdict(run, SIM_VERDICT_FAULT,
                "arp: %u of %d resolutions", a->resolved, PU_ARP_RESOLVES);
    return;
  }
  scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
              "tftp: %zu bytes exact in %u blocks, %llu us, missing file: "
              "error 1; udp: %u x %d bytes echoed (%llu reassembled by "
              "the peer), %u x %d bytes to a peer the board had to "
              "resolve; arp: %u resolutions, rtt <= %llu us",
              t->len, t->blocks, (unsigned long long)t->duration_us,
              u->received, PU_UDP_SIZE,
              (unsigned long long)u->st.reassembled, q->received,
              PU_NOARP_SIZE, a->resolved,
              (unsigned long long)a->rtt_max_us);
}

SCN_IMPL(peer_udp_tftp, .main_prio = 2, .main = pu_main);

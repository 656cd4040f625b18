/*
 * ping_flood_load - the board (192.0.2.1, board profile: PBUF_POOL_SIZE
 * 16, lwIP's default reassembly limits) under three loads at once on the
 * virtual wire, for 60 virtual seconds:
 *
 *   ping   a scripted peer (192.0.2.99) sends 2000-byte echo requests
 *          every 2 ms, each in 2 IP fragments, and lwIP fragments each
 *          reply;
 *   tftp   a scripted TFTP client (192.0.2.20) reads a 64 KiB file from
 *          lwIP's own tftp server app (tftp_init), served from an
 *          in-memory file of this scenario;
 *   echo   the echo client of an lwIP peer node (192.0.2.2) makes round
 *          trips of 1000 bytes through the whole minute with the board's
 *          socket echo server on port 7.
 *
 * lwIP's tftp server (2.1.3) answers a duplicate ACK with an ERROR and
 * retransmits a block only after TFTP_TIMEOUT_MSECS (10 s), so the client
 * waits longer than that before it sends an ACK again: a lost block is
 * then recovered by the server's retransmission, as a real client with a
 * patient timeout would see it.
 *
 * Oracle (`not-reproduced` = the board survives): no assertion and no
 * deadlock (either ends the run as `fault` or `deadlock`), the TFTP file
 * complete and byte-exact, every echo trip complete and byte-exact, and
 * the board still answers pings in the last seconds.  Lost pings are the
 * load, not a failure; the message and the counters give every drop
 * counter (memp PBUF_POOL err, TCPIP_MSG_INPKT err, ip_frag memerr/drop,
 * the EMAC's drops by reason, tcp.drop) and each pool's high-water mark.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/apps/tftp_server.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"

#include "emac.h"
#include "peers.h"
#include "scn.h"
#include "scn_board.h"
#include "scn_lwip.h"
#include "scn_peer.h"
#include "scn_peer_srv.h"
#include "sim_clock.h"
#include "sim_sched.h"

#define PF_RUN_US 60000000ull
#define PF_PING_INTERVAL_US 2000
#define PF_PING_PAYLOAD 2000
#define PF_PING_COUNT ((unsigned)(PF_RUN_US / PF_PING_INTERVAL_US))
#define PF_FILE "load64k.bin"
#define PF_FILE_LEN (64 * 1024)
#define PF_TFTP_TIMEOUT_US 15000000 /* longer than the server's 10 s */
#define PF_ECHO_BYTES 1000
#define PF_ECHO_TRIPS 1000
#define PF_TAIL 100 /* pings of the last second that must be answered */

static const char *const pf_pool_names[] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
};

static struct {
  scn_board board;
  scn_peer peer;
  scn_peer_srv srv;
  peers_node *ping, *tftp;
  peer_echo_result echo;
  /* the tftp server's file */
  size_t pos;
  bool open;
  unsigned opens, refused;
} pf;

static uint8_t pf_file_byte(size_t i)
{
  return (uint8_t)((i * 131 + (i >> 9) * 7 + 3) & 0xff);
}

static void *pf_tftp_open(const char *fname, const char *mode, u8_t write)
{
  (void)mode;
  if (write || strcmp(fname, PF_FILE) != 0 || pf.open) {
    pf.refused++;
    return NULL;
  }
  pf.open = true;
  pf.pos = 0;
  pf.opens++;
  return &pf;
}

static void pf_tftp_close(void *handle)
{
  (void)handle;
  pf.open = false;
}

static int pf_tftp_read(void *handle, void *buf, int bytes)
{
  (void)handle;
  size_t n = PF_FILE_LEN - pf.pos;
  if ((size_t)bytes < n)
    n = (size_t)bytes;
  for (size_t i = 0; i < n; i++)
    ((uint8_t *)buf)[i] = pf_file_byte(pf.pos + i);
  pf.pos += n;
  return (int)n;
}

static int pf_tftp_write(void *handle, struct pbuf *p)
{
  (void)handle;
  (void)p;
  return -1;
}

static const struct tftp_context pf_tftp_ctx = {
    .open = pf_tftp_open,
    .close = pf_tftp_close,
    .read = pf_tftp_read,
    .write = pf_tftp_write,
};

static void pf_free_peer(void *arg)
{
  peers_free(arg);
}

static bool pf_file_exact(const peers_tftp_result *t)
{
  if (!t->complete || t->len != PF_FILE_LEN)
    return false;
  for (size_t i = 0; i < t->len; i++)
    if (t->data[i] != pf_file_byte(i))
      return false;
  return true;
}

static unsigned pf_tail_answered(const peers_ping_result *r)
{
  unsigned n = 0;
  for (unsigned i = r->count > PF_TAIL ? r->count - PF_TAIL : 0;
       i < r->count; i++)
    n += r->echo[i].answered && r->echo[i].payload_ok;
  return n;
}

static long long pf_memp(memp_t i, int what)
{
  const struct stats_mem *m = lwip_stats.memp[i];
  if (!m)
    return -1;
  return what == 0 ? (long long)m->max : (long long)m->err;
}

static void pf_main(scn_run *run)
{
  memset(&pf, 0, sizeof pf);
  scn_board_up(run, &pf.board, NULL, NULL);
  LOCK_TCPIP_CORE();
  err_t te = tftp_init(&pf_tftp_ctx);
  UNLOCK_TCPIP_CORE();
  if (te != ERR_OK)
    sim_sched_finish(SIM_END_FAULT, "tftp_init failed (%d)", (int)te);
  scn_peer_srv_start(&pf.srv, "echo_srv", 7, true, 3);
  scn_peer_up(run, &pf.peer, &pf.board, NULL);

  char err[160];
  peers_ping_config pc;
  peers_ping_config_default(&pc, "ping", 99);
  pc.count = PF_PING_COUNT;
  pc.payload = PF_PING_PAYLOAD;
  pc.interval_us = PF_PING_INTERVAL_US;
  pc.c.start_us = 3000;
  pf.ping = peers_ping_start(pf.board.wire, &pc, err, sizeof err);
  if (!pf.ping)
    sim_sched_finish(SIM_END_FAULT, "%s", err);
  scn_at_end(run, pf_free_peer, pf.ping);

  peers_tftp_config tc;
  peers_tftp_config_default(&tc, "tftp", 20, PF_FILE);
  tc.c.start_us = 7000;
  tc.timeout_us = PF_TFTP_TIMEOUT_US;
  tc.retries = 3;
  pf.tftp = peers_tftp_start(pf.board.wire, &tc, err, sizeof err);
  if (!pf.tftp)
    sim_sched_finish(SIM_END_FAULT, "%s", err);
  scn_at_end(run, pf_free_peer, pf.tftp);

  peer_echo_config ec;
  peer_echo_config_default(&ec);
  memcpy(ec.server, pf.board.host.ip, 4);
  ec.trips = PF_ECHO_TRIPS;
  ec.bytes = PF_ECHO_BYTES;
  ec.salt = (uint32_t)run->seed;
  ec.timeout_us = 20000000;
  peer_app *app = peer_echo_start(&ec, &pf.echo);
  if (!app)
    sim_sched_finish(SIM_END_FAULT, "peer: cannot start the echo client");

  peers_wait(pf.ping, SIM_FOREVER);
  peers_wait(pf.tftp, SIM_FOREVER);
  bool echo_done = peer_app_wait(app, 30000000) == 0;
  bool srv_done = scn_peer_srv_wait(&pf.srv, 5000);

  const peers_ping_result *r = peers_get_ping(pf.ping);
  const peers_tftp_result *t = peers_get_tftp(pf.tftp);
  const emac_stats *es = emac_get_stats(pf.board.mac);
  bool file_ok = pf_file_exact(t);
  unsigned tail = pf_tail_answered(r);

  scn_counter(run, "ping_sent", r->sent);
  scn_counter(run, "ping_replies", r->replies);
  scn_counter(run, "ping_lost", r->lost);
  scn_counter(run, "ping_tail_answered", tail);
  scn_counter(run, "tftp_bytes", (long long)t->len);
  scn_counter(run, "tftp_retransmits", t->retransmits);
  scn_counter(run, "tftp_duration_us", (long long)t->duration_us);
  scn_counter(run, "echo_trips", pf.echo.done);
  scn_counter(run, "memp_pbuf_pool_err", pf_memp(MEMP_PBUF_POOL, 1));
  scn_counter(run, "memp_inpkt_err", pf_memp(MEMP_TCPIP_MSG_INPKT, 1));
  scn_counter(run, "ip_frag_memerr", lwip_stats.ip_frag.memerr);
  scn_counter(run, "ip_frag_drop", lwip_stats.ip_frag.drop);
  scn_counter(run, "tcp_drop", lwip_stats.tcp.drop);
  scn_counter(run, "mem_err", lwip_stats.mem.err);
  scn_counter(run, "emac_rx_no_desc", (long long)es->rx_drop_no_desc);
  scn_counter(run, "emac_rx_no_pbuf", (long long)es->rx_drop_no_pbuf);
  scn_counter(run, "emac_rx_queue_full",
              (long long)es->rx_drop_queue_full);
  scn_counter(run, "emac_refill_failures", (long long)es->refill_failures);
  scn_counter(run, "emac_tx_no_desc", (long long)es->tx_drop_no_desc);
  scn_counter(run, "heap_max", lwip_stats.mem.max);
  char maxes[600];
  size_t pos = 0;
  maxes[0] = 0;
  for (int i = 0; i < MEMP_MAX && pos < sizeof maxes; i++) {
    char name[40];
    snprintf(name, sizeof name, "max_%s", pf_pool_names[i]);
    scn_counter(run, name, pf_memp((memp_t)i, 0));
    pos += (size_t)snprintf(maxes + pos, sizeof maxes - pos, "%s%s %lld",
                            i ? ", " : "", pf_pool_names[i],
                            pf_memp((memp_t)i, 0));
  }
  char drops[400];
  snprintf(drops, sizeof drops,
           "drops: memp PBUF_POOL err %lld, TCPIP_MSG_INPKT err %lld, "
           "ip_frag memerr %u drop %u, emac rx no_desc %llu no_pbuf %llu "
           "queue_full %llu (refill failures %llu), tx no_desc %llu, "
           "tcp.drop %u",
           pf_memp(MEMP_PBUF_POOL, 1), pf_memp(MEMP_TCPIP_MSG_INPKT, 1),
           (unsigned)lwip_stats.ip_frag.memerr,
           (unsigned)lwip_stats.ip_frag.drop,
           (unsigned long long)es->rx_drop_no_desc,
           (unsigned long long)es->rx_drop_no_pbuf,
           (unsigned long long)es->rx_drop_queue_full,
           (unsigned long long)es->refill_failures,
           (unsigned long long)es->tx_drop_no_desc,
           (unsigned)lwip_stats.tcp.drop);

  const peer_failure *f = &pf.echo.fail;
  if (!file_ok)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "tftp: %s (%zu of %d bytes, %u retransmissions%s%s); %s",
                t->complete ? "file differs" : "incomplete", t->len,
                PF_FILE_LEN, t->retransmits, t->failed ? ", " : "",
                t->failed ? t->error_msg : "", drops);
  else if (!echo_done || f->call || pf.echo.mismatch_trip >= 0 ||
           pf.echo.done != PF_ECHO_TRIPS)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "echo: %u of %d trips%s%s (errno %d); %s", pf.echo.done,
                PF_ECHO_TRIPS, f->call ? ", failed in " : "",
                f->call ? f->call : "", f->err, drops);
  else if (!srv_done || pf.srv.fail)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "the board's echo server %s; %s",
                srv_done ? pf.srv.fail : "did not finish", drops);
  else if (tail == 0)
    scn_verdict(run, SIM_VERDICT_REPRODUCED,
                "the board stopped answering pings: none of the last %d "
                "answered; %s", PF_TAIL, drops);
  else
    scn_verdict(run, SIM_VERDICT_NOT_REPRODUCED,
                "survived 60 s: tftp %d bytes exact (%u client "
                "retransmissions, %llu us), echo %u trips exact, pings "
                "%u of %u answered (%u of the last %d); %s; pool max: %s",
                PF_FILE_LEN, t->retransmits,
                (unsigned long long)t->duration_us, pf.echo.done,
                r->replies, r->sent, tail, PF_TAIL, drops, maxes);
}

const scn_impl scn_ping_flood_load_impl = {
    .name = "ping_flood_load",
    .main_prio = 2,
    .main = pf_main,
};

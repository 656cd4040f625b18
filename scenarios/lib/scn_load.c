/*
 * scn_load.c - the ping_flood_load traffic (see scn_load.h).
 *
 * lwIP's tftp server (2.1.3) answers a duplicate ACK with an ERROR and
 * retransmits a block only after TFTP_TIMEOUT_MSECS (10 s), so the client
 * waits longer than that before it sends an ACK again: a lost block is
 * then recovered by the server's retransmission, as a real client with a
 * patient timeout would see it.
 */
#include "scn_load.h"

#include <stdio.h>
#include <string.h>

#include "lwip/apps/tftp_server.h"
#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "lwip/priv/tcpip_priv.h"
#include "lwip/tcpip.h"

#include "emac.h"
#include "sim_sched.h"
#include "sim_trace.h"

#define SCN_LOAD_PING_INTERVAL_US 2000
#define SCN_LOAD_PING_PAYLOAD 2000
#define SCN_LOAD_FILE "load64k.bin"
#define SCN_LOAD_TFTP_TIMEOUT_US 15000000 /* longer than the server's 10 s */

/* lwIP 2.2 added a TFTP client and renamed the server's start function
 * from tftp_init to tftp_init_server (apps/tftp/tftp.c). */
#if LWIP_VERSION_MAJOR > 2 || \
    (LWIP_VERSION_MAJOR == 2 && LWIP_VERSION_MINOR >= 2)
#define SCN_LOAD_TFTP_START tftp_init_server
#else
#define SCN_LOAD_TFTP_START tftp_init
#endif

static const char *const scn_load_pool_names[] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
};

/* lwIP's tftp server keeps one context: the file being served. */
static struct {
  scn_load *l;
  size_t pos;
  bool open;
} scn_load_file;

static uint8_t scn_load_file_byte(size_t i)
{
  return (uint8_t)((i * 131 + (i >> 9) * 7 + 3) & 0xff);
}

/* lwIP 2.0.x's server copies the requested name without its terminating
 * NUL (tftp_server.c, TFTP_RRQ: pbuf_copy_partial of filename_end_offset-2
 * bytes into an uninitialised buffer; 2.1.0 copies the NUL too), so what
 * follows the name there is whatever the stack held: on 2.0.x the name is
 * matched by its characters only, never read past them. */
static bool scn_load_is_file(const char *fname)
{
#if LWIP_VERSION_MAJOR == 2 && LWIP_VERSION_MINOR == 0
  return strncmp(fname, SCN_LOAD_FILE, sizeof SCN_LOAD_FILE - 1) == 0;
#else
  return strcmp(fname, SCN_LOAD_FILE) == 0;
#endif
}

static void *scn_load_tftp_open(const char *fname, const char *mode,
                                u8_t write)
{
  (void)mode;
  scn_load *l = scn_load_file.l;
  if (write || !scn_load_is_file(fname) || scn_load_file.open) {
    l->refused++;
    return NULL;
  }
  scn_load_file.open = true;
  scn_load_file.pos = 0;
  l->opens++;
  return &scn_load_file;
}

static void scn_load_tftp_close(void *handle)
{
  (void)handle;
  scn_load_file.open = false;
}

static int scn_load_tftp_read(void *handle, void *buf, int bytes)
{
  (void)handle;
  size_t n = SCN_LOAD_FILE_LEN - scn_load_file.pos;
  if ((size_t)bytes < n)
    n = (size_t)bytes;
  for (size_t i = 0; i < n; i++)
    ((uint8_t *)buf)[i] = scn_load_file_byte(scn_load_file.pos + i);
  scn_load_file.pos += n;
  return (int)n;
}

static int scn_load_tftp_write(void *handle, struct pbuf *p)
{
  (void)handle;
  (void)p;
  return -1;
}

static const struct tftp_context scn_load_tftp_ctx = {
    .open = scn_load_tftp_open,
    .close = scn_load_tftp_close,
    .read = scn_load_tftp_read,
    .write = scn_load_tftp_write,
};

#if !LWIP_TCPIP_CORE_LOCKING
static err_t scn_load_tftp_start_fn(struct tcpip_api_call_data *call)
{
  (void)call;
  return SCN_LOAD_TFTP_START(&scn_load_tftp_ctx);
}
#endif

static void scn_load_free_peer(void *arg)
{
  peers_free(arg);
}

void scn_load_start(scn_run *run, scn_load *l, scn_board *b, uint64_t run_us)
{
  memset(l, 0, sizeof *l);
  memset(&scn_load_file, 0, sizeof scn_load_file);
  scn_load_file.l = l;
#if LWIP_TCPIP_CORE_LOCKING
  LOCK_TCPIP_CORE();
  err_t te = SCN_LOAD_TFTP_START(&scn_load_tftp_ctx);
  UNLOCK_TCPIP_CORE();
#else /* a board project without core locking: in tcpip_thread */
  struct tcpip_api_call_data call;
  memset(&call, 0, sizeof call);
  err_t te = tcpip_api_call(scn_load_tftp_start_fn, &call);
#endif
  /* An error lwIP returned (a sweep's UDP_PCB): no TFTP server; the
   * download then fails and the scenario's verdict says so. */
  if (te != ERR_OK)
    sim_trace_eventf("load", "tftp_init failed (%d): no TFTP server",
                     (int)te);

  char err[160];
  peers_ping_config pc;
  peers_ping_config_default(&pc, "ping", 99);
  pc.count = (unsigned)(run_us / SCN_LOAD_PING_INTERVAL_US);
  pc.payload = SCN_LOAD_PING_PAYLOAD;
  pc.interval_us = SCN_LOAD_PING_INTERVAL_US;
  pc.c.start_us = 3000;
  l->ping = peers_ping_start(b->wire, &pc, err, sizeof err);
  if (!l->ping)
    sim_sched_finish(SIM_END_FAULT, "%s", err);
  scn_at_end(run, scn_load_free_peer, l->ping);

  peers_tftp_config tc;
  peers_tftp_config_default(&tc, "tftp", 20, SCN_LOAD_FILE);
  tc.c.start_us = 7000;
  tc.timeout_us = SCN_LOAD_TFTP_TIMEOUT_US;
  tc.retries = 3;
  l->tftp = peers_tftp_start(b->wire, &tc, err, sizeof err);
  if (!l->tftp)
    sim_sched_finish(SIM_END_FAULT, "%s", err);
  scn_at_end(run, scn_load_free_peer, l->tftp);
}

void scn_load_wait(scn_load *l)
{
  peers_wait(l->ping, SIM_FOREVER);
  peers_wait(l->tftp, SIM_FOREVER);
}

bool scn_load_file_exact(const scn_load *l)
{
  return peers_tftp_exact(peers_get_tftp(l->tftp), SCN_LOAD_FILE_LEN,
                          scn_load_file_byte);
}

unsigned scn_load_tail_answered(const scn_load *l)
{
  const peers_ping_result *r = peers_get_ping(l->ping);
  unsigned n = 0;
  for (unsigned i = r->count > SCN_LOAD_TAIL ? r->count - SCN_LOAD_TAIL : 0;
       i < r->count; i++)
    n += r->echo[i].answered && r->echo[i].payload_ok;
  return n;
}

static long long scn_load_memp(memp_t i, int what)
{
  const struct stats_mem *m = lwip_stats.memp[i];
  if (!m)
    return -1;
  return what == 0 ? (long long)m->max : (long long)m->err;
}

void scn_load_summary(scn_run *run, const scn_load *l, const scn_board *b,
                     char *drops, size_t dlen, char *maxes, size_t mlen)
{
  const peers_ping_result *r = peers_get_ping(l->ping);
  const peers_tftp_result *t = peers_get_tftp(l->tftp);
  const emac_stats *es = emac_get_stats(b->mac);
  scn_counter(run, "ping_sent", r->sent);
  scn_counter(run, "ping_replies", r->replies);
  scn_counter(run, "ping_lost", r->lost);
  scn_counter(run, "ping_tail_answered", scn_load_tail_answered(l));
  scn_counter(run, "tftp_bytes", (long long)t->len);
  scn_counter(run, "tftp_retransmits", t->retransmits);
  scn_counter(run, "tftp_duration_us", (long long)t->duration_us);
  scn_counter(run, "memp_pbuf_pool_err", scn_load_memp(MEMP_PBUF_POOL, 1));
  scn_counter(run, "memp_inpkt_err", scn_load_memp(MEMP_TCPIP_MSG_INPKT, 1));
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
  size_t pos = 0;
  maxes[0] = 0;
  for (int i = 0; i < MEMP_MAX && pos < mlen; i++) {
    char name[40];
    snprintf(name, sizeof name, "max_%s", scn_load_pool_names[i]);
    scn_counter(run, name, scn_load_memp((memp_t)i, 0));
    pos += (size_t)snprintf(maxes + pos, mlen - pos, "%s%s %lld",
                            i ? ", " : "", scn_load_pool_names[i],
                            scn_load_memp((memp_t)i, 0));
  }
  snprintf(drops, dlen,
           "drops: memp PBUF_POOL err %lld, TCPIP_MSG_INPKT err %lld, "
           "ip_frag memerr %u drop %u, emac rx no_desc %llu no_pbuf %llu "
           "queue_full %llu (refill failures %llu), tx no_desc %llu, "
           "tcp.drop %u",
           scn_load_memp(MEMP_PBUF_POOL, 1),
           scn_load_memp(MEMP_TCPIP_MSG_INPKT, 1),
           (unsigned)lwip_stats.ip_frag.memerr,
           (unsigned)lwip_stats.ip_frag.drop,
           (unsigned long long)es->rx_drop_no_desc,
           (unsigned long long)es->rx_drop_no_pbuf,
           (unsigned long long)es->rx_drop_queue_full,
           (unsigned long long)es->refill_failures,
           (unsigned long long)es->tx_drop_no_desc,
           (unsigned)lwip_stats.tcp.drop);
}

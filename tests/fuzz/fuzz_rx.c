/*
 * fuzz_rx.c - libFuzzer harness for the board's receive path: each input
 * is a few Ethernet frames that reach the board's EMAC on a replay wire,
 * then lwIP (ARP, IPv4 with reassembly, ICMP, UDP, TCP with the board's
 * services: TCP echo on 7, httpd on 80, lwiperf on 5001, as `lwipsim
 * serve`) handles them for a few virtual seconds, timers included.
 *
 * A fresh board per input, forked from a snapshot: lwIP has no de-init,
 * so a fork server, forked from libFuzzer's process in
 * LLVMFuzzerInitialize (before libFuzzer starts a thread or fills its
 * corpus: the server stays small, and its forks cost libFuzzer's process
 * no copy-on-write faults), starts the board once (lwIP, the EMAC, the
 * services, the link up by FZ_T0_US) and parks it at its start point
 * (sim_sched_start_point: every sim thread is a fiber, kept in memory;
 * the OS thread under them has ended).  For each input, passed in shared
 * memory with a byte on a pipe, the server forks a child from that
 * state: the child puts the input's frames on the wire and resumes the
 * board (sim_sched_resume); the server answers with how the child ended.
 * Under the pthread backend (a fork keeps one thread) it cannot park, and
 * says so: each child then starts the board from the beginning.
 * libFuzzer reads coverage from its counters after the callback returns,
 * so the child copies its counters (the __sancov_cntrs section: they are
 * per input, libFuzzer clears them before each call; the server clears
 * the set-up's) into shared memory and the callback copies them back.  A child that ends in an lwIP
 * assertion, a simulator fault or a deadlock aborts with the message; a
 * child that crashes (an ASan/UBSan report) fails the same way: the parent
 * then aborts too, so libFuzzer keeps the input.  (Comparison feedback
 * does not cross the fork: only the coverage counters do.)
 *
 * Input: records of a 2-byte big-endian length and that many bytes (the
 * last record takes what is left), at most FZ_MAX_FRAMES frames, delivered
 * FZ_GAP_US apart from FZ_T0_US on (on the harness's own wire: the frames
 * reach the EMAC as they are, and what the board sends goes nowhere).  Lengths of 0 or over 1518 reach the
 * EMAC as they are (it drops and counts them).
 *
 * The fork needs a process of one thread: a child inherits every lock
 * another thread held at that moment (ASan's allocator, malloc's) and
 * would wait for it forever.  libFuzzer's only thread in a plain run is
 * its RSS watcher, which it starts just before the first input; when that
 * thread was still starting up inside ASan's allocator at the first fork,
 * the child hung (10 s, then the watchdog).  The watcher measures this
 * process, not the children that do the work, so LLVMFuzzerInitialize
 * turns it off (-rss_limit_mb=0 after the caller's flags; libFuzzer reads
 * the flags after it returns), and every fork checks the thread count.
 *
 * LWIPSIM_FUZZ_SEED_FROM="a.pcapng b.pcapng" LWIPSIM_FUZZ_SEED_TO=DIR
 * makes one input per capture from its inbound frames, then exits.  The
 * board's TCP initial sequence numbers are fixed here (the k-th connection
 * gets fz_isn(k)) and the seed maker moves the ACK numbers of each
 * captured connection onto them, so seeds open real sessions (echo data,
 * HTTP requests) instead of being reset after the handshake.
 * LWIPSIM_FUZZ_VERBOSE=1 prints the board's counters after each input;
 * LWIPSIM_FUZZ_SELFTEST_ABORT=1 makes every child abort (the test that a
 * crash reaches libFuzzer).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pcapio.h"
#include "scn.h"
#include "scn_serve.h"
#include "sim_sched.h"
#include "sim_trace.h"
#include "sys_arch_sim.h"
#include "wire.h"

#define FZ_MAX_FRAMES 64
#define FZ_T0_US 100000u   /* the link is up by then: the start point */
#define FZ_GAP_US 300u
#define FZ_END_US 3000000u /* after FZ_T0_US: ARP, reassembly and TCP
                              timers get to run */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_rx_cntrs.c: libFuzzer's coverage counters (NULL: none). */
uint8_t *fuzz_rx_counters(size_t *n);

static uint8_t *fz_cntrs;  /* this process's counters */
static uint8_t *fz_shared; /* the child's counters, for the parent */
static size_t fz_ncntrs;

static uint32_t fz_isn(unsigned k)
{
  return 0x10000000u + k * 0x01000000u;
}

/* --- one input in a child ------------------------------------------ */

static unsigned fz_nconns;

static uint32_t fz_next_isn(void)
{
  return fz_isn(fz_nconns++);
}

/* The harness's wire: the board alone on it; an input's frames are put
 * on it as events at their virtual times (after the snapshot, so the
 * replay wire, whose frames are fixed when the board attaches, does not
 * serve). */
typedef struct {
  tapif_wire base;
  tapif_rx_fn rx;
  void *node;
} fz_wire;

static int fz_wire_attach(tapif_wire *base, const char *name, tapif_rx_fn rx,
                          void *node)
{
  fz_wire *w = (fz_wire *)base;
  (void)name;
  if (w->rx)
    return -1;
  w->rx = rx;
  w->node = node;
  return 0;
}

static int fz_wire_send(tapif_wire *base, int port, const uint8_t *frame,
                        size_t len, const char *note)
{
  if (port != 0)
    return -1;
  base->frames_sent++;
  tapif_wire_record(base, PCAPIO_OUT, frame, len, note);
  return 0;
}

static void fz_wire_destroy(tapif_wire *base)
{
  free(base);
}

static const tapif_wire_ops fz_wire_ops = {
    .kind = "fuzz",
    .attach = fz_wire_attach,
    .send = fz_wire_send,
    .destroy = fz_wire_destroy,
};

static fz_wire *fz_the_wire;

/* An input frame reaches the board (event context). */
static void fz_deliver(void *arg)
{
  tapif_frame *f = arg;
  fz_wire *w = fz_the_wire;
  w->base.frames_delivered++;
  const char *note = w->rx(w->node, f->data, f->len);
  tapif_wire_record(&w->base, PCAPIO_IN, f->data, f->len, note);
}

/* Splits the input into frames, each an event from `t0` on. */
static size_t fz_split(const uint8_t *data, size_t size, uint64_t t0)
{
  tapif_frame *frames = calloc(FZ_MAX_FRAMES, sizeof *frames);
  if (!frames)
    abort();
  size_t n = 0, off = 0;
  while (off < size && n < FZ_MAX_FRAMES) {
    size_t len = (size_t)data[off] << 8;
    if (off + 1 < size)
      len |= data[off + 1];
    off = off + 2 > size ? size : off + 2;
    if (len > size - off)
      len = size - off;
    frames[n].t_us = t0 + n * FZ_GAP_US;
    frames[n].len = len;
    frames[n].data = malloc(len ? len : 1);
    if (!frames[n].data)
      abort();
    memcpy(frames[n].data, data + off, len);
    off += len;
    sim_call_at(frames[n].t_us, fz_deliver, &frames[n]);
    n++;
  }
  return n;
}

static scn_serve_config fz_cfg;
static scn_run fz_run;
static sim_outcome fz_snap; /* how the set-up ended: parked, normally */
static bool fz_parked;      /* the snapshot exists (fibers) */

static void fz_board(void *arg)
{
  scn_serve_main(arg, &fz_cfg);
}

static void fz_main(void *arg)
{
  sim_thread_create("board", 2, fz_board, arg);
  sim_sleep_us(FZ_T0_US);
  sim_sched_start_point();
  sim_sleep_us(FZ_END_US);
  sim_sched_finish(SIM_END_NORMAL, "input done");
}

/* The board up to its start point; with `park`, parked there (the
 * snapshot), else in a child that goes on. */
static void fz_start(bool park)
{
  fz_the_wire = calloc(1, sizeof *fz_the_wire);
  if (!fz_the_wire)
    abort();
  fz_the_wire->base.ops = &fz_wire_ops;
  fz_the_wire->base.board_port = 0;
  fz_the_wire->base.mirror_fd = -1;
  fz_cfg.wire = &fz_the_wire->base;
  static const uint8_t ip[4] = {192, 0, 2, 1};
  memcpy(fz_cfg.ip, ip, 4);
  fz_cfg.prefix = 24;
  fz_cfg.quiet = true;
  static const sim_scenario scn = {.name = "fuzz_rx"};
  static const sim_variant var = {.name = "default", .profile = "board"};
  memset(&fz_run, 0, sizeof fz_run);
  fz_run.scenario = &scn;
  fz_run.variant = &var;
  fz_run.seed = 1;
  fz_run.mirror_fd = -1;
  char err[256];
  sim_config cfg = {.policy = SIM_POLICY_RTOS,
                    .seed = 1,
                    .time_limit_us = FZ_T0_US + 2 * FZ_END_US,
                    .start_point = true,
                    .park_at_start = park};
  if (sim_trace_open(NULL, err, sizeof err) != 0 ||
      sim_sched_init(&cfg, err, sizeof err) != 0) {
    fprintf(stderr, "fuzz_rx: %s\n", err);
    abort();
  }
  sys_arch_set_isn_source(fz_next_isn);
  if (park)
    sim_sched_run(fz_main, &fz_run, 1, &fz_snap);
}

/* One input, in a child: the frames, then the board from its start
 * point (resumed from the snapshot, or run from the beginning). */
static void fz_child(const uint8_t *data, size_t size)
{
  if (getenv("LWIPSIM_FUZZ_SELFTEST_ABORT")) /* tests/cli/test_fuzz.sh */
    abort();
  if (!fz_parked)
    fz_start(false);
  (void)fz_split(data, size, FZ_T0_US);
  sim_outcome out;
  if (fz_parked)
    sim_sched_resume(1, &out);
  else
    sim_sched_run(fz_main, &fz_run, 1, &out);
  if (out.end != SIM_END_NORMAL) {
    fprintf(stderr, "fuzz_rx: the board ended in %s: %s\n",
            sim_end_name(out.end), out.message);
    abort();
  }
  if (getenv("LWIPSIM_FUZZ_VERBOSE")) {
    scn_serve_counters(&fz_run);
    for (int i = 0; i < fz_run.ncounters; i++)
      fprintf(stderr, "fuzz_rx: %s=%lld\n", fz_run.counters[i].name,
              fz_run.counters[i].value);
  }
  if (fz_shared)
    memcpy(fz_shared, fz_cntrs, fz_ncntrs);
  _exit(0);
}

/* --- seed inputs from captures -------------------------------------- */

static uint32_t fz_get32(const uint8_t *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static void fz_put32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* The TCP segment of an unfragmented IPv4 frame: its offset, or 0. */
static size_t fz_tcp(const uint8_t *f, size_t len, size_t *tcplen)
{
  if (len < 14 + 20 || f[12] != 0x08 || f[13] != 0x00 || f[14 + 9] != 6)
    return 0;
  size_t ihl = (size_t)(f[14] & 15) * 4;
  size_t tot = (size_t)f[16] << 8 | f[17];
  if (ihl < 20 || tot < ihl + 20 || 14 + tot > len || (f[20] & 0x3f) ||
      f[21])
    return 0;
  *tcplen = tot - ihl;
  return 14 + ihl;
}

static void fz_tcp_checksum(uint8_t *f, size_t tcp, size_t tcplen)
{
  uint32_t sum = 0;
  for (int i = 0; i < 8; i += 2) /* source and destination addresses */
    sum += (uint32_t)f[26 + i] << 8 | f[27 + i];
  sum += 6 + (uint32_t)tcplen;
  f[tcp + 16] = f[tcp + 17] = 0;
  for (size_t i = 0; i < tcplen; i += 2)
    sum += (uint32_t)f[tcp + i] << 8 | (i + 1 < tcplen ? f[tcp + i + 1] : 0);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  uint16_t c = (uint16_t)~sum;
  f[tcp + 16] = (uint8_t)(c >> 8), f[tcp + 17] = (uint8_t)c;
}

/* One seed: the inbound frames of capture `path`, ACKs moved onto the
 * harness's sequence numbers (connections in the order the board answered
 * their SYNs). */
static int fz_seed(const char *path, FILE *o)
{
  char err[512];
  pcapio_meta meta;
  if (pcapio_read_meta(path, &meta, err, sizeof err) != 0) {
    fprintf(stderr, "fuzz_rx: %s\n", err);
    return -1;
  }
  pcapio_reader *r = pcapio_read_open(path, err, sizeof err);
  if (!r) {
    fprintf(stderr, "fuzz_rx: %s\n", err);
    pcapio_meta_free(&meta);
    return -1;
  }
  struct {
    uint16_t board_port, peer_port;
    uint32_t isn;
  } conns[64];
  unsigned nconns = 0, nout = 0;
  pcapio_frame fr;
  static uint8_t f[PCAPIO_MAX_FRAME];
  for (size_t i = 0; i < meta.nframes && pcapio_read_next(r, &fr) == 1; i++) {
    memcpy(f, fr.data, fr.len);
    size_t tl = 0, t = fz_tcp(f, fr.len, &tl);
    uint16_t sp = t ? (uint16_t)(f[t] << 8 | f[t + 1]) : 0;
    uint16_t dp = t ? (uint16_t)(f[t + 2] << 8 | f[t + 3]) : 0;
    if (meta.dirs[i] == PCAPIO_OUT) {
      if (t && (f[t + 13] & 0x12) == 0x12 && nconns < 64) {
        conns[nconns].board_port = sp;
        conns[nconns].peer_port = dp;
        conns[nconns++].isn = fz_get32(f + t + 4);
      }
      continue;
    }
    if (meta.dirs[i] != PCAPIO_IN || nout >= FZ_MAX_FRAMES)
      continue;
    if (t && (f[t + 13] & 0x10)) {
      for (unsigned k = nconns; k-- > 0;)
        if (conns[k].board_port == dp && conns[k].peer_port == sp) {
          fz_put32(f + t + 8, fz_get32(f + t + 8) - conns[k].isn + fz_isn(k));
          fz_tcp_checksum(f, t, tl);
          break;
        }
    }
    fputc((int)(fr.len >> 8) & 255, o);
    fputc((int)fr.len & 255, o);
    fwrite(f, 1, fr.len, o);
    nout++;
  }
  pcapio_read_close(r);
  pcapio_meta_free(&meta);
  return 0;
}

static int fz_make_seeds(const char *from, const char *dir)
{
  char *list = strdup(from);
  int k = 0, rc = 0;
  for (char *p = strtok(list, " "); p; p = strtok(NULL, " ")) {
    char path[4096];
    snprintf(path, sizeof path, "%s/seed-%d", dir, k);
    FILE *o = fopen(path, "wb");
    if (!o || fz_seed(p, o) != 0) {
      rc = 1;
      if (o)
        fclose(o);
      unlink(path);
      continue;
    }
    fclose(o);
    k++;
  }
  free(list);
  fprintf(stderr, "fuzz_rx: %d seed inputs in %s\n", k, dir);
  return rc;
}

/* --- the fork server ------------------------------------------------ */

/* This process's thread count (/proc/self/status), or -1. */
static int fz_threads(void)
{
  FILE *f = fopen("/proc/self/status", "r");
  if (!f)
    return -1;
  char line[128];
  int n = -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "Threads: %d", &n) == 1)
      break;
  fclose(f);
  return n;
}

/* What libFuzzer's process shares with the server: the input, the
 * child's counters, and how the child ended. */
#define FZ_MAX_INPUT (1u << 20)
typedef struct {
  size_t size;
  int status;        /* waitpid's */
  uint8_t data[FZ_MAX_INPUT];
} fz_shm;

static fz_shm *fz_io;
static int fz_req = -1, fz_rsp = -1; /* pipes to and from the server */

/* The server: the board up to its start point once, then one child per
 * request, forked from there.  It never returns. */
static void fz_serve(int req, int rsp) __attribute__((noreturn));
static void fz_serve(int req, int rsp)
{
  prctl(PR_SET_PDEATHSIG, SIGKILL); /* libFuzzer's end is the server's */
  if (sim_sched_can_park()) {
    fz_start(true);
    if (!fz_snap.parked) {
      fprintf(stderr, "fuzz_rx: the board ended before its start point "
              "(%s: %s)\n", sim_end_name(fz_snap.end), fz_snap.message);
      _exit(2);
    }
    fz_parked = true;
  } else {
    fprintf(stderr, "fuzz_rx: the pthread backend cannot keep the board "
            "across fork(): every input starts it from the beginning\n");
  }
  /* The set-up's coverage is every input's: only what comes after the
   * start point reaches libFuzzer. */
  if (fz_cntrs)
    memset(fz_cntrs, 0, fz_ncntrs);
  char c;
  while (read(req, &c, 1) == 1) {
    int nthreads = fz_threads();
    if (nthreads > 1) {
      fprintf(stderr,
              "fuzz_rx: %d threads at fork: a child could inherit a lock "
              "another thread holds (see tests/fuzz/fuzz_rx.c)\n",
              nthreads);
      _exit(2);
    }
    if (getenv("LWIPSIM_FUZZ_VERBOSE"))
      fprintf(stderr, "fuzz_rx: threads_at_fork=%d snapshot=%d\n",
              nthreads, fz_parked);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
      perror("fuzz_rx: fork");
      _exit(2);
    }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      fz_child(fz_io->data, fz_io->size);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
      ;
    fz_io->status = st;
    if (write(rsp, &c, 1) != 1)
      _exit(2);
  }
  _exit(0);
}

/* --- libFuzzer ------------------------------------------------------- */

/* argv with -rss_limit_mb=0 last (see the top); it lives as long as the
 * process, as libFuzzer keeps pointers into it. */
static char **fz_argv;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  static char no_rss[] = "-rss_limit_mb=0";
  fz_argv = calloc((size_t)*argc + 2, sizeof *fz_argv);
  if (!fz_argv)
    abort();
  memcpy(fz_argv, *argv, (size_t)*argc * sizeof *fz_argv);
  fz_argv[(*argc)++] = no_rss;
  *argv = fz_argv;
  const char *from = getenv("LWIPSIM_FUZZ_SEED_FROM");
  const char *to = getenv("LWIPSIM_FUZZ_SEED_TO");
  if (from && to)
    exit(fz_make_seeds(from, to));
  fz_cntrs = fuzz_rx_counters(&fz_ncntrs);
  if (fz_cntrs) {
    fz_shared = mmap(NULL, fz_ncntrs, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (fz_shared == MAP_FAILED)
      fz_shared = NULL;
  }
  fz_io = mmap(NULL, sizeof *fz_io, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int req[2], rsp[2];
  if (fz_io == MAP_FAILED || pipe(req) != 0 || pipe(rsp) != 0) {
    perror("fuzz_rx: fork server");
    exit(2);
  }
  /* Forked before libFuzzer starts any thread or fills its corpus: the
   * server stays small, and forking it costs libFuzzer's process
   * nothing. */
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fuzz_rx: fork server");
    exit(2);
  }
  if (pid == 0) {
    close(req[1]);
    close(rsp[0]);
    fz_serve(req[0], rsp[1]);
  }
  close(req[0]);
  close(rsp[1]);
  fz_req = req[1];
  fz_rsp = rsp[0];
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > FZ_MAX_INPUT)
    size = FZ_MAX_INPUT;
  memcpy(fz_io->data, data, size);
  fz_io->size = size;
  fz_io->status = -1;
  if (fz_shared)
    memset(fz_shared, 0, fz_ncntrs);
  char c = 'r';
  if (write(fz_req, &c, 1) != 1 || read(fz_rsp, &c, 1) != 1) {
    fprintf(stderr, "fuzz_rx: the fork server died\n");
    abort();
  }
  int st = fz_io->status;
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    fprintf(stderr, "fuzz_rx: the child %s %d\n",
            WIFSIGNALED(st) ? "died of signal" : "exited with",
            WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    abort();
  }
  if (fz_shared)
    memcpy(fz_cntrs, fz_shared, fz_ncntrs);
  return 0;
}

/*
 * test_pcapio.c - the capture writer and reader: a written capture reads
 * back exactly (through our reader and through libpcap itself, and with
 * tshark and capinfos when they are installed); the file appears only
 * when complete, frames are visible as soon as written, write errors are
 * reported; truncated, random and hostile files give one-line errors and
 * never a crash (run under ASan too); non-Ethernet captures and frames of
 * impossible sizes are refused with the frame's number.
 *
 * Each test makes its own directory under /tmp and removes it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "pcapio.h"

#include "harness.h"

#define SHB_COMMENT                                                         \
  "lwipsim scenario=udp_loopback variant=base seed=7 lwip=2.1.3 build=test"

typedef struct sample {
  int ifidx;
  uint64_t t_us;
  int dir;
  size_t len;
  const char *comment;
} sample;

/* Both directions, both interfaces, comments of 1 to 4 bytes (every
 * padding), none, several lines; timestamps across the 32-bit word. */
static const sample samples[] = {
    {0, 0, PCAPIO_IN, 60, "a"},
    {1, 1000, PCAPIO_OUT, 1514, "ab"},
    {0, 1001, PCAPIO_IN, 61, "abc"},
    {1, 4294967295ull, PCAPIO_OUT, 62, "abcd"},
    {0, 4294967296ull + 7, PCAPIO_UNKNOWN, 63, NULL},
    {1, 3600000123456ull, PCAPIO_OUT, 64,
     "http_accept: Out of memory, RST\ndrop: pbuf pool empty"},
    {0, 3600000123457ull, PCAPIO_IN, 1514, NULL},
};
#define N_SAMPLES (sizeof samples / sizeof samples[0])

/* ------------------------------------------------------------------ */
/* helpers */

static void dir_make(char *dir)
{
  strcpy(dir, "/tmp/lwipsim-test-XXXXXX");
  assert_non_null(mkdtemp(dir));
}

/* Removes every file in `dir`, then `dir`. */
static void dir_clean(const char *dir)
{
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  char p[512];
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    assert_int_equal(unlink(p), 0);
  }
  closedir(d);
  assert_int_equal(rmdir(dir), 0);
}

/* Frame i's bytes: a pattern no two frames share. */
static void frame_fill(uint8_t *buf, size_t len, unsigned i)
{
  for (size_t k = 0; k < len; k++)
    buf[k] = (uint8_t)(k * 7 + i * 31 + (k >> 8));
}

static void write_bytes(const char *path, const void *p, size_t n)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(p, 1, n, f), n);
  assert_int_equal(fclose(f), 0);
}

static uint8_t *read_bytes(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  long size = ftell(f);
  assert_true(size >= 0);
  rewind(f);
  uint8_t *b = malloc((size_t)size + 1);
  assert_non_null(b);
  assert_int_equal(fread(b, 1, (size_t)size, f), (size_t)size);
  fclose(f);
  *n = (size_t)size;
  return b;
}

static int one_line(const char *s)
{
  return s[0] && !strchr(s, '\n') && !strchr(s, '\r');
}

static void write_samples(pcapio_writer *w)
{
  uint8_t buf[1514];
  int ifid[2];
  ifid[0] = pcapio_add_interface(w, "wire0", "virtual wire, board side",
                                 PCAPIO_LINKTYPE_ETHERNET, 65535);
  ifid[1] = pcapio_add_interface(w, "wire1", NULL, PCAPIO_LINKTYPE_ETHERNET,
                                 65535);
  assert_int_equal(ifid[0], 0);
  assert_int_equal(ifid[1], 1);
  for (unsigned i = 0; i < N_SAMPLES; i++) {
    const sample *s = &samples[i];
    frame_fill(buf, s->len, i);
    if (pcapio_write_frame(w, ifid[s->ifidx], s->t_us, s->dir, buf, s->len,
                           s->comment) != 0)
      fail_msg("frame %u: %s", i, pcapio_error(w));
  }
}

static void write_sample_capture(const char *path)
{
  char err[256];
  pcapio_writer *w = pcapio_open(path, SHB_COMMENT, err, sizeof err);
  if (!w)
    fail_msg("%s", err);
  write_samples(w);
  if (pcapio_close(w, err, sizeof err) != 0)
    fail_msg("%s", err);
}

/* Reads `path` with our reader and checks it holds the first `n` samples
 * and nothing more. */
static void check_reader_gets_samples(const char *path, unsigned n)
{
  char err[256];
  uint8_t want[1514];
  pcapio_reader *r = pcapio_read_open(path, err, sizeof err);
  if (!r)
    fail_msg("%s", err);
  pcapio_frame f;
  for (unsigned i = 0; i < n; i++) {
    int rc = pcapio_read_next(r, &f);
    if (rc != 1)
      fail_msg("frame %u: rc %d: %s", i + 1, rc, pcapio_read_error(r));
    assert_int_equal(f.number, i + 1);
    assert_int_equal(f.t_us, samples[i].t_us);
    assert_int_equal(f.len, samples[i].len);
    assert_int_equal(f.ifid, -1);
    frame_fill(want, f.len, i);
    assert_memory_equal(f.data, want, f.len);
  }
  assert_int_equal(pcapio_read_next(r, &f), 0);
  assert_string_equal(pcapio_read_error(r), "");
  pcapio_read_close(r);
}

/* Block boundaries of one of our captures (we always write
 * little-endian); types[k] is the type of the block that starts at
 * bounds[k].  Returns the number of blocks. */
static size_t blocks_of(const uint8_t *b, size_t n, size_t *bounds,
                        uint32_t *types, size_t max)
{
  size_t k = 0, off = 0;
  while (off < n) {
    assert_true(k < max);
    assert_true(n - off >= 12);
    uint32_t type = (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 |
                    (uint32_t)b[off + 2] << 16 | (uint32_t)b[off + 3] << 24;
    uint32_t len = (uint32_t)b[off + 4] | (uint32_t)b[off + 5] << 8 |
                   (uint32_t)b[off + 6] << 16 | (uint32_t)b[off + 7] << 24;
    assert_int_equal(len % 4, 0);
    assert_true(len >= 12 && len <= n - off);
    assert_memory_equal(b + off + 4, b + off + len - 4, 4);
    bounds[k] = off;
    types[k++] = type;
    off += len;
  }
  assert_int_equal(off, n);
  bounds[k] = n;
  return k;
}

/* A classic pcap file (not pcapng): global header and one record. */
static void write_classic_pcap(const char *path, uint32_t linktype,
                               uint32_t caplen, uint32_t len)
{
  uint8_t b[24 + 16 + 64];
  /* Host byte order throughout: the magic tells the reader which. */
  uint32_t magic = 0xA1B2C3D4u, rest[4] = {0, 0, 65535, linktype};
  uint16_t version[2] = {2, 4};
  uint32_t rec[4] = {12, 345678, caplen, len}; /* 12.345678 s */
  assert_true(caplen <= 64);
  memcpy(b, &magic, 4);
  memcpy(b + 4, version, 4);
  memcpy(b + 8, rest, 16);
  memcpy(b + 24, rec, 16);
  frame_fill(b + 40, caplen, 0);
  write_bytes(path, b, 40 + caplen);
}

/* ------------------------------------------------------------------ */
/* writing and reading back */

static void test_roundtrip_with_reader(void **state)
{
  (void)state;
  char dir[32], path[64], comment[256], err[256];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/c.pcapng", dir);
  write_sample_capture(path);
  check_reader_gets_samples(path, N_SAMPLES);
  assert_int_equal(
      pcapio_read_shb_comment(path, comment, sizeof comment, err, sizeof err),
      0);
  assert_string_equal(comment, SHB_COMMENT);
  dir_clean(dir);
}

static void test_roundtrip_with_libpcap(void **state)
{
  (void)state;
  char dir[32], path[64], perr[PCAP_ERRBUF_SIZE];
  uint8_t want[1514];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/c.pcapng", dir);
  write_sample_capture(path);
  pcap_t *p = pcap_open_offline_with_tstamp_precision(
      path, PCAP_TSTAMP_PRECISION_MICRO, perr);
  if (!p)
    fail_msg("%s", perr);
  assert_int_equal(pcap_datalink(p), DLT_EN10MB);
  struct pcap_pkthdr *h;
  const u_char *data;
  for (unsigned i = 0; i < N_SAMPLES; i++) {
    assert_int_equal(pcap_next_ex(p, &h, &data), 1);
    assert_int_equal(h->ts.tv_sec, samples[i].t_us / 1000000);
    assert_int_equal(h->ts.tv_usec, samples[i].t_us % 1000000);
    assert_int_equal(h->caplen, samples[i].len);
    assert_int_equal(h->len, samples[i].len);
    frame_fill(want, h->caplen, i);
    assert_memory_equal(data, want, h->caplen);
  }
  assert_int_equal(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
  pcap_close(p);
  dir_clean(dir);
}

/* The exact bytes of one small capture, so a change of layout shows. */
static void test_block_layout(void **state)
{
  (void)state;
  static const uint8_t want[] = {
      /* SHB: type, length 52, byte-order magic, 1.0, section length -1 */
      0x0A, 0x0D, 0x0D, 0x0A, 52, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0,
      0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
      /* opt_comment "x" (padded), shb_userappl "lwipsim", endofopt */
      1, 0, 1, 0, 'x', 0, 0, 0, 4, 0, 7, 0, 'l', 'w', 'i', 'p', 's', 'i',
      'm', 0, 0, 0, 0, 0, 52, 0, 0, 0,
      /* IDB: Ethernet, snaplen 1518, if_name "e0", if_tsresol 6 */
      1, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 0xEE, 0x05, 0, 0, 2, 0, 2, 0,
      'e', '0', 0, 0, 9, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0,
      /* EPB: if 0, t = 2^32 + 5 us, 3 of 3 bytes (padded), epb_flags
       * outbound, opt_comment "ab", endofopt */
      6, 0, 0, 0, 56, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 3, 0, 0,
      0, 3, 0, 0, 0, 0xAA, 0xBB, 0xCC, 0, 2, 0, 4, 0, 2, 0, 0, 0, 1, 0, 2,
      0, 'a', 'b', 0, 0, 0, 0, 0, 0, 56, 0, 0, 0};
  char dir[32], path[64], err[256];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/c.pcapng", dir);
  pcapio_writer *w = pcapio_open(path, "x", err, sizeof err);
  assert_non_null(w);
  assert_int_equal(pcapio_add_interface(w, "e0", NULL, 1, 1518), 0);
  static const uint8_t fr[3] = {0xAA, 0xBB, 0xCC};
  assert_int_equal(
      pcapio_write_frame(w, 0, 4294967301ull, PCAPIO_OUT, fr, 3, "ab"), 0);
  assert_int_equal(pcapio_close(w, err, sizeof err), 0);
  size_t n;
  uint8_t *b = read_bytes(path, &n);
  assert_int_equal(n, sizeof want);
  assert_memory_equal(b, want, n);
  free(b);
  dir_clean(dir);
}

static void test_tmp_until_close_and_frames_live(void **state)
{
  (void)state;
  scratch sc;
  char err[256];
  uint8_t buf[1514];
  scratch_make(&sc, "c.pcapng");
  pcapio_writer *w = pcapio_open(sc.path, SHB_COMMENT, err, sizeof err);
  assert_non_null(w);
  assert_int_equal(access(sc.tmp, F_OK), 0);
  assert_int_equal(access(sc.path, F_OK), -1);
  int a = pcapio_add_interface(w, "wire0", NULL, 1, 65535);
  for (unsigned i = 0; i < 2; i++) {
    frame_fill(buf, samples[i].len, i);
    assert_int_equal(pcapio_write_frame(w, a, samples[i].t_us, samples[i].dir,
                                        buf, samples[i].len,
                                        samples[i].comment),
                     0);
  }
  /* Each frame was flushed: a reader of the growing file sees both. */
  check_reader_gets_samples(sc.tmp, 2);
  assert_int_equal(access(sc.path, F_OK), -1);
  assert_int_equal(pcapio_close(w, err, sizeof err), 0);
  assert_int_equal(access(sc.tmp, F_OK), -1);
  check_reader_gets_samples(sc.path, 2);
  dir_clean(sc.dir);
}

static void test_abandon_leaves_nothing(void **state)
{
  (void)state;
  scratch sc;
  char err[256];
  uint8_t buf[60] = {0};
  scratch_make(&sc, "c.pcapng");
  pcapio_writer *w = pcapio_open(sc.path, SHB_COMMENT, err, sizeof err);
  assert_non_null(w);
  assert_int_equal(pcapio_add_interface(w, "wire0", NULL, 1, 0), 0);
  assert_int_equal(pcapio_write_frame(w, 0, 1, PCAPIO_IN, buf, 60, NULL), 0);
  pcapio_abandon(w);
  pcapio_abandon(NULL);
  /* dir_clean() would remove leftovers; rmdir proves there are none. */
  scratch_assert_gone(&sc);
}

static void test_stdout_is_streamed(void **state)
{
  (void)state;
  char dir[32], path[64], err[256] = "", cerr[256] = "";
  uint8_t buf[1514];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/out.pcapng", dir);
  /* Point stdout at a file; assert only once it is back. */
  fflush(stdout);
  int saved = dup(1);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(saved >= 0 && fd >= 0);
  assert_int_equal(dup2(fd, 1), 1);
  close(fd);
  int ok = 1;
  pcapio_writer *w = pcapio_open("-", SHB_COMMENT, err, sizeof err);
  if (w) {
    ok = pcapio_add_interface(w, "wire0", NULL, 1, 0) == 0;
    for (unsigned i = 0; ok && i < 3; i++) {
      frame_fill(buf, samples[i].len, i);
      ok = pcapio_write_frame(w, 0, samples[i].t_us, samples[i].dir, buf,
                              samples[i].len, samples[i].comment) == 0;
    }
    ok = pcapio_close(w, cerr, sizeof cerr) == 0 && ok;
  }
  fflush(stdout);
  assert_int_equal(dup2(saved, 1), 1);
  close(saved);
  if (!w)
    fail_msg("%s", err);
  assert_true(ok);
  assert_string_equal(cerr, "");
  check_reader_gets_samples(path, 3);
  /* Nothing else (no .tmp) was made for stdout. */
  char tmp[80];
  snprintf(tmp, sizeof tmp, "%s/-.tmp", dir);
  assert_int_equal(access(tmp, F_OK), -1);
  assert_int_equal(access("-.tmp", F_OK), -1);
  dir_clean(dir);
}

static void test_write_error_is_reported(void **state)
{
  (void)state;
  scratch sc;
  char err[256] = "";
  uint8_t buf[1514] = {0};
  scratch_make(&sc, "c.pcapng");
  /* A file size limit stands in for a full disk: the write fails (EFBIG
   * rather than ENOSPC) through the same path. */
  struct rlimit old, lim;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
  lim = old;
  lim.rlim_cur = 4096;
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
  pcapio_writer *w = pcapio_open(sc.path, SHB_COMMENT, err, sizeof err);
  int rc = w ? pcapio_add_interface(w, "wire0", NULL, 1, 0) : -1;
  int frames = 0;
  while (rc == 0 && frames < 10) {
    rc = pcapio_write_frame(w, 0, 1, PCAPIO_OUT, buf, sizeof buf, NULL);
    frames += rc == 0;
  }
  int again = w ? pcapio_write_frame(w, 0, 2, PCAPIO_OUT, buf, 60, NULL) : 0;
  char msg[256];
  snprintf(msg, sizeof msg, "%s", w ? pcapio_error(w) : err);
  int crc = w ? pcapio_close(w, err, sizeof err) : 0;
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, old_handler);

  assert_non_null(w);
  assert_int_equal(rc, -1);
  assert_in_range(frames, 1, 3);
  assert_int_equal(again, -1);
  assert_true(one_line(msg));
  assert_non_null(strstr(msg, "cannot write capture"));
  assert_non_null(strstr(msg, "File too large"));
  assert_int_equal(crc, -1);
  assert_string_equal(err, msg);
  scratch_assert_gone(&sc);
}

static void test_unwritable_path_is_an_error(void **state)
{
  (void)state;
  char err[256] = "";
  assert_null(pcapio_open("/nonexistent-dir/x/c.pcapng", NULL, err,
                          sizeof err));
  assert_string_equal(err, "cannot write capture /nonexistent-dir/x/c.pcapng:"
                           " No such file or directory");
}

static void test_bad_arguments_fail_only_that_call(void **state)
{
  (void)state;
  char dir[32], path[64], err[256];
  uint8_t buf[2000] = {0};
  dir_make(dir);
  snprintf(path, sizeof path, "%s/c.pcapng", dir);
  pcapio_writer *w = pcapio_open(path, NULL, err, sizeof err);
  assert_non_null(w);
  assert_string_equal(pcapio_error(w), "");
  assert_int_equal(pcapio_write_frame(w, 0, 1, PCAPIO_IN, buf, 60, NULL), -1);
  assert_non_null(strstr(pcapio_error(w), "no interface 0"));
  assert_int_equal(pcapio_add_interface(w, "wire0", NULL, 1, 1518), 0);
  /* libpcap cannot read interfaces that differ in these. */
  assert_int_equal(pcapio_add_interface(w, "wire1", NULL, 1, 65535), -1);
  assert_non_null(strstr(pcapio_error(w), "differs from interface 0"));
  assert_int_equal(pcapio_add_interface(w, "wire1", NULL, 101, 1518), -1);
  assert_int_equal(pcapio_write_frame(w, 1, 1, PCAPIO_IN, buf, 60, NULL), -1);
  assert_int_equal(pcapio_write_frame(w, -1, 1, PCAPIO_IN, buf, 60, NULL),
                   -1);
  assert_int_equal(pcapio_write_frame(w, 0, 1, 3, buf, 60, NULL), -1);
  assert_non_null(strstr(pcapio_error(w), "bad direction 3"));
  assert_int_equal(pcapio_write_frame(w, 0, 1, PCAPIO_IN, buf, 1519, NULL),
                   -1);
  assert_non_null(strstr(pcapio_error(w), "1519 bytes is longer than 1518"));
  assert_int_equal(pcapio_write_frame(w, 0, 1, PCAPIO_IN, NULL, 60, NULL), -1);
  /* The writer still works, and the capture holds only the good frame. */
  assert_int_equal(pcapio_write_frame(w, 0, 0, PCAPIO_IN, buf, 60, ""), 0);
  assert_int_equal(pcapio_close(w, err, sizeof err), 0);
  char comment[8] = "junk";
  assert_int_equal(
      pcapio_read_shb_comment(path, comment, sizeof comment, err, sizeof err),
      0);
  assert_string_equal(comment, ""); /* no comment written */
  pcapio_reader *r = pcapio_read_open(path, err, sizeof err);
  assert_non_null(r);
  pcapio_frame f;
  assert_int_equal(pcapio_read_next(r, &f), 1);
  assert_int_equal(f.len, 60);
  assert_int_equal(pcapio_read_next(r, &f), 0);
  pcapio_read_close(r);
  dir_clean(dir);
}

/* ------------------------------------------------------------------ */
/* the section comment parser */

static void test_shb_comment_both_byte_orders(void **state)
{
  (void)state;
  /* Hand-made big-endian SHB: comment "hello" (padded), userappl "z". */
  static const uint8_t be[] = {
      0x0A, 0x0D, 0x0D, 0x0A, 0, 0, 0, 48, 0x1A, 0x2B, 0x3C, 0x4D,
      0, 1, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
      0, 4, 0, 1, 'z', 0, 0, 0, 0, 1, 0, 5, 'h', 'e', 'l', 'l',
      'o', 0, 0, 0, 0, 0, 0, 48};
  /* Little-endian, options ending with the block (no opt_endofopt). */
  static const uint8_t le[] = {
      0x0A, 0x0D, 0x0D, 0x0A, 36, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A,
      1, 0, 2, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
      1, 0, 3, 0, 'o', 'k', '!', 0, 36, 0, 0, 0};
  /* No options at all. */
  static const uint8_t bare[] = {
      0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A,
      1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
      28, 0, 0, 0};
  char dir[32], path[64], out[64], err[256];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/s.pcapng", dir);
  write_bytes(path, be, sizeof be);
  assert_int_equal(pcapio_read_shb_comment(path, out, sizeof out, err,
                                           sizeof err), 0);
  assert_string_equal(out, "hello");
  /* "hello" needs 6 bytes with its NUL. */
  assert_int_equal(pcapio_read_shb_comment(path, out, 5, err, sizeof err), -1);
  assert_non_null(strstr(err, "comment of 5 bytes does not fit in 5"));
  assert_int_equal(pcapio_read_shb_comment(path, out, 6, err, sizeof err), 0);
  assert_int_equal(pcapio_read_shb_comment(path, out, 0, err, sizeof err), -1);
  write_bytes(path, le, sizeof le);
  assert_int_equal(pcapio_read_shb_comment(path, out, sizeof out, err,
                                           sizeof err), 0);
  assert_string_equal(out, "ok!");
  write_bytes(path, bare, sizeof bare);
  assert_int_equal(pcapio_read_shb_comment(path, out, sizeof out, err,
                                           sizeof err), 0);
  assert_string_equal(out, "");
  dir_clean(dir);
}

static void test_shb_comment_rejects_malformed(void **state)
{
  (void)state;
  static const uint8_t base[] = {
      0x0A, 0x0D, 0x0D, 0x0A, 36, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A,
      1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
      1, 0, 3, 0, 'o', 'k', '!', 0, 36, 0, 0, 0};
  static const struct {
    size_t at;
    uint8_t v;
    const char *why;
  } cases[] = {
      {0, 0x0B, "not a pcapng file"},
      {8, 0x00, "bad byte-order magic"},
      {4, 24, "bad section header block length 24"},
      {4, 38, "bad section header block length 38"},
      {7, 0xFF, "bad section header block length"},
      {4, 40, "truncated section header block"},
      {32, 40, "section header block lengths differ"},
      {12, 2, "unsupported pcapng version 2.0"},
      {26, 5, "option 1 of 5 bytes overruns the block"},
      {27, 0xFF, "overruns the block"},
  };
  char dir[32], path[64], out[64], err[256];
  uint8_t b[sizeof base];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/s.pcapng", dir);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    memcpy(b, base, sizeof b);
    b[cases[i].at] = cases[i].v;
    write_bytes(path, b, sizeof b);
    err[0] = 0;
    assert_int_equal(pcapio_read_shb_comment(path, out, sizeof out, err,
                                             sizeof err), -1);
    if (!strstr(err, cases[i].why))
      fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].why);
    assert_true(one_line(err));
    assert_string_equal(out, "");
  }
  write_bytes(path, "", 0);
  assert_int_equal(pcapio_read_shb_comment(path, out, sizeof out, err,
                                           sizeof err), -1);
  assert_non_null(strstr(err, "empty file"));
  write_classic_pcap(path, 1, 60, 60);
  assert_int_equal(pcapio_read_shb_comment(path, out, sizeof out, err,
                                           sizeof err), -1);
  assert_non_null(strstr(err, "not a pcapng file"));
  dir_clean(dir);
}

/* Every byte of a real section header set to awkward values: the parser
 * answers, within bounds (ASan watches), and never overfills out. */
static void test_shb_comment_survives_every_corruption(void **state)
{
  (void)state;
  static const uint8_t vals[] = {0x00, 0x01, 0x03, 0x7F, 0x80, 0xFE, 0xFF};
  char dir[32], path[64], cut[64], err[256];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/c.pcapng", dir);
  snprintf(cut, sizeof cut, "%s/m.pcapng", dir);
  write_sample_capture(path);
  size_t n;
  uint8_t *b = read_bytes(path, &n);
  size_t shb = (size_t)b[4] | (size_t)b[5] << 8;
  size_t outlens[] = {1, 16, 4096};
  for (size_t i = 0; i < shb; i++) {
    for (size_t v = 0; v < sizeof vals; v++) {
      uint8_t keep = b[i];
      b[i] = vals[v];
      write_bytes(cut, b, shb + 8); /* and a bit of the next block */
      b[i] = keep;
      for (size_t o = 0; o < 3; o++) {
        char *out = malloc(outlens[o]); /* exact size, for ASan */
        assert_non_null(out);
        int rc = pcapio_read_shb_comment(cut, out, outlens[o], err,
                                         sizeof err);
        assert_true(rc == 0 || rc == -1);
        assert_true(strlen(out) < outlens[o]);
        if (rc)
          assert_true(one_line(err));
        free(out);
      }
    }
  }
  free(b);
  dir_clean(dir);
}

/* ------------------------------------------------------------------ */
/* damaged and foreign files */

static void test_truncated_capture(void **state)
{
  (void)state;
  char dir[32], path[64], cut[64], out[256], err[256];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/c.pcapng", dir);
  snprintf(cut, sizeof cut, "%s/t.pcapng", dir);
  write_sample_capture(path);
  size_t n;
  uint8_t *b = read_bytes(path, &n);
  size_t bounds[32];
  uint32_t types[32];
  size_t nb = blocks_of(b, n, bounds, types, 31);
  assert_int_equal(nb, 3 + N_SAMPLES); /* SHB, 2 IDB, EPBs */
  uint8_t want[1514];
  unsigned clean = 0, errors = 0;
  /* Cut at every offset, from the end down: shrinking one file is cheap. */
  write_bytes(cut, b, n);
  for (size_t at = n + 1; at-- > 0;) {
    assert_int_equal(truncate(cut, (off_t)at), 0);
    /* Where `at` stands among the blocks. */
    int boundary = 0;
    unsigned epbs_before = 0;
    for (size_t k = 0; k <= nb; k++) {
      boundary |= bounds[k] == at;
      if (k < nb && types[k] == 6 && bounds[k + 1] <= at)
        epbs_before++;
    }
    int rc = -1;
    unsigned got = 0;
    pcapio_reader *r = pcapio_read_open(cut, err, sizeof err);
    if (!r) {
      assert_true(one_line(err));
      assert_non_null(strstr(err, "cannot read capture"));
    } else {
      pcapio_frame f;
      while ((rc = pcapio_read_next(r, &f)) == 1) {
        /* Frames before the cut read back intact. */
        assert_true(got < N_SAMPLES);
        assert_int_equal(f.len, samples[got].len);
        frame_fill(want, f.len, got);
        assert_memory_equal(f.data, want, f.len);
        got++;
      }
      if (rc == -1) {
        assert_true(one_line(pcapio_read_error(r)));
        assert_non_null(strstr(pcapio_read_error(r), "cannot read capture"));
        assert_int_equal(pcapio_read_next(r, &f), -1); /* sticky */
      }
      pcapio_read_close(r);
    }
    /* A clean end only where a block ends, with every frame before it;
     * and always there, once the first interface is known. */
    if (rc == 0) {
      clean++;
      assert_true(boundary);
      assert_int_equal(got, epbs_before);
    } else {
      errors++;
      if (boundary && at >= bounds[2])
        fail_msg("cut at block boundary %zu gave an error", at);
    }
    int src = pcapio_read_shb_comment(cut, out, sizeof out, err, sizeof err);
    if (at >= bounds[1]) {
      assert_int_equal(src, 0);
      assert_string_equal(out, SHB_COMMENT);
    } else {
      assert_int_equal(src, -1);
      assert_true(one_line(err));
    }
  }
  assert_int_equal(clean, nb - 1); /* at the end of each IDB and EPB */
  assert_true(errors > n / 2);
  free(b);
  dir_clean(dir);
}

static uint64_t xorshift(uint64_t *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void test_random_bytes(void **state)
{
  (void)state;
  static const size_t sizes[] = {1, 3, 4, 11, 12, 24, 28, 100, 1000, 4096};
  char dir[32], path[64], out[64], err[256];
  uint8_t b[4096];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/r.pcapng", dir);
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    for (int rep = 0; rep < 8; rep++) {
      for (size_t i = 0; i < sizes[s]; i++)
        b[i] = (uint8_t)xorshift(&seed);
      write_bytes(path, b, sizes[s]);
      pcapio_reader *r = pcapio_read_open(path, err, sizeof err);
      if (r) {
        pcapio_frame f;
        assert_int_equal(pcapio_read_next(r, &f), -1);
        snprintf(err, sizeof err, "%s", pcapio_read_error(r));
        pcapio_read_close(r);
      }
      assert_true(one_line(err));
      assert_non_null(strstr(err, "cannot read capture"));
      assert_int_equal(pcapio_read_shb_comment(path, out, sizeof out, err,
                                               sizeof err), -1);
    }
  }
  /* A good header and interface, then noise: an answer, not a crash. */
  char good[64];
  snprintf(good, sizeof good, "%s/g.pcapng", dir);
  write_sample_capture(good);
  size_t n;
  uint8_t *g = read_bytes(good, &n);
  size_t hdr = (size_t)g[4] | (size_t)g[5] << 8;
  hdr += (size_t)g[hdr + 4] | (size_t)g[hdr + 5] << 8;
  assert_true(hdr < n);
  for (int rep = 0; rep < 32; rep++) {
    memcpy(b, g, hdr);
    for (size_t i = hdr; i < sizeof b; i++)
      b[i] = (uint8_t)xorshift(&seed);
    write_bytes(path, b, hdr + (size_t)rep * 97);
    pcapio_reader *r = pcapio_read_open(path, err, sizeof err);
    assert_non_null(r);
    pcapio_frame f;
    int rc, frames = 0;
    while ((rc = pcapio_read_next(r, &f)) == 1)
      frames++;
    assert_true(rc == 0 || rc == -1);
    if (rc == -1)
      assert_true(one_line(pcapio_read_error(r)));
    pcapio_read_close(r);
  }
  free(g);
  dir_clean(dir);
}

static void test_not_ethernet(void **state)
{
  (void)state;
  char dir[32], path[64], err[256];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/x.pcap", dir);
  static const uint32_t linktypes[] = {0, 101};
  for (size_t i = 0; i < 2; i++) {
    write_classic_pcap(path, linktypes[i], 20, 20);
    err[0] = 0;
    assert_null(pcapio_read_open(path, err, sizeof err));
    assert_non_null(strstr(err, "not an Ethernet capture"));
    assert_true(one_line(err));
  }
  /* The same file with Ethernet reads: classic pcap is fine for replay. */
  write_classic_pcap(path, 1, 60, 60);
  pcapio_reader *r = pcapio_read_open(path, err, sizeof err);
  if (!r)
    fail_msg("%s", err);
  pcapio_frame f;
  assert_int_equal(pcapio_read_next(r, &f), 1);
  assert_int_equal(f.t_us, 12345678);
  assert_int_equal(f.len, 60);
  assert_int_equal(pcapio_read_next(r, &f), 0);
  pcapio_read_close(r);
  /* A frame cut by the snapshot length cannot be replayed. */
  write_classic_pcap(path, 1, 60, 64);
  r = pcapio_read_open(path, err, sizeof err);
  assert_non_null(r);
  assert_int_equal(pcapio_read_next(r, &f), -1);
  assert_non_null(strstr(pcapio_read_error(r),
                         "frame 1 was cut short (60 of 64 bytes captured)"));
  pcapio_read_close(r);
  dir_clean(dir);
}

static void test_frame_sizes(void **state)
{
  (void)state;
  char dir[32], path[64], err[256];
  uint8_t buf[2000] = {0};
  dir_make(dir);
  snprintf(path, sizeof path, "%s/c.pcapng", dir);
  static const struct {
    size_t len;
    int ok;
  } cases[] = {{1, 1}, {1522, 1}, {0, 0}, {1523, 0}, {2000, 0}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    pcapio_writer *w = pcapio_open(path, NULL, err, sizeof err);
    assert_non_null(w);
    assert_int_equal(pcapio_add_interface(w, "wire0", NULL, 1, 65535), 0);
    /* The odd frame is the second, so the error must name frame 2. */
    assert_int_equal(pcapio_write_frame(w, 0, 1, PCAPIO_IN, buf, 60, NULL),
                     0);
    assert_int_equal(pcapio_write_frame(w, 0, 2, PCAPIO_IN, buf,
                                        cases[i].len, NULL),
                     0);
    assert_int_equal(pcapio_close(w, err, sizeof err), 0);
    pcapio_reader *r = pcapio_read_open(path, err, sizeof err);
    assert_non_null(r);
    pcapio_frame f;
    assert_int_equal(pcapio_read_next(r, &f), 1);
    int rc = pcapio_read_next(r, &f);
    if (cases[i].ok) {
      assert_int_equal(rc, 1);
      assert_int_equal(f.len, cases[i].len);
      assert_int_equal(pcapio_read_next(r, &f), 0);
    } else {
      assert_int_equal(rc, -1);
      const char *e = pcapio_read_error(r);
      assert_true(one_line(e));
      char want[80];
      if (cases[i].len == 0)
        snprintf(want, sizeof want, "frame 2 is empty");
      else
        snprintf(want, sizeof want, "frame 2 has %zu bytes, more than",
                 cases[i].len);
      if (!strstr(e, want))
        fail_msg("'%s' lacks '%s'", e, want);
    }
    pcapio_read_close(r);
  }
  dir_clean(dir);
}

/* ------------------------------------------------------------------ */
/* Wireshark's own tools */

static int have(const char *tool)
{
  char cmd[128];
  snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
  return system(cmd) == 0;
}

/* Runs `cmd` and returns its whole stdout (malloc'd). */
static char *run(const char *cmd)
{
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  size_t cap = 4096, n = 0;
  char *s = malloc(cap);
  assert_non_null(s);
  size_t got;
  while ((got = fread(s + n, 1, cap - n - 1, p)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      cap *= 2;
      s = realloc(s, cap);
      assert_non_null(s);
    }
  }
  s[n] = 0;
  assert_int_equal(pclose(p), 0);
  return s;
}

static void test_wireshark_tools_read_it(void **state)
{
  (void)state;
  if (!have("tshark") || !have("capinfos")) {
    print_message("skipped: tshark or capinfos is not on PATH "
                  "(Debian: apt-get install tshark)\n");
    skip();
  }
  char dir[32], path[64], cmd[256];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/c.pcapng", dir);
  write_sample_capture(path);

  snprintf(cmd, sizeof cmd, "capinfos -t -k '%s' 2>/dev/null", path);
  char *s = run(cmd);
  assert_non_null(strstr(s, " - pcapng"));
  assert_non_null(strstr(s, "Capture comment:     " SHB_COMMENT));
  free(s);

  /* tshark 4.0: frame.comment (one per frame, a line break shown as
   * "\n"), frame.interface_name, frame.packet_flags_direction (0x1 in,
   * 0x2 out) and frame.p2p_dir (1 received, 0 sent, empty unknown). */
  snprintf(cmd, sizeof cmd,
           "tshark -r '%s' -T fields -E separator='|' -e frame.interface_name"
           " -e frame.packet_flags_direction -e frame.p2p_dir"
           " -e frame.time_epoch -e frame.len -e frame.comment 2>/dev/null",
           path);
  s = run(cmd);
  char want[4096] = "";
  size_t pos = 0;
  for (unsigned i = 0; i < N_SAMPLES; i++) {
    const sample *x = &samples[i];
    char comment[128] = "";
    if (x->comment) {
      /* tshark escapes the line break. */
      const char *nl = strchr(x->comment, '\n');
      if (nl)
        snprintf(comment, sizeof comment, "%.*s\\n%s",
                 (int)(nl - x->comment), x->comment, nl + 1);
      else
        snprintf(comment, sizeof comment, "%s", x->comment);
    }
    pos += (size_t)snprintf(
        want + pos, sizeof want - pos,
        "wire%d|0x%08x|%s|%llu.%06llu000|%zu|%s\n", x->ifidx, x->dir,
        x->dir == PCAPIO_IN ? "1" : x->dir == PCAPIO_OUT ? "0" : "",
        (unsigned long long)(x->t_us / 1000000),
        (unsigned long long)(x->t_us % 1000000), x->len, comment);
  }
  assert_string_equal(s, want);
  free(s);
  dir_clean(dir);
}

/* ------------------------------------------------------------------ */
/* the events interface */

static uint32_t le32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

/* The samples with an event before each frame (and two before the first
 * interface exists): the events interface comes right after wire0, so
 * wire1 is interface 2 in the file and 1 for libpcap. */
static void write_events_capture(const char *path)
{
  char err[256], detail[32];
  uint8_t buf[1514];
  pcapio_writer *w = pcapio_open(path, SHB_COMMENT, err, sizeof err);
  if (!w)
    fail_msg("%s", err);
  /* Not enabled yet: no events interface. */
  assert_int_equal(pcapio_write_event(w, 0, 0, "run", "sim", "x", NULL), -1);
  assert_non_null(strstr(pcapio_error(w), "no events interface"));
  assert_int_equal(pcapio_events_enable(w), 0);
  assert_int_equal(pcapio_write_event(w, 0, 0, "run", "sim", "first", NULL),
                   0);
  assert_int_equal(pcapio_write_event(w, 0, 1, "pool", "main",
                                      "PBUF_POOL used=1 max=1 err=0 size=16",
                                      NULL), 0);
  /* The events' link type is not a frame interface's. */
  assert_int_equal(pcapio_add_interface(w, "x", NULL, PCAPIO_LINKTYPE_EVENTS,
                                        0), -1);
  assert_int_equal(pcapio_add_interface(w, "wire0", NULL,
                                        PCAPIO_LINKTYPE_ETHERNET, 65535), 0);
  assert_int_equal(pcapio_add_interface(w, "wire1", NULL,
                                        PCAPIO_LINKTYPE_ETHERNET, 65535), 2);
  /* Frames never go on the events interface. */
  assert_int_equal(pcapio_write_frame(w, 1, 0, PCAPIO_IN, buf, 60, NULL),
                   -1);
  for (unsigned i = 0; i < N_SAMPLES; i++) {
    const sample *x = &samples[i];
    snprintf(detail, sizeof detail, "before frame %u", i + 1);
    assert_int_equal(pcapio_write_event(w, x->t_us, 2 + i, "irq",
                                        "isr:emac_rx", detail,
                                        i == 0 ? "note" : NULL), 0);
    frame_fill(buf, x->len, i);
    assert_int_equal(pcapio_write_frame(w, x->ifidx ? 2 : 0, x->t_us, x->dir,
                                        buf, x->len, x->comment), 0);
  }
  if (pcapio_close(w, err, sizeof err) != 0)
    fail_msg("%s", err);
}

static void test_events_interface(void **state)
{
  (void)state;
  char dir[32], path[64], err[256];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/e.pcapng", dir);
  write_events_capture(path);

  /* Our reader (libpcap behind the filter) sees the frames alone. */
  check_reader_gets_samples(path, N_SAMPLES);
  pcapio_meta m;
  if (pcapio_read_meta(path, &m, err, sizeof err) != 0)
    fail_msg("%s", err);
  assert_int_equal(m.nframes, N_SAMPLES);
  for (unsigned i = 0; i < N_SAMPLES; i++)
    assert_int_equal(m.dirs[i], samples[i].dir);
  pcapio_meta_free(&m);

  /* The layout: SHB, IDB wire0, IDB events, the two early events, then an
   * event before each frame. */
  size_t n, bounds[64];
  uint32_t types[64];
  uint8_t *b = read_bytes(path, &n);
  size_t k = blocks_of(b, n, bounds, types, 63);
  assert_int_equal(k, 3 + 2 + 2 * N_SAMPLES + 1); /* + IDB wire1 */
  assert_int_equal(types[1], 1);
  assert_int_equal(le32(b + bounds[1] + 8) & 0xffff, 1);
  assert_int_equal(types[2], 1);
  assert_int_equal(le32(b + bounds[2] + 8) & 0xffff, PCAPIO_LINKTYPE_EVENTS);
  static const uint8_t rec[] = "\1\0\0\0\0\0\0\0pool\0main\0"
                               "PBUF_POOL used=1 max=1 err=0 size=16";
  const uint8_t *e = b + bounds[4];
  assert_int_equal(types[4], 6);
  assert_int_equal(le32(e + 8), 1);             /* the events interface */
  assert_int_equal(le32(e + 20), sizeof rec);    /* with the last NUL */
  assert_memory_equal(e + 28, rec, sizeof rec);
  /* Events and frames in time order; each event before its frame. */
  uint64_t last = 0;
  for (size_t i = 3; i < k; i++) {
    if (types[i] != 6)
      continue;
    const uint8_t *x = b + bounds[i];
    uint64_t t = (uint64_t)le32(x + 12) << 32 | le32(x + 16);
    assert_true(t >= last);
    last = t;
  }
  free(b);
  dir_clean(dir);
}

/* Events of a run that has no frame interface: the events interface
 * alone, written at the close. */
static void test_events_without_frames(void **state)
{
  (void)state;
  char dir[32], path[64], err[256];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/e.pcapng", dir);
  pcapio_writer *w = pcapio_open(path, SHB_COMMENT, err, sizeof err);
  assert_non_null(w);
  assert_int_equal(pcapio_events_enable(w), 0);
  assert_int_equal(pcapio_write_event(w, 5, 0, "verdict", "sim", "done",
                                      "verdict: reproduced expected: "
                                      "reproduced"), 0);
  assert_int_equal(pcapio_close(w, err, sizeof err), 0);
  size_t n, bounds[8];
  uint32_t types[8];
  uint8_t *b = read_bytes(path, &n);
  assert_int_equal(blocks_of(b, n, bounds, types, 7), 3);
  assert_int_equal(types[1], 1);
  assert_int_equal(types[2], 6);
  assert_int_equal(le32(b + bounds[2] + 8), 0);
  free(b);
  pcapio_meta m;
  assert_int_equal(pcapio_read_meta(path, &m, err, sizeof err), 0);
  assert_int_equal(m.nframes, 0);
  pcapio_meta_free(&m);
  dir_clean(dir);
}

/* tshark shows frames and events on one timeline, in file order. */
static void test_events_tshark(void **state)
{
  (void)state;
  if (!have("tshark")) {
    print_message("skipped: tshark is not on PATH\n");
    skip();
  }
  char dir[32], path[64], cmd[256];
  dir_make(dir);
  snprintf(path, sizeof path, "%s/e.pcapng", dir);
  write_events_capture(path);
  snprintf(cmd, sizeof cmd,
           "tshark -r '%s' -T fields -E separator='|' -e frame.interface_name"
           " -e frame.len 2>/dev/null | head -4", path);
  char *s = run(cmd);
  assert_string_equal(s, "lwipsim events|22\n"
                         "lwipsim events|55\n"
                         "lwipsim events|39\n"
                         "wire0|60\n");
  free(s);
  dir_clean(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip_with_reader),
      cmocka_unit_test(test_roundtrip_with_libpcap),
      cmocka_unit_test(test_block_layout),
      cmocka_unit_test(test_tmp_until_close_and_frames_live),
      cmocka_unit_test(test_abandon_leaves_nothing),
      cmocka_unit_test(test_stdout_is_streamed),
      cmocka_unit_test(test_write_error_is_reported),
      cmocka_unit_test(test_unwritable_path_is_an_error),
      cmocka_unit_test(test_bad_arguments_fail_only_that_call),
      cmocka_unit_test(test_shb_comment_both_byte_orders),
      cmocka_unit_test(test_shb_comment_rejects_malformed),
      cmocka_unit_test(test_shb_comment_survives_every_corruption),
      cmocka_unit_test(test_truncated_capture),
      cmocka_unit_test(test_random_bytes),
      cmocka_unit_test(test_not_ethernet),
      cmocka_unit_test(test_frame_sizes),
      cmocka_unit_test(test_wireshark_tools_read_it),
      cmocka_unit_test(test_events_interface),
      cmocka_unit_test(test_events_without_frames),
      cmocka_unit_test(test_events_tshark),
  };
  return cmocka_run_group_tests_name("pcapio", tests, NULL, NULL);
}

/*
 * pcapio.c - pcapng writer, libpcap-based reader, section comment parser.
 *
 * Writer: each block is laid out completely in one buffer owned by the
 * writer (its size is computed first, then filled, then checked against
 * that size), handed to stdio in one fwrite and flushed.  So a reader of
 * the file or pipe never sees part of a block unless the disk filled up,
 * and then the writer reports the error and pcapio_close() deletes the
 * file.  Integers are stored little-endian explicitly, whatever the host;
 * the byte-order magic says so to readers.  Options are code, length,
 * value padded with zero bytes to 4; every option list ends with
 * opt_endofopt, and every block repeats its total length at its end.
 *
 * Reader: libpcap does the format work, asked for microsecond timestamps
 * so that if_tsresol 6 round-trips exactly.  We only add the checks a
 * replay needs (Ethernet, sane frame sizes, nothing cut by a snaplen) and
 * turn libpcap's messages into one line.
 *
 * Section comment parser: it trusts nothing in the file.  The block length
 * is checked (at least the fixed part, a multiple of 4, at most
 * PCAPIO_SHB_MAX, equal to the trailing copy) before the block is read
 * whole; each option's padded length is checked against what is left of
 * the block before its value is touched.  All arithmetic is on size_t
 * values bounded by PCAPIO_SHB_MAX, so nothing can overflow.
 */
#define _GNU_SOURCE
#include "pcapio.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCAPIO_BT_SHB 0x0A0D0D0Au
#define PCAPIO_BT_IDB 0x00000001u
#define PCAPIO_BT_EPB 0x00000006u
#define PCAPIO_BT_ISB 0x00000005u
#define PCAPIO_OPT_CUSTOM_BIN 2989 /* custom binary option, copyable */
#define PCAPIO_PEN 32473u          /* RFC 5612's enterprise number for
                                      documentation: private options */
#define PCAPIO_HASH_CHUNK 16000u   /* hashes per custom option (64 KB) */

static const char pcapio_hashes_magic[8] = "lwsimTH1";
#define PCAPIO_BT_SPB 0x00000003u
#define PCAPIO_BT_PB 0x00000002u
#define PCAPIO_BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define PCAPIO_OPT_ENDOFOPT 0
#define PCAPIO_OPT_COMMENT 1
#define PCAPIO_OPT_SHB_USERAPPL 4
#define PCAPIO_OPT_IF_NAME 2
#define PCAPIO_OPT_IF_DESCRIPTION 3
#define PCAPIO_OPT_IF_TSRESOL 9
#define PCAPIO_OPT_EPB_FLAGS 2

/* Fixed parts, without options: header (type, length), body, trailer. */
#define PCAPIO_SHB_FIXED (8 + 16 + 4)
#define PCAPIO_IDB_FIXED (8 + 8 + 4)
#define PCAPIO_EPB_FIXED (8 + 20 + 4)
#define PCAPIO_ISB_FIXED (8 + 12 + 4)

#define PCAPIO_ERR_MAX 512

struct pcapio_writer {
  FILE *f;
  char *path; /* NULL for stdout */
  char *tmp;
  const char *name; /* for messages: path or "stdout" */
  uint32_t *snaplen; /* per interface (all equal, see add_interface) */
  uint16_t linktype; /* of every frame interface */
  int n_if;
  int n_frame_if;     /* interfaces but the events one */
  uint8_t *buf; /* the block being built */
  size_t buf_cap;
  size_t pos;
  int failed; /* a write failed: the file is not to be trusted */
  char err[PCAPIO_ERR_MAX];
  char note[PCAPIO_NOTE_MAX]; /* for the next frame (pcapio_note_next) */
  /* The events interface (pcapio_events_enable): its IDB follows the
   * first frame interface's, so frames keep interface 0; the event blocks
   * made before it are kept in ev_pend (their interface id patched when
   * they are written out). */
  int ev_state;     /* PCAPIO__EV_OFF, _PENDING or _ON */
  int ev_ifid;      /* once _ON */
  uint8_t *ev_pend; /* whole EPBs waiting for the IDB */
  size_t ev_len, ev_cap;
};

#define PCAPIO__EV_OFF 0
#define PCAPIO__EV_PENDING 1
#define PCAPIO__EV_ON 2

struct pcapio_reader {
  pcap_t *p;
  char *name;
  unsigned long n;
  int failed;
  char err[PCAPIO_ERR_MAX];
};

static size_t pcapio__pad4(size_t n)
{
  return (n + 3) & ~(size_t)3;
}

/* Bytes of `s` to store: at most PCAPIO_OPT_MAX, not splitting a UTF-8
 * sequence. */
static size_t pcapio__str_len(const char *s)
{
  if (!s)
    return 0;
  size_t n = strlen(s);
  if (n <= PCAPIO_OPT_MAX)
    return n;
  n = PCAPIO_OPT_MAX;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--;
  return n;
}

/* Size of an option holding `len` bytes; a string option of length 0 is
 * left out altogether. */
static size_t pcapio__opt_size(size_t len)
{
  return len ? 4 + pcapio__pad4(len) : 0;
}

/* Makes room for a block of `size` bytes and starts it. */
static int pcapio__begin(pcapio_writer *w, size_t size)
{
  if (size > w->buf_cap) {
    uint8_t *b = realloc(w->buf, size);
    if (!b) {
      snprintf(w->err, sizeof w->err, "cannot write capture %s: out of memory",
               w->name);
      return -1;
    }
    w->buf = b;
    w->buf_cap = size;
  }
  w->pos = 0;
  return 0;
}

static void pcapio__put16(pcapio_writer *w, uint16_t v)
{
  w->buf[w->pos++] = (uint8_t)v;
  w->buf[w->pos++] = (uint8_t)(v >> 8);
}

static void pcapio__put32(pcapio_writer *w, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    w->buf[w->pos++] = (uint8_t)(v >> (8 * i));
}

/* `len` bytes, then zero bytes up to the next multiple of 4. */
static void pcapio__put_padded(pcapio_writer *w, const void *p, size_t len)
{
  if (len)
    memcpy(w->buf + w->pos, p, len);
  w->pos += len;
  while (w->pos & 3)
    w->buf[w->pos++] = 0;
}

static void pcapio__put_opt(pcapio_writer *w, uint16_t code, const void *p,
                            size_t len)
{
  if (!len)
    return;
  pcapio__put16(w, code);
  pcapio__put16(w, (uint16_t)len);
  pcapio__put_padded(w, p, len);
}

static void pcapio__io_error(pcapio_writer *w, int e)
{
  w->failed = 1;
  snprintf(w->err, sizeof w->err, "cannot write capture %s: %s", w->name,
           e ? strerror(e) : "write error");
}

/* Ends the block (opt_endofopt, trailing length), checks it against its
 * planned size and writes it out in one piece. */
static int pcapio__seal(pcapio_writer *w, size_t size)
{
  pcapio__put16(w, PCAPIO_OPT_ENDOFOPT);
  pcapio__put16(w, 0);
  pcapio__put32(w, (uint32_t)size);
  if (w->pos != size) {
    /* A bug in the size computation: better no block than a corrupt one. */
    snprintf(w->err, sizeof w->err,
             "cannot write capture %s: internal error (block of %zu bytes "
             "planned as %zu)", w->name, w->pos, size);
    w->failed = 1;
    return -1;
  }
  return 0;
}

static int pcapio__finish(pcapio_writer *w, size_t size)
{
  if (pcapio__seal(w, size) != 0)
    return -1;
  errno = 0;
  if (fwrite(w->buf, 1, size, w->f) != size || fflush(w->f) != 0) {
    pcapio__io_error(w, errno);
    return -1;
  }
  return 0;
}

static int pcapio__write_shb(pcapio_writer *w, const char *comment)
{
  static const char appl[] = "lwipsim";
  size_t clen = pcapio__str_len(comment);
  size_t alen = sizeof appl - 1;
  size_t size = PCAPIO_SHB_FIXED + pcapio__opt_size(clen) +
                pcapio__opt_size(alen) + 4;
  if (pcapio__begin(w, size) != 0)
    return -1;
  pcapio__put32(w, PCAPIO_BT_SHB);
  pcapio__put32(w, (uint32_t)size);
  pcapio__put32(w, PCAPIO_BYTE_ORDER_MAGIC);
  pcapio__put16(w, 1); /* version 1.0 */
  pcapio__put16(w, 0);
  pcapio__put32(w, 0xFFFFFFFFu); /* section length: not given (-1) */
  pcapio__put32(w, 0xFFFFFFFFu);
  pcapio__put_opt(w, PCAPIO_OPT_COMMENT, comment, clen);
  pcapio__put_opt(w, PCAPIO_OPT_SHB_USERAPPL, appl, alen);
  return pcapio__finish(w, size);
}

pcapio_writer *pcapio_open(const char *path, const char *shb_comment,
                           char *err, size_t errlen)
{
  pcapio_writer *w = calloc(1, sizeof *w);
  if (!w) {
    snprintf(err, errlen, "cannot write capture %s: out of memory", path);
    return NULL;
  }
  if (strcmp(path, "-") == 0) {
    w->f = stdout;
    w->name = "stdout";
  } else {
    size_t n = strlen(path) + 5;
    w->path = strdup(path);
    w->tmp = malloc(n);
    if (!w->path || !w->tmp) {
      snprintf(err, errlen, "cannot write capture %s: out of memory", path);
      goto err;
    }
    w->name = w->path;
    snprintf(w->tmp, n, "%s.tmp", path);
    w->f = fopen(w->tmp, "wb");
    if (!w->f) {
      snprintf(err, errlen, "cannot write capture %s: %s", path,
               strerror(errno));
      goto err;
    }
  }
  if (pcapio__write_shb(w, shb_comment) != 0) {
    snprintf(err, errlen, "%s", w->err);
    pcapio_abandon(w);
    return NULL;
  }
  return w;
err:
  free(w->path);
  free(w->tmp);
  free(w);
  return NULL;
}

/* Writes an IDB; returns its interface id or -1. */
static int pcapio__idb(pcapio_writer *w, const char *name,
                       const char *description, uint16_t linktype,
                       uint32_t snaplen)
{
  static const uint8_t tsresol = 6; /* 10^-6 s */
  uint32_t *s = realloc(w->snaplen, (size_t)(w->n_if + 1) * sizeof *s);
  if (!s) {
    snprintf(w->err, sizeof w->err, "cannot write capture %s: out of memory",
             w->name);
    return -1;
  }
  w->snaplen = s;
  size_t nlen = pcapio__str_len(name);
  size_t dlen = pcapio__str_len(description);
  size_t size = PCAPIO_IDB_FIXED + pcapio__opt_size(nlen) +
                pcapio__opt_size(dlen) + pcapio__opt_size(1) + 4;
  if (pcapio__begin(w, size) != 0)
    return -1;
  pcapio__put32(w, PCAPIO_BT_IDB);
  pcapio__put32(w, (uint32_t)size);
  pcapio__put16(w, linktype);
  pcapio__put16(w, 0); /* reserved */
  pcapio__put32(w, snaplen);
  pcapio__put_opt(w, PCAPIO_OPT_IF_NAME, name, nlen);
  pcapio__put_opt(w, PCAPIO_OPT_IF_DESCRIPTION, description, dlen);
  pcapio__put_opt(w, PCAPIO_OPT_IF_TSRESOL, &tsresol, 1);
  if (pcapio__finish(w, size) != 0)
    return -1;
  w->snaplen[w->n_if] = snaplen;
  return w->n_if++;
}

/* The events interface's IDB, then the event blocks kept until now, each
 * given the interface's id.  A no-op unless events wait for it. */
static int pcapio__events_start(pcapio_writer *w)
{
  if (w->ev_state != PCAPIO__EV_PENDING)
    return 0;
  int id = pcapio__idb(w, "lwipsim events",
                       "lwipsim trace records (tools/wireshark/lwipsim.lua)",
                       PCAPIO_LINKTYPE_EVENTS, 0);
  if (id < 0)
    return -1;
  w->ev_state = PCAPIO__EV_ON;
  w->ev_ifid = id;
  for (size_t off = 0; off + 12 <= w->ev_len;) {
    uint8_t *b = w->ev_pend + off;
    uint32_t size = (uint32_t)b[4] | (uint32_t)b[5] << 8 |
                    (uint32_t)b[6] << 16 | (uint32_t)b[7] << 24;
    for (int i = 0; i < 4; i++)
      b[8 + i] = (uint8_t)((uint32_t)id >> (8 * i));
    off += size;
  }
  errno = 0;
  if (w->ev_len && (fwrite(w->ev_pend, 1, w->ev_len, w->f) != w->ev_len ||
                    fflush(w->f) != 0)) {
    pcapio__io_error(w, errno);
    return -1;
  }
  free(w->ev_pend);
  w->ev_pend = NULL;
  w->ev_len = w->ev_cap = 0;
  return 0;
}

int pcapio_add_interface(pcapio_writer *w, const char *name,
                         const char *description, uint16_t linktype,
                         uint32_t snaplen)
{
  if (w->failed)
    return -1;
  /* libpcap (1.10) refuses a pcapng section whose interfaces differ in
   * link type or snapshot length: such a capture could not be replayed.
   * (The events interface is not one of these: pcapio_read_open() hides
   * it from libpcap.) */
  if (linktype == PCAPIO_LINKTYPE_EVENTS) {
    snprintf(w->err, sizeof w->err, "capture %s: link type %u is the events "
             "interface's (pcapio_events_enable)", w->name, linktype);
    return -1;
  }
  if (w->n_frame_if &&
      (linktype != w->linktype || snaplen != w->snaplen[0])) {
    snprintf(w->err, sizeof w->err,
             "capture %s: interface %d (link type %u, snaplen %u) differs "
             "from interface 0 (link type %u, snaplen %u); libpcap could not "
             "read it", w->name, w->n_if, linktype, snaplen, w->linktype,
             w->snaplen[0]);
    return -1;
  }
  int id = pcapio__idb(w, name, description, linktype, snaplen);
  if (id < 0)
    return -1;
  w->linktype = linktype;
  w->n_frame_if++;
  if (pcapio__events_start(w) != 0)
    return -1;
  return id;
}

int pcapio_events_enable(pcapio_writer *w)
{
  if (w->failed)
    return -1;
  if (w->ev_state == PCAPIO__EV_OFF)
    w->ev_state = PCAPIO__EV_PENDING;
  return w->n_frame_if ? pcapio__events_start(w) : 0;
}

int pcapio_write_event(pcapio_writer *w, uint64_t t_us, uint64_t seq,
                       const char *kind, const char *thread,
                       const char *detail, const char *comment)
{
  if (w->failed)
    return -1;
  if (w->ev_state == PCAPIO__EV_OFF) {
    snprintf(w->err, sizeof w->err, "capture %s: no events interface",
             w->name);
    return -1;
  }
  const char *s[3] = {kind ? kind : "", thread ? thread : "",
                      detail ? detail : ""};
  size_t n[3], len = 8;
  for (int i = 0; i < 3; i++) {
    /* Each string is cut like an option's (it is one in spirit), then
     * ends with its NUL. */
    n[i] = pcapio__str_len(s[i]);
    len += n[i] + 1;
  }
  size_t clen = pcapio__str_len(comment);
  size_t size = PCAPIO_EPB_FIXED + pcapio__pad4(len) +
                pcapio__opt_size(clen) + 4;
  if (pcapio__begin(w, size) != 0)
    return -1;
  pcapio__put32(w, PCAPIO_BT_EPB);
  pcapio__put32(w, (uint32_t)size);
  pcapio__put32(w, (uint32_t)(w->ev_state == PCAPIO__EV_ON ? w->ev_ifid
                                                           : 0));
  pcapio__put32(w, (uint32_t)(t_us >> 32));
  pcapio__put32(w, (uint32_t)t_us);
  pcapio__put32(w, (uint32_t)len); /* captured */
  pcapio__put32(w, (uint32_t)len); /* original */
  pcapio__put32(w, (uint32_t)seq);
  pcapio__put32(w, (uint32_t)(seq >> 32));
  for (int i = 0; i < 3; i++) {
    memcpy(w->buf + w->pos, s[i], n[i]);
    w->pos += n[i];
    w->buf[w->pos++] = 0;
  }
  while (w->pos & 3)
    w->buf[w->pos++] = 0;
  pcapio__put_opt(w, PCAPIO_OPT_COMMENT, comment, clen);
  if (w->ev_state == PCAPIO__EV_ON)
    return pcapio__finish(w, size);
  /* Before the first frame interface: kept for pcapio__events_start(). */
  if (pcapio__seal(w, size) != 0)
    return -1;
  if (w->ev_len + size > w->ev_cap) {
    size_t cap = w->ev_cap ? w->ev_cap * 2 : 65536;
    while (cap < w->ev_len + size)
      cap *= 2;
    uint8_t *p = realloc(w->ev_pend, cap);
    if (!p) {
      snprintf(w->err, sizeof w->err,
               "cannot write capture %s: out of memory", w->name);
      w->failed = 1;
      return -1;
    }
    w->ev_pend = p;
    w->ev_cap = cap;
  }
  memcpy(w->ev_pend + w->ev_len, w->buf, size);
  w->ev_len += size;
  return 0;
}

/* A block for interface `ifid` may be written: the writer has not failed
 * and the interface was added; otherwise -1 with the reason in w->err. */
static int pcapio__check_if(pcapio_writer *w, int ifid)
{
  if (w->failed)
    return -1;
  if (ifid < 0 || ifid >= w->n_if) {
    snprintf(w->err, sizeof w->err,
             "capture %s: no interface %d (%d added)", w->name, ifid,
             w->n_if);
    return -1;
  }
  return 0;
}

int pcapio_write_frame(pcapio_writer *w, int ifid, uint64_t t_us,
                       int direction, const void *frame, size_t len,
                       const char *comment)
{
  if (pcapio__check_if(w, ifid) != 0)
    return -1;
  if (w->ev_state == PCAPIO__EV_ON && ifid == w->ev_ifid) {
    snprintf(w->err, sizeof w->err,
             "capture %s: interface %d is the events interface", w->name,
             ifid);
    return -1;
  }
  if (direction != PCAPIO_UNKNOWN && direction != PCAPIO_IN &&
      direction != PCAPIO_OUT) {
    snprintf(w->err, sizeof w->err, "capture %s: bad direction %d", w->name,
             direction);
    return -1;
  }
  uint32_t snap = w->snaplen[ifid];
  if (len > PCAPIO_MAX_WRITE || (snap && len > snap)) {
    snprintf(w->err, sizeof w->err,
             "capture %s: frame of %zu bytes is longer than %u", w->name, len,
             snap && snap < PCAPIO_MAX_WRITE ? snap : PCAPIO_MAX_WRITE);
    return -1;
  }
  if (len && !frame) {
    snprintf(w->err, sizeof w->err, "capture %s: frame has no data",
             w->name);
    return -1;
  }
  char both[PCAPIO_NOTE_MAX + 512];
  if (w->note[0]) {
    snprintf(both, sizeof both, "%s%s%s", w->note,
             comment && *comment ? "\n" : "", comment ? comment : "");
    comment = both;
    w->note[0] = 0;
  }
  size_t clen = pcapio__str_len(comment);
  size_t size = PCAPIO_EPB_FIXED + pcapio__pad4(len) + pcapio__opt_size(4) +
                pcapio__opt_size(clen) + 4;
  if (pcapio__begin(w, size) != 0)
    return -1;
  uint8_t flags[4] = {(uint8_t)direction, 0, 0, 0}; /* bits 0-1, LE */
  pcapio__put32(w, PCAPIO_BT_EPB);
  pcapio__put32(w, (uint32_t)size);
  pcapio__put32(w, (uint32_t)ifid);
  pcapio__put32(w, (uint32_t)(t_us >> 32));
  pcapio__put32(w, (uint32_t)t_us);
  pcapio__put32(w, (uint32_t)len); /* captured */
  pcapio__put32(w, (uint32_t)len); /* original */
  pcapio__put_padded(w, frame, len);
  pcapio__put_opt(w, PCAPIO_OPT_EPB_FLAGS, flags, 4);
  pcapio__put_opt(w, PCAPIO_OPT_COMMENT, comment, clen);
  return pcapio__finish(w, size);
}

void pcapio_note_next(pcapio_writer *w, const char *note)
{
  size_t n = strlen(w->note);
  if (!note || !*note || n + 2 >= sizeof w->note)
    return;
  snprintf(w->note + n, sizeof w->note - n, "%s%s", n ? "\n" : "", note);
}

int pcapio_write_summary(pcapio_writer *w, int ifid, uint64_t t_us,
                         const char *comment, const uint32_t *hashes,
                         size_t nhashes)
{
  if (pcapio__check_if(w, ifid) != 0 || pcapio__events_start(w) != 0)
    return -1;
  if (nhashes > (PCAPIO_META_MAX - 64) / 4) {
    snprintf(w->err, sizeof w->err, "capture %s: %zu trace hashes is too "
             "many", w->name, nhashes);
    return -1;
  }
  /* The hashes go in custom options of at most PCAPIO_HASH_CHUNK each;
   * the first starts with a magic and the total count. */
  size_t nchunks = (nhashes + PCAPIO_HASH_CHUNK - 1) / PCAPIO_HASH_CHUNK;
  if (hashes && !nchunks)
    nchunks = 1;
  size_t clen = pcapio__str_len(comment);
  size_t size = PCAPIO_ISB_FIXED + pcapio__opt_size(clen) + 4;
  for (size_t c = 0; c < nchunks; c++) {
    size_t in = nhashes - c * PCAPIO_HASH_CHUNK;
    if (in > PCAPIO_HASH_CHUNK)
      in = PCAPIO_HASH_CHUNK;
    size += pcapio__opt_size(4 + (c == 0 ? 12 : 0) + in * 4);
  }
  if (pcapio__begin(w, size) != 0)
    return -1;
  pcapio__put32(w, PCAPIO_BT_ISB);
  pcapio__put32(w, (uint32_t)size);
  pcapio__put32(w, (uint32_t)ifid);
  pcapio__put32(w, (uint32_t)(t_us >> 32));
  pcapio__put32(w, (uint32_t)t_us);
  pcapio__put_opt(w, PCAPIO_OPT_COMMENT, comment, clen);
  for (size_t c = 0; c < nchunks; c++) {
    size_t first = c * PCAPIO_HASH_CHUNK;
    size_t in = nhashes - first;
    if (in > PCAPIO_HASH_CHUNK)
      in = PCAPIO_HASH_CHUNK;
    size_t olen = 4 + (c == 0 ? 12 : 0) + in * 4;
    pcapio__put16(w, PCAPIO_OPT_CUSTOM_BIN);
    pcapio__put16(w, (uint16_t)olen);
    pcapio__put32(w, PCAPIO_PEN);
    if (c == 0) {
      memcpy(w->buf + w->pos, pcapio_hashes_magic, 8);
      w->pos += 8;
      pcapio__put32(w, (uint32_t)nhashes);
    }
    for (size_t i = 0; i < in; i++)
      pcapio__put32(w, hashes[first + i]);
  }
  return pcapio__finish(w, size);
}

const char *pcapio_error(const pcapio_writer *w)
{
  return w->err;
}

static void pcapio__free(pcapio_writer *w)
{
  free(w->path);
  free(w->tmp);
  free(w->snaplen);
  free(w->buf);
  free(w->ev_pend);
  free(w);
}

int pcapio_close(pcapio_writer *w, char *err, size_t errlen)
{
  int rc = 0;
  /* A run with events but no frame interface: the events alone. */
  if (!w->failed)
    pcapio__events_start(w);
  if (!w->path) {
    errno = 0;
    if (!w->failed && fflush(w->f) != 0)
      pcapio__io_error(w, errno);
    if (w->failed) {
      snprintf(err, errlen, "%s", w->err);
      rc = -1;
    }
    pcapio__free(w);
    return rc;
  }
  errno = 0;
  if (!w->failed && (fflush(w->f) != 0 || ferror(w->f)))
    pcapio__io_error(w, errno);
  errno = 0;
  if (fclose(w->f) != 0 && !w->failed)
    pcapio__io_error(w, errno);
  if (!w->failed && rename(w->tmp, w->path) != 0)
    pcapio__io_error(w, errno);
  if (w->failed) {
    unlink(w->tmp);
    snprintf(err, errlen, "%s", w->err);
    rc = -1;
  }
  pcapio__free(w);
  return rc;
}

void pcapio_abandon(pcapio_writer *w)
{
  if (!w)
    return;
  if (w->path) {
    fclose(w->f);
    unlink(w->tmp);
  } else {
    fflush(w->f);
  }
  pcapio__free(w);
}

/* ------------------------------------------------------------------ */
/* reader */

/* Copies `s` into out[outlen] as one line: line breaks become spaces and
 * trailing blanks go. */
static void pcapio__one_line(char *out, size_t outlen, const char *s)
{
  if (!outlen)
    return;
  size_t i = 0;
  for (; s[i] && i + 1 < outlen; i++)
    out[i] = (s[i] == '\n' || s[i] == '\r') ? ' ' : s[i];
  while (i > 0 && out[i - 1] == ' ')
    i--;
  out[i] = 0;
}

static void pcapio__read_fail(pcapio_reader *r, const char *what)
{
  char line[PCAP_ERRBUF_SIZE + 64];
  pcapio__one_line(line, sizeof line, what);
  snprintf(r->err, sizeof r->err, "cannot read capture %s: %s", r->name,
           line);
  r->failed = 1;
}

/* The filter libpcap reads through (a stdio cookie stream over the
 * file): pcapng blocks are read whole and passed on, except the events
 * interface's IDB and the blocks that name it; the other interfaces'
 * blocks get their ids renumbered to close the gap.  A pcap file, and
 * anything the filter cannot parse (a bad length, a short block), passes
 * through byte for byte from there on, so libpcap sees and reports the
 * same as without the filter. */
#define PCAPIO__FILT_MAX (64u << 20) /* a longer block passes unparsed */

typedef struct {
  FILE *src;
  int raw;     /* pass everything through from here on */
  int started; /* the first block was looked at */
  int big;     /* the section's byte order */
  uint8_t *blk;
  size_t cap, len, pos; /* the block being passed on */
  int32_t *map;         /* old interface id -> new id, -1: dropped */
  size_t nmap, mapcap;
  int32_t next_id;
} pcapio__filt;

static uint32_t pcapio__get32(const uint8_t *p, int big);
static uint16_t pcapio__get16(const uint8_t *p, int big);

static void pcapio__set32(uint8_t *p, uint32_t v, int big)
{
  for (int i = 0; i < 4; i++)
    p[big ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/* Reads up to `n` more bytes into the block; the count read. */
static size_t pcapio__filt_fill(pcapio__filt *c, size_t n)
{
  if (c->len + n > c->cap) {
    size_t cap = c->cap ? c->cap : 4096;
    while (cap < c->len + n)
      cap *= 2;
    uint8_t *b = realloc(c->blk, cap);
    if (!b)
      return 0;
    c->blk = b;
    c->cap = cap;
  }
  size_t got = fread(c->blk + c->len, 1, n, c->src);
  c->len += got;
  return got;
}

/* Where a block's interface id is mapped: 0 keep, -1 drop. */
static int pcapio__filt_ifid(pcapio__filt *c, uint32_t id, int wide)
{
  if (id >= c->nmap)
    return 0; /* libpcap says what is wrong with it */
  if (c->map[id] < 0)
    return -1;
  if (wide)
    pcapio__set32(c->blk + 8, (uint32_t)c->map[id], c->big);
  else if (c->big) {
    c->blk[8] = (uint8_t)(c->map[id] >> 8);
    c->blk[9] = (uint8_t)c->map[id];
  } else {
    c->blk[8] = (uint8_t)c->map[id];
    c->blk[9] = (uint8_t)(c->map[id] >> 8);
  }
  return 0;
}

/* The next block into c->blk (c->len 0: dropped or the end, see the
 * return: 1 a block or a drop, 0 the end, -1 a read error). */
static int pcapio__filt_next(pcapio__filt *c)
{
  c->len = c->pos = 0;
  if (c->raw) {
    size_t got = pcapio__filt_fill(c, 65536);
    return got ? 1 : ferror(c->src) ? -1 : 0;
  }
  size_t got = pcapio__filt_fill(c, 8);
  if (got < 8) {
    c->raw = 1;
    return got ? 1 : ferror(c->src) ? -1 : 0;
  }
  uint32_t type = pcapio__get32(c->blk, 0); /* SHB's type reads both ways */
  if (!c->started) {
    c->started = 1;
    if (type != PCAPIO_BT_SHB) { /* pcap, or not a capture */
      c->raw = 1;
      return 1;
    }
  }
  if (type == PCAPIO_BT_SHB) {
    if (pcapio__filt_fill(c, 4) < 4) {
      c->raw = 1;
      return 1;
    }
    if (pcapio__get32(c->blk + 8, 0) == PCAPIO_BYTE_ORDER_MAGIC)
      c->big = 0;
    else if (pcapio__get32(c->blk + 8, 1) == PCAPIO_BYTE_ORDER_MAGIC)
      c->big = 1;
    else {
      c->raw = 1;
      return 1;
    }
    c->nmap = 0;
    c->next_id = 0;
  }
  type = pcapio__get32(c->blk, c->big);
  uint32_t size = pcapio__get32(c->blk + 4, c->big);
  if (size < 12 || size % 4 || size > PCAPIO__FILT_MAX) {
    c->raw = 1;
    return 1;
  }
  size_t want = size - c->len;
  if (pcapio__filt_fill(c, want) < want) {
    c->raw = 1;
    return 1;
  }
  int keep = 0;
  if (type == PCAPIO_BT_IDB && size >= PCAPIO_IDB_FIXED) {
    if (c->nmap == c->mapcap) {
      size_t cap = c->mapcap ? c->mapcap * 2 : 8;
      int32_t *m = realloc(c->map, cap * sizeof *m);
      if (!m) {
        c->raw = 1;
        return 1;
      }
      c->map = m;
      c->mapcap = cap;
    }
    int events = pcapio__get16(c->blk + 8, c->big) == PCAPIO_LINKTYPE_EVENTS;
    c->map[c->nmap++] = events ? -1 : c->next_id++;
    keep = events ? -1 : 0;
  } else if ((type == PCAPIO_BT_EPB || type == PCAPIO_BT_ISB) &&
             size >= 16) {
    keep = pcapio__filt_ifid(c, pcapio__get32(c->blk + 8, c->big), 1);
  } else if (type == PCAPIO_BT_PB && size >= 16) {
    keep = pcapio__filt_ifid(c, pcapio__get16(c->blk + 8, c->big), 0);
  }
  if (keep < 0)
    c->len = 0;
  return 1;
}

static ssize_t pcapio__filt_read(void *cookie, char *buf, size_t size)
{
  pcapio__filt *c = cookie;
  while (c->pos == c->len) {
    int rc = pcapio__filt_next(c);
    if (rc <= 0)
      return rc;
  }
  size_t n = c->len - c->pos;
  if (n > size)
    n = size;
  memcpy(buf, c->blk + c->pos, n);
  c->pos += n;
  return (ssize_t)n;
}

static int pcapio__filt_close(void *cookie)
{
  pcapio__filt *c = cookie;
  int rc = c->src == stdin ? 0 : fclose(c->src);
  free(c->blk);
  free(c->map);
  free(c);
  return rc;
}

/* `src` seen through the filter; NULL (src closed) when out of memory. */
static FILE *pcapio__filt_open(FILE *src)
{
  static const cookie_io_functions_t io = {
      .read = pcapio__filt_read, .close = pcapio__filt_close};
  pcapio__filt *c = calloc(1, sizeof *c);
  FILE *f = c ? fopencookie(c, "rb", io) : NULL;
  if (!f) {
    free(c);
    if (src != stdin)
      fclose(src);
    return NULL;
  }
  c->src = src;
  return f;
}

pcapio_reader *pcapio_read_open(const char *path, char *err, size_t errlen)
{
  char perr[PCAP_ERRBUF_SIZE] = "";
  char line[PCAP_ERRBUF_SIZE];
  pcapio_reader *r = calloc(1, sizeof *r);
  if (!r || !(r->name = strdup(path))) {
    snprintf(err, errlen, "cannot read capture %s: out of memory", path);
    goto err;
  }
  FILE *src = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!src) {
    snprintf(err, errlen, "cannot read capture %s: %s", path,
             strerror(errno));
    goto err;
  }
  FILE *f = pcapio__filt_open(src);
  if (!f) {
    snprintf(err, errlen, "cannot read capture %s: out of memory", path);
    goto err;
  }
  r->p = pcap_fopen_offline_with_tstamp_precision(
      f, PCAP_TSTAMP_PRECISION_MICRO, perr);
  if (!r->p) {
    fclose(f);
    /* libpcap names the file itself when it cannot open it. */
    size_t plen = strlen(path);
    const char *why = perr;
    if (strncmp(perr, path, plen) == 0 && strncmp(perr + plen, ": ", 2) == 0)
      why += plen + 2;
    pcapio__one_line(line, sizeof line, why);
    snprintf(err, errlen, "cannot read capture %s: %s", path, line);
    goto err;
  }
  int dlt = pcap_datalink(r->p);
  if (dlt != DLT_EN10MB) {
    const char *dname = pcap_datalink_val_to_name(dlt);
    snprintf(err, errlen,
             "cannot read capture %s: not an Ethernet capture (link type %s)",
             path, dname ? dname : "unknown");
    goto err;
  }
  return r;
err:
  if (r) {
    if (r->p)
      pcap_close(r->p);
    free(r->name);
    free(r);
  }
  return NULL;
}

int pcapio_read_next(pcapio_reader *r, pcapio_frame *f)
{
  struct pcap_pkthdr *h;
  const u_char *data;
  char what[128];
  if (r->failed)
    return -1;
  int rc = pcap_next_ex(r->p, &h, &data);
  if (rc == PCAP_ERROR_BREAK)
    return 0;
  if (rc != 1) {
    pcapio__read_fail(r, rc == PCAP_ERROR ? pcap_geterr(r->p)
                                          : "unexpected result from libpcap");
    return -1;
  }
  unsigned long n = ++r->n;
  if (h->len == 0 || h->caplen == 0) {
    snprintf(what, sizeof what, "frame %lu is empty", n);
  } else if (h->len > PCAPIO_MAX_FRAME) {
    snprintf(what, sizeof what,
             "frame %lu has %u bytes, more than an Ethernet frame (%u)", n,
             h->len, PCAPIO_MAX_FRAME);
  } else if (h->caplen != h->len) {
    snprintf(what, sizeof what,
             "frame %lu was cut short (%u of %u bytes captured)", n,
             h->caplen, h->len);
  } else if (h->ts.tv_sec < 0 || h->ts.tv_usec < 0) {
    snprintf(what, sizeof what, "frame %lu has a negative timestamp", n);
  } else {
    f->t_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
    f->len = h->caplen;
    f->data = data;
    f->ifid = -1;
    f->number = n;
    return 1;
  }
  pcapio__read_fail(r, what);
  return -1;
}

const char *pcapio_read_error(const pcapio_reader *r)
{
  return r->err;
}

void pcapio_read_close(pcapio_reader *r)
{
  if (!r)
    return;
  pcap_close(r->p);
  free(r->name);
  free(r);
}

/* ------------------------------------------------------------------ */
/* section comment parser */

static uint32_t pcapio__get32(const uint8_t *p, int big)
{
  if (big)
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
  return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
         p[0];
}

static uint16_t pcapio__get16(const uint8_t *p, int big)
{
  return big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* Walks the options of the SHB in b[0..size) (size checked by the caller:
 * a multiple of 4, at least PCAPIO_SHB_FIXED). */
static int pcapio__shb_options(const uint8_t *b, size_t size, int big,
                               char *out, size_t outlen, char *why,
                               size_t whylen)
{
  size_t off = PCAPIO_SHB_FIXED - 4; /* first option */
  size_t end = size - 4;             /* the trailing length */
  while (end - off >= 4) {
    uint16_t code = pcapio__get16(b + off, big);
    size_t len = pcapio__get16(b + off + 2, big);
    off += 4;
    if (code == PCAPIO_OPT_ENDOFOPT)
      return 0;
    if (pcapio__pad4(len) > end - off) {
      snprintf(why, whylen, "option %u of %zu bytes overruns the block",
               code, len);
      return -1;
    }
    if (code == PCAPIO_OPT_COMMENT) {
      const uint8_t *nul = memchr(b + off, 0, len);
      if (nul)
        len = (size_t)(nul - (b + off));
      if (len >= outlen) {
        snprintf(why, whylen, "comment of %zu bytes does not fit in %zu",
                 len, outlen);
        return -1;
      }
      memcpy(out, b + off, len);
      out[len] = 0;
      return 0;
    }
    off += pcapio__pad4(len);
  }
  return 0; /* options may end with the block, without opt_endofopt */
}

int pcapio_read_shb_comment(const char *path, char *out, size_t outlen,
                            char *err, size_t errlen)
{
  static const uint8_t shb_type[4] = {0x0A, 0x0D, 0x0D, 0x0A};
  static const uint8_t bom_be[4] = {0x1A, 0x2B, 0x3C, 0x4D};
  static const uint8_t bom_le[4] = {0x4D, 0x3C, 0x2B, 0x1A};
  uint8_t head[12];
  uint8_t *b = NULL;
  char why[128] = "";
  int rc = -1;
  if (!outlen) {
    snprintf(err, errlen, "cannot read capture %s: no room for the comment",
             path);
    return -1;
  }
  out[0] = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "cannot read capture %s: %s", path,
             strerror(errno));
    return -1;
  }
  size_t got = fread(head, 1, sizeof head, f);
  if (got < 4 || memcmp(head, shb_type, 4) != 0) {
    snprintf(why, sizeof why, got ? "not a pcapng file" : "empty file");
    goto out;
  }
  if (got < sizeof head) {
    snprintf(why, sizeof why, "truncated section header block");
    goto out;
  }
  int big;
  if (memcmp(head + 8, bom_be, 4) == 0)
    big = 1;
  else if (memcmp(head + 8, bom_le, 4) == 0)
    big = 0;
  else {
    snprintf(why, sizeof why, "bad byte-order magic");
    goto out;
  }
  uint32_t size = pcapio__get32(head + 4, big);
  if (size < PCAPIO_SHB_FIXED || size % 4 || size > PCAPIO_SHB_MAX) {
    snprintf(why, sizeof why, "bad section header block length %u", size);
    goto out;
  }
  b = malloc(size);
  if (!b) {
    snprintf(why, sizeof why, "out of memory");
    goto out;
  }
  memcpy(b, head, sizeof head);
  if (fread(b + sizeof head, 1, size - sizeof head, f) != size - sizeof head) {
    snprintf(why, sizeof why, "truncated section header block");
    goto out;
  }
  if (pcapio__get32(b + size - 4, big) != size) {
    snprintf(why, sizeof why, "section header block lengths differ");
    goto out;
  }
  uint16_t major = pcapio__get16(b + 12, big);
  uint16_t minor = pcapio__get16(b + 14, big);
  if (major != 1) {
    snprintf(why, sizeof why, "unsupported pcapng version %u.%u", major,
             minor);
    goto out;
  }
  rc = pcapio__shb_options(b, size, big, out, outlen, why, sizeof why);
out:
  if (rc != 0) {
    out[0] = 0;
    snprintf(err, errlen, "cannot read capture %s: %s", path, why);
  }
  free(b);
  fclose(f);
  return rc;
}

/* ------------------------------------------------------------------ */
/* our own walk over every block: directions and the summary comment    */

/* Finds option `code` in opts[0..len) (byte order `big`); returns its
 * value's offset and length through at and vlen: 0 if found, -1 if not. */
static int pcapio__find_opt(const uint8_t *opts, size_t len, int big,
                            uint16_t code, size_t *at, size_t *vlen)
{
  size_t off = 0;
  while (len - off >= 4) {
    uint16_t c = pcapio__get16(opts + off, big);
    size_t l = pcapio__get16(opts + off + 2, big);
    off += 4;
    if (c == PCAPIO_OPT_ENDOFOPT || pcapio__pad4(l) > len - off)
      return -1;
    if (c == code) {
      *at = off;
      *vlen = l;
      return 0;
    }
    off += pcapio__pad4(l);
  }
  return -1;
}

/* The trace hashes in the custom options of a summary block's options
 * opts[0..len): 0 (with or without hashes) or -1 if they are malformed. */
static int pcapio__read_hashes(const uint8_t *opts, size_t len, int big,
                               pcapio_meta *m)
{
  size_t off = 0, got = 0, want = 0;
  while (len - off >= 4) {
    uint16_t code = pcapio__get16(opts + off, big);
    size_t l = pcapio__get16(opts + off + 2, big);
    off += 4;
    if (code == PCAPIO_OPT_ENDOFOPT || pcapio__pad4(l) > len - off)
      break;
    const uint8_t *v = opts + off;
    off += pcapio__pad4(l);
    if (code != PCAPIO_OPT_CUSTOM_BIN || l < 4 ||
        pcapio__get32(v, big) != PCAPIO_PEN)
      continue;
    v += 4;
    l -= 4;
    if (!m->hashes) {
      if (l < 12 || memcmp(v, pcapio_hashes_magic, 8) != 0)
        continue;
      want = pcapio__get32(v + 8, big);
      if (want > PCAPIO_META_MAX / 4)
        return -1;
      m->hashes = malloc(want ? want * sizeof *m->hashes : 1);
      if (!m->hashes)
        return -1;
      v += 12;
      l -= 12;
    }
    if (l % 4 || got + l / 4 > want)
      return -1;
    for (size_t i = 0; i < l / 4; i++)
      m->hashes[got++] = pcapio__get32(v + 4 * i, big);
  }
  if (m->hashes && got != want)
    return -1;
  m->nhashes = got;
  return 0;
}

int pcapio_read_meta(const char *path, pcapio_meta *m, char *err,
                     size_t errlen)
{
  memset(m, 0, sizeof *m);
  size_t cap = 0, len = 0;
  uint8_t *buf = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "cannot read capture %s: %s", path,
             strerror(errno));
    return -1;
  }
  for (;;) {
    if (len + 65536 > cap) {
      if (cap >= PCAPIO_META_MAX) {
        fclose(f);
        free(buf);
        snprintf(err, errlen, "capture %s is larger than %u MiB", path,
                 PCAPIO_META_MAX >> 20);
        return -1;
      }
      cap = cap ? cap * 2 : 1 << 20;
      uint8_t *nb = realloc(buf, cap);
      if (!nb) {
        fclose(f);
        free(buf);
        snprintf(err, errlen, "out of memory reading %s", path);
        return -1;
      }
      buf = nb;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0)
      break;
  }
  fclose(f);
  const char *why = NULL;
  int big = 0;
  size_t off = 0, frames_cap = 0, nifs = 0;
  uint8_t *evif = NULL; /* per interface: 1 if it is the events one */
  if (len < 12 || pcapio__get32(buf, 0) != PCAPIO_BT_SHB) {
    why = "not a pcapng file";
    goto out;
  }
  if (pcapio__get32(buf + 8, 1) == PCAPIO_BYTE_ORDER_MAGIC)
    big = 1;
  else if (pcapio__get32(buf + 8, 0) != PCAPIO_BYTE_ORDER_MAGIC) {
    why = "bad byte-order magic";
    goto out;
  }
  while (off < len) {
    if (len - off < 12) {
      why = "truncated block";
      goto out;
    }
    uint32_t type = pcapio__get32(buf + off, big);
    uint32_t size = pcapio__get32(buf + off + 4, big);
    if (size < 12 || size % 4 || size > len - off ||
        pcapio__get32(buf + off + size - 4, big) != size) {
      why = "malformed block length";
      goto out;
    }
    const uint8_t *b = buf + off;
    if (type == PCAPIO_BT_SHB && off != 0) {
      why = "more than one section";
      goto out;
    }
    if (type == PCAPIO_BT_IDB && size >= PCAPIO_IDB_FIXED) {
      /* Which interfaces are the events one (its blocks are no frames). */
      if (nifs % 64 == 0) {
        uint8_t *ne = realloc(evif, nifs + 64);
        if (!ne) {
          why = "out of memory";
          goto out;
        }
        evif = ne;
      }
      evif[nifs++] = pcapio__get16(b + 8, big) == PCAPIO_LINKTYPE_EVENTS;
    }
    if (type == PCAPIO_BT_EPB && size >= PCAPIO_EPB_FIXED) {
      uint32_t id = pcapio__get32(b + 8, big);
      if (id < nifs && evif[id]) {
        off += size;
        continue;
      }
    }
    if (type == PCAPIO_BT_EPB || type == PCAPIO_BT_SPB ||
        type == PCAPIO_BT_PB) {
      int dir = PCAPIO_UNKNOWN;
      if (type == PCAPIO_BT_EPB) {
        if (size < PCAPIO_EPB_FIXED) {
          why = "short enhanced packet block";
          goto out;
        }
        size_t caplen = pcapio__get32(b + 20, big);
        size_t data_end = 28 + pcapio__pad4(caplen);
        if (caplen > size || data_end > size - 4) {
          why = "enhanced packet block data overruns the block";
          goto out;
        }
        size_t at, vlen;
        if (pcapio__find_opt(b + data_end, size - 4 - data_end, big,
                             PCAPIO_OPT_EPB_FLAGS, &at, &vlen) == 0 &&
            vlen == 4)
          dir = (int)(pcapio__get32(b + data_end + at, big) & 3);
      }
      if (m->nframes == frames_cap) {
        frames_cap = frames_cap ? frames_cap * 2 : 256;
        uint8_t *nd = realloc(m->dirs, frames_cap);
        if (!nd) {
          why = "out of memory";
          goto out;
        }
        m->dirs = nd;
      }
      m->dirs[m->nframes++] = (uint8_t)dir;
    } else if (type == PCAPIO_BT_ISB && size >= PCAPIO_ISB_FIXED) {
      size_t at, vlen;
      if (pcapio__find_opt(b + 20, size - 24, big, PCAPIO_OPT_COMMENT, &at,
                           &vlen) == 0) {
        size_t n = vlen < sizeof m->summary - 1 ? vlen
                                                : sizeof m->summary - 1;
        memcpy(m->summary, b + 20 + at, n);
        m->summary[n] = 0;
      }
      if (pcapio__read_hashes(b + 20, size - 24, big, m) != 0) {
        why = "malformed trace hashes";
        goto out;
      }
    }
    off += size;
  }
out:
  free(buf);
  free(evif);
  if (why) {
    snprintf(err, errlen, "cannot read capture %s: %s", path, why);
    pcapio_meta_free(m);
    return -1;
  }
  return 0;
}

void pcapio_meta_free(pcapio_meta *m)
{
  free(m->dirs);
  free(m->hashes);
  m->dirs = NULL;
  m->hashes = NULL;
  m->nframes = 0;
  m->nhashes = 0;
}

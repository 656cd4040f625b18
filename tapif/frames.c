/*
 * frames.c - frame builders and parsers for scripted peers (see frames.h).
 *
 * Every parser checks lengths before reading: frames come off the wire and
 * will be fuzzed.  Lengths read from headers are trusted only after they
 * are compared with what was received, and sums such as offset + length
 * are formed in size_t from 16-bit fields, so they cannot wrap.
 *
 * Checksums follow RFC 1071: a 64-bit accumulator of 16-bit big-endian
 * words, folded at the end.  Sums of even-length pieces add up, which lets
 * the ICMP fragmenter checksum a message that lies spread over several
 * fragments without assembling it anywhere.
 */
#include "frames.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static void frames_put16(uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static uint16_t frames_get16(const uint8_t *p)
{
  return (uint16_t)(p[0] << 8 | p[1]);
}

/* Adds `len` bytes to a running sum; only the last piece may be odd. */
static uint64_t frames_sum(uint64_t sum, const uint8_t *p, size_t len)
{
  for (; len > 1; len -= 2, p += 2)
    sum += (uint32_t)(p[0] << 8 | p[1]);
  if (len)
    sum += (uint32_t)(p[0] << 8);
  return sum;
}

static uint16_t frames_fold(uint64_t sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

uint16_t frames_csum(const void *data, size_t len)
{
  return frames_fold(frames_sum(0, data, len));
}

uint16_t frames_udp_csum(const uint8_t src[4], const uint8_t dst[4],
                         const uint8_t *udp, size_t len)
{
  uint64_t sum = frames_sum(0, src, 4);
  sum = frames_sum(sum, dst, 4);
  sum += FRAMES_PROTO_UDP;
  sum += (uint64_t)len;
  return frames_fold(frames_sum(sum, udp, len));
}

static void frames_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6],
                       uint16_t type)
{
  memcpy(f, dst, 6);
  memcpy(f + 6, src, 6);
  frames_put16(f + 12, type);
}

/* A 20-byte IPv4 header with its checksum. */
static void frames_ip_header(uint8_t *ip, size_t total, uint16_t id,
                             uint16_t frag, uint8_t proto,
                             const uint8_t src[4], const uint8_t dst[4])
{
  memset(ip, 0, FRAMES_IP_HLEN);
  ip[0] = 0x45;
  frames_put16(ip + 2, (uint16_t)total);
  frames_put16(ip + 4, id);
  frames_put16(ip + 6, frag);
  ip[8] = 64; /* TTL */
  ip[9] = proto;
  memcpy(ip + 12, src, 4);
  memcpy(ip + 16, dst, 4);
  frames_put16(ip + 10, frames_csum(ip, FRAMES_IP_HLEN));
}

/* Pads a frame to Ethernet's minimum; returns the padded length. */
static size_t frames_pad(uint8_t *f, size_t len)
{
  if (len < FRAMES_ETH_MIN) {
    memset(f + len, 0, FRAMES_ETH_MIN - len);
    len = FRAMES_ETH_MIN;
  }
  return len;
}

/* ------------------------------------------------------------------ */
/* ARP                                                                 */

static void frames_arp_body(uint8_t *f, uint16_t op, const uint8_t sha[6],
                            const uint8_t spa[4], const uint8_t tha[6],
                            const uint8_t tpa[4])
{
  frames_put16(f + 14, 1);      /* Ethernet */
  frames_put16(f + 16, 0x0800); /* IPv4 */
  f[18] = 6;
  f[19] = 4;
  frames_put16(f + 20, op);
  memcpy(f + 22, sha, 6);
  memcpy(f + 28, spa, 4);
  memcpy(f + 32, tha, 6);
  memcpy(f + 38, tpa, 4);
}

size_t frames_arp_request(uint8_t *f, const frames_host *src,
                          const uint8_t target_ip[4])
{
  static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  static const uint8_t zero[6] = {0};
  memset(f, 0, FRAMES_ARP_LEN);
  frames_eth(f, bcast, src->mac, FRAMES_ETHTYPE_ARP);
  frames_arp_body(f, 1, src->mac, src->ip, zero, target_ip);
  return FRAMES_ARP_LEN;
}

size_t frames_arp_reply(uint8_t *f, const frames_host *src,
                        const frames_arp *req)
{
  memset(f, 0, FRAMES_ARP_LEN);
  frames_eth(f, req->sha, src->mac, FRAMES_ETHTYPE_ARP);
  frames_arp_body(f, 2, src->mac, src->ip, req->sha, req->spa);
  return FRAMES_ARP_LEN;
}

bool frames_arp_reply_parse(const uint8_t *f, size_t len,
                            const frames_host *me, uint8_t mac_out[6])
{
  if (len < 42 || frames_get16(f + 12) != FRAMES_ETHTYPE_ARP ||
      frames_get16(f + 20) != 2 || memcmp(f + 38, me->ip, 4) != 0)
    return false;
  memcpy(mac_out, f + 22, 6);
  return true;
}

bool frames_arp_parse(const uint8_t *f, size_t len, frames_arp *out)
{
  if (len < 42 || frames_get16(f + 12) != FRAMES_ETHTYPE_ARP ||
      frames_get16(f + 14) != 1 || frames_get16(f + 16) != 0x0800 ||
      f[18] != 6 || f[19] != 4)
    return false;
  out->op = frames_get16(f + 20);
  memcpy(out->sha, f + 22, 6);
  memcpy(out->spa, f + 28, 4);
  memcpy(out->tha, f + 32, 6);
  memcpy(out->tpa, f + 38, 4);
  return out->op == 1 || out->op == 2;
}

/* ------------------------------------------------------------------ */
/* IPv4                                                                */

bool frames_ipv4_parse(const uint8_t *f, size_t len, frames_ipv4 *out)
{
  if (len < FRAMES_ETH_HLEN + FRAMES_IP_HLEN ||
      frames_get16(f + 12) != FRAMES_ETHTYPE_IP)
    return false;
  const uint8_t *ip = f + FRAMES_ETH_HLEN;
  size_t ihl = (size_t)(ip[0] & 15) * 4;
  size_t total = frames_get16(ip + 2);
  /* ihl <= 60 and total >= ihl, so ihl bytes are inside the frame. */
  if ((ip[0] >> 4) != 4 || ihl < FRAMES_IP_HLEN || total < ihl ||
      FRAMES_ETH_HLEN + total > len || frames_csum(ip, ihl) != 0)
    return false;
  uint16_t frag = frames_get16(ip + 6);
  memset(out, 0, sizeof *out);
  memcpy(out->dst_mac, f, 6);
  memcpy(out->src_mac, f + 6, 6);
  memcpy(out->src, ip + 12, 4);
  memcpy(out->dst, ip + 16, 4);
  out->proto = ip[9];
  out->ttl = ip[8];
  out->id = frames_get16(ip + 4);
  out->offset = (size_t)(frag & 0x1fff) * 8;
  out->more = (frag & 0x2000) != 0;
  out->dont_frag = (frag & 0x4000) != 0;
  out->l4 = ip + ihl;
  out->l4_len = total - ihl;
  out->fragments = 1;
  return true;
}

bool frames_ipv4_is_fragment(const frames_ipv4 *p)
{
  return p->more || p->offset != 0;
}

/* Bytes after the IP header that each fragment but the last carries. */
static size_t frames_frag_step(size_t mtu)
{
  return (mtu - FRAMES_IP_HLEN) & ~(size_t)7;
}

int frames_fragment_count(size_t l4_len, size_t mtu)
{
  if (mtu < FRAMES_IP_HLEN + 8 || mtu > FRAMES_FRAME_MAX - FRAMES_ETH_HLEN ||
      l4_len > FRAMES_IP_MAX - FRAMES_IP_HLEN)
    return 0;
  if (l4_len <= mtu - FRAMES_IP_HLEN)
    return 1;
  size_t step = frames_frag_step(mtu);
  return (int)((l4_len + step - 1) / step);
}

/* Writes the Ethernet and IP headers of every fragment and the frame
 * lengths; the caller fills the carried bytes.  Returns the count (0 on
 * error) and the bytes per fragment in *step. */
static int frames_frag_layout(frames_frame *out, int max, size_t mtu,
                              const frames_host *src, const frames_host *dst,
                              uint8_t proto, uint16_t ip_id, size_t l4_len,
                              size_t *step)
{
  int n = frames_fragment_count(l4_len, mtu);
  if (n == 0 || n > max)
    return 0;
  *step = n == 1 ? l4_len : frames_frag_step(mtu);
  for (int i = 0; i < n; i++) {
    size_t off = (size_t)i * *step;
    size_t chunk = l4_len - off < *step ? l4_len - off : *step;
    uint16_t frag = (uint16_t)(off / 8);
    if (i < n - 1)
      frag |= 0x2000; /* MF */
    uint8_t *f = out[i].data;
    frames_eth(f, dst->mac, src->mac, FRAMES_ETHTYPE_IP);
    frames_ip_header(f + FRAMES_ETH_HLEN, FRAMES_IP_HLEN + chunk, ip_id, frag,
                     proto, src->ip, dst->ip);
    out[i].len = frames_pad(f, FRAMES_ETH_HLEN + FRAMES_IP_HLEN + chunk);
  }
  return n;
}

static uint8_t *frames_frag_l4(frames_frame *fr)
{
  return fr->data + FRAMES_ETH_HLEN + FRAMES_IP_HLEN;
}

int frames_ipv4_fragments(frames_frame *out, int max, size_t mtu,
                          const frames_host *src, const frames_host *dst,
                          uint8_t proto, uint16_t ip_id, const uint8_t *l4,
                          size_t l4_len)
{
  size_t step;
  int n = frames_frag_layout(out, max, mtu, src, dst, proto, ip_id, l4_len,
                             &step);
  for (int i = 0; i < n; i++) {
    size_t off = (size_t)i * step;
    size_t chunk = l4_len - off < step ? l4_len - off : step;
    memcpy(frames_frag_l4(&out[i]), l4 + off, chunk);
  }
  return n;
}

/* ------------------------------------------------------------------ */
/* reassembly                                                          */

static bool frames_bit(const frames_reass *r, size_t b)
{
  return (r->have[b / 8] >> (b % 8)) & 1;
}

static bool frames_reass_same(const frames_ipv4 *a, const frames_ipv4 *b)
{
  return a->id == b->id && a->proto == b->proto &&
         memcmp(a->src, b->src, 4) == 0 && memcmp(a->dst, b->dst, 4) == 0;
}

static void frames_reass_clear(frames_reass *r)
{
  r->busy = false;
  r->have_last = false;
  r->total = r->end_max = r->blocks_have = 0;
  r->frags = 0;
  memset(r->have, 0, sizeof r->have);
}

void frames_reass_init(frames_reass *r, uint8_t *buf, size_t cap)
{
  memset(r, 0, sizeof *r);
  r->buf = buf;
  r->cap = cap;
}

void frames_reass_reset(frames_reass *r)
{
  if (r->busy)
    r->abandoned++;
  frames_reass_clear(r);
}

static frames_reass_status frames_reass_reject(frames_reass *r, bool drop)
{
  r->rejected++;
  if (drop)
    frames_reass_clear(r);
  return FRAMES_REASS_REJECTED;
}

frames_reass_status frames_reass_add(frames_reass *r, const frames_ipv4 *p,
                                     frames_ipv4 *out)
{
  if (!frames_ipv4_is_fragment(p)) {
    *out = *p;
    out->fragments = 1;
    return FRAMES_REASS_WHOLE;
  }
  size_t off = p->offset, len = p->l4_len, end = off + len;
  bool mine = r->busy && frames_reass_same(&r->hdr, p);
  /* A fragment that cannot be part of any valid datagram. */
  if ((p->more && (len == 0 || len % 8 != 0)) || end > r->cap ||
      end > FRAMES_IP_MAX - FRAMES_IP_HLEN)
    return frames_reass_reject(r, mine);
  if (r->busy && !mine) {
    r->abandoned++;
    frames_reass_clear(r);
  }
  if (!r->busy) {
    r->busy = true;
    r->hdr = *p;
    r->hdr.l4 = NULL;
  }
  /* The end of the datagram must stay where the last fragment put it. */
  if (!p->more && ((r->have_last && end != r->total) || end < r->end_max))
    return frames_reass_reject(r, true);
  if (p->more && r->have_last && end > r->total)
    return frames_reass_reject(r, true);
  /* Overlap: bytes already held must be the same. */
  size_t first = off / 8, last = (end + 7) / 8, held = 0;
  for (size_t b = first; b < last; b++) {
    if (!frames_bit(r, b))
      continue;
    size_t at = b * 8, n = end - at < 8 ? end - at : 8;
    if (memcmp(r->buf + at, p->l4 + (at - off), n) != 0)
      return frames_reass_reject(r, true);
    held++;
  }
  if (len > 0 && held == last - first) {
    r->duplicates++;
    return FRAMES_REASS_DUPLICATE;
  }
  memcpy(r->buf + off, p->l4, len);
  for (size_t b = first; b < last; b++)
    if (!frames_bit(r, b)) {
      r->have[b / 8] = (uint8_t)(r->have[b / 8] | 1u << (b % 8));
      r->blocks_have++;
    }
  if (off == 0) {
    r->hdr = *p; /* the first fragment's TTL, MACs and flags */
    r->hdr.l4 = NULL;
  }
  if (end > r->end_max)
    r->end_max = end;
  r->frags++;
  if (!p->more) {
    r->have_last = true;
    r->total = end;
  }
  if (!r->have_last || r->blocks_have != (r->total + 7) / 8)
    return FRAMES_REASS_MORE;
  *out = r->hdr;
  out->offset = 0;
  out->more = false;
  out->l4 = r->buf;
  out->l4_len = r->total;
  out->fragments = r->frags;
  r->completed++;
  frames_reass_clear(r);
  return FRAMES_REASS_DONE;
}

const char *frames_reass_status_name(frames_reass_status s)
{
  switch (s) {
  case FRAMES_REASS_WHOLE:
    return "whole";
  case FRAMES_REASS_DONE:
    return "done";
  case FRAMES_REASS_MORE:
    return "more";
  case FRAMES_REASS_DUPLICATE:
    return "duplicate";
  case FRAMES_REASS_REJECTED:
    return "rejected";
  }
  return "?";
}

/* ------------------------------------------------------------------ */
/* ICMP echo                                                           */

uint8_t frames_echo_byte(uint16_t seq, size_t i)
{
  return (uint8_t)(seq + i);
}

size_t frames_icmp_echo(uint8_t *f, size_t cap, const frames_host *src,
                        const uint8_t dst_mac[6], const uint8_t dst_ip[4],
                        uint16_t id, uint16_t seq, uint16_t ip_id,
                        size_t payload)
{
  size_t ip_len = FRAMES_IP_HLEN + FRAMES_ICMP_HLEN + payload;
  size_t len = FRAMES_ETH_HLEN + ip_len;
  if (payload > FRAMES_MTU - FRAMES_IP_HLEN - FRAMES_ICMP_HLEN ||
      len > cap || cap < FRAMES_ETH_MIN)
    return 0;
  frames_eth(f, dst_mac, src->mac, FRAMES_ETHTYPE_IP);
  uint8_t *ip = f + FRAMES_ETH_HLEN;
  frames_ip_header(ip, ip_len, ip_id, 0, FRAMES_PROTO_ICMP, src->ip, dst_ip);
  uint8_t *icmp = ip + FRAMES_IP_HLEN;
  icmp[0] = 8; /* echo request */
  icmp[1] = 0;
  frames_put16(icmp + 2, 0);
  frames_put16(icmp + 4, id);
  frames_put16(icmp + 6, seq);
  for (size_t i = 0; i < payload; i++)
    icmp[8 + i] = frames_echo_byte(seq, i);
  frames_put16(icmp + 2, frames_csum(icmp, FRAMES_ICMP_HLEN + payload));
  return frames_pad(f, len);
}

int frames_icmp_echo_fragments(frames_frame *out, int max, size_t mtu,
                               const frames_host *src,
                               const frames_host *dst, uint16_t id,
                               uint16_t seq, uint16_t ip_id, size_t payload)
{
  if (payload > FRAMES_ECHO_MAX)
    return 0;
  size_t l4_len = FRAMES_ICMP_HLEN + payload, step;
  int n = frames_frag_layout(out, max, mtu, src, dst, FRAMES_PROTO_ICMP,
                             ip_id, l4_len, &step);
  if (n == 0)
    return 0;
  /* The message lies across the fragments: byte k of it is byte k % step
   * of fragment k / step.  Every step is a multiple of 8 and holds the
   * whole ICMP header in the first fragment. */
  uint8_t *icmp = frames_frag_l4(&out[0]);
  icmp[0] = 8;
  icmp[1] = 0;
  frames_put16(icmp + 2, 0);
  frames_put16(icmp + 4, id);
  frames_put16(icmp + 6, seq);
  uint64_t sum = 0;
  for (int i = 0; i < n; i++) {
    size_t off = (size_t)i * step;
    size_t chunk = l4_len - off < step ? l4_len - off : step;
    uint8_t *d = frames_frag_l4(&out[i]);
    for (size_t k = off < FRAMES_ICMP_HLEN ? FRAMES_ICMP_HLEN : off;
         k < off + chunk; k++)
      d[k - off] = frames_echo_byte(seq, k - FRAMES_ICMP_HLEN);
    sum = frames_sum(sum, d, chunk);
  }
  frames_put16(icmp + 2, frames_fold(sum));
  return n;
}

bool frames_icmp_reply_parse(const uint8_t *f, size_t len,
                             const frames_host *me, uint16_t *id,
                             uint16_t *seq, size_t *payload)
{
  frames_ipv4 ip;
  frames_echo e;
  if (!frames_ipv4_parse(f, len, &ip) || memcmp(ip.dst, me->ip, 4) != 0 ||
      !frames_icmp_echo_parse(&ip, &e) || e.type != 0)
    return false;
  *id = e.id;
  *seq = e.seq;
  *payload = e.len;
  return true;
}

bool frames_icmp_echo_parse(const frames_ipv4 *ip, frames_echo *out)
{
  if (frames_ipv4_is_fragment(ip) || ip->proto != FRAMES_PROTO_ICMP ||
      ip->l4_len < FRAMES_ICMP_HLEN)
    return false;
  const uint8_t *icmp = ip->l4;
  if ((icmp[0] != 0 && icmp[0] != 8) || icmp[1] != 0 ||
      frames_csum(icmp, ip->l4_len) != 0)
    return false;
  out->type = icmp[0];
  out->id = frames_get16(icmp + 4);
  out->seq = frames_get16(icmp + 6);
  out->data = icmp + FRAMES_ICMP_HLEN;
  out->len = ip->l4_len - FRAMES_ICMP_HLEN;
  return true;
}

/* ------------------------------------------------------------------ */
/* UDP                                                                 */

size_t frames_udp_build(uint8_t *u, size_t cap, const uint8_t src_ip[4],
                        const uint8_t dst_ip[4], uint16_t sport,
                        uint16_t dport, const void *data, size_t len)
{
  size_t ulen = FRAMES_UDP_HLEN + len;
  if (len > FRAMES_UDP_MAX || ulen > cap)
    return 0;
  frames_put16(u, sport);
  frames_put16(u + 2, dport);
  frames_put16(u + 4, (uint16_t)ulen);
  frames_put16(u + 6, 0);
  if (len)
    memcpy(u + FRAMES_UDP_HLEN, data, len);
  uint16_t c = frames_udp_csum(src_ip, dst_ip, u, ulen);
  frames_put16(u + 6, c ? c : 0xffff); /* 0 would mean "no checksum" */
  return ulen;
}

size_t frames_udp(uint8_t *f, size_t cap, const frames_host *src,
                  const frames_host *dst, uint16_t sport, uint16_t dport,
                  uint16_t ip_id, const void *data, size_t len)
{
  size_t hdrs = FRAMES_ETH_HLEN + FRAMES_IP_HLEN + FRAMES_UDP_HLEN;
  size_t flen = hdrs + len;
  if (len > FRAMES_MTU - FRAMES_IP_HLEN - FRAMES_UDP_HLEN || flen > cap ||
      cap < FRAMES_ETH_MIN)
    return 0;
  size_t ulen = frames_udp_build(f + FRAMES_ETH_HLEN + FRAMES_IP_HLEN,
                                 cap - FRAMES_ETH_HLEN - FRAMES_IP_HLEN,
                                 src->ip, dst->ip, sport, dport, data, len);
  frames_eth(f, dst->mac, src->mac, FRAMES_ETHTYPE_IP);
  frames_ip_header(f + FRAMES_ETH_HLEN, FRAMES_IP_HLEN + ulen, ip_id, 0,
                   FRAMES_PROTO_UDP, src->ip, dst->ip);
  return frames_pad(f, flen);
}

bool frames_udp_parse(const frames_ipv4 *ip, frames_udp_dgram *out)
{
  if (frames_ipv4_is_fragment(ip) || ip->proto != FRAMES_PROTO_UDP ||
      ip->l4_len < FRAMES_UDP_HLEN)
    return false;
  const uint8_t *u = ip->l4;
  size_t ulen = frames_get16(u + 4);
  if (ulen < FRAMES_UDP_HLEN || ulen > ip->l4_len)
    return false;
  bool summed = frames_get16(u + 6) != 0;
  if (summed && frames_udp_csum(ip->src, ip->dst, u, ulen) != 0)
    return false;
  out->sport = frames_get16(u);
  out->dport = frames_get16(u + 2);
  out->data = u + FRAMES_UDP_HLEN;
  out->len = ulen - FRAMES_UDP_HLEN;
  out->checksummed = summed;
  return true;
}

/* ------------------------------------------------------------------ */
/* TFTP                                                                */

size_t frames_tftp_rrq(uint8_t *p, size_t cap, const char *file,
                       const char *mode)
{
  size_t fl = strlen(file), ml = strlen(mode);
  size_t len = 2 + fl + 1 + ml + 1;
  if (fl == 0 || ml == 0 || len > cap)
    return 0;
  frames_put16(p, FRAMES_TFTP_RRQ);
  memcpy(p + 2, file, fl + 1);
  memcpy(p + 2 + fl + 1, mode, ml + 1);
  return len;
}

size_t frames_tftp_ack(uint8_t *p, size_t cap, uint16_t block)
{
  if (cap < 4)
    return 0;
  frames_put16(p, FRAMES_TFTP_ACK);
  frames_put16(p + 2, block);
  return 4;
}

size_t frames_tftp_data(uint8_t *p, size_t cap, uint16_t block,
                        const void *data, size_t len)
{
  if (len > FRAMES_TFTP_BLOCK || 4 + len > cap)
    return 0;
  frames_put16(p, FRAMES_TFTP_DATA);
  frames_put16(p + 2, block);
  if (len)
    memcpy(p + 4, data, len);
  return 4 + len;
}

size_t frames_tftp_error(uint8_t *p, size_t cap, uint16_t code,
                         const char *msg)
{
  size_t ml = strlen(msg);
  if (4 + ml + 1 > cap)
    return 0;
  frames_put16(p, FRAMES_TFTP_ERROR);
  frames_put16(p + 2, code);
  memcpy(p + 4, msg, ml + 1);
  return 4 + ml + 1;
}

/* The NUL-terminated string at p[at..len), or NULL if unterminated. */
static const char *frames_cstr(const uint8_t *p, size_t len, size_t at,
                               size_t *next)
{
  if (at >= len)
    return NULL;
  const uint8_t *nul = memchr(p + at, 0, len - at);
  if (!nul)
    return NULL;
  *next = (size_t)(nul - p) + 1;
  return (const char *)(p + at);
}

bool frames_tftp_parse(const uint8_t *p, size_t len, frames_tftp *out)
{
  memset(out, 0, sizeof *out);
  if (len < 4)
    return false;
  out->op = frames_get16(p);
  size_t next;
  switch (out->op) {
  case FRAMES_TFTP_RRQ:
  case FRAMES_TFTP_WRQ:
    out->file = frames_cstr(p, len, 2, &next);
    if (!out->file || !out->file[0])
      return false;
    out->mode = frames_cstr(p, len, next, &next);
    return out->mode && out->mode[0];
  case FRAMES_TFTP_DATA:
    if (len - 4 > FRAMES_TFTP_BLOCK)
      return false;
    out->block = frames_get16(p + 2);
    out->data = p + 4;
    out->len = len - 4;
    return true;
  case FRAMES_TFTP_ACK:
    out->block = frames_get16(p + 2);
    return len == 4;
  case FRAMES_TFTP_ERROR:
    out->error = frames_get16(p + 2);
    out->msg = frames_cstr(p, len, 4, &next);
    return out->msg != NULL;
  default:
    return false;
  }
}

/* ------------------------------------------------------------------ */
/* one-line summaries                                                  */

static uint32_t frames_get32(const uint8_t *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static void frames_summary_tcp(const uint8_t *t, size_t len, char *out,
                               size_t outlen)
{
  static const char *const names[] = {"FIN", "SYN", "RST", "PSH", "ACK",
                                      "URG"};
  if (len < 20) {
    snprintf(out, outlen, "TCP (truncated)");
    return;
  }
  size_t hlen = (size_t)(t[12] >> 4) * 4;
  char flags[48] = "";
  size_t pos = 0;
  for (int i = 0; i < 6; i++)
    if (t[13] & (1u << i))
      pos += (size_t)snprintf(flags + pos, sizeof flags - pos, "%s%s",
                              pos ? ", " : "", names[i]);
  snprintf(out, outlen, "TCP %u > %u [%s] seq %lu ack %lu win %u len %zu",
           frames_get16(t), frames_get16(t + 2), flags,
           (unsigned long)frames_get32(t + 4),
           (unsigned long)frames_get32(t + 8), frames_get16(t + 14),
           hlen >= 20 && hlen <= len ? len - hlen : 0);
}

static void frames_summary_icmp(const uint8_t *c, size_t len, char *out,
                                size_t outlen)
{
  if (len < 4) {
    snprintf(out, outlen, "ICMP (truncated)");
    return;
  }
  if ((c[0] == 0 || c[0] == 8) && len >= 8)
    snprintf(out, outlen, "ICMP echo %s id %u seq %u",
             c[0] == 8 ? "request" : "reply", frames_get16(c + 4),
             frames_get16(c + 6));
  else if (c[0] == 3)
    snprintf(out, outlen, "ICMP destination unreachable (code %u)", c[1]);
  else if (c[0] == 11)
    snprintf(out, outlen, "ICMP time exceeded (code %u)", c[1]);
  else
    snprintf(out, outlen, "ICMP type %u code %u", c[0], c[1]);
}

void frames_summary(const uint8_t *f, size_t len, char *out, size_t outlen)
{
  if (!outlen)
    return;
  out[0] = 0;
  if (len < FRAMES_ETH_HLEN) {
    snprintf(out, outlen, "runt frame (%zu bytes)", len);
    return;
  }
  uint16_t type = frames_get16(f + 12);
  const uint8_t *p = f + FRAMES_ETH_HLEN;
  size_t plen = len - FRAMES_ETH_HLEN;
  if (type == FRAMES_ETHTYPE_ARP) {
    if (plen < 28) {
      snprintf(out, outlen, "ARP (truncated)");
      return;
    }
    const uint8_t *sip = p + 14, *tip = p + 24, *sha = p + 8;
    uint16_t op = frames_get16(p + 6);
    if (op == 1 && memcmp(sip, tip, 4) == 0)
      snprintf(out, outlen, "ARP announcement %u.%u.%u.%u", sip[0], sip[1],
               sip[2], sip[3]);
    else if (op == 1)
      snprintf(out, outlen, "ARP who-has %u.%u.%u.%u tell %u.%u.%u.%u",
               tip[0], tip[1], tip[2], tip[3], sip[0], sip[1], sip[2],
               sip[3]);
    else if (op == 2)
      snprintf(out, outlen,
               "ARP %u.%u.%u.%u is-at %02x:%02x:%02x:%02x:%02x:%02x",
               sip[0], sip[1], sip[2], sip[3], sha[0], sha[1], sha[2],
               sha[3], sha[4], sha[5]);
    else
      snprintf(out, outlen, "ARP op %u", op);
    return;
  }
  if (type != FRAMES_ETHTYPE_IP) {
    snprintf(out, outlen, "EtherType 0x%04x", type);
    return;
  }
  if (plen < FRAMES_IP_HLEN || (p[0] >> 4) != 4) {
    snprintf(out, outlen, "IPv4 (truncated or malformed)");
    return;
  }
  size_t ihl = (size_t)(p[0] & 15) * 4;
  size_t total = frames_get16(p + 2);
  if (ihl < FRAMES_IP_HLEN || ihl > plen || total < ihl) {
    snprintf(out, outlen, "IPv4 (malformed header)");
    return;
  }
  if (total < plen)
    plen = total; /* Ethernet padding */
  uint16_t frag = frames_get16(p + 6);
  unsigned off = (unsigned)(frag & 0x1fff) * 8;
  bool more = (frag & 0x2000) != 0;
  uint8_t proto = p[9];
  const char *pname = proto == 1 ? "ICMP" : proto == 6 ? "TCP"
                      : proto == 17 ? "UDP" : "IP";
  if (off) {
    snprintf(out, outlen, "IPv4 fragment id %u offset %u len %zu (%s)%s",
             frames_get16(p + 4), off, plen - ihl, pname,
             more ? "" : " last");
    return;
  }
  const uint8_t *l4 = p + ihl;
  size_t l4len = plen - ihl;
  char body[160];
  if (proto == 1)
    frames_summary_icmp(l4, l4len, body, sizeof body);
  else if (proto == 6)
    frames_summary_tcp(l4, l4len, body, sizeof body);
  else if (proto == 17 && l4len >= FRAMES_UDP_HLEN)
    snprintf(body, sizeof body, "UDP %u > %u len %u", frames_get16(l4),
             frames_get16(l4 + 2), frames_get16(l4 + 4));
  else if (proto == 17)
    snprintf(body, sizeof body, "UDP (truncated)");
  else
    snprintf(body, sizeof body, "IPv4 protocol %u", proto);
  snprintf(out, outlen, "%s%s", body, more ? " [first fragment]" : "");
}

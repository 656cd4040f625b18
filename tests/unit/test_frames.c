/*
 * test_frames.c - the frame builders and parsers of tapif/frames.c:
 * checksums against known vectors (RFC 1071's example, a classic IPv4
 * header, odd lengths, carries), the ARP request's layout byte by byte,
 * ICMP echo build and parse, IPv4 fragmentation (offsets, MF, lengths,
 * one IP id) for payloads of 1472, 1473, 2000 and 8000 bytes and the
 * reassembler putting them back exactly (in order, reversed, shuffled,
 * with a duplicate) or refusing what is inconsistent, UDP with its
 * pseudo-header checksum against a hand-computed vector, TFTP packets, and
 * every parser refusing truncated and random input without reading out of
 * bounds (each input sits in a heap block of exactly its length, so ASan
 * sees a single byte too far).
 *
 * Tests share nothing: each builds its own frames and buffers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frames.h"

static const frames_host peer = {{0x02, 0, 0, 0, 0x01, 0x63},
                                 {192, 0, 2, 99}};
static const frames_host board = {{0x02, 0, 0, 0, 0, 0x01}, {192, 0, 2, 1}};

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static uint16_t get16(const uint8_t *p)
{
  return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

/* A heap copy of exactly n bytes (ASan flags any read past it). */
static uint8_t *exact(const uint8_t *p, size_t n)
{
  uint8_t *q = malloc(n ? n : 1);
  assert_non_null(q);
  if (n)
    memcpy(q, p, n);
  return q;
}

/* A deterministic generator for the garbage tests (xorshift64*). */
static uint64_t rnd(uint64_t *s)
{
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1Dull;
}

/* ------------------------------------------------------------------ */
/* checksums                                                           */

static void test_csum_vectors(void **state)
{
  (void)state;
  /* RFC 1071, section 3: the sum of these words is 0xddf2. */
  static const uint8_t rfc1071[] = {0x00, 0x01, 0xf2, 0x03,
                                    0xf4, 0xf5, 0xf6, 0xf7};
  assert_int_equal(frames_csum(rfc1071, sizeof rfc1071), 0x220d);
  /* A classic IPv4 header (UDP, 192.168.0.1 -> 192.168.0.199). */
  uint8_t ip[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
                  0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
                  0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  assert_int_equal(frames_csum(ip, sizeof ip), 0xb861);
  /* With the checksum in place, the header sums to zero. */
  put16(ip + 10, 0xb861);
  assert_int_equal(frames_csum(ip, sizeof ip), 0);
  /* Odd lengths: the last byte is the high half of a word. */
  static const uint8_t odd3[] = {0x01, 0x02, 0x03};
  assert_int_equal(frames_csum(odd3, 3), 0xfbfd); /* ~(0x0102+0x0300) */
  static const uint8_t ff[] = {0xff};
  assert_int_equal(frames_csum(ff, 1), 0x00ff);
  /* Nothing, and zeros, sum to 0; carries fold back in. */
  assert_int_equal(frames_csum(ff, 0), 0xffff);
  static const uint8_t zeros[7] = {0};
  assert_int_equal(frames_csum(zeros, sizeof zeros), 0xffff);
  static const uint8_t ones[] = {0xff, 0xff, 0xff, 0xff};
  assert_int_equal(frames_csum(ones, 4), 0x0000);
  /* A long buffer (many carries) and its odd-length prefix. */
  uint8_t *big = malloc(65535);
  assert_non_null(big);
  memset(big, 0xff, 65535);
  assert_int_equal(frames_csum(big, 65534), 0x0000);
  /* ... plus an odd 0xff: 0xffff (one's complement zero) + 0xff00. */
  assert_int_equal(frames_csum(big, 65535), 0x00ff);
  memset(big, 0x80, 65535);
  /* 32767 words of 0x8080 plus 0x8000: fold by hand. */
  uint64_t s = 32767ull * 0x8080 + 0x8000;
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  assert_int_equal(frames_csum(big, 65535), (uint16_t)~s);
  free(big);
}

static void test_udp_checksum_hand_vector(void **state)
{
  (void)state;
  /* 192.0.2.99:40000 -> 192.0.2.1:7, "abc".  By hand, in 16-bit words:
   *   pseudo-header  c000 0263 c000 0201 0011 000b
   *   UDP header     9c40 0007 000b 0000
   *   data           6162 6300
   * sum 0x2e534, folded 0xe536, complemented 0x1ac9. */
  uint8_t u[16];
  size_t n = frames_udp_build(u, sizeof u, peer.ip, board.ip, 40000, 7,
                              "abc", 3);
  assert_int_equal(n, 11);
  static const uint8_t want[] = {0x9c, 0x40, 0x00, 0x07, 0x00, 0x0b,
                                 0x1a, 0xc9, 'a',  'b',  'c'};
  assert_memory_equal(u, want, sizeof want);
  /* Verified over the bytes as sent: 0. */
  assert_int_equal(frames_udp_csum(peer.ip, board.ip, u, n), 0);
  /* The pseudo-header counts: another address does not verify.  (Swapped
   * addresses do: the sum does not depend on their order.) */
  assert_int_not_equal(frames_udp_csum(peer.ip, peer.ip, u, n), 0);
  assert_int_equal(frames_udp_csum(board.ip, peer.ip, u, n), 0);
}

static void test_udp_checksum_zero_is_sent_as_ffff(void **state)
{
  (void)state;
  /* Two data bytes D: with D = 0 the checksum is c, so the sum without
   * the checksum is ~c; with D = c it is ~c + c = 0xffff, whose checksum
   * is 0, which UDP must send as 0xffff (0 means "none"). */
  uint8_t d[2] = {0, 0}, u[10];
  frames_udp_build(u, sizeof u, peer.ip, board.ip, 1234, 69, d, 2);
  uint16_t c = get16(u + 6);
  put16(d, c);
  frames_udp_build(u, sizeof u, peer.ip, board.ip, 1234, 69, d, 2);
  assert_int_equal(get16(u + 6), 0xffff);
  assert_int_equal(frames_udp_csum(peer.ip, board.ip, u, 10), 0);
}

/* ------------------------------------------------------------------ */
/* ARP                                                                 */

static void test_arp_request_layout(void **state)
{
  (void)state;
  uint8_t f[FRAMES_ARP_LEN + 4];
  memset(f, 0xee, sizeof f);
  assert_int_equal(frames_arp_request(f, &peer, board.ip), 60);
  static const uint8_t want[42] = {
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff,       /* to everyone */
      0x02, 0, 0, 0, 0x01, 0x63,                /* from the peer */
      0x08, 0x06,                               /* ARP */
      0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01, /* Ethernet/IPv4, request */
      0x02, 0, 0, 0, 0x01, 0x63, 192, 0, 2, 99, /* sender */
      0, 0, 0, 0, 0, 0, 192, 0, 2, 1};          /* target */
  assert_memory_equal(f, want, sizeof want);
  for (size_t i = 42; i < 60; i++)
    assert_int_equal(f[i], 0); /* padding */
  assert_int_equal(f[60], 0xee); /* nothing written past 60 */

  /* The board's reply, parsed both ways. */
  frames_arp req;
  assert_true(frames_arp_parse(f, 60, &req));
  assert_int_equal(req.op, 1);
  uint8_t r[FRAMES_ARP_LEN];
  assert_int_equal(frames_arp_reply(r, &board, &req), 60);
  assert_memory_equal(r, peer.mac, 6); /* unicast back */
  uint8_t mac[6];
  assert_true(frames_arp_reply_parse(r, 60, &peer, mac));
  assert_memory_equal(mac, board.mac, 6);
  frames_arp rep;
  assert_true(frames_arp_parse(r, 60, &rep));
  assert_int_equal(rep.op, 2);
  assert_memory_equal(rep.spa, board.ip, 4);
  assert_memory_equal(rep.tha, peer.mac, 6);
  assert_memory_equal(rep.tpa, peer.ip, 4);
  /* Not for us, or not a reply. */
  assert_false(frames_arp_reply_parse(r, 60, &board, mac));
  assert_false(frames_arp_reply_parse(f, 60, &peer, mac));
  /* Another hardware type is not Ethernet ARP. */
  r[15] = 6;
  assert_false(frames_arp_parse(r, 60, &rep));
}

/* ------------------------------------------------------------------ */
/* ICMP echo                                                           */

static void test_icmp_echo_roundtrip(void **state)
{
  (void)state;
  uint8_t f[FRAMES_FRAME_MAX];
  size_t n = frames_icmp_echo(f, sizeof f, &peer, board.mac, board.ip,
                              0x4c57, 3, 77, 56);
  assert_int_equal(n, 14 + 20 + 8 + 56);
  frames_ipv4 ip;
  assert_true(frames_ipv4_parse(f, n, &ip));
  assert_int_equal(ip.proto, FRAMES_PROTO_ICMP);
  assert_int_equal(ip.id, 77);
  assert_int_equal(ip.ttl, 64);
  assert_false(frames_ipv4_is_fragment(&ip));
  assert_memory_equal(ip.src, peer.ip, 4);
  assert_memory_equal(ip.dst, board.ip, 4);
  assert_memory_equal(ip.src_mac, peer.mac, 6);
  frames_echo e;
  assert_true(frames_icmp_echo_parse(&ip, &e));
  assert_int_equal(e.type, 8);
  assert_int_equal(e.id, 0x4c57);
  assert_int_equal(e.seq, 3);
  assert_int_equal(e.len, 56);
  for (size_t i = 0; i < 56; i++)
    assert_int_equal(e.data[i], frames_echo_byte(3, i));

  /* Turn it into the board's reply, as lwIP does: swap the addresses,
   * type 0, adjust the checksums. */
  uint8_t *iph = f + 14, *icmp = iph + 20;
  memcpy(iph + 12, board.ip, 4);
  memcpy(iph + 16, peer.ip, 4);
  put16(iph + 10, 0);
  put16(iph + 10, frames_csum(iph, 20));
  icmp[0] = 0;
  put16(icmp + 2, 0);
  put16(icmp + 2, frames_csum(icmp, 64));
  uint16_t id, seq;
  size_t payload;
  assert_true(frames_icmp_reply_parse(f, n, &peer, &id, &seq, &payload));
  assert_int_equal(id, 0x4c57);
  assert_int_equal(seq, 3);
  assert_int_equal(payload, 56);
  /* Not to the board; and a flipped payload bit fails the checksum. */
  assert_false(frames_icmp_reply_parse(f, n, &board, &id, &seq, &payload));
  icmp[20] ^= 1;
  assert_false(frames_icmp_reply_parse(f, n, &peer, &id, &seq, &payload));

  /* Too big for one frame, or for the buffer. */
  assert_int_equal(frames_icmp_echo(f, sizeof f, &peer, board.mac, board.ip,
                                    1, 1, 1, 1473),
                   0);
  assert_int_equal(frames_icmp_echo(f, 59, &peer, board.mac, board.ip, 1, 1,
                                    1, 0),
                   0);
  /* Small ones are padded to 60 and parse by the IP length. */
  n = frames_icmp_echo(f, sizeof f, &peer, board.mac, board.ip, 1, 1, 1, 0);
  assert_int_equal(n, 60);
  assert_true(frames_ipv4_parse(f, n, &ip));
  assert_int_equal(ip.l4_len, 8);
}

/* ------------------------------------------------------------------ */
/* fragmentation and reassembly                                        */

/* Checks the fragments of an echo with `payload` bytes at MTU `mtu`:
 * 8-byte-aligned offsets that follow each other, MF on all but the last,
 * IP lengths, one IP id, valid header checksums. */
static void check_fragments(const frames_frame *fr, int n, size_t payload,
                            size_t mtu, uint16_t ip_id)
{
  size_t l4 = 8 + payload, step = (mtu - 20) & ~(size_t)7, off = 0;
  for (int i = 0; i < n; i++) {
    frames_ipv4 ip;
    assert_true(frames_ipv4_parse(fr[i].data, fr[i].len, &ip));
    assert_int_equal(ip.id, ip_id);
    assert_int_equal(ip.offset, off);
    assert_int_equal(ip.offset % 8, 0);
    assert_int_equal(ip.more, i < n - 1);
    assert_false(ip.dont_frag);
    size_t want = i < n - 1 ? step : l4 - off;
    if (n == 1)
      want = l4;
    assert_int_equal(ip.l4_len, want);
    assert_true(20 + ip.l4_len <= mtu);
    assert_int_equal(get16(fr[i].data + 14 + 2), 20 + want);
    size_t flen = 14 + 20 + want;
    assert_int_equal(fr[i].len, flen < 60 ? 60 : flen);
    off += want;
  }
  assert_int_equal(off, l4);
}

/* Feeds fragments to a reassembler in the order `order` and checks the
 * echo comes out whole, exactly, at the last one. */
static void check_reassembly(const frames_frame *fr, int n,
                             const int *order, size_t payload, uint16_t seq)
{
  uint8_t *buf = malloc(FRAMES_IP_MAX);
  frames_reass *r = malloc(sizeof *r);
  assert_non_null(buf);
  assert_non_null(r);
  frames_reass_init(r, buf, FRAMES_IP_MAX);
  frames_ipv4 out;
  for (int k = 0; k < n; k++) {
    frames_ipv4 ip;
    uint8_t *f = exact(fr[order[k]].data, fr[order[k]].len);
    assert_true(frames_ipv4_parse(f, fr[order[k]].len, &ip));
    frames_reass_status st = frames_reass_add(r, &ip, &out);
    free(f);
    if (n == 1)
      assert_int_equal(st, FRAMES_REASS_WHOLE);
    else
      assert_int_equal(st, k < n - 1 ? FRAMES_REASS_MORE : FRAMES_REASS_DONE);
    if (st == FRAMES_REASS_WHOLE) {
      /* out points into the freed frame: check nothing more here. */
      free(buf);
      free(r);
      return;
    }
  }
  assert_int_equal(out.fragments, n);
  assert_int_equal(out.l4_len, 8 + payload);
  assert_false(frames_ipv4_is_fragment(&out));
  frames_echo e;
  assert_true(frames_icmp_echo_parse(&out, &e));
  assert_int_equal(e.seq, seq);
  assert_int_equal(e.len, payload);
  for (size_t i = 0; i < payload; i++)
    assert_int_equal(e.data[i], frames_echo_byte(seq, i));
  assert_int_equal(r->completed, 1);
  assert_false(r->busy);
  free(buf);
  free(r);
}

static void test_fragment_sizes(void **state)
{
  (void)state;
  static const struct {
    size_t payload;
    int frags;
    size_t last_frame;
  } cases[] = {
      {1472, 1, 1514},        /* fits exactly */
      {1473, 2, 60},          /* 1480 + 1 byte (padded frame) */
      {2000, 2, 14 + 20 + 528}, /* 1480 + 528 */
      {8000, 6, 14 + 20 + 608}, /* 5 x 1480 + 608 */
  };
  frames_frame *fr = calloc(8, sizeof *fr);
  assert_non_null(fr);
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    size_t p = cases[c].payload;
    assert_int_equal(frames_fragment_count(8 + p, 1500), cases[c].frags);
    int n = frames_icmp_echo_fragments(fr, 8, 1500, &peer, &board, 9,
                                       (uint16_t)c, 0x1234, p);
    assert_int_equal(n, cases[c].frags);
    assert_int_equal(fr[n - 1].len, cases[c].last_frame);
    check_fragments(fr, n, p, 1500, 0x1234);
    int fwd[8], rev[8];
    for (int i = 0; i < n; i++) {
      fwd[i] = i;
      rev[i] = n - 1 - i;
    }
    check_reassembly(fr, n, fwd, p, (uint16_t)c);
    check_reassembly(fr, n, rev, p, (uint16_t)c);
    if (n == 6) {
      static const int shuffled[] = {3, 0, 5, 1, 4, 2};
      check_reassembly(fr, n, shuffled, p, (uint16_t)c);
    }
  }
  /* A payload that fits is the same frame as frames_icmp_echo()'s. */
  uint8_t one[FRAMES_FRAME_MAX];
  size_t len = frames_icmp_echo(one, sizeof one, &peer, board.mac, board.ip,
                                9, 4, 0x99, 1000);
  assert_int_equal(frames_icmp_echo_fragments(fr, 8, 1500, &peer, &board, 9,
                                              4, 0x99, 1000),
                   1);
  assert_int_equal(fr[0].len, len);
  assert_memory_equal(fr[0].data, one, len);
  /* Too few frames offered, a payload too big for IPv4, a silly MTU. */
  assert_int_equal(frames_icmp_echo_fragments(fr, 5, 1500, &peer, &board, 9,
                                              0, 1, 8000),
                   0);
  assert_int_equal(frames_icmp_echo_fragments(fr, 8, 1500, &peer, &board, 9,
                                              0, 1, FRAMES_ECHO_MAX + 1),
                   0);
  assert_int_equal(frames_fragment_count(100, 27), 0);
  assert_int_equal(frames_fragment_count(100, 1501), 0);
  free(fr);
}

static void test_fragment_small_mtu_and_max(void **state)
{
  (void)state;
  /* The largest echo at the smallest MTU IPv4 guarantees (68): 48 bytes
   * per fragment. */
  int n = frames_fragment_count(8 + FRAMES_ECHO_MAX, 68);
  assert_int_equal(n, (8 + FRAMES_ECHO_MAX + 47) / 48);
  frames_frame *fr = calloc((size_t)n, sizeof *fr);
  assert_non_null(fr);
  assert_int_equal(frames_icmp_echo_fragments(fr, n, 68, &peer, &board, 1,
                                              0xfffe, 0xbeef,
                                              FRAMES_ECHO_MAX),
                   n);
  check_fragments(fr, n, FRAMES_ECHO_MAX, 68, 0xbeef);
  int *order = malloc((size_t)n * sizeof *order);
  assert_non_null(order);
  for (int i = 0; i < n; i++) /* odd ones first, then even ones */
    order[i] = i < (n + 1) / 2 ? 2 * i + 1 < n ? 2 * i + 1 : 2 * i
                               : 2 * (i - (n + 1) / 2);
  /* (a permutation only if the mapping is one to one: check it) */
  char *seen = calloc((size_t)n, 1);
  for (int i = 0; i < n; i++) {
    assert_false(seen[order[i]]);
    seen[order[i]] = 1;
  }
  free(seen);
  check_reassembly(fr, n, order, FRAMES_ECHO_MAX, 0xfffe);
  free(order);
  /* Any L4 payload: a UDP datagram of 3000 bytes at MTU 576. */
  uint8_t *l4 = malloc(3008);
  assert_non_null(l4);
  uint8_t data[3000];
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (uint8_t)(i * 7);
  assert_int_equal(frames_udp_build(l4, 3008, peer.ip, board.ip, 5, 6, data,
                                    sizeof data),
                   3008);
  n = frames_ipv4_fragments(fr, 10, 576, &peer, &board, FRAMES_PROTO_UDP, 42,
                            l4, 3008);
  assert_int_equal(n, 6); /* 5 x 552 + 248 */
  uint8_t *buf = malloc(4096);
  frames_reass *r = malloc(sizeof *r);
  assert_non_null(buf);
  assert_non_null(r);
  frames_reass_init(r, buf, 4096);
  frames_ipv4 out, ip;
  for (int i = 0; i < n; i++) {
    assert_true(frames_ipv4_parse(fr[i].data, fr[i].len, &ip));
    assert_int_equal(frames_reass_add(r, &ip, &out),
                     i < n - 1 ? FRAMES_REASS_MORE : FRAMES_REASS_DONE);
  }
  frames_udp_dgram u;
  assert_true(frames_udp_parse(&out, &u));
  assert_int_equal(u.len, sizeof data);
  assert_memory_equal(u.data, data, sizeof data);
  free(buf);
  free(r);
  free(l4);
  free(fr);
}

static void test_reassembly_duplicates_and_others(void **state)
{
  (void)state;
  frames_frame *fr = calloc(4, sizeof *fr);
  uint8_t *buf = malloc(FRAMES_IP_MAX);
  frames_reass *r = malloc(sizeof *r);
  assert_non_null(fr);
  assert_non_null(r);
  frames_reass_init(r, buf, FRAMES_IP_MAX);
  int n = frames_icmp_echo_fragments(fr, 4, 1500, &peer, &board, 1, 7, 100,
                                     4000);
  assert_int_equal(n, 3);
  frames_ipv4 p[3], out;
  for (int i = 0; i < 3; i++)
    assert_true(frames_ipv4_parse(fr[i].data, fr[i].len, &p[i]));
  /* A duplicate first fragment is ignored, the datagram still completes;
   * a whole packet in between does not disturb it. */
  assert_int_equal(frames_reass_add(r, &p[0], &out), FRAMES_REASS_MORE);
  assert_int_equal(frames_reass_add(r, &p[0], &out), FRAMES_REASS_DUPLICATE);
  uint8_t w[FRAMES_FRAME_MAX];
  size_t wl = frames_icmp_echo(w, sizeof w, &peer, board.mac, board.ip, 1, 1,
                               5, 10);
  frames_ipv4 whole;
  assert_true(frames_ipv4_parse(w, wl, &whole));
  assert_int_equal(frames_reass_add(r, &whole, &out), FRAMES_REASS_WHOLE);
  assert_int_equal(out.l4_len, 18);
  assert_int_equal(frames_reass_add(r, &p[2], &out), FRAMES_REASS_MORE);
  assert_int_equal(frames_reass_add(r, &p[2], &out), FRAMES_REASS_DUPLICATE);
  assert_int_equal(frames_reass_add(r, &p[1], &out), FRAMES_REASS_DONE);
  assert_int_equal(r->duplicates, 2);
  assert_int_equal(out.fragments, 3);
  frames_echo e;
  assert_true(frames_icmp_echo_parse(&out, &e));
  assert_int_equal(e.len, 4000);

  /* A fragment of another datagram abandons the one in progress. */
  assert_int_equal(frames_reass_add(r, &p[0], &out), FRAMES_REASS_MORE);
  frames_ipv4 other = p[1];
  other.id = 101;
  assert_int_equal(frames_reass_add(r, &other, &out), FRAMES_REASS_MORE);
  assert_int_equal(r->abandoned, 1);
  /* ... and the old one's fragments start a new attempt that never ends
   * (its first fragment is gone); reset counts it as abandoned too. */
  assert_int_equal(frames_reass_add(r, &p[1], &out), FRAMES_REASS_MORE);
  assert_int_equal(frames_reass_add(r, &p[2], &out), FRAMES_REASS_MORE);
  assert_int_equal(r->abandoned, 2);
  frames_reass_reset(r);
  assert_int_equal(r->abandoned, 3);
  assert_false(r->busy);
  /* A late duplicate of a completed datagram starts over, harmlessly. */
  assert_int_equal(frames_reass_add(r, &p[0], &out), FRAMES_REASS_MORE);
  assert_int_equal(frames_reass_add(r, &p[1], &out), FRAMES_REASS_MORE);
  assert_int_equal(frames_reass_add(r, &p[2], &out), FRAMES_REASS_DONE);
  assert_int_equal(r->completed, 2);
  free(buf);
  free(r);
  free(fr);
}

static void test_reassembly_rejects_inconsistent(void **state)
{
  (void)state;
  uint8_t *buf = malloc(FRAMES_IP_MAX);
  frames_reass *r = malloc(sizeof *r);
  assert_non_null(buf);
  assert_non_null(r);
  frames_reass_init(r, buf, FRAMES_IP_MAX);
  uint8_t a[64], b[64];
  memset(a, 0xaa, sizeof a);
  memset(b, 0xbb, sizeof b);
  frames_ipv4 p, out;
  memset(&p, 0, sizeof p);
  memcpy(p.src, peer.ip, 4);
  memcpy(p.dst, board.ip, 4);
  p.proto = FRAMES_PROTO_UDP;
  p.id = 1;

  /* MF with a length that is not a multiple of 8, or empty. */
  p.more = true;
  p.l4 = a;
  p.l4_len = 12;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_REJECTED);
  p.l4_len = 0;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_REJECTED);
  /* Beyond IPv4's limit (offset 65528 + 8 > 65515). */
  p.offset = 8191 * 8;
  p.l4_len = 8;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_REJECTED);
  assert_false(r->busy);

  /* Overlap with other bytes: the datagram is dropped. */
  p.offset = 0;
  p.l4_len = 16;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_MORE);
  p.offset = 8;
  p.l4 = b;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_REJECTED);
  assert_false(r->busy);
  /* Overlap with the same bytes is fine and fills the rest. */
  p.l4 = a;
  p.offset = 0;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_MORE);
  p.offset = 8;
  p.l4_len = 24;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_MORE);
  p.more = false;
  p.offset = 32;
  p.l4_len = 3;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_DONE);
  assert_int_equal(out.l4_len, 35);
  assert_int_equal(out.fragments, 3);

  /* Two last fragments that disagree on the end. */
  p.id = 2;
  p.offset = 16;
  p.l4_len = 5;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_MORE);
  p.offset = 24;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_REJECTED);
  /* Data past the end the last fragment set. */
  p.id = 3;
  p.offset = 16;
  p.l4_len = 5;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_MORE);
  p.more = true;
  p.offset = 16;
  p.l4_len = 16;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_REJECTED);
  /* A last fragment that ends before data already received. */
  p.id = 4;
  p.offset = 32;
  p.l4_len = 8;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_MORE);
  p.more = false;
  p.offset = 8;
  p.l4_len = 4;
  assert_int_equal(frames_reass_add(r, &p, &out), FRAMES_REASS_REJECTED);
  /* Larger than the caller's buffer. */
  frames_reass small;
  uint8_t sbuf[32];
  frames_reass_init(&small, sbuf, sizeof sbuf);
  p.id = 5;
  p.more = true;
  p.offset = 24;
  p.l4_len = 16;
  assert_int_equal(frames_reass_add(&small, &p, &out), FRAMES_REASS_REJECTED);
  assert_int_equal(r->rejected, 7);
  assert_string_equal(frames_reass_status_name(FRAMES_REASS_DONE), "done");
  free(buf);
  free(r);
}

/* ------------------------------------------------------------------ */
/* UDP                                                                 */

static void test_udp_frame_build_parse(void **state)
{
  (void)state;
  uint8_t f[FRAMES_FRAME_MAX];
  static const char msg[] = "hello, board";
  size_t n = frames_udp(f, sizeof f, &peer, &board, 40000, 7, 0x4242, msg,
                        sizeof msg - 1);
  assert_int_equal(n, 60); /* 14 + 20 + 8 + 12 = 54, padded */
  frames_ipv4 ip;
  assert_true(frames_ipv4_parse(f, n, &ip));
  assert_int_equal(ip.proto, FRAMES_PROTO_UDP);
  assert_int_equal(ip.l4_len, 20); /* not the padding */
  frames_udp_dgram u;
  assert_true(frames_udp_parse(&ip, &u));
  assert_int_equal(u.sport, 40000);
  assert_int_equal(u.dport, 7);
  assert_true(u.checksummed);
  assert_int_equal(u.len, sizeof msg - 1);
  assert_memory_equal(u.data, msg, sizeof msg - 1);
  /* A corrupted byte fails the checksum ... */
  f[14 + 20 + 8] ^= 0x20;
  assert_true(frames_ipv4_parse(f, n, &ip));
  assert_false(frames_udp_parse(&ip, &u));
  /* ... unless the sender sent none (0). */
  put16(f + 14 + 20 + 6, 0);
  assert_true(frames_ipv4_parse(f, n, &ip));
  assert_true(frames_udp_parse(&ip, &u));
  assert_false(u.checksummed);
  /* UDP length beyond the IP payload, or below the header. */
  put16(f + 14 + 20 + 4, 21);
  assert_false(frames_udp_parse(&ip, &u));
  put16(f + 14 + 20 + 4, 7);
  assert_false(frames_udp_parse(&ip, &u));
  /* A UDP length shorter than the IP payload is allowed (trailer). */
  put16(f + 14 + 20 + 4, 10);
  assert_true(frames_udp_parse(&ip, &u));
  assert_int_equal(u.len, 2);
  /* Not UDP, or a fragment. */
  ip.proto = FRAMES_PROTO_ICMP;
  assert_false(frames_udp_parse(&ip, &u));
  ip.proto = FRAMES_PROTO_UDP;
  ip.more = true;
  assert_false(frames_udp_parse(&ip, &u));
  /* Too long for one frame, too small a buffer. */
  static uint8_t big[1473];
  assert_int_equal(frames_udp(f, sizeof f, &peer, &board, 1, 2, 3, big, 1473),
                   0);
  assert_int_equal(frames_udp(f, sizeof f, &peer, &board, 1, 2, 3, big, 1472),
                   1514);
  assert_int_equal(frames_udp(f, 59, &peer, &board, 1, 2, 3, big, 0), 0);
  assert_int_equal(frames_udp_build(f, 8, peer.ip, board.ip, 1, 2, big, 1),
                   0);
}

/* ------------------------------------------------------------------ */
/* TFTP                                                                */

static void test_tftp_packets(void **state)
{
  (void)state;
  uint8_t p[600];
  memset(p, 0, sizeof p);
  frames_tftp t;
  /* RRQ: opcode 1, file, NUL, mode, NUL. */
  size_t n = frames_tftp_rrq(p, sizeof p, "boot.bin", "octet");
  static const uint8_t rrq[] = "\0\1boot.bin\0octet";
  assert_int_equal(n, sizeof rrq);
  assert_memory_equal(p, rrq, sizeof rrq);
  assert_true(frames_tftp_parse(p, n, &t));
  assert_int_equal(t.op, FRAMES_TFTP_RRQ);
  assert_string_equal(t.file, "boot.bin");
  assert_string_equal(t.mode, "octet");
  assert_int_equal(frames_tftp_rrq(p, sizeof p, "", "octet"), 0);
  assert_int_equal(frames_tftp_rrq(p, sizeof p, "f", ""), 0);
  assert_int_equal(frames_tftp_rrq(p, 9, "boot", "octet"), 0);
  assert_int_equal(frames_tftp_rrq(p, 10, "a", "octet"), 10);
  /* RFC 2347 options after the mode are ignored. */
  static const uint8_t opts[] = "\0\1f\0octet\0blksize\0001024";
  assert_true(frames_tftp_parse(opts, sizeof opts, &t));
  assert_string_equal(t.mode, "octet");

  /* ACK: opcode 4, block. */
  assert_int_equal(frames_tftp_ack(p, sizeof p, 0x0102), 4);
  static const uint8_t ack[] = {0, 4, 1, 2};
  assert_memory_equal(p, ack, 4);
  assert_true(frames_tftp_parse(p, 4, &t));
  assert_int_equal(t.op, FRAMES_TFTP_ACK);
  assert_int_equal(t.block, 0x0102);
  assert_int_equal(frames_tftp_ack(p, 3, 1), 0);

  /* DATA: a full block, an empty last one, one byte too many. */
  uint8_t blk[513];
  for (size_t i = 0; i < sizeof blk; i++)
    blk[i] = (uint8_t)i;
  n = frames_tftp_data(p, sizeof p, 65535, blk, 512);
  assert_int_equal(n, 516);
  assert_int_equal(get16(p), 3);
  assert_true(frames_tftp_parse(p, n, &t));
  assert_int_equal(t.op, FRAMES_TFTP_DATA);
  assert_int_equal(t.block, 65535);
  assert_int_equal(t.len, 512);
  assert_memory_equal(t.data, blk, 512);
  assert_int_equal(frames_tftp_data(p, sizeof p, 2, blk, 0), 4);
  assert_true(frames_tftp_parse(p, 4, &t));
  assert_int_equal(t.len, 0);
  assert_int_equal(frames_tftp_data(p, sizeof p, 2, blk, 513), 0);
  put16(p, 3);
  assert_false(frames_tftp_parse(p, 517, &t)); /* 513 data bytes */

  /* ERROR: opcode 5, code, message, NUL. */
  n = frames_tftp_error(p, sizeof p, 1, "File not found");
  assert_int_equal(n, 4 + 15);
  assert_true(frames_tftp_parse(p, n, &t));
  assert_int_equal(t.op, FRAMES_TFTP_ERROR);
  assert_int_equal(t.error, 1);
  assert_string_equal(t.msg, "File not found");
  assert_false(frames_tftp_parse(p, n - 1, &t)); /* NUL cut off */
  assert_int_equal(frames_tftp_error(p, 18, 1, "File not found"), 0);

  /* Garbage: unknown opcodes, an ACK of 5 bytes, an empty file name, a
   * mode without its NUL. */
  static const uint8_t op0[] = {0, 0, 0, 0}, op6[] = {0, 6, 0, 0};
  static const uint8_t ack5[] = {0, 4, 0, 1, 0};
  static const uint8_t nofile[] = "\0\1\0octet";
  static const uint8_t nomode[] = {0, 1, 'f', 0, 'o', 'c'};
  assert_false(frames_tftp_parse(op0, 4, &t));
  assert_false(frames_tftp_parse(op6, 4, &t));
  assert_false(frames_tftp_parse(ack5, 5, &t));
  assert_false(frames_tftp_parse(nofile, sizeof nofile, &t));
  assert_false(frames_tftp_parse(nomode, sizeof nomode, &t));
}

/* ------------------------------------------------------------------ */
/* truncated and random input                                          */

/* Runs every frame parser on f[0..len) (a heap block of exactly len). */
static void parse_all(const uint8_t *f, size_t len)
{
  frames_arp a;
  uint8_t mac[6];
  uint16_t id, seq;
  size_t payload;
  frames_ipv4 ip;
  (void)frames_arp_parse(f, len, &a);
  (void)frames_arp_reply_parse(f, len, &peer, mac);
  (void)frames_icmp_reply_parse(f, len, &peer, &id, &seq, &payload);
  if (frames_ipv4_parse(f, len, &ip)) {
    assert_true(ip.l4 >= f && ip.l4 + ip.l4_len <= f + len);
    frames_echo e;
    frames_udp_dgram u;
    if (frames_icmp_echo_parse(&ip, &e))
      assert_true(e.data + e.len <= f + len);
    if (frames_udp_parse(&ip, &u)) {
      assert_true(u.data + u.len <= f + len);
      frames_tftp t;
      (void)frames_tftp_parse(u.data, u.len, &t);
    }
  }
}

static void test_parsers_reject_truncated(void **state)
{
  (void)state;
  uint8_t tftp[32];
  size_t tl = frames_tftp_error(tftp, sizeof tftp, 2, "Access");
  struct {
    size_t len, min; /* the frame, and the shortest that still parses */
  } frames[4];
  uint8_t store[4][FRAMES_FRAME_MAX];
  size_t nf = 0;
  frames[nf].len = frames_arp_request(store[nf], &peer, board.ip);
  frames[nf++].min = 42;
  frames[nf].len = frames_icmp_echo(store[nf], FRAMES_FRAME_MAX, &peer,
                                    board.mac, board.ip, 1, 2, 3, 1000);
  frames[nf++].min = 14 + 20 + 8 + 1000;
  frames[nf].len = frames_udp(store[nf], FRAMES_FRAME_MAX, &board, &peer, 69,
                              49251, 4, tftp, tl);
  frames[nf++].min = 14 + 20 + 8 + tl;
  frames[nf].len = frames_icmp_echo(store[nf], FRAMES_FRAME_MAX, &peer,
                                    board.mac, board.ip, 1, 2, 3, 0);
  frames[nf++].min = 14 + 20 + 8;
  for (size_t k = 0; k < nf; k++) {
    for (size_t len = 0; len <= frames[k].len; len++) {
      uint8_t *c = exact(store[k], len);
      parse_all(c, len);
      frames_arp a;
      frames_ipv4 ip;
      bool ok = frames_arp_parse(c, len, &a) || frames_ipv4_parse(c, len, &ip);
      assert_int_equal(ok, len >= frames[k].min);
      free(c);
    }
  }
  /* TFTP packets cut anywhere: only the whole one parses. */
  for (size_t len = 0; len <= tl; len++) {
    uint8_t *c = exact(tftp, len);
    frames_tftp t;
    assert_int_equal(frames_tftp_parse(c, len, &t), len == tl);
    free(c);
  }
  uint8_t rrq[32];
  size_t rl = frames_tftp_rrq(rrq, sizeof rrq, "f.txt", "netascii");
  for (size_t len = 0; len <= rl; len++) {
    uint8_t *c = exact(rrq, len);
    frames_tftp t;
    assert_int_equal(frames_tftp_parse(c, len, &t), len == rl);
    free(c);
  }
}

static void test_parsers_survive_garbage(void **state)
{
  (void)state;
  uint64_t s = 0x9e3779b97f4a7c15ull;
  uint8_t *rbuf = malloc(FRAMES_IP_MAX);
  frames_reass *r = malloc(sizeof *r);
  assert_non_null(rbuf);
  assert_non_null(r);
  frames_reass_init(r, rbuf, 3000); /* small: bounds matter */
  unsigned ipv4_ok = 0, reass_done = 0;
  for (int iter = 0; iter < 200000; iter++) {
    uint8_t f[FRAMES_FRAME_MAX];
    size_t len = (size_t)(rnd(&s) % (sizeof f + 1));
    for (size_t i = 0; i < len; i++)
      f[i] = (uint8_t)rnd(&s);
    /* Most iterations get a plausible Ethernet/IPv4 header with random
     * lengths, flags and offsets, and a right header checksum, so the
     * deeper parsers and the reassembler are reached. */
    if (len >= 34 && rnd(&s) % 8 != 0) {
      put16(f + 12, FRAMES_ETHTYPE_IP);
      f[14] = (uint8_t)(0x40 | (5 + rnd(&s) % 3));
      size_t ihl = (size_t)(f[14] & 15) * 4;
      size_t total = (rnd(&s) % 4) ? len - 14 - rnd(&s) % 8 : rnd(&s);
      put16(f + 16, (uint16_t)total);
      uint16_t frag = (uint16_t)(rnd(&s) % 4 == 0 ? 0 : rnd(&s) & 0x21ff);
      put16(f + 20, frag);
      f[23] = (uint8_t)((rnd(&s) & 1) ? FRAMES_PROTO_UDP : FRAMES_PROTO_ICMP);
      put16(f + 18, (uint16_t)(rnd(&s) % 3));
      if (rnd(&s) % 4 != 0) { /* mostly one pair: same-key fragments */
        memcpy(f + 26, board.ip, 4);
        memcpy(f + 30, peer.ip, 4);
      }
      if (len >= 14 + ihl) {
        put16(f + 24, 0);
        put16(f + 24, frames_csum(f + 14, ihl));
      }
    } else if (len >= 42 && rnd(&s) % 2) {
      uint8_t arp[FRAMES_ARP_LEN];
      frames_arp_request(arp, &peer, board.ip);
      memcpy(f, arp, 22);
    }
    uint8_t *c = exact(f, len);
    parse_all(c, len);
    frames_ipv4 ip, out;
    if (frames_ipv4_parse(c, len, &ip)) {
      ipv4_ok++;
      frames_reass_status st = frames_reass_add(r, &ip, &out);
      if (st == FRAMES_REASS_DONE) {
        reass_done++;
        assert_true(out.l4_len <= 3000);
        parse_all(c, len);
        frames_echo e;
        frames_udp_dgram u;
        (void)frames_icmp_echo_parse(&out, &e);
        (void)frames_udp_parse(&out, &u);
      }
    }
    free(c);
    /* TFTP on random bytes. */
    size_t tl = (size_t)(rnd(&s) % 40);
    uint8_t t[40];
    for (size_t i = 0; i < tl; i++)
      t[i] = (uint8_t)(i < 2 ? (i ? rnd(&s) % 7 : 0) : rnd(&s) % 4);
    uint8_t *tc = exact(t, tl);
    frames_tftp tp;
    if (frames_tftp_parse(tc, tl, &tp)) {
      if (tp.file)
        assert_true(memchr(tp.file, 0, tl) != NULL);
      if (tp.data)
        assert_true(tp.data + tp.len <= tc + tl);
    }
    free(tc);
  }
  /* The generator reached the deep parsers. */
  assert_true(ipv4_ok > 10000);
  assert_true(r->rejected + r->abandoned + r->duplicates > 0);
  (void)reass_done;
  free(rbuf);
  free(r);
}

/* The report's packet list: one line per frame, whatever the frame. */
static void test_summaries(void **state)
{
  (void)state;
  uint8_t f[1600];
  char out[160];
  size_t n = frames_arp_request(f, &peer, board.ip);
  frames_summary(f, n, out, sizeof out);
  assert_string_equal(out, "ARP who-has 192.0.2.1 tell 192.0.2.99");
  n = frames_arp_request(f, &board, board.ip);
  frames_summary(f, n, out, sizeof out);
  assert_string_equal(out, "ARP announcement 192.0.2.1");
  n = frames_icmp_echo(f, sizeof f, &peer, board.mac, board.ip, 7, 3, 1, 56);
  frames_summary(f, n, out, sizeof out);
  assert_string_equal(out, "ICMP echo request id 7 seq 3");
  n = frames_udp(f, sizeof f, &peer, &board, 49152, 69, 2, "abc", 3);
  frames_summary(f, n, out, sizeof out);
  assert_string_equal(out, "UDP 49152 > 69 len 11");
  /* a TCP SYN, by hand: 20-byte IP header, 24-byte TCP header (MSS) */
  n = frames_udp(f, sizeof f, &board, &peer, 80, 49152, 3, "0123456789ab"
                 "cdef", 16);
  f[FRAMES_ETH_HLEN + 9] = 6;
  uint8_t *t = f + FRAMES_ETH_HLEN + FRAMES_IP_HLEN;
  memset(t + 4, 0, 20);
  t[7] = 1;       /* seq 1 */
  t[12] = 6 << 4; /* 24-byte header */
  t[13] = 0x12;   /* SYN, ACK */
  t[14] = 0x08;   /* window 2048 */
  frames_summary(f, n, out, sizeof out);
  assert_string_equal(out, "TCP 80 > 49152 [SYN, ACK] seq 1 ack 0 win 2048 "
                           "len 0");
  frames_summary(f, FRAMES_ETH_HLEN + FRAMES_IP_HLEN + 10, out, sizeof out);
  assert_string_equal(out, "TCP (truncated)");
  frames_summary(f, 10, out, sizeof out);
  assert_string_equal(out, "runt frame (10 bytes)");
  f[12] = 0x86, f[13] = 0xdd;
  frames_summary(f, 60, out, sizeof out);
  assert_string_equal(out, "EtherType 0x86dd");
  char tiny[8];
  n = frames_icmp_echo(f, sizeof f, &peer, board.mac, board.ip, 7, 3, 1, 56);
  frames_summary(f, n, tiny, sizeof tiny);
  assert_int_equal(strlen(tiny), 7);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csum_vectors),
      cmocka_unit_test(test_udp_checksum_hand_vector),
      cmocka_unit_test(test_udp_checksum_zero_is_sent_as_ffff),
      cmocka_unit_test(test_arp_request_layout),
      cmocka_unit_test(test_icmp_echo_roundtrip),
      cmocka_unit_test(test_fragment_sizes),
      cmocka_unit_test(test_fragment_small_mtu_and_max),
      cmocka_unit_test(test_reassembly_duplicates_and_others),
      cmocka_unit_test(test_reassembly_rejects_inconsistent),
      cmocka_unit_test(test_udp_frame_build_parse),
      cmocka_unit_test(test_tftp_packets),
      cmocka_unit_test(test_parsers_reject_truncated),
      cmocka_unit_test(test_parsers_survive_garbage),
      cmocka_unit_test(test_summaries),
  };
  return cmocka_run_group_tests_name("frames", tests, NULL, NULL);
}

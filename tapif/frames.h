/*
 * frames.h - building and reading the frames scripted peers need:
 * Ethernet, ARP, IPv4 (with fragmentation and a small reassembler), ICMP
 * echo, UDP and TFTP.  Byte buffers in, byte buffers out; checksums
 * computed here (RFC 1071), nothing of lwIP, nothing but libc.
 *
 * Builders write into a caller's buffer and return the length written, or
 * 0 when the result would not fit (or the arguments make no sense).
 * Parsers take bytes that came off the wire: they check every length
 * before reading, never read past `len`, and return false (or a rejection)
 * for anything truncated or malformed.  Parsed views (frames_ipv4,
 * frames_udp_dgram, frames_tftp...) point into the parsed bytes, which must
 * outlive them.
 *
 * Multi-byte fields are big-endian on the wire; the structs hold host
 * values.  IPv4 addresses and MACs are byte arrays in wire order.
 */
#ifndef TAPIF_FRAMES_H
#define TAPIF_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAMES_ETH_HLEN 14
#define FRAMES_ETH_MIN 60        /* shortest frame without FCS (padded) */
#define FRAMES_FRAME_MAX 1514    /* longest untagged frame without FCS */
#define FRAMES_ETHTYPE_IP 0x0800
#define FRAMES_ETHTYPE_ARP 0x0806
#define FRAMES_ARP_LEN 60        /* an ARP frame, padded */

#define FRAMES_IP_HLEN 20        /* we send no IP options */
#define FRAMES_IP_MAX 65535      /* IPv4 total length limit */
#define FRAMES_MTU 1500          /* Ethernet's IP MTU */
#define FRAMES_PROTO_ICMP 1
#define FRAMES_PROTO_UDP 17

#define FRAMES_ICMP_HLEN 8
/* The largest echo payload one IPv4 datagram can carry (65507). */
#define FRAMES_ECHO_MAX (FRAMES_IP_MAX - FRAMES_IP_HLEN - FRAMES_ICMP_HLEN)
#define FRAMES_UDP_HLEN 8
#define FRAMES_UDP_MAX (FRAMES_IP_MAX - FRAMES_IP_HLEN - FRAMES_UDP_HLEN)

typedef struct {
  uint8_t mac[6];
  uint8_t ip[4];
} frames_host;

/* One Ethernet frame, as the fragmenters produce them. */
typedef struct {
  size_t len;
  uint8_t data[FRAMES_FRAME_MAX];
} frames_frame;

/* ------------------------------------------------------------------ */
/* checksums                                                           */

/* The Internet checksum of `len` bytes (odd lengths padded with a zero). */
uint16_t frames_csum(const void *data, size_t len);

/* The UDP checksum of `len` bytes of UDP header and data from `src` to
 * `dst` (the IPv4 pseudo-header included), computed over the bytes as they
 * are: 0 means a received datagram's checksum is right.  To fill in a
 * checksum, compute it with the field zeroed (and send 0xffff for 0). */
uint16_t frames_udp_csum(const uint8_t src[4], const uint8_t dst[4],
                         const uint8_t *udp, size_t len);

/* ------------------------------------------------------------------ */
/* ARP (Ethernet/IPv4 only)                                            */

typedef struct {
  uint16_t op;                 /* 1 request, 2 reply */
  uint8_t sha[6], spa[4];      /* sender MAC and IP */
  uint8_t tha[6], tpa[4];      /* target MAC and IP */
} frames_arp;

/* An ARP request from `src` for `target_ip` into `f` (at least
 * FRAMES_ARP_LEN bytes); returns its length (60). */
size_t frames_arp_request(uint8_t *f, const frames_host *src,
                          const uint8_t target_ip[4]);
/* The reply of `src` to the request `req` into `f` (FRAMES_ARP_LEN bytes,
 * unicast to the requester); returns 60. */
size_t frames_arp_reply(uint8_t *f, const frames_host *src,
                        const frames_arp *req);
/* If `f` is an ARP reply for `me`, copies the sender's MAC; true then. */
bool frames_arp_reply_parse(const uint8_t *f, size_t len,
                            const frames_host *me, uint8_t mac_out[6]);
/* If `f` is an Ethernet/IPv4 ARP packet (either operation), fills `out`. */
bool frames_arp_parse(const uint8_t *f, size_t len, frames_arp *out);

/* ------------------------------------------------------------------ */
/* IPv4                                                                */

/* One IPv4 packet (or a reassembled datagram): header fields and the part
 * of the datagram it carries after the IP header. */
typedef struct {
  uint8_t src_mac[6], dst_mac[6];
  uint8_t src[4], dst[4];
  uint8_t proto, ttl;
  uint16_t id;
  size_t offset;      /* fragment offset in bytes (a multiple of 8) */
  bool more;          /* MF: more fragments follow */
  bool dont_frag;     /* DF */
  const uint8_t *l4;  /* the carried bytes (not the Ethernet padding) */
  size_t l4_len;
  unsigned fragments; /* 1 for a whole packet; after reassembly, how many
                         fragments made the datagram */
} frames_ipv4;

/* If `f` is an Ethernet frame with an IPv4 packet whose header checksum
 * and lengths are right, fills `out` (fragments included) and returns
 * true. */
bool frames_ipv4_parse(const uint8_t *f, size_t len, frames_ipv4 *out);
/* True if `p` is one fragment of a larger datagram. */
bool frames_ipv4_is_fragment(const frames_ipv4 *p);

/* How many fragments `l4_len` bytes after the IP header need with an IP
 * MTU of `mtu` (1 if the datagram fits whole); 0 if impossible. */
int frames_fragment_count(size_t l4_len, size_t mtu);

/* `l4_len` bytes of `proto` from `src` to `dst` as one IPv4 datagram with
 * IP id `ip_id`, cut into fragments of at most `mtu` bytes of IP each
 * (28..1500): every fragment but the last carries a multiple of 8 bytes
 * and has MF set; all share the id.  A datagram that fits goes whole (no
 * DF).  Writes the frames to out[0..max) and returns how many, or 0 if
 * they do not fit in `max` or the datagram is too big for IPv4. */
int frames_ipv4_fragments(frames_frame *out, int max, size_t mtu,
                          const frames_host *src, const frames_host *dst,
                          uint8_t proto, uint16_t ip_id, const uint8_t *l4,
                          size_t l4_len);

/* ------------------------------------------------------------------ */
/* IPv4 reassembly: one datagram at a time                             */

/* One bit per 8-byte block of the largest datagram. */
#define FRAMES_REASS_BLOCKS ((FRAMES_IP_MAX + 7) / 8)

/* Reassembles the fragments of one datagram at a time, keyed by (source,
 * destination, protocol, IP id), into a caller's buffer.  A fragment of
 * another datagram abandons the one in progress and starts over.  An exact
 * duplicate fragment is ignored, and an overlap that repeats the same
 * bytes is accepted; a fragment that overlaps received data with other
 * bytes or disagrees about the end of the datagram rejects the datagram in
 * progress, and one that could not be part of any datagram (MF with a
 * length not a multiple of 8, past the buffer or IPv4's limit) is
 * rejected.  Counters say what happened. */
typedef struct {
  uint8_t *buf; /* the datagram's bytes after the IP header */
  size_t cap;
  bool busy;    /* a datagram is in progress */
  frames_ipv4 hdr;    /* the key and the first fragment's other fields */
  bool have_last;     /* the fragment without MF came */
  size_t total;       /* the datagram's length, once have_last */
  size_t end_max;     /* the highest byte end received */
  size_t blocks_have; /* 8-byte blocks received */
  unsigned frags;     /* fragments accepted for this datagram */
  uint8_t have[(FRAMES_REASS_BLOCKS + 7) / 8];
  /* counters, never reset by frames_reass_reset() */
  uint64_t completed, abandoned, duplicates, rejected;
} frames_reass;

typedef enum {
  FRAMES_REASS_WHOLE = 0, /* not a fragment: *out is the packet itself */
  FRAMES_REASS_DONE,      /* the datagram is complete in *out */
  FRAMES_REASS_MORE,      /* kept; more fragments needed */
  FRAMES_REASS_DUPLICATE, /* an exact duplicate, ignored */
  FRAMES_REASS_REJECTED   /* malformed or inconsistent; see above */
} frames_reass_status;

void frames_reass_init(frames_reass *r, uint8_t *buf, size_t cap);
/* Drops the datagram in progress (counted as abandoned). */
void frames_reass_reset(frames_reass *r);
/* Adds the packet `p`.  On FRAMES_REASS_DONE, `out` describes the whole
 * datagram: its l4 points into the buffer and stays valid until the next
 * frames_reass_add() or reset. */
frames_reass_status frames_reass_add(frames_reass *r, const frames_ipv4 *p,
                                     frames_ipv4 *out);
const char *frames_reass_status_name(frames_reass_status s);

/* ------------------------------------------------------------------ */
/* ICMP echo                                                           */

/* Byte `i` of the payload of the echo request with sequence `seq`: what
 * the builders below send and a reply must carry back. */
uint8_t frames_echo_byte(uint16_t seq, size_t i);

/* An ICMP echo request with `payload` bytes of the pattern, as one IPv4
 * datagram (no fragmentation: payload <= 1472).  Returns the frame
 * length, or 0 if it does not fit. */
size_t frames_icmp_echo(uint8_t *f, size_t cap, const frames_host *src,
                        const uint8_t dst_mac[6], const uint8_t dst_ip[4],
                        uint16_t id, uint16_t seq, uint16_t ip_id,
                        size_t payload);
/* The same echo request with up to FRAMES_ECHO_MAX bytes of payload, cut
 * into fragments as frames_ipv4_fragments() does (for a payload that fits
 * the MTU, the one frame equals frames_icmp_echo()'s).  Returns the number
 * of frames written to out[0..max), or 0. */
int frames_icmp_echo_fragments(frames_frame *out, int max, size_t mtu,
                               const frames_host *src,
                               const frames_host *dst, uint16_t id,
                               uint16_t seq, uint16_t ip_id, size_t payload);
/* If `f` is an ICMP echo reply to `me` with a valid IP and ICMP checksum,
 * returns true and its id, seq and payload length.  Unfragmented only. */
bool frames_icmp_reply_parse(const uint8_t *f, size_t len,
                             const frames_host *me, uint16_t *id,
                             uint16_t *seq, size_t *payload);

typedef struct {
  uint8_t type;        /* 0 reply, 8 request */
  uint16_t id, seq;
  const uint8_t *data; /* the payload */
  size_t len;
} frames_echo;

/* If the whole (or reassembled) datagram `ip` is an ICMP echo request or
 * reply with a valid ICMP checksum, fills `out`. */
bool frames_icmp_echo_parse(const frames_ipv4 *ip, frames_echo *out);

/* ------------------------------------------------------------------ */
/* UDP                                                                 */

typedef struct {
  uint16_t sport, dport;
  const uint8_t *data;
  size_t len;
  bool checksummed;    /* false: the sender sent no checksum (0) */
} frames_udp_dgram;

/* The UDP header and `len` bytes of `data` (L4 only, checksum filled in
 * for src_ip -> dst_ip) into `u`; returns 8 + len, or 0 if it does not
 * fit `cap` or FRAMES_UDP_MAX. */
size_t frames_udp_build(uint8_t *u, size_t cap, const uint8_t src_ip[4],
                        const uint8_t dst_ip[4], uint16_t sport,
                        uint16_t dport, const void *data, size_t len);
/* A whole frame with one unfragmented UDP datagram (len <= 1472);
 * returns the frame length or 0. */
size_t frames_udp(uint8_t *f, size_t cap, const frames_host *src,
                  const frames_host *dst, uint16_t sport, uint16_t dport,
                  uint16_t ip_id, const void *data, size_t len);
/* If the whole (or reassembled) datagram `ip` is UDP with consistent
 * lengths and a right (or absent) checksum, fills `out`. */
bool frames_udp_parse(const frames_ipv4 *ip, frames_udp_dgram *out);

/* ------------------------------------------------------------------ */
/* TFTP (RFC 1350), the UDP payload                                    */

#define FRAMES_TFTP_PORT 69
#define FRAMES_TFTP_BLOCK 512 /* data bytes per block, no options */

enum {
  FRAMES_TFTP_RRQ = 1,
  FRAMES_TFTP_WRQ = 2,
  FRAMES_TFTP_DATA = 3,
  FRAMES_TFTP_ACK = 4,
  FRAMES_TFTP_ERROR = 5
};

typedef struct {
  uint16_t op;
  uint16_t block;       /* DATA, ACK */
  uint16_t error;       /* ERROR: the code */
  const char *file;     /* RRQ, WRQ: NUL-terminated in the packet */
  const char *mode;     /* RRQ, WRQ */
  const char *msg;      /* ERROR: NUL-terminated in the packet */
  const uint8_t *data;  /* DATA: 0..512 bytes */
  size_t len;
} frames_tftp;

/* A read request for `file` in `mode` ("octet", "netascii"); both must be
 * non-empty.  Returns the length or 0. */
size_t frames_tftp_rrq(uint8_t *p, size_t cap, const char *file,
                       const char *mode);
size_t frames_tftp_ack(uint8_t *p, size_t cap, uint16_t block);
/* A DATA packet of up to FRAMES_TFTP_BLOCK bytes. */
size_t frames_tftp_data(uint8_t *p, size_t cap, uint16_t block,
                        const void *data, size_t len);
size_t frames_tftp_error(uint8_t *p, size_t cap, uint16_t code,
                         const char *msg);
/* Parses any of the five packets.  Rejects unknown opcodes, strings
 * without their terminating NUL, an empty file name, ACKs of another
 * length than 4 and DATA longer than a block.  Bytes after an RRQ's or
 * WRQ's mode (RFC 2347 options) are ignored. */
bool frames_tftp_parse(const uint8_t *p, size_t len, frames_tftp *out);

/* ------------------------------------------------------------------ */
/* one-line summaries (the HTML report's packet list)                 */

/* A short description of any frame, as a packet list shows it: "ARP
 * who-has 192.0.2.1 tell 192.0.2.2", "ICMP echo request id 1 seq 3",
 * "TCP 80 > 49152 [SYN, ACK] len 0", "UDP 49152 > 69 len 20", "IPv4
 * fragment ...", "EtherType 0x86dd".  Reads no byte past `len`; a
 * truncated header says so.  Always NUL-terminates `out` (outlen > 0). */
void frames_summary(const uint8_t *f, size_t len, char *out, size_t outlen);

#endif

/*
 * pcapio.h - the run's capture: a pcapng writer of our own and a reader
 * for replay on top of libpcap.
 *
 * Writer.  A capture is one section: a Section Header Block whose comment
 * carries the run's identity, one Interface Description Block per wire
 * (if_tsresol = 6, so timestamps are virtual microseconds), then one
 * Enhanced Packet Block per frame with its direction in epb_flags and an
 * optional comment.  Every block is written whole and flushed at once, so
 * a pipe reader (`wireshark -k -i -`) sees frames live and a run that ends
 * abruptly still leaves only complete blocks.  A file is written as
 * `path`.tmp and renamed into place by pcapio_close(); "-" is stdout,
 * which is streamed and never renamed.  The bytes are little-endian on
 * every host, so the same run gives the same file everywhere.
 *
 * Errors never end the process: a call returns -1 and the one-line text is
 * in the caller's buffer or, for the calls without one, in
 * pcapio_error() / pcapio_read_error().  A write error is sticky: every
 * later write fails and pcapio_close() reports it and deletes the temporary
 * file.  Writing to a closed pipe raises SIGPIPE; a main that streams to
 * stdout should ignore SIGPIPE so that it gets an EPIPE error instead.
 *
 * Events.  pcapio_events_enable() adds a second kind of interface, "lwipsim
 * events" (link type LINKTYPE_USER0, 147), whose blocks are the run's trace
 * records: an EPB per record at the record's virtual time, written when
 * the record is made, so that records and frames stand in the file in the
 * order the run made them (time order; at the same microsecond, the order
 * of making).  Its IDB comes right after the first frame interface's, so
 * the frames keep interface 0; records made before that wait in memory.
 * A record's bytes (tools/wireshark/lwipsim.lua decodes them): the trace
 * sequence number as 8 bytes little-endian, then kind, thread and detail,
 * each UTF-8 ending with a NUL byte.  A capture without events has no
 * trace of any of this.
 *
 * Reader.  libpcap reads pcap and pcapng, but refuses (1.10) a section
 * whose interfaces differ in link type, so pcapio_read_open() hands it the
 * file through a filter that drops the events interface's IDB and blocks
 * and renumbers the other interfaces' blocks.  libpcap 1.10 exposes neither
 * the interface of a frame nor its epb_flags nor its comment: ifid is
 * always -1 and direction is not available from this reader.  It does not
 * expose the section comment either; pcapio_read_shb_comment() parses the
 * first block itself.
 */
#ifndef PCAPIO_H
#define PCAPIO_H

#include <stddef.h>
#include <stdint.h>

/* Directions for pcapio_write_frame(), as in epb_flags bits 0-1. */
#define PCAPIO_UNKNOWN 0
#define PCAPIO_IN 1
#define PCAPIO_OUT 2

/* LINKTYPE_ETHERNET, the only link type the reader accepts. */
#define PCAPIO_LINKTYPE_ETHERNET 1
/* LINKTYPE_USER0: the events interface (pcapio_events_enable), which the
 * reader and pcapio_read_meta() leave out. */
#define PCAPIO_LINKTYPE_EVENTS 147

/* The longest frame the writer takes (as libpcap's limit for Ethernet). */
#define PCAPIO_MAX_WRITE 262144u
/* The longest frame the reader accepts: 1514 bytes of Ethernet frame, its
 * 4-byte FCS and one 4-byte 802.1Q tag.  A capture of lwIP's frames holds
 * at most 1514 (no FCS); the slack lets tap captures with a tag or an FCS
 * replay too. */
#define PCAPIO_MAX_FRAME 1522u
/* The largest first block pcapio_read_shb_comment() will read. */
#define PCAPIO_SHB_MAX (1u << 20)
/* Strings (comments, names) longer than this are cut, at a UTF-8
 * character boundary: an option's length field has 16 bits. */
#define PCAPIO_OPT_MAX 65535u

typedef struct pcapio_writer pcapio_writer;
typedef struct pcapio_reader pcapio_reader;

/* Opens a capture and writes its section header: `shb_comment` (may be
 * NULL) as opt_comment and "lwipsim" as shb_userappl.  `path` "-" is
 * stdout.  Returns NULL with err on failure (nothing is left behind). */
pcapio_writer *pcapio_open(const char *path, const char *shb_comment,
                           char *err, size_t errlen);
/* Adds an interface (IDB with if_name, if_description, if_tsresol 6).
 * `linktype` 1 is Ethernet; `snaplen` 0 means no limit, otherwise frames
 * longer than it are refused.  Every interface of a capture must have the
 * same link type and snaplen (libpcap 1.10 cannot read the file otherwise;
 * Wireshark can): a different one is refused.  `name` and `description`
 * may be NULL.  Returns the interface id (0, 1, ...) or -1, see
 * pcapio_error(). */
int pcapio_add_interface(pcapio_writer *w, const char *name,
                         const char *description, uint16_t linktype,
                         uint32_t snaplen);
/* Writes one whole frame at virtual time `t_us` and flushes it.
 * `direction` is PCAPIO_IN, PCAPIO_OUT or PCAPIO_UNKNOWN; `comment` (may be
 * NULL, may hold several lines) becomes the packet comment.  Returns 0 or
 * -1, see pcapio_error().  A bad argument fails only this call; a write
 * error fails every later one. */
int pcapio_write_frame(pcapio_writer *w, int ifid, uint64_t t_us,
                       int direction, const void *frame, size_t len,
                       const char *comment);
/* Gives the capture the events interface (see the top): its IDB is
 * written now if a frame interface exists, else after the first one (or
 * at pcapio_close()).  0 or -1, see pcapio_error(). */
int pcapio_events_enable(pcapio_writer *w);
/* One trace record on the events interface at virtual time `t_us` (the
 * strings may be NULL: empty; `comment`, may be NULL, becomes the packet
 * comment).  Flushed like a frame once the events interface's IDB is out.
 * 0 or -1, see pcapio_error(). */
int pcapio_write_event(pcapio_writer *w, uint64_t t_us, uint64_t seq,
                       const char *kind, const char *thread,
                       const char *detail, const char *comment);
/* Keeps `note` (copied; notes add up, one per line, at most
 * PCAPIO_NOTE_MAX bytes in all) for the next frame written, whose comment
 * it then opens: for an event that belongs to no frame of its own, e.g. an
 * injected allocation failure. */
#define PCAPIO_NOTE_MAX 1024
void pcapio_note_next(pcapio_writer *w, const char *note);
/* The text of the writer's last error ("" when none). */
const char *pcapio_error(const pcapio_writer *w);
/* Flushes, closes and renames the file into place; frees `w`.  Returns 0,
 * or -1 with err after any write error (then the file is deleted). */
int pcapio_close(pcapio_writer *w, char *err, size_t errlen);
/* Closes and deletes the temporary file (setup failed after open); frees
 * `w`.  For stdout it only flushes.  NULL is allowed. */
void pcapio_abandon(pcapio_writer *w);

typedef struct pcapio_frame {
  uint64_t t_us;       /* timestamp in microseconds */
  size_t len;          /* bytes at data, equal to the original length */
  const uint8_t *data; /* valid until the next read or the close */
  int ifid;            /* -1: libpcap 1.10 does not tell the interface */
  unsigned long number; /* 1-based, as Wireshark counts frames */
} pcapio_frame;

/* Opens a pcap or pcapng file ("-" is stdin) for replay.  Its link type
 * must be Ethernet.  Returns NULL with err on failure. */
pcapio_reader *pcapio_read_open(const char *path, char *err, size_t errlen);
/* Returns 1 with the next frame in *f, 0 at the end, -1 on an error (see
 * pcapio_read_error(); the error is sticky).  A frame of 0 bytes, of more
 * than PCAPIO_MAX_FRAME bytes or cut short by a snapshot length is an
 * error naming the frame's number. */
int pcapio_read_next(pcapio_reader *r, pcapio_frame *f);
/* The text of the reader's last error ("" when none). */
const char *pcapio_read_error(const pcapio_reader *r);
/* NULL is allowed. */
void pcapio_read_close(pcapio_reader *r);

/* Reads only the first block of the pcapng file `path` (either byte order)
 * and copies its first opt_comment into out[outlen] ("" when there is
 * none).  Every length in the file is checked against the block before it
 * is used.  A comment holding a NUL byte reads as its part before it.
 * Returns 0, or -1 with err: not pcapng, a malformed or truncated block,
 * or a comment that does not fit in out.  "-" is not stdin here: reading
 * the block would take it away from pcapio_read_open(). */
int pcapio_read_shb_comment(const char *path, char *out, size_t outlen,
                            char *err, size_t errlen);

/* Writes an interface statistics block carrying `comment` (lwipsim puts
 * the run's digest there when the capture is closed) and, in custom
 * options (enterprise number 32473), the run's per-record trace hashes,
 * so `replay` can name the first record where a re-run parts from the
 * recording; `hashes` may be NULL.  Tools that do not know the options
 * skip them.  0 or -1. */
int pcapio_write_summary(pcapio_writer *w, int ifid, uint64_t t_us,
                         const char *comment, const uint32_t *hashes,
                         size_t nhashes);

/* What libpcap does not expose, read by our own walk over every block:
 * each frame's direction (in file order, as libpcap numbers frames) and the
 * comment of the last interface statistics block. */
#define PCAPIO_META_MAX (256u << 20)
typedef struct {
  uint8_t *dirs;     /* PCAPIO_IN / PCAPIO_OUT / PCAPIO_UNKNOWN per frame */
  size_t nframes;
  char summary[512]; /* "" when the capture has none */
  uint32_t *hashes;  /* the run's per-record trace hashes, or NULL */
  size_t nhashes;
} pcapio_meta;

int pcapio_read_meta(const char *path, pcapio_meta *m, char *err,
                     size_t errlen);
void pcapio_meta_free(pcapio_meta *m);

#endif

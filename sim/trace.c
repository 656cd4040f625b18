/*
 * trace.c - trace records, their JSONL file and the run digest.
 *
 * A record is formatted once as its JSON line; the digest is XXH3-64 over
 * the concatenation of those lines, so the digest and the file always agree
 * and a diff of two traces shows where two runs parted.  The line is built
 * in a fixed buffer (details are truncated at SIM_TRACE_LINE_MAX) so tracing
 * never allocates.
 *
 * The trace sits below the scheduler: it calls nothing in sched.c.  What a
 * record needs from the scheduler (the running context's label, and a lock
 * where threads trace at once) comes through the hooks each backend sets
 * in sim_sched_init(); before that, records are labelled "sim".
 */
#include "sim_trace.h"

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "sim_clock.h"
#include "sim_priv.h"

#define SIM_TRACE_LINE_MAX 1024

static XXH3_state_t *sim_trace_hash;
static FILE *sim_trace_file;
static char *sim_trace_path;
static char *sim_trace_tmp;
static uint64_t sim_trace_seq;
static bool sim_trace_keep;
static uint32_t *sim_trace_hashes_buf;
static size_t sim_trace_nhashes, sim_trace_cap_hashes;
static const uint32_t *sim_trace_want;
static size_t sim_trace_nwant;
static bool sim_trace_diverged;
static char sim_trace_divergence_buf[SIM_TRACE_LINE_MAX + 160];
static sim_trace_observer sim_trace_obs;
static void *sim_trace_obs_ctx;
static sim_trace_hooks sim_trace_hook;

static void sim_trace_record_hash(const char *line, size_t len);

int sim_trace_open(const char *path, char *err, size_t errlen)
{
  if (!sim_trace_hash) {
    sim_trace_hash = XXH3_createState();
    if (!sim_trace_hash) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
  }
  XXH3_64bits_reset(sim_trace_hash);
  sim_trace_seq = 0;
  if (!path)
    return 0;
  size_t n = strlen(path) + 5;
  sim_trace_path = strdup(path);
  sim_trace_tmp = malloc(n);
  if (!sim_trace_path || !sim_trace_tmp) {
    snprintf(err, errlen, "out of memory");
    goto err;
  }
  snprintf(sim_trace_tmp, n, "%s.tmp", path);
  sim_trace_file = fopen(sim_trace_tmp, "w");
  if (!sim_trace_file) {
    snprintf(err, errlen, "cannot write trace %s: %s", path, strerror(errno));
    goto err;
  }
  return 0;
err:
  free(sim_trace_path);
  free(sim_trace_tmp);
  sim_trace_path = sim_trace_tmp = NULL;
  return -1;
}

static void sim_trace_release(void)
{
  free(sim_trace_hashes_buf);
  sim_trace_hashes_buf = NULL;
  sim_trace_nhashes = sim_trace_cap_hashes = 0;
  sim_trace_keep = false;
  sim_trace_want = NULL;
  sim_trace_nwant = 0;
  sim_trace_diverged = false;
  free(sim_trace_path);
  free(sim_trace_tmp);
  sim_trace_path = sim_trace_tmp = NULL;
  sim_trace_file = NULL;
  XXH3_freeState(sim_trace_hash);
  sim_trace_hash = NULL;
}

int sim_trace_close(char *err, size_t errlen)
{
  int rc = 0;
  if (sim_trace_file) {
    if (fclose(sim_trace_file) != 0) {
      snprintf(err, errlen, "cannot write trace %s: %s", sim_trace_path,
               strerror(errno));
      unlink(sim_trace_tmp);
      rc = -1;
    } else if (rename(sim_trace_tmp, sim_trace_path) != 0) {
      snprintf(err, errlen, "cannot write trace %s: %s", sim_trace_path,
               strerror(errno));
      unlink(sim_trace_tmp);
      rc = -1;
    }
  }
  sim_trace_release();
  return rc;
}

void sim_trace_abandon(void)
{
  if (sim_trace_file) {
    fclose(sim_trace_file);
    unlink(sim_trace_tmp);
  }
  sim_trace_release();
}

void sim_trace_flush(void)
{
  if (sim_trace_file)
    fflush(sim_trace_file);
}

/* Appends `s` JSON-escaped to buf[*pos..cap), keeping room for the tail. */
static void sim_trace_put_escaped(char *buf, size_t *pos, size_t cap,
                                  const char *s)
{
  static const char hex[] = "0123456789abcdef";
  size_t p = *pos;
  for (; *s && p + 8 < cap; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      buf[p++] = '\\';
      buf[p++] = (char)c;
    } else if (c < 0x20) {
      buf[p++] = '\\';
      buf[p++] = 'u';
      buf[p++] = '0';
      buf[p++] = '0';
      buf[p++] = hex[c >> 4];
      buf[p++] = hex[c & 15];
    } else {
      buf[p++] = (char)c;
    }
  }
  *pos = p;
}

size_t sim_trace_put_u64(char *buf, uint64_t v)
{
  char tmp[20];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; i++)
    buf[i] = tmp[n - 1 - i];
  return n;
}

void sim_trace_emit(uint64_t t_us, const char *thread, const char *kind,
                    const char *detail)
{
  char line[SIM_TRACE_LINE_MAX + 128];
  size_t cap = sizeof line - 4;
  if (sim_trace_hook.lock)
    sim_trace_hook.lock();
  /* The header by hand: snprintf was a fifth of a token handoff. */
  memcpy(line, "{\"t_us\":", 8);
  size_t pos = 8;
  pos += sim_trace_put_u64(line + pos, t_us);
  memcpy(line + pos, ",\"seq\":", 7);
  pos += 7;
  pos += sim_trace_put_u64(line + pos, sim_trace_seq++);
  memcpy(line + pos, ",\"thread\":\"", 11);
  pos += 11;
  sim_trace_put_escaped(line, &pos, cap, thread);
  memcpy(line + pos, "\",\"kind\":\"", 10);
  pos += 10;
  sim_trace_put_escaped(line, &pos, cap, kind);
  memcpy(line + pos, "\",\"detail\":\"", 12);
  pos += 12;
  sim_trace_put_escaped(line, &pos, cap, detail ? detail : "");
  memcpy(line + pos, "\"}\n", 3);
  pos += 3;
  if (sim_trace_hash)
    XXH3_64bits_update(sim_trace_hash, line, pos);
  if (sim_trace_file)
    fwrite(line, 1, pos, sim_trace_file);
  if (sim_trace_keep || sim_trace_want)
    sim_trace_record_hash(line, pos);
  /* After the line is hashed and written: whatever the observer does, the
   * record and the digest are already what they would be without it. */
  if (sim_trace_obs)
    sim_trace_obs(sim_trace_obs_ctx, t_us, sim_trace_seq - 1, thread, kind,
                  detail ? detail : "");
  if (sim_trace_hook.unlock)
    sim_trace_hook.unlock();
}

void sim_trace_set_observer(sim_trace_observer fn, void *ctx)
{
  sim_trace_obs = fn;
  sim_trace_obs_ctx = ctx;
}

/* ------------------------------------------------------------------ */
/* per-record hashes: a capture keeps them so a replay can name the first */
/* record where it parts from the recording                            */

static void sim_trace_record_hash(const char *line, size_t len)
{
  uint32_t h = (uint32_t)XXH3_64bits(line, len);
  uint64_t seq = sim_trace_seq - 1;
  if (sim_trace_keep) {
    if (sim_trace_nhashes == sim_trace_cap_hashes) {
      size_t cap = sim_trace_cap_hashes ? sim_trace_cap_hashes * 2 : 4096;
      uint32_t *nh = realloc(sim_trace_hashes_buf, cap * sizeof *nh);
      if (!nh) {
        sim_trace_keep = false; /* no hashes rather than wrong ones */
        return;
      }
      sim_trace_hashes_buf = nh;
      sim_trace_cap_hashes = cap;
    }
    sim_trace_hashes_buf[sim_trace_nhashes++] = h;
  }
  if (sim_trace_want && !sim_trace_diverged) {
    if (seq >= sim_trace_nwant || sim_trace_want[seq] != h) {
      sim_trace_diverged = true;
      snprintf(sim_trace_divergence_buf, sizeof sim_trace_divergence_buf,
               "record %llu%s: %.*s", (unsigned long long)seq,
               seq >= sim_trace_nwant ? " (the recording ended before it)"
                                      : "",
               (int)(len && line[len - 1] == '\n' ? len - 1 : len), line);
    }
  }
}

void sim_trace_keep_hashes(bool on)
{
  sim_trace_keep = on;
}

const uint32_t *sim_trace_hashes(size_t *n)
{
  *n = sim_trace_nhashes;
  return sim_trace_hashes_buf;
}

void sim_trace_expect(const uint32_t *hashes, size_t n)
{
  sim_trace_want = hashes;
  sim_trace_nwant = n;
  sim_trace_diverged = false;
}

const char *sim_trace_divergence(void)
{
  if (sim_trace_want && !sim_trace_diverged &&
      sim_trace_seq < sim_trace_nwant)
    snprintf(sim_trace_divergence_buf, sizeof sim_trace_divergence_buf,
             "record %llu: the replay ended before the recording did",
             (unsigned long long)sim_trace_seq);
  else if (!sim_trace_diverged)
    return NULL;
  return sim_trace_divergence_buf;
}

void sim__trace_set_hooks(const sim_trace_hooks *hooks)
{
  sim_trace_hook = *hooks;
}

const char *sim_trace_label(void)
{
  return sim_trace_hook.label ? sim_trace_hook.label() : "sim";
}

void sim_trace_event(const char *kind, const char *detail)
{
  sim_trace_emit(sim_clock_now_us(), sim_trace_label(), kind, detail);
}

void sim_trace_eventf(const char *kind, const char *fmt, ...)
{
  char detail[SIM_TRACE_LINE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  sim_trace_event(kind, detail);
}

uint64_t sim_trace_digest(void)
{
  return sim_trace_hash ? XXH3_64bits_digest(sim_trace_hash) : 0;
}

uint64_t sim_trace_records(void)
{
  return sim_trace_seq;
}

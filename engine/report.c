/*
 * report.c - the HTML report of a run (see report.h).
 *
 * Design.  The page is a template, engine/report.html, turned into a
 * C string at build time (tools/embed.sh -> report_html.inc) so that
 * the HTML, CSS and JavaScript stay readable and editable as one file.
 * The template holds one marker line, REPORT_DATA_MARKER; the page is the
 * template up to it, `const REPORT = {...};`, then the rest.  Everything
 * the script draws comes from that object; the page fetches nothing.
 *
 * Thread lanes are rebuilt from the trace alone, following sched.c:
 * thread_new makes a thread ready; "switch" (by the thread giving up the
 * token, detail "NEXT (why)") makes NEXT run and leaves the old thread
 * ready if it was still running (a preemption) or as it was (blocked,
 * exited); "block" blocks the thread on the named object; "wake" and
 * "timeout" make a thread ready; "exit" ends it.  A blocked current
 * thread that is woken and picked again resumes without a switch record:
 * its next record of its own marks it running.  Interrupt handlers and
 * events take no virtual time; they are instants on their own lanes.
 *
 * Bounds.  Each list keeps its first `head` entries and a ring of its last
 * `tail` ones (the end of a run, where an assertion fires, is always
 * there); evicted entries are counted with their time and record range.
 * Activity (records per lane) and pool occupancy (min and max used) are
 * also kept in REPORT_BUCKETS time buckets that double in width as the run
 * grows, so the whole run has an overview in bounded memory.  With the
 * caps below a page stays under about 10 MB.
 */
#define _GNU_SOURCE
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_trace.h"

/* the template, as `static const char report_html[]` */
#include "report_html.inc"

#define REPORT_DATA_MARKER "/*@REPORT_DATA@*/"
#define REPORT_BUCKETS 512
#define REPORT_MAX_LANES 128
#define REPORT_MAX_POOLS 32
#define REPORT_MAX_STRINGS 4096
#define REPORT_TEXT 120

/* Span states as the page numbers them; HELD is ready but held back by a
 * script step.  DONE and NONE have no span. */
enum {
  ST_NONE = -1,
  ST_RUN = 0,
  ST_READY = 1,
  ST_BLOCKED = 2,
  ST_HELD = 3,
  ST_DONE = 4
};
enum { LANE_THREAD, LANE_ISR, LANE_OTHER };

/* ------------------------------------------------------------------ */
/* a list that keeps its head and a ring of its tail                   */

typedef struct {
  uint64_t t, seq; /* every element starts with these */
} report_key;

typedef struct {
  size_t elem, cap_head, cap_tail;
  char *head;
  size_t nhead, alloc_head;
  char *tail;
  size_t ntail, alloc_tail, start; /* ring: oldest at `start` */
  uint64_t dropped, drop_t0, drop_t1, drop_s0, drop_s1;
} report_list;

static void report_list_init(report_list *l, size_t elem, size_t head,
                             size_t tail)
{
  memset(l, 0, sizeof *l);
  l->elem = elem;
  l->cap_head = head;
  l->cap_tail = tail;
}

static bool report_grow(char **p, size_t *alloc, size_t need, size_t cap,
                        size_t elem)
{
  if (need <= *alloc)
    return true;
  size_t n = *alloc ? *alloc * 2 : 256;
  if (n > cap)
    n = cap;
  char *q = realloc(*p, n * elem);
  if (!q)
    return false;
  *p = q;
  *alloc = n;
  return true;
}

/* Returns the slot for a new element (NULL only when out of memory). */
static void *report_list_push(report_list *l)
{
  if (l->nhead < l->cap_head) {
    if (!report_grow(&l->head, &l->alloc_head, l->nhead + 1, l->cap_head,
                     l->elem))
      return NULL;
    return l->head + l->elem * l->nhead++;
  }
  if (l->ntail < l->cap_tail) {
    if (!report_grow(&l->tail, &l->alloc_tail, l->ntail + 1, l->cap_tail,
                     l->elem))
      return NULL;
    return l->tail + l->elem * l->ntail++;
  }
  if (!l->cap_tail)
    return NULL;
  /* Evict the oldest of the tail. */
  char *slot = l->tail + l->elem * l->start;
  const report_key *k = (const report_key *)slot;
  if (!l->dropped) {
    l->drop_t0 = k->t;
    l->drop_s0 = k->seq;
  }
  l->dropped++;
  l->drop_t1 = k->t;
  l->drop_s1 = k->seq;
  l->start = (l->start + 1) % l->cap_tail;
  return slot;
}

static size_t report_list_len(const report_list *l)
{
  return l->nhead + l->ntail;
}

static void *report_list_at(const report_list *l, size_t i)
{
  if (i < l->nhead)
    return l->head + l->elem * i;
  i -= l->nhead;
  size_t n = l->ntail == l->cap_tail ? (l->start + i) % l->cap_tail : i;
  return l->tail + l->elem * n;
}

static void report_list_free(report_list *l)
{
  free(l->head);
  free(l->tail);
}

/* ------------------------------------------------------------------ */
/* the collected run                                                   */

typedef struct {
  uint64_t t0, s0, t1, s1;
  uint16_t lane;
  int8_t state;
  uint32_t what;
} report_span;

typedef struct {
  uint64_t t, seq;
  uint16_t lane;
  char cat[12];
  char text[REPORT_TEXT];
} report_mark;

typedef struct {
  uint64_t t, seq;
  uint32_t len;
  char dir[4];
  char iface[12];
  char summary[96];
  char note[REPORT_TEXT];
} report_packet;

typedef struct {
  uint64_t t, seq;
  long long used;
} report_sample;

typedef struct {
  char name[32];
  int kind;
  int prio;
  int state;
  bool held;
  uint64_t since_t, since_s;
  uint32_t what;
  uint32_t activity[REPORT_BUCKETS];
} report_lane_t;

typedef struct {
  char name[32];
  long long used, max, err, size;
  report_list points;
  long long lo[REPORT_BUCKETS], hi[REPORT_BUCKETS];
  bool seen[REPORT_BUCKETS];
} report_pool;

struct engine_report {
  char *path, *tmp;
  FILE *f;
  report_lane_t lanes[REPORT_MAX_LANES];
  int nlanes;
  int last_lane;
  char *strings[REPORT_MAX_STRINGS];
  uint32_t nstrings;
  report_list spans, marks, events, packets;
  report_pool pools[REPORT_MAX_POOLS];
  int npools;
  uint64_t bucket_us; /* width of one activity bucket */
  uint64_t last_t, last_seq, records;
  bool any;
  uint64_t lanes_dropped, pools_dropped;
};

/* Interned short strings (what a thread waits on). */
static uint32_t report_intern(engine_report *r, const char *s)
{
  for (uint32_t i = 0; i < r->nstrings; i++)
    if (strcmp(r->strings[i], s) == 0)
      return i;
  if (r->nstrings == REPORT_MAX_STRINGS)
    return 0; /* "" */
  char *d = strndup(s, REPORT_TEXT);
  if (!d)
    return 0;
  r->strings[r->nstrings] = d;
  return r->nstrings++;
}

/* Time buckets: when `t` falls past the last one, pairs merge. */
static size_t report_bucket(engine_report *r, uint64_t t)
{
  while (t / r->bucket_us >= REPORT_BUCKETS) {
    for (size_t i = 0; i < REPORT_BUCKETS / 2; i++) {
      for (int l = 0; l < r->nlanes; l++) {
        uint32_t *a = r->lanes[l].activity;
        a[i] = a[2 * i] + a[2 * i + 1];
      }
      for (int p = 0; p < r->npools; p++) {
        report_pool *q = &r->pools[p];
        bool s0 = q->seen[2 * i], s1 = q->seen[2 * i + 1];
        long long lo = s0 ? q->lo[2 * i] : q->lo[2 * i + 1];
        long long hi = s0 ? q->hi[2 * i] : q->hi[2 * i + 1];
        if (s0 && s1) {
          if (q->lo[2 * i + 1] < lo)
            lo = q->lo[2 * i + 1];
          if (q->hi[2 * i + 1] > hi)
            hi = q->hi[2 * i + 1];
        }
        q->lo[i] = lo;
        q->hi[i] = hi;
        q->seen[i] = s0 || s1;
      }
    }
    for (size_t i = REPORT_BUCKETS / 2; i < REPORT_BUCKETS; i++) {
      for (int l = 0; l < r->nlanes; l++)
        r->lanes[l].activity[i] = 0;
      for (int p = 0; p < r->npools; p++)
        r->pools[p].seen[i] = false;
    }
    r->bucket_us *= 2;
  }
  return (size_t)(t / r->bucket_us);
}

static int report_lane_kind(const char *name)
{
  if (strncmp(name, "isr:", 4) == 0)
    return LANE_ISR;
  if (strcmp(name, "sim") == 0 || strcmp(name, "idle") == 0 ||
      strcmp(name, "event") == 0 || strcmp(name, "isr") == 0)
    return LANE_OTHER;
  return LANE_THREAD;
}

/* The lane called `name` (made on first sight); -1 past the limit. */
static int report_lane(engine_report *r, const char *name)
{
  if (r->last_lane >= 0 && strcmp(r->lanes[r->last_lane].name, name) == 0)
    return r->last_lane;
  for (int i = 0; i < r->nlanes; i++)
    if (strcmp(r->lanes[i].name, name) == 0)
      return r->last_lane = i;
  if (r->nlanes == REPORT_MAX_LANES) {
    r->lanes_dropped++;
    return -1;
  }
  report_lane_t *l = &r->lanes[r->nlanes];
  memset(l, 0, sizeof *l);
  snprintf(l->name, sizeof l->name, "%s", name);
  l->kind = report_lane_kind(name);
  l->state = ST_NONE;
  l->prio = -1;
  return r->last_lane = r->nlanes++;
}

/* Thread `lane` changes to `state` at (t, seq): the span of the state it
 * leaves is kept. */
static void report_set_state(engine_report *r, int lane, int state,
                             uint32_t what, uint64_t t, uint64_t seq)
{
  if (lane < 0)
    return;
  report_lane_t *l = &r->lanes[lane];
  if (l->kind != LANE_THREAD)
    return;
  if (state == ST_READY && l->held)
    state = ST_HELD;
  if (l->state == state && (state != ST_BLOCKED || l->what == what))
    return;
  if (l->state >= ST_RUN && l->state < ST_DONE) {
    report_span *s = report_list_push(&r->spans);
    if (s) {
      s->t0 = l->since_t;
      s->s0 = l->since_s;
      s->t1 = t;
      s->s1 = seq;
      s->lane = (uint16_t)lane;
      s->state = (int8_t)l->state;
      s->what = l->what;
    }
  }
  l->state = state;
  l->since_t = t;
  l->since_s = seq;
  l->what = state == ST_BLOCKED ? what : 0;
}

static void report_mark_add(engine_report *r, report_list *list, uint64_t t,
                            uint64_t seq, int lane, const char *cat,
                            const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static void report_mark_add(engine_report *r, report_list *list, uint64_t t,
                            uint64_t seq, int lane, const char *cat,
                            const char *fmt, ...)
{
  (void)r;
  if (lane < 0)
    return;
  report_mark *m = report_list_push(list);
  if (!m)
    return;
  m->t = t;
  m->seq = seq;
  m->lane = (uint16_t)lane;
  snprintf(m->cat, sizeof m->cat, "%s", cat);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->text, sizeof m->text, fmt, ap);
  va_end(ap);
}

/* "NAME used=U max=M err=E size=S" */
static void report_pool_record(engine_report *r, uint64_t t, uint64_t seq,
                               const char *detail)
{
  char name[32];
  long long used, max, err, size;
  if (sscanf(detail, "%31s used=%lld max=%lld err=%lld size=%lld", name,
             &used, &max, &err, &size) != 5)
    return;
  report_pool *p = NULL;
  for (int i = 0; i < r->npools; i++)
    if (strcmp(r->pools[i].name, name) == 0)
      p = &r->pools[i];
  if (!p) {
    if (r->npools == REPORT_MAX_POOLS) {
      r->pools_dropped++;
      return;
    }
    p = &r->pools[r->npools++];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    report_list_init(&p->points, sizeof(report_sample), 1000, 4000);
  }
  p->used = used;
  p->max = max;
  p->err = err;
  p->size = size;
  report_sample *s = report_list_push(&p->points);
  if (s) {
    s->t = t;
    s->seq = seq;
    s->used = used;
  }
  size_t b = report_bucket(r, t);
  if (!p->seen[b] || used < p->lo[b])
    p->lo[b] = used;
  if (!p->seen[b] || used > p->hi[b])
    p->hi[b] = used;
  p->seen[b] = true;
}

/* "switch": `detail` is "NEXT (WHY)"; the running thread, if any, was
 * preempted. */
static void report_on_switch(engine_report *r, int lane, const char *thread,
                             const char *detail, uint64_t t, uint64_t seq)
{
  char next[64], why[128] = "";
  const char *open = strrchr(detail, '(');
  size_t n = open && open > detail ? (size_t)(open - detail - 1)
                                   : strlen(detail);
  snprintf(next, sizeof next, "%.*s", (int)n, detail);
  if (open)
    snprintf(why, sizeof why, "%.*s", (int)strcspn(open + 1, ")"),
             open + 1);
  int to = report_lane(r, next);
  if (lane >= 0 && r->lanes[lane].state == ST_RUN) {
    report_set_state(r, lane, ST_READY, 0, t, seq);
    report_mark_add(r, &r->marks, t, seq, lane, "preempt",
                    "%s preempted by %s at %s", thread, next, why);
  }
  for (int i = 0; i < r->nlanes; i++)
    if (i != to && r->lanes[i].state == ST_RUN)
      report_set_state(r, i, ST_READY, 0, t, seq);
  if (to >= 0) {
    r->lanes[to].kind = LANE_THREAD;
    report_set_state(r, to, ST_RUN, 0, t, seq);
  }
}

/* "thread_new": `detail` is "NAME prio N". */
static void report_on_thread_new(engine_report *r, const char *thread,
                                 const char *detail, uint64_t t,
                                 uint64_t seq)
{
  char name[64];
  int prio = -1;
  const char *pr = strstr(detail, " prio ");
  size_t n = pr ? (size_t)(pr - detail) : strlen(detail);
  snprintf(name, sizeof name, "%.*s", (int)n, detail);
  if (pr)
    prio = atoi(pr + 6);
  int nl = report_lane(r, name);
  if (nl >= 0) {
    r->lanes[nl].kind = LANE_THREAD;
    r->lanes[nl].prio = prio;
    r->lanes[nl].state = ST_NONE; /* a name used again: a new thread */
    report_set_state(r, nl, ST_READY, 0, t, seq);
    report_mark_add(r, &r->marks, t, seq, nl, "new",
                    "%s created by %s (prio %d)", name, thread, prio);
  }
}

/* "script": "hold NAME (...)", "release NAME (...)": NAME may not run. */
static void report_on_script(engine_report *r, int lane, const char *detail,
                             uint64_t t, uint64_t seq)
{
  char verb[16], name[64];
  if (sscanf(detail, "%15s %63s", verb, name) == 2) {
    int hl = report_lane(r, name);
    bool hold = strcmp(verb, "hold") == 0;
    if (hl >= 0 && (hold || strcmp(verb, "release") == 0)) {
      r->lanes[hl].held = hold;
      int st = r->lanes[hl].state;
      if (hold && st == ST_READY)
        report_set_state(r, hl, ST_HELD, 0, t, seq);
      else if (!hold && st == ST_HELD)
        report_set_state(r, hl, ST_READY, 0, t, seq);
    }
  }
  report_mark_add(r, &r->marks, t, seq, lane, "script", "script: %s",
                  detail);
}

void engine_report_record(engine_report *r, uint64_t t, uint64_t seq,
                          const char *thread, const char *kind,
                          const char *detail)
{
  r->any = true;
  r->last_t = t;
  r->last_seq = seq;
  r->records++;
  int lane = report_lane(r, thread);
  if (lane >= 0 && r->lanes[lane].kind == LANE_THREAD &&
      strcmp(kind, "timeout") != 0 && strcmp(kind, "switch") != 0 &&
      r->lanes[lane].state != ST_RUN && r->lanes[lane].state != ST_DONE) {
    /* Its own record: the thread runs (e.g. it resumed after a wake
     * without a switch).  Only one runs: any other goes back to ready. */
    for (int i = 0; i < r->nlanes; i++)
      if (i != lane && r->lanes[i].state == ST_RUN)
        report_set_state(r, i, ST_READY, 0, t, seq);
    report_set_state(r, lane, ST_RUN, 0, t, seq);
  }
  size_t b = report_bucket(r, t);
  if (lane >= 0)
    r->lanes[lane].activity[b]++;

  if (strcmp(kind, "switch") == 0) {
    report_on_switch(r, lane, thread, detail, t, seq);
  } else if (strcmp(kind, "thread_new") == 0) {
    report_on_thread_new(r, thread, detail, t, seq);
  } else if (strcmp(kind, "block") == 0) {
    report_set_state(r, lane, ST_BLOCKED, report_intern(r, detail), t, seq);
  } else if (strcmp(kind, "wake") == 0) {
    int wl = report_lane(r, detail);
    if (wl >= 0 && r->lanes[wl].state == ST_BLOCKED)
      report_set_state(r, wl, ST_READY, 0, t, seq);
    report_mark_add(r, &r->events, t, seq, lane, "wake", "wakes %s",
                    detail);
  } else if (strcmp(kind, "timeout") == 0) {
    report_set_state(r, lane, ST_READY, 0, t, seq);
    report_mark_add(r, &r->marks, t, seq, lane, "timeout",
                    "timeout woke %s (%s)", thread, detail);
  } else if (strcmp(kind, "exit") == 0) {
    report_set_state(r, report_lane(r, detail), ST_DONE, 0, t, seq);
    report_mark_add(r, &r->marks, t, seq, lane, "exit", "%s exits", detail);
  } else if (strcmp(kind, "irq") == 0) {
    char isr[64];
    snprintf(isr, sizeof isr, "isr:%s", detail);
    int il = report_lane(r, isr);
    if (il >= 0)
      r->lanes[il].activity[b]++;
    report_mark_add(r, &r->events, t, seq, il, "irq", "IRQ %s (in %s)",
                    detail, thread);
  } else if (strcmp(kind, "pin") == 0) {
    report_mark_add(r, &r->marks, t, seq, lane, "pin", "pinned %s",
                    detail);
  } else if (strcmp(kind, "script") == 0) {
    report_on_script(r, lane, detail, t, seq);
  } else if (strcmp(kind, "end") == 0 || strcmp(kind, "verdict") == 0) {
    report_mark_add(r, &r->marks, t, seq, lane, kind, "%s: %s", kind,
                    detail);
  } else if (strcmp(kind, "pool") == 0) {
    report_pool_record(r, t, seq, detail);
  } else if (strcmp(kind, "point") != 0) {
    /* Points are the most frequent record and say little on their own:
     * they count as activity only. */
    report_mark_add(r, &r->events, t, seq, lane, "event", "%s: %s", kind,
                    detail);
  }
}

static void report_observer(void *ctx, uint64_t t, uint64_t seq,
                            const char *thread, const char *kind,
                            const char *detail)
{
  engine_report_record(ctx, t, seq, thread, kind, detail);
}

void engine_report_frame(engine_report *r, uint64_t t, const char *iface,
                         const char *dir, size_t len, const char *summary,
                         const char *note)
{
  report_packet *p = report_list_push(&r->packets);
  if (!p)
    return;
  p->t = t;
  p->seq = r->records; /* between the records before and after it */
  p->len = (uint32_t)len;
  snprintf(p->dir, sizeof p->dir, "%s", dir ? dir : "");
  snprintf(p->iface, sizeof p->iface, "%s", iface ? iface : "");
  snprintf(p->summary, sizeof p->summary, "%s", summary ? summary : "");
  snprintf(p->note, sizeof p->note, "%s", note ? note : "");
}

/* ------------------------------------------------------------------ */
/* life cycle                                                          */

static void report_free(engine_report *r)
{
  report_list_free(&r->spans);
  report_list_free(&r->marks);
  report_list_free(&r->events);
  report_list_free(&r->packets);
  for (int i = 0; i < r->npools; i++)
    report_list_free(&r->pools[i].points);
  for (uint32_t i = 0; i < r->nstrings; i++)
    free(r->strings[i]);
  free(r->path);
  free(r->tmp);
  free(r);
}

engine_report *engine_report_open(const char *path, char *err, size_t errlen)
{
  engine_report *r = calloc(1, sizeof *r);
  if (!r) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  r->last_lane = -1;
  r->bucket_us = 1000;
  report_intern(r, "");
  report_list_init(&r->spans, sizeof(report_span), 30000, 90000);
  report_list_init(&r->marks, sizeof(report_mark), 5000, 15000);
  report_list_init(&r->events, sizeof(report_mark), 5000, 15000);
  report_list_init(&r->packets, sizeof(report_packet), 3000, 9000);
  size_t n = strlen(path) + 5;
  r->path = strdup(path);
  r->tmp = malloc(n);
  if (!r->path || !r->tmp) {
    snprintf(err, errlen, "out of memory");
    report_free(r);
    return NULL;
  }
  snprintf(r->tmp, n, "%s.tmp", path);
  r->f = fopen(r->tmp, "w");
  if (!r->f) {
    snprintf(err, errlen, "cannot write report %s: %s", path,
             strerror(errno));
    report_free(r);
    return NULL;
  }
  return r;
}

void engine_report_attach(engine_report *r)
{
  sim_trace_set_observer(report_observer, r);
}

void engine_report_abandon(engine_report *r)
{
  if (!r)
    return;
  sim_trace_set_observer(NULL, NULL);
  if (r->f) {
    fclose(r->f);
    unlink(r->tmp);
  }
  report_free(r);
}

/* ------------------------------------------------------------------ */
/* writing the page                                                    */

/* A JSON string that is also safe inside <script>: no "</", and every
 * byte outside printable ASCII escaped (the page must parse whatever a
 * detail holds). */
static void report_str(FILE *f, const char *s)
{
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
       p++) {
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if (*p == '\n')
      fputs("\\n", f);
    else if (*p < 0x20 || *p >= 0x7f || *p == '<' || *p == '>' ||
             *p == '&')
      fprintf(f, "\\u%04x", *p);
    else
      fputc(*p, f);
  }
  fputc('"', f);
}

static void report_omitted(FILE *f, const char *name, const report_list *l,
                           bool comma)
{
  fprintf(f, "%s", comma ? "," : "");
  report_str(f, name);
  fprintf(f, ":{\"n\":%llu,\"t0\":%llu,\"t1\":%llu,\"s0\":%llu,\"s1\":%llu}",
          (unsigned long long)l->dropped, (unsigned long long)l->drop_t0,
          (unsigned long long)l->drop_t1, (unsigned long long)l->drop_s0,
          (unsigned long long)l->drop_s1);
}

static void report_marks(FILE *f, const report_list *l)
{
  fputc('[', f);
  for (size_t i = 0; i < report_list_len(l); i++) {
    const report_mark *m = report_list_at(l, i);
    fprintf(f, "%s[%llu,%llu,%u,", i ? ",\n" : "", (unsigned long long)m->t,
            (unsigned long long)m->seq, m->lane);
    report_str(f, m->cat);
    fputc(',', f);
    report_str(f, m->text);
    fputc(']', f);
  }
  fputc(']', f);
}

/* The page's "info": what the run was and how it ended. */
static void report_data_info(const engine_report *r, FILE *f,
                             const engine_report_info *in, uint64_t end_t)
{
  fputs("const REPORT = {\"info\":{", f);
  const char *keys[] = {"scenario", "variant", "profile", "policy",
                        "lwip", "verdict", "expected", "message",
                        "end", "command", "replayed", "divergence"};
  const char *vals[] = {in->scenario, in->variant, in->profile, in->policy,
                        in->lwip, in->verdict, in->expected, in->message,
                        in->end, in->command, in->replayed,
                        in->divergence};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    report_str(f, keys[i]);
    fputc(':', f);
    if (vals[i])
      report_str(f, vals[i]);
    else
      fputs("null", f);
    fputc(',', f);
  }
  fputs("\"stacks\":[", f);
  for (int i = 0; i < in->nstacks; i++) {
    fputs(i ? ",[" : "[", f);
    report_str(f, in->stacks[i].thread);
    fprintf(f, ",%llu,%llu]", (unsigned long long)in->stacks[i].size,
            (unsigned long long)in->stacks[i].peak);
  }
  fputs("],", f);
  fprintf(f, "\"seed\":\"%llu\",\"digest\":\"0x%016llx\",\"end_us\":%llu,"
          "\"records\":%llu},\n",
          (unsigned long long)in->seed, (unsigned long long)in->digest,
          (unsigned long long)end_t, (unsigned long long)r->records);
}

/* The page's "packets" and "pools" (each pool's samples and envelope). */
static void report_data_packets_pools(engine_report *r, FILE *f)
{
  fputs(",\n\"packets\":[", f);
  for (size_t i = 0; i < report_list_len(&r->packets); i++) {
    const report_packet *p = report_list_at(&r->packets, i);
    fprintf(f, "%s[%llu,%llu,", i ? ",\n" : "", (unsigned long long)p->t,
            (unsigned long long)p->seq);
    report_str(f, p->dir);
    fprintf(f, ",%u,", p->len);
    report_str(f, p->iface);
    fputc(',', f);
    report_str(f, p->summary);
    fputc(',', f);
    report_str(f, p->note);
    fputc(']', f);
  }
  fputs("],\n\"pools\":[", f);
  for (int i = 0; i < r->npools; i++) {
    report_pool *p = &r->pools[i];
    fprintf(f, "%s{\"name\":", i ? ",\n" : "");
    report_str(f, p->name);
    fprintf(f, ",\"size\":%lld,\"used\":%lld,\"max\":%lld,\"err\":%lld,"
            "\"points\":[", p->size, p->used, p->max, p->err);
    for (size_t j = 0; j < report_list_len(&p->points); j++) {
      const report_sample *s = report_list_at(&p->points, j);
      fprintf(f, "%s[%llu,%llu,%lld]", j ? "," : "",
              (unsigned long long)s->t, (unsigned long long)s->seq, s->used);
    }
    fputs("],\"env\":[", f);
    bool first = true;
    for (size_t b = 0; b < REPORT_BUCKETS; b++)
      if (p->seen[b]) {
        fprintf(f, "%s[%zu,%lld,%lld]", first ? "" : ",", b, p->lo[b],
                p->hi[b]);
        first = false;
      }
    fputs("],", f);
    report_omitted(f, "omitted", &p->points, false);
    fputc('}', f);
  }
}

static void report_data(engine_report *r, FILE *f,
                        const engine_report_info *in)
{
  /* Open states run to the end of the run. */
  uint64_t end_t = in->end_us > r->last_t ? in->end_us : r->last_t;
  uint64_t end_s = r->last_seq + 1;
  for (int i = 0; i < r->nlanes; i++)
    if (r->lanes[i].state >= ST_RUN && r->lanes[i].state < ST_DONE)
      report_set_state(r, i, ST_DONE, 0, end_t, end_s);

  report_data_info(r, f, in, end_t);

  fputs("\"lanes\":[", f);
  for (int i = 0; i < r->nlanes; i++) {
    const report_lane_t *l = &r->lanes[i];
    fprintf(f, "%s{\"name\":", i ? "," : "");
    report_str(f, l->name);
    fprintf(f, ",\"kind\":\"%s\",\"prio\":%d}",
            l->kind == LANE_THREAD ? "thread"
            : l->kind == LANE_ISR  ? "isr"
                                   : "other",
            l->prio);
  }
  fprintf(f, "],\n\"lanes_dropped\":%llu,\n\"strings\":[",
          (unsigned long long)r->lanes_dropped);
  for (uint32_t i = 0; i < r->nstrings; i++) {
    fputs(i ? "," : "", f);
    report_str(f, r->strings[i]);
  }
  fputs("],\n\"spans\":[", f);
  for (size_t i = 0; i < report_list_len(&r->spans); i++) {
    const report_span *s = report_list_at(&r->spans, i);
    fprintf(f, "%s[%u,%d,%llu,%llu,%llu,%llu,%u]", i ? (i % 8 ? "," : ",\n")
                                                     : "",
            s->lane, s->state, (unsigned long long)s->t0,
            (unsigned long long)s->t1, (unsigned long long)s->s0,
            (unsigned long long)s->s1, s->what);
  }
  fputs("],\n\"marks\":", f);
  report_marks(f, &r->marks);
  fputs(",\n\"events\":", f);
  report_marks(f, &r->events);
  report_data_packets_pools(r, f);
  fprintf(f, "],\n\"pools_dropped\":%llu,\n\"bucket_us\":%llu,"
          "\"activity\":[", (unsigned long long)r->pools_dropped,
          (unsigned long long)r->bucket_us);
  for (int i = 0; i < r->nlanes; i++) {
    fputs(i ? ",\n[" : "[", f);
    for (size_t b = 0; b < REPORT_BUCKETS; b++)
      fprintf(f, "%s%u", b ? "," : "", r->lanes[i].activity[b]);
    fputc(']', f);
  }
  fputs("],\n\"omitted\":{", f);
  report_omitted(f, "spans", &r->spans, false);
  report_omitted(f, "marks", &r->marks, true);
  report_omitted(f, "events", &r->events, true);
  report_omitted(f, "packets", &r->packets, true);
  fputs("}};\n", f);
}

int engine_report_close(engine_report *r, const engine_report_info *info,
                        char *err, size_t errlen)
{
  sim_trace_set_observer(NULL, NULL);
  const char *mark = strstr(report_html, REPORT_DATA_MARKER);
  if (!mark) {
    snprintf(err, errlen, "report template has no data marker");
    engine_report_abandon(r);
    return -1;
  }
  FILE *f = r->f;
  fwrite(report_html, 1, (size_t)(mark - report_html), f);
  report_data(r, f, info);
  const char *rest = mark + strlen(REPORT_DATA_MARKER);
  fwrite(rest, 1, strlen(rest), f);
  bool bad = ferror(f) != 0;
  r->f = NULL;
  if (fclose(f) != 0)
    bad = true;
  if (bad || rename(r->tmp, r->path) != 0) {
    snprintf(err, errlen, "cannot write report %s: %s", r->path,
             strerror(errno ? errno : EIO));
    unlink(r->tmp);
    report_free(r);
    return -1;
  }
  report_free(r);
  return 0;
}

/*
 * obj.c - the common header of every RTOS object (sim_obj): its kind, its
 * creation number within that kind, its name and creator, and the list of
 * objects still alive.  The objects of both backends (sync.c and
 * free/free_sync.c) embed it as their first member.
 *
 * The header is what a deadlock summary or a hang summary says about an
 * object ("mbox#2 'tcpip' (size 8, created by main at t=0.000100s)"), so
 * numbers count per kind in creation order: the same run numbers its
 * objects the same way every time, whatever their addresses.  The live
 * list lets the end of a run free what lwIP never frees (it keeps its
 * mailboxes for ever); each object carries the function that frees it, so
 * this file knows no kind and calls nothing above it.
 *
 * Nothing here locks: the deterministic objects are touched only by the
 * holder of the run token, and the free-running backend calls the
 * functions that change the list under its own list lock.
 */
#include <stdio.h>
#include <string.h>

#include "sim_clock.h"
#include "sim_priv.h"

static sim_obj *sim_obj_head;     /* newest first */
static unsigned sim_obj_seq[3];   /* sem, mutex, mbox */
/* Other kinds (the RTOS layers' wait lists: "queue", "notify", ...) are
 * numbered each on its own too, in the order they first appear. */
#define SIM_OBJ_KINDS 16
static const char *sim_obj_kinds[SIM_OBJ_KINDS];
static unsigned sim_obj_kseq[SIM_OBJ_KINDS];

static unsigned *obj_counter(const char *kind)
{
  if (!strcmp(kind, "sem") || !strcmp(kind, "mutex") || !strcmp(kind, "mbox"))
    return &sim_obj_seq[kind[1] == 'e' ? 0 : kind[1] == 'u' ? 1 : 2];
  int i = 0;
  while (i < SIM_OBJ_KINDS - 1 && sim_obj_kinds[i] &&
         strcmp(sim_obj_kinds[i], kind) != 0)
    i++;
  sim_obj_kinds[i] = kind; /* the last slot is shared when all are taken */
  return &sim_obj_kseq[i];
}

void sim__obj_init(sim_obj *o, const char *kind, const char *creator,
                   void (*destroy)(sim_obj *o))
{
  o->kind = kind;
  o->seq = ++*obj_counter(kind);
  o->name[0] = 0;
  snprintf(o->creator, sizeof o->creator, "%s", creator);
  o->created_us = sim_clock_now_us();
  o->destroy = destroy;
  o->live_prev = NULL;
  o->live_next = sim_obj_head;
  if (sim_obj_head)
    sim_obj_head->live_prev = o;
  sim_obj_head = o;
}

void sim__obj_unlink(sim_obj *o)
{
  if (o->live_prev)
    o->live_prev->live_next = o->live_next;
  else if (sim_obj_head == o)
    sim_obj_head = o->live_next;
  if (o->live_next)
    o->live_next->live_prev = o->live_prev;
  o->live_prev = o->live_next = NULL;
}

void sim__obj_set_name(sim_obj *o, const char *name)
{
  snprintf(o->name, sizeof o->name, "%s", name);
}

void sim__obj_describe(const sim_obj *o, char *buf, size_t len)
{
  char size[24] = "";
  if (o->size)
    snprintf(size, sizeof size, "size %u, ", o->size);
  snprintf(buf, len, "%s#%u%s%s%s (%screated by %s at t=%llu.%06llus)",
           o->kind, o->seq, o->name[0] ? " '" : "", o->name,
           o->name[0] ? "'" : "", size, o->creator,
           (unsigned long long)(o->created_us / 1000000),
           (unsigned long long)(o->created_us % 1000000));
}

sim_obj *sim__obj_live(void)
{
  return sim_obj_head;
}

void sim__obj_forget(void)
{
  sim_obj_head = NULL;
  memset(sim_obj_seq, 0, sizeof sim_obj_seq);
  memset(sim_obj_kinds, 0, sizeof sim_obj_kinds);
  memset(sim_obj_kseq, 0, sizeof sim_obj_kseq);
}

void sim__obj_free_live(void)
{
  sim_obj *o = sim_obj_head;
  sim__obj_forget();
  while (o) {
    sim_obj *next = o->live_next;
    /* Off the list first: a destroy that unlinks finds nothing to do. */
    o->live_prev = o->live_next = NULL;
    o->destroy(o);
    o = next;
  }
}

/*
 * mem.c - memory for the core's own bookkeeping (threads, timers, script
 * steps, RTOS objects), shared by both scheduler backends.
 *
 * The core cannot go on without its bookkeeping and no caller could do
 * better than stop, so a failed allocation ends the process here with one
 * line naming where it happened.  lwIP's own memory never comes here: its
 * exhaustion is what scenarios study, and the port models it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim_priv.h"

void sim__mem_oom(const char *where)
{
  fprintf(stderr, "lwipsim: out of memory%s\n", where);
  abort();
}

void *sim__mem_zalloc(size_t n, const char *where)
{
  void *p = calloc(1, n);
  if (!p)
    sim__mem_oom(where);
  return p;
}

void *sim__mem_grow(void *p, size_t *cap, size_t need, size_t elem,
                    const char *where)
{
  if (need <= *cap)
    return p;
  size_t n = *cap ? *cap * 2 : 16;
  while (n < need)
    n *= 2;
  void *q = realloc(p, n * elem);
  if (!q)
    sim__mem_oom(where);
  *cap = n;
  return q;
}

/*
 * schedule.c - schedule files: `run --schedule F` replays the choices in F
 * on top of rtos; `run --record-schedule F` (explore's shrinker) writes
 * the choices a random or PCT run made where it did not do what rtos
 * would.  One choice per line, "decision N of THREAD runs TARGET",
 * optionally followed by "# ..." (the point it was taken at, for people).
 */
#define _GNU_SOURCE
#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  sim_choice *c;
  size_t n, cap;
} engine_sched;

static engine_sched engine_rec, engine_play;

static int engine_sched_add(engine_sched *s, const char *thread,
                            uint64_t decision, const char *target)
{
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    sim_choice *n = realloc(s->c, cap * sizeof *n);
    if (!n)
      return -1;
    s->c = n;
    s->cap = cap;
  }
  sim_choice *c = &s->c[s->n];
  c->thread = strdup(thread);
  c->target = strdup(target);
  c->decision = decision;
  if (!c->thread || !c->target) {
    free((char *)c->thread);
    free((char *)c->target);
    return -1;
  }
  s->n++;
  return 0;
}

static void engine_sched_free(engine_sched *s)
{
  for (size_t i = 0; i < s->n; i++) {
    free((char *)s->c[i].thread);
    free((char *)s->c[i].target);
  }
  free(s->c);
  memset(s, 0, sizeof *s);
}

/* The points the recorded choices were taken at, for the file's readers. */
static const char **engine_rec_points;

static void engine_record(void *ctx, const char *thread, uint64_t decision,
                          const char *point, const char *target)
{
  (void)ctx;
  const char **p = realloc(engine_rec_points,
                           (engine_rec.n + 1) * sizeof *p);
  if (!p || engine_sched_add(&engine_rec, thread, decision, target) != 0) {
    fputs("lwipsim: out of memory recording the schedule\n", stderr);
    abort();
  }
  engine_rec_points = p;
  p[engine_rec.n - 1] = point; /* static strings */
}

/* Reads a schedule file: 0, or -1 with a one-line reason. */
static int engine_sched_load(const char *path, engine_sched *s, char *err,
                             size_t errlen)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "cannot read schedule %s: %s", path,
             strerror(errno));
    return -1;
  }
  char line[512];
  int no = 0;
  while (fgets(line, sizeof line, f)) {
    no++;
    line[strcspn(line, "#\r\n")] = 0;
    size_t len = strlen(line);
    while (len && line[len - 1] == ' ')
      line[--len] = 0;
    if (!line[0])
      continue;
    char thread[64], target[64], tail;
    unsigned long long d;
    if (sscanf(line, "decision %llu of %63s runs %63s %c", &d, thread,
               target, &tail) != 3 || d == 0) {
      snprintf(err, errlen, "schedule %s line %d: want 'decision N of "
               "THREAD runs THREAD'", path, no);
      fclose(f);
      engine_sched_free(s);
      return -1;
    }
    if (engine_sched_add(s, thread, d, target) != 0) {
      snprintf(err, errlen, "out of memory");
      fclose(f);
      engine_sched_free(s);
      return -1;
    }
  }
  fclose(f);
  return 0;
}

static int engine_sched_write(const char *path, const engine_sched *s,
                              const char *const *points,
                              const proto_opts *o, char *err, size_t errlen)
{
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    snprintf(err, errlen, "cannot write schedule %s: %s", path,
             strerror(errno));
    return -1;
  }
  fprintf(f, "# lwipsim schedule: %s %s, recorded from seed %llu policy %s"
          "\n# each line: where the scheduler does not do what rtos would"
          "\n# replay: lwipsim run %s --variant %s --schedule FILE\n",
          o->scn->name, o->var->name, (unsigned long long)o->seed,
          sim_policy_name(o->policy), o->scn->name, o->var->name);
  for (size_t i = 0; i < s->n; i++) {
    fprintf(f, "decision %llu of %s runs %s",
            (unsigned long long)s->c[i].decision, s->c[i].thread,
            s->c[i].target);
    if (points && points[i])
      fprintf(f, "  # at %s", points[i]);
    fputc('\n', f);
  }
  if (fclose(f) != 0 || rename(tmp, path) != 0) {
    snprintf(err, errlen, "cannot write schedule %s: %s", path,
             strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

int engine_schedule_play(const char *path, sim_config *cfg, char *err,
                         size_t errlen)
{
  if (engine_sched_load(path, &engine_play, err, errlen) != 0)
    return -1;
  /* rtos plus the file's choices; the variant's own script is off */
  cfg->policy = SIM_POLICY_RTOS;
  cfg->script = NULL;
  cfg->script_len = 0;
  cfg->choices = engine_play.c;
  cfg->nchoices = engine_play.n;
  return 0;
}

void engine_schedule_record(sim_config *cfg)
{
  cfg->record = engine_record;
  cfg->record_ctx = NULL;
}

int engine_schedule_save(const proto_opts *o, char *err, size_t errlen)
{
  return engine_sched_write(o->record_schedule, &engine_rec,
                            engine_rec_points, o, err, errlen);
}

void engine_schedule_free(void)
{
  engine_sched_free(&engine_rec);
  engine_sched_free(&engine_play);
  free(engine_rec_points);
  engine_rec_points = NULL;
}

/*
 * free_clock.c - the clock of the free-running backend: CLOCK_MONOTONIC,
 * counted from sim_sched_init(), so sys_now() is real milliseconds and
 * lwIP's timers run in real time.
 *
 * The base is written once by sim_sched_init() (through sim__clock_set),
 * before any sim thread exists, and only read afterwards; reads from many
 * threads therefore need no lock.  Unlike the virtual clock nothing ever
 * "advances" it: time passes by itself.
 */
#include <stdint.h>
#include <time.h>

#include "free_priv.h"
#include "sim_clock.h"
#include "sim_priv.h"
#include "sim_sched.h"

/* A year: longer timeouts are treated as that (no overflow of tv_sec). */
#define FREE_MAX_TIMEOUT_US (365ull * 24 * 3600 * 1000000ull)

static uint64_t free_clock_base_us;

uint64_t sim__free_mono_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t sim_clock_now_us(void)
{
  return sim__free_mono_us() - free_clock_base_us;
}

uint32_t sim_clock_now_ms(void)
{
  return (uint32_t)(sim_clock_now_us() / 1000u);
}

/* The clock reads `t_us` now.  The deterministic scheduler moves its clock
 * with this; here it only sets the origin. */
void sim__clock_set(uint64_t t_us)
{
  free_clock_base_us = sim__free_mono_us() - t_us;
}

bool sim__free_deadline(uint64_t timeout_us, struct timespec *abs)
{
  if (timeout_us == SIM_FOREVER)
    return false;
  if (timeout_us > FREE_MAX_TIMEOUT_US)
    timeout_us = FREE_MAX_TIMEOUT_US;
  clock_gettime(CLOCK_MONOTONIC, abs);
  uint64_t ns = (uint64_t)abs->tv_nsec + (timeout_us % 1000000u) * 1000u;
  abs->tv_sec += (time_t)(timeout_us / 1000000u + ns / 1000000000u);
  abs->tv_nsec = (long)(ns % 1000000000u);
  return true;
}

void sim__free_cond_init(pthread_cond_t *cv)
{
  pthread_condattr_t a;
  pthread_condattr_init(&a);
  pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
  pthread_cond_init(cv, &a);
  pthread_condattr_destroy(&a);
}

/* Live mode's wall time since start: here simply the clock. */
uint64_t sim_live_now_us(void)
{
  return sim_clock_now_us();
}

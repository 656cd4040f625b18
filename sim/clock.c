/*
 * clock.c - the virtual clock.  Only the scheduler advances it
 * (sim__clock_set), and only forwards; everything else reads it here.
 */
#include "sim_clock.h"
#include "sim_priv.h"

static uint64_t sim_clock_us;

uint64_t sim_clock_now_us(void)
{
  return sim_clock_us;
}

uint32_t sim_clock_now_ms(void)
{
  return (uint32_t)(sim_clock_us / 1000u);
}

void sim__clock_set(uint64_t t_us)
{
  sim_clock_us = t_us;
}

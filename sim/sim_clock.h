/*
 * sim_clock.h - the virtual clock.  Time is read through these functions
 * only; it moves when the scheduler finds no thread ready and jumps to the
 * earliest pending deadline.  Deterministic runs never read the wall clock.
 */
#ifndef SIM_CLOCK_H
#define SIM_CLOCK_H

#include <stdint.h>

uint64_t sim_clock_now_us(void);
uint32_t sim_clock_now_ms(void); /* wraps as lwIP's sys_now() does */

#endif

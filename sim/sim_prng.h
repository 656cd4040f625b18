/*
 * sim_prng.h - the seeded pseudo-random generator (xoshiro256**, seeded
 * through splitmix64).  It is the only source of randomness in a run.
 * Independent streams derive from one seed, so that e.g. the scheduler's
 * choices and lwIP's LWIP_RAND() draws do not disturb each other.
 */
#ifndef SIM_PRNG_H
#define SIM_PRNG_H

#include <stdint.h>

typedef struct {
  uint64_t s[4];
} sim_prng;

enum { SIM_STREAM_SCHED = 1, SIM_STREAM_APP = 2, SIM_STREAM_WIRE = 3 };

void sim_prng_seed(sim_prng *p, uint64_t seed, uint64_t stream);
uint64_t sim_prng_next(sim_prng *p);
/* Uniform in [0, n); n > 0.  Unbiased (rejection sampling). */
uint64_t sim_prng_below(sim_prng *p, uint64_t n);

/* The run's application stream (seeded by sim_sched_init). */
uint32_t sim_rand_u32(void);
uint64_t sim_rand_below(uint64_t n);

#endif

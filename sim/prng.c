/*
 * prng.c - xoshiro256** with splitmix64 seeding (Blackman and Vigna's public
 * domain design, written here from its description).  Streams are separated
 * by mixing the stream number into the seed before expansion.
 */
#include "sim_prng.h"

static sim_prng sim_prng_app;

static uint64_t sim_prng_splitmix(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t sim_prng_rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void sim_prng_seed(sim_prng *p, uint64_t seed, uint64_t stream)
{
  uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ull);
  for (int i = 0; i < 4; i++)
    p->s[i] = sim_prng_splitmix(&x);
}

uint64_t sim_prng_next(sim_prng *p)
{
  uint64_t *s = p->s;
  uint64_t r = sim_prng_rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = sim_prng_rotl(s[3], 45);
  return r;
}

uint64_t sim_prng_below(sim_prng *p, uint64_t n)
{
  /* Reject the top partial range so every value is equally likely. */
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t r;
  do
    r = sim_prng_next(p);
  while (r >= limit);
  return r % n;
}

void sim__prng_app_seed(uint64_t seed);
void sim__prng_app_seed(uint64_t seed)
{
  sim_prng_seed(&sim_prng_app, seed, SIM_STREAM_APP);
}

uint32_t sim_rand_u32(void)
{
  return (uint32_t)(sim_prng_next(&sim_prng_app) >> 32);
}

uint64_t sim_rand_below(uint64_t n)
{
  return sim_prng_below(&sim_prng_app, n);
}

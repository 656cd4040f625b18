/*
 * fuzz_rx_cntrs.c - where libFuzzer's inline 8-bit coverage counters of
 * this executable live (the __sancov_cntrs section, bounded by the
 * linker's __start_/__stop_ symbols).  Built WITHOUT coverage: in an
 * instrumented file, a declaration of these names of our own would clash
 * with the compiler's and hide the counters from libFuzzer.
 */
#include <stddef.h>
#include <stdint.h>

uint8_t *fuzz_rx_counters(size_t *n);

extern uint8_t __start___sancov_cntrs[] __attribute__((weak));
extern uint8_t __stop___sancov_cntrs[] __attribute__((weak));

uint8_t *fuzz_rx_counters(size_t *n)
{
  if (!__start___sancov_cntrs || __stop___sancov_cntrs <= __start___sancov_cntrs) {
    *n = 0;
    return NULL;
  }
  *n = (size_t)(__stop___sancov_cntrs - __start___sancov_cntrs);
  return __start___sancov_cntrs;
}

/*
 * isr_pbuf_free - descriptor (plain data; the code is isr_pbuf_free.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(isr_pbuf_free,
  "a pbuf freed in the TX-complete interrupt re-enters a heap "
  "that only a semaphore protects",
  "field bug: data abort at link-up on an RTOS that "
  "took over lwIP's heap (MEM_LIBC_MALLOC), more often at "
  "100 Mbit/s",
  SIM_VARIANT("isr-free", "board-rtosheap", REPRODUCED, RTOS, 0,
              "RTOS heap behind a semaphore, the TX-complete ISR frees "
              "the sent pbuf; the first ARP request's completion is "
              "pinned inside a thread's heap free: the heap model "
              "detects the re-entry and stops there"),
  SIM_VARIANT("deferred-free", "board-rtosheap", NOT_REPRODUCED, RTOS, 0,
              "the same heap, the ISR hands the pbuf to "
              "pbuf_free_callback; 1,000 cable plug/unplug cycles with "
              "the same pinning, no re-entry"),
  SIM_VARIANT("lwip-heap-protected", "board-memfree-isr",
              NOT_REPRODUCED, RTOS, 0,
              "lwIP's own heap with "
              "LWIP_ALLOW_MEM_FREE_FROM_OTHER_CONTEXT: the ISR frees "
              "inside a thread's mem_malloc window; 1,000 cycles, "
              "mem_sanity clean"));

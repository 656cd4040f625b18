/*
 * isr_pbuf_free - descriptor (plain data; the code is isr_pbuf_free.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_isr_pbuf_free_variants[] = {
    {.name = "isr-free",
     .summary = "RTOS heap behind a semaphore, the TX-complete ISR frees "
                "the sent pbuf; the first ARP request's completion is "
                "pinned inside a thread's heap free: re-entry, broken "
                "free list",
     .profile = "board-rtosheap",
     .expected = SIM_VERDICT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
    {.name = "deferred-free",
     .summary = "the same heap, the ISR hands the pbuf to "
                "pbuf_free_callback; 1,000 cable plug/unplug cycles with "
                "the same pinning, no re-entry",
     .profile = "board-rtosheap",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
    {.name = "lwip-heap-protected",
     .summary = "lwIP's own heap with "
                "LWIP_ALLOW_MEM_FREE_FROM_OTHER_CONTEXT: the ISR frees "
                "inside a thread's mem_malloc window; 1,000 cycles, "
                "mem_sanity clean",
     .profile = "board-memfree-isr",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_isr_pbuf_free_desc = {
    .name = "isr_pbuf_free",
    .summary = "a pbuf freed in the TX-complete interrupt re-enters a heap "
               "that only a semaphore protects",
    .origin = "field bug: data abort at link-up on an RTOS that "
              "took over lwIP's heap (MEM_LIBC_MALLOC), more often at "
              "100 Mbit/s",
    .variants = scn_isr_pbuf_free_variants,
    .nvariants = sizeof scn_isr_pbuf_free_variants /
                 sizeof scn_isr_pbuf_free_variants[0],
};

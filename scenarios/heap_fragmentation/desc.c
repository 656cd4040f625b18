/*
 * heap_fragmentation - descriptor (plain data; the code is
 * heap_fragmentation.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_heap_fragmentation_variants[] = {
    {.name = "fragmented",
     .summary = "lwIP's first-fit heap (10 KiB): mixed-size UDP datagrams "
                "and TCP echo segments held by a slow peer leave it in "
                "pieces; a PBUF_RAM allocation fails although the free "
                "bytes in total would hold it",
     .profile = "heapfrag",
     .expected = SIM_VERDICT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
    {.name = "pools",
     .summary = "the same traffic with MEM_USE_POOLS (192/384/768/"
                "1536-byte classes, 28.5 KiB): no allocation fails while "
                "a big enough element is free",
     .profile = "heapfrag-pools",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_heap_fragmentation_desc = {
    .name = "heap_fragmentation",
    .summary = "enough free memory, no block big enough: lwIP's first-fit "
               "heap fragmented by mixed sizes",
    .origin = "field bug: after hours of mixed UDP and TCP traffic a board "
              "failed to allocate a 1400-byte PBUF_RAM pbuf while its "
              "heap statistics showed several KiB free",
    .variants = scn_heap_fragmentation_variants,
    .nvariants = sizeof scn_heap_fragmentation_variants /
                 sizeof scn_heap_fragmentation_variants[0],
};

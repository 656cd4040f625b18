/*
 * heap_fragmentation - descriptor (plain data; the code is
 * heap_fragmentation.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(heap_fragmentation,
  "enough free memory, no block big enough: lwIP's first-fit "
  "heap fragmented by mixed sizes",
  "field bug: after hours of mixed UDP and TCP traffic a board "
  "failed to allocate a 1400-byte PBUF_RAM pbuf while its "
  "heap statistics showed several KiB free",
  SIM_VARIANT("fragmented", "heapfrag", REPRODUCED, RTOS, 0,
              "lwIP's first-fit heap (10 KiB): mixed-size UDP datagrams "
              "and TCP echo segments held by a slow peer leave it in "
              "pieces; a PBUF_RAM allocation fails although the free "
              "bytes in total would hold it"),
  SIM_VARIANT("pools", "heapfrag-pools", NOT_REPRODUCED, RTOS, 0,
              "the same traffic with MEM_USE_POOLS (192/384/768/"
              "1536-byte classes, 28.5 KiB): no allocation fails while "
              "a big enough element is free"));

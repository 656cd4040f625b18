/*
 * lwippools.h of the heapfrag-pools profile: the classes mem_malloc()
 * draws from with MEM_USE_POOLS, smallest first (lwIP requires that order).
 * Sizes are payload bytes; each class says what lands in it.  In all
 * 28.5 KiB against heapfrag's 10 KiB heap: an element is as big as its
 * class whatever the request, and every class needs room for its own peak
 * (the requests add up to about 11 KiB at the busiest moment).
 */
LWIP_MALLOC_MEMPOOL_START
LWIP_MALLOC_MEMPOOL(24, 192)  /* small datagrams, short TCP writes */
LWIP_MALLOC_MEMPOOL(16, 384)  /* medium datagrams and writes */
LWIP_MALLOC_MEMPOOL(16, 768)  /* the longest writes (600 bytes + headers) */
LWIP_MALLOC_MEMPOOL(4, 1536)  /* large datagrams, up to a full frame */
LWIP_MALLOC_MEMPOOL_END

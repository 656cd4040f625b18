/*
 * heapfrag profile - the board of the heap_fragmentation field bug: lwIP's
 * own first-fit heap (mem.c), small, serving every PBUF_RAM pbuf (UDP
 * datagrams built by the application, TCP segments copied by tcp_write).
 * The heap lives in the port's buffer so the port can walk its blocks
 * (free bytes, the largest free block) when an allocation fails.
 * Everything else is the board's.
 */
#ifndef LWIPSIM_PROFILE_HEAPFRAG_LWIPOPTS_H
#define LWIPSIM_PROFILE_HEAPFRAG_LWIPOPTS_H

#define LWIPSIM_PORT_HEAP 1  /* lwIP's heap in the port's walkable buffer */

#include "../board/lwipopts.h"

#undef MEM_SIZE
#define MEM_SIZE (10 * 1024) /* a 10 KiB heap, as on small MCUs */
#undef TCP_SND_QUEUELEN
#define TCP_SND_QUEUELEN 16  /* one pbuf per write: small writes add up */
#undef MEMP_NUM_TCP_SEG
#define MEMP_NUM_TCP_SEG 48  /* TCP_SND_QUEUELEN for three connections */
#define TCP_OVERSIZE 0       /* each write gets a pbuf of its own size,
                                not an MSS-sized one to append into */

#endif

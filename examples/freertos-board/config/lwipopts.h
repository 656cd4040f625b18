/* lwIP options of the freertos-board (lwIP 2.1 and 2.2): a FreeRTOS
 * board with sockets, no core locking (every API call waits on the
 * calling task's semaphore), lwIP's heap handed to FreeRTOS's
 * pvPortMalloc. */
#ifndef FRB_LWIPOPTS_H
#define FRB_LWIPOPTS_H

#include <stddef.h>

#define NO_SYS 0
#define SYS_LIGHTWEIGHT_PROT 1
#define LWIP_TCPIP_CORE_LOCKING 0
#define LWIP_NETCONN_SEM_PER_THREAD 1

/* lwIP's heap is the RTOS heap (heap_4 style).  lwIP 2.2 reads
 * MEM_CUSTOM_* instead of 2.1's mem_clib_* (there MEM_LIBC_MALLOC=1 means
 * libc's malloc), so the version decides.  lwip/init.h only adds its
 * version macros here: opt.h, which includes this file, has already set
 * its include guard. */
#include "lwip/init.h"
void *pvPortMalloc(size_t xWantedSize);
void *pvPortCalloc(size_t xNum, size_t xSize);
void vPortFree(void *pv);
#if LWIP_VERSION_MAJOR > 2 || \
    (LWIP_VERSION_MAJOR == 2 && LWIP_VERSION_MINOR >= 2)
#define MEM_CUSTOM_ALLOCATOR 1
#define MEM_CUSTOM_MALLOC pvPortMalloc
#define MEM_CUSTOM_CALLOC pvPortCalloc
#define MEM_CUSTOM_FREE vPortFree
#else
#define MEM_LIBC_MALLOC 1
#define mem_clib_malloc pvPortMalloc
#define mem_clib_calloc pvPortCalloc
#define mem_clib_free vPortFree
#endif
#define MEM_ALIGNMENT 4

#define MEMP_NUM_PBUF 16
#define MEMP_NUM_UDP_PCB 8
#define MEMP_NUM_TCP_PCB 4
#define MEMP_NUM_NETBUF 16
#define MEMP_NUM_NETCONN 8
#define MEMP_NUM_TCPIP_MSG_API 16
#define MEMP_NUM_TCPIP_MSG_INPKT 16
#define PBUF_POOL_SIZE 24

#define TCPIP_THREAD_NAME "tcpip_thread"
#define TCPIP_THREAD_PRIO 6
#define TCPIP_THREAD_STACKSIZE 1024
#define TCPIP_MBOX_SIZE 16
#define DEFAULT_THREAD_STACKSIZE 1024
#define DEFAULT_UDP_RECVMBOX_SIZE 8
#define DEFAULT_TCP_RECVMBOX_SIZE 8
#define DEFAULT_ACCEPTMBOX_SIZE 4

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ICMP 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_API 1

#define LWIP_NETCONN 1
#define LWIP_SOCKET 1
#define LWIP_COMPAT_SOCKETS 0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SO_RCVTIMEO 1

#define LWIP_STATS 1
#define MEM_STATS 1
#define MEMP_STATS 1
#define LWIP_STATS_DISPLAY 0

/* Checksums by the MAC, as the vendor template has them. */
#define CHECKSUM_GEN_IP 0
#define CHECKSUM_GEN_UDP 0

#endif

/* The tiny board's lwIP options, as its firmware has them. */
#ifndef TINY_LWIPOPTS_H
#define TINY_LWIPOPTS_H
#define NO_SYS 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_TCPIP_CORE_LOCKING 1
#define MEM_SIZE 8192
#define PBUF_POOL_SIZE 8
#define TCPIP_THREAD_PRIO 4
#define TCPIP_THREAD_STACKSIZE 1024
#define TCPIP_MBOX_SIZE 8
#define DEFAULT_THREAD_STACKSIZE 512
#define LWIP_STATS 1
/* Checksums by hardware, as the vendor's template has them. */
#define CHECKSUM_GEN_IP 0
#define CHECKSUM_GEN_ICMP 0
#endif

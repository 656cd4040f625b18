/* lwipopts.h - lwIP options of the IO-8 board (FreeRTOS, sockets,
 * zero-copy RX). */
#ifndef IO8_LWIPOPTS_H
#define IO8_LWIPOPTS_H

#define NO_SYS                     0
#define SYS_LIGHTWEIGHT_PROT       1
#define LWIP_TCPIP_CORE_LOCKING    1
#define TCPIP_THREAD_STACKSIZE     1024
#define TCPIP_THREAD_PRIO          5
#define TCPIP_MBOX_SIZE            16
#define DEFAULT_THREAD_STACKSIZE   1024
#define DEFAULT_UDP_RECVMBOX_SIZE  10
#define MEMP_NUM_NETBUF            10

#define MEM_ALIGNMENT              4
#define MEM_SIZE                   (8 * 1024)
#define MEMP_NUM_NETCONN           4
#define MEMP_NUM_UDP_PCB           4
#define PBUF_POOL_SIZE             8
#define PBUF_POOL_BUFSIZE          256
/* The RX path wraps the DMA buffers in custom pbufs. */
#define LWIP_SUPPORT_CUSTOM_PBUF   1

#define LWIP_ARP                   1
#define LWIP_ICMP                  1
#define LWIP_UDP                   1
#define LWIP_TCP                   0
#define LWIP_DHCP                  0

#define LWIP_NETCONN               1
#define LWIP_SOCKET                1
#define LWIP_COMPAT_SOCKETS        1

#define LWIP_STATS                 1
#endif

/*
 * board profile - an MCU-class board (think STM32F4 with a FreeRTOS port):
 * tens of kilobytes for lwIP, NO_SYS=0 with the sequential and socket APIs,
 * statistics and assertions on so oracles can read what lwIP did.  Every
 * setting says why it differs from lwIP's default.
 */
#ifndef LWIPSIM_PROFILE_BOARD_LWIPOPTS_H
#define LWIPSIM_PROFILE_BOARD_LWIPOPTS_H

/* --- system */
#define NO_SYS 0                   /* an RTOS with threads */
#define SYS_LIGHTWEIGHT_PROT 1     /* protect pools from ISRs (masking) */
#define LWIP_TCPIP_CORE_LOCKING 1  /* API calls take the core lock (2.x) */
#define LWIP_TCPIP_CORE_LOCKING_INPUT 0 /* RX still goes through the mbox */

/* --- memory: MCU-sized */
/* 8, not the Cortex-M 4: the host has 8-byte pointers, and 4 would
 * misalign lwIP's pool headers (UBSan reports it). */
#define MEM_ALIGNMENT 8
#define MEM_SIZE (16 * 1024)       /* a 16 KiB lwIP heap */
#define MEMP_NUM_PBUF 16           /* ROM/REF pbufs for zero-copy TX */
#define MEMP_NUM_UDP_PCB 6         /* a few UDP services */
#define MEMP_NUM_TCP_PCB 6         /* a handful of connections */
#define MEMP_NUM_TCP_PCB_LISTEN 4  /* a few servers */
#define MEMP_NUM_TCP_SEG 16        /* TCP_SND_QUEUELEN below needs these */
#define MEMP_NUM_NETBUF 8          /* netconn/socket receive buffers */
#define MEMP_NUM_NETCONN 8         /* = number of sockets */
#define MEMP_NUM_TCPIP_MSG_API 8   /* API calls queued to tcpip_thread */
#define MEMP_NUM_TCPIP_MSG_INPKT 8 /* RX frames queued to tcpip_thread */
#define PBUF_POOL_SIZE 16          /* RX buffers, as an EMAC ring needs */

/* --- threads and mailboxes: sizes an RTOS port would pick */
#define TCPIP_THREAD_NAME "tcpip_thread"
#define TCPIP_THREAD_PRIO 6        /* above application threads */
#define TCPIP_THREAD_STACKSIZE 1024
#define TCPIP_MBOX_SIZE 8
#define DEFAULT_THREAD_STACKSIZE 1024
#define DEFAULT_RAW_RECVMBOX_SIZE 4
#define DEFAULT_UDP_RECVMBOX_SIZE 8
#define DEFAULT_TCP_RECVMBOX_SIZE 8
#define DEFAULT_ACCEPTMBOX_SIZE 4

/* --- protocols */
#define LWIP_IPV4 1
#define LWIP_IPV6 0                /* IPv4-only, as most boards */
#define LWIP_ARP 1
#define LWIP_ICMP 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 0                /* scenarios assign static addresses */
#define LWIP_DNS 0                 /* no resolver on the board */
#define LWIP_IGMP 0
#define IP_REASSEMBLY 1            /* 2000-byte pings arrive fragmented */
#define IP_FRAG 1
#define TCP_MSS 1460               /* Ethernet MSS */
#define TCP_SND_BUF (2 * TCP_MSS)  /* small MCU send buffer */
#define TCP_WND (2 * TCP_MSS)      /* small MCU window */
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF) / TCP_MSS)

/* --- netifs */
#define LWIP_HAVE_LOOPIF 1         /* 127.0.0.1 for driverless scenarios */
#define LWIP_NETIF_LOOPBACK 1      /* sending to the own address loops */
#define LWIP_LOOPBACK_MAX_PBUFS 16 /* bound the loop queue like a ring */
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1 /* the PHY task reports link changes */
#define LWIP_SINGLE_NETIF 0

/* --- APIs */
#define LWIP_NETCONN 1
#define LWIP_SOCKET 1
#define LWIP_COMPAT_SOCKETS 0      /* lwip_*() names: no clash with libc */
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SO_RCVTIMEO 1         /* applications use receive timeouts */
#define LWIP_SO_SNDTIMEO 1
#define LWIP_SO_RCVBUF 1
#define LWIP_NETCONN_FULLDUPLEX 0  /* the common default on boards */
#define LWIP_NETCONN_SEM_PER_THREAD 0
#define LWIP_NETIF_API 1
#define LWIP_TCPIP_TIMEOUT 0

/* --- observability: oracles read these */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define MEM_STATS 1
#define MEMP_STATS 1
#define SYS_STATS 1
#define LINK_STATS 1
#define IP_STATS 1
#define IPFRAG_STATS 1
#define ICMP_STATS 1
#define UDP_STATS 1
#define TCP_STATS 1
/* LWIP_NOASSERT stays undefined: assertions are on. */

#include "lwipopts_port.h"

#endif

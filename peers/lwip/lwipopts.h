/*
 * peer profile - the lwIP options of peer nodes: a PC-class host (think a
 * laptop's stack) that opens connections to the board.  It is not a board
 * profile and builds no engine of its own: peers/lwip/peer.mk
 * compiles one renamed lwIP instance with it, linked into every engine.
 *
 * Memory is plentiful, so that a failure seen in a scenario is the board's,
 * never the client's.  NO_SYS=0 with sockets: the client apps are plain
 * socket programs.  Statistics and assertions stay on, as on the board,
 * so a scenario can tell a peer that misbehaved from one that was refused.
 * Every setting says why it differs from lwIP's default.
 */
#ifndef LWIPSIM_PEER_LWIPOPTS_H
#define LWIPSIM_PEER_LWIPOPTS_H

/* --- system */
#define NO_SYS 0                   /* threads: tcpip_thread and the apps */
#define SYS_LIGHTWEIGHT_PROT 1     /* pools are shared with the NIC thread */
#define LWIP_TCPIP_CORE_LOCKING 1  /* API calls take the core lock, as the
                                      unix port does */
#define LWIP_TCPIP_CORE_LOCKING_INPUT 0 /* RX goes through the mbox */

/* --- memory: a PC has plenty */
#define MEM_ALIGNMENT 8            /* the host's pointer size */
#define MEM_SIZE (1024 * 1024)     /* a 1 MiB heap: never the bottleneck */
#define MEMP_NUM_PBUF 256          /* ROM/REF pbufs for many writes */
#define MEMP_NUM_RAW_PCB 4         /* no raw users; a few for tools */
#define MEMP_NUM_UDP_PCB 16        /* room for UDP clients */
#define MEMP_NUM_TCP_PCB 64        /* a browser's worth of connections */
#define MEMP_NUM_TCP_PCB_LISTEN 8  /* clients rarely listen */
#define MEMP_NUM_TCP_SEG 512       /* >= TCP_SND_QUEUELEN, several conns */
#define MEMP_NUM_REASSDATA 16      /* many datagrams in reassembly */
#define MEMP_NUM_FRAG_PBUF 64      /* fragments of large datagrams */
#define MEMP_NUM_ARP_QUEUE 64      /* packets waiting for ARP replies */
#define MEMP_NUM_NETBUF 64         /* socket receive buffers */
#define MEMP_NUM_NETCONN 64        /* = number of sockets */
#define MEMP_NUM_SELECT_CB 16      /* select()/poll() waiters */
#define MEMP_NUM_TCPIP_MSG_API 64  /* API calls queued to tcpip_thread */
#define MEMP_NUM_TCPIP_MSG_INPKT 128 /* RX frames queued to tcpip_thread */
#define PBUF_POOL_SIZE 256         /* RX buffers: a PC NIC never starves */

/* --- threads and mailboxes: a roomy host.  The names start with "peer"
 * so that traces and deadlock summaries tell the two stacks apart. */
#define TCPIP_THREAD_NAME "peer_tcpip" /* not the board's tcpip_thread */
#define TCPIP_THREAD_PRIO 6        /* as the board's: neither outruns */
#define TCPIP_THREAD_STACKSIZE 8192 /* unused: sim threads have 512 KiB */
#define TCPIP_MBOX_SIZE 128        /* holds every queued RX frame */
#define DEFAULT_THREAD_STACKSIZE 8192 /* as above */
#define DEFAULT_RAW_RECVMBOX_SIZE 32 /* receive queues a PC never fills */
#define DEFAULT_UDP_RECVMBOX_SIZE 64 /* (lwIP's default 0 holds nothing) */
#define DEFAULT_TCP_RECVMBOX_SIZE 64 /* 64 segments unread per socket */
#define DEFAULT_ACCEPTMBOX_SIZE 16  /* clients rarely accept */

/* --- protocols */
#define LWIP_IPV4 1                /* the board's protocol */
#define LWIP_IPV6 0                /* the board is IPv4-only */
#define LWIP_ARP 1                 /* Ethernet neighbours */
#define ARP_TABLE_SIZE 32          /* a LAN's worth of neighbours */
#define ARP_QUEUEING 1             /* queue several packets per pending ARP */
#define LWIP_ICMP 1                /* answers pings, reports errors */
#define LWIP_UDP 1                 /* UDP clients */
#define LWIP_TCP 1                 /* the apps are TCP clients */
#define LWIP_DHCP 0                /* scenarios assign static addresses */
#define LWIP_DNS 0                 /* scenarios use addresses */
#define LWIP_IGMP 0                /* no multicast in the scenarios */
#define IP_REASSEMBLY 1            /* large replies arrive fragmented */
#define IP_FRAG 1                  /* large datagrams leave fragmented */
#define IP_REASS_MAX_PBUFS 64      /* a 64 KiB datagram in 1500-byte MTUs */
#define TCP_MSS 1460               /* Ethernet MSS, as any PC */
#define TCP_WND (44 * TCP_MSS)     /* 64240, Linux's initial window */
#define TCP_SND_BUF (44 * TCP_MSS) /* a PC never waits for send room */
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS) /* lwIP's rule x2 */
/* LWIP_WND_SCALE stays 0: the board does not scale, and 64 KiB fills a
 * 100 Mbit/s segment with tens of microseconds of latency. */
#define LWIP_TCP_KEEPALIVE 1       /* SO_KEEPALIVE exists, as on a PC */
#define TCP_LISTEN_BACKLOG 1       /* listen(n) means n, as on a PC */

/* --- netifs: one NIC on the virtual wire */
#define LWIP_HAVE_LOOPIF 0         /* the apps talk to the board only */
#define LWIP_NETIF_LOOPBACK 0      /* no sends to the own address */
#define LWIP_NETIF_STATUS_CALLBACK 0 /* nobody waits for the address */
#define LWIP_NETIF_LINK_CALLBACK 0 /* the link never goes down */
#define LWIP_SINGLE_NETIF 0        /* the general netif list, as a PC */

/* --- APIs */
#define LWIP_NETCONN 1             /* under the sockets */
#define LWIP_SOCKET 1              /* the apps are socket programs */
#define LWIP_COMPAT_SOCKETS 0      /* lwip_*() names: no clash with libc */
#define LWIP_POSIX_SOCKETS_IO_NAMES 0 /* no read()/write() macros */
#define LWIP_SO_RCVTIMEO 1         /* apps bound every wait */
#define LWIP_SO_SNDTIMEO 1         /* a send never blocks for ever */
#define LWIP_SO_RCVBUF 1           /* SO_RCVBUF exists, as on a PC */
#define LWIP_NETCONN_FULLDUPLEX 0  /* one thread per socket in the apps */
/* Off: the port keeps per-thread semaphores in scheduler TLS slot 0,
 * whose destructor is global; the board's port owns it. */
#define LWIP_NETCONN_SEM_PER_THREAD 0 /* see above */
#define LWIP_NETIF_API 0           /* netifs are added under the core lock */
#define LWIP_TCPIP_TIMEOUT 0       /* no tcpip_timeout() users */

/* --- observability: every counter on, as on the board */
#define LWIP_STATS 1               /* peer_node_get_stats reads them */
#define LWIP_STATS_DISPLAY 0       /* nothing printed */
#define MEM_STATS 1
#define MEMP_STATS 1
#define SYS_STATS 1
#define LINK_STATS 1
#define ETHARP_STATS 1
#define IP_STATS 1
#define IPFRAG_STATS 1
#define ICMP_STATS 1
#define UDP_STATS 1
#define TCP_STATS 1
/* LWIP_NOASSERT stays undefined: assertions are on. */

#include "lwipopts_port.h"

#endif

/**
 * lwipopts.h - lwIP options of the GW-3 gateway (FreeRTOS, sockets).
 */
#ifndef GW_LWIPOPTS_H
#define GW_LWIPOPTS_H

/*----- OS -----*/
#define NO_SYS                        0
#define SYS_LIGHTWEIGHT_PROT          1
#define LWIP_TCPIP_CORE_LOCKING       1
#define TCPIP_THREAD_NAME             "tcpip"
#define TCPIP_THREAD_STACKSIZE        1024
#define TCPIP_THREAD_PRIO             6
#define TCPIP_MBOX_SIZE               12
#define DEFAULT_THREAD_STACKSIZE      1024
#define DEFAULT_UDP_RECVMBOX_SIZE     6
#define DEFAULT_TCP_RECVMBOX_SIZE     6
#define DEFAULT_ACCEPTMBOX_SIZE       4

/*----- Memory -----*/
#define MEM_ALIGNMENT                 4
#define MEM_SIZE                      (10 * 1024)
#define MEMP_NUM_NETCONN              6
#define MEMP_NUM_UDP_PCB              6
#define MEMP_NUM_TCP_PCB              4
#define PBUF_POOL_SIZE                12
#define PBUF_POOL_BUFSIZE             1524

/*----- Protocols -----*/
#define LWIP_ARP                      1
#define LWIP_ICMP                     1
#define LWIP_UDP                      1
#define LWIP_TCP                      1
#define LWIP_DHCP                     0
#define TCP_MSS                       1460
#define TCP_SND_BUF                   (4 * TCP_MSS)
#define TCP_WND                       (4 * TCP_MSS)

/*----- Sequential APIs -----*/
#define LWIP_NETCONN                  1
#define LWIP_SOCKET                   1
#define LWIP_COMPAT_SOCKETS           1
#define LWIP_POSIX_SOCKETS_IO_NAMES   1
#define LWIP_SO_RCVTIMEO              1
#define LWIP_SO_SNDTIMEO              1
#define LWIP_NETIF_LINK_CALLBACK      1

/*----- Checksums: the EMAC computes them -----*/
#define CHECKSUM_GEN_IP               0
#define CHECKSUM_GEN_UDP              0
#define CHECKSUM_GEN_TCP              0
#define CHECKSUM_GEN_ICMP             0

/*----- Debug -----*/
#define LWIP_STATS                    1
#define LWIP_STATS_DISPLAY            0

#endif /* GW_LWIPOPTS_H */

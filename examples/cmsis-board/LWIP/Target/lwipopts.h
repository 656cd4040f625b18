/* lwipopts.h of the cmsis-board, as the code generator wrote it (lwIP
 * 2.1, CMSIS-RTOS2, core locking on, lwIP's own heap). */
#ifndef CMB_LWIPOPTS_H
#define CMB_LWIPOPTS_H

#define NO_SYS 0
#define SYS_LIGHTWEIGHT_PROT 1
#define LWIP_TCPIP_CORE_LOCKING 1
#define MEM_ALIGNMENT 4
#define MEM_SIZE (10 * 1024)
#define MEMP_NUM_UDP_PCB 8
#define MEMP_NUM_NETBUF 16
#define MEMP_NUM_NETCONN 8
#define PBUF_POOL_SIZE 24
#define TCPIP_THREAD_NAME "tcpip_thread"
#define TCPIP_THREAD_PRIO 40 /* osPriorityHigh */
#define TCPIP_THREAD_STACKSIZE 1024
#define TCPIP_MBOX_SIZE 16
#define DEFAULT_THREAD_STACKSIZE 1024
#define DEFAULT_UDP_RECVMBOX_SIZE 16
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
#define LWIP_NETIF_API 1
#define LWIP_NETCONN 1
#define LWIP_SOCKET 1
#define LWIP_COMPAT_SOCKETS 0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_STATS 1
#define MEM_STATS 1
#define MEMP_STATS 1
#define LWIP_STATS_DISPLAY 0
#endif

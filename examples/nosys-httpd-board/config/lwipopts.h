/* lwIP options of the web panel firmware: bare metal, raw API, lwIP's
 * httpd serving a page and its resources from a small custom file
 * system.  Sized for a 64 KiB-RAM part. */
#ifndef PANEL_LWIPOPTS_H
#define PANEL_LWIPOPTS_H

#define NO_SYS 1                 /* super-loop, no RTOS */
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define SYS_LIGHTWEIGHT_PROT 1   /* the RX interrupt shares the pools */

#define MEM_ALIGNMENT 4
#define MEM_SIZE (6 * 1024)
#define MEMP_NUM_PBUF 16
#define MEMP_NUM_TCP_PCB 5
#define MEMP_NUM_TCP_SEG 16
#define PBUF_POOL_SIZE 8
#define PBUF_POOL_BUFSIZE 1536

#define LWIP_ARP 1
#define LWIP_ICMP 1
#define LWIP_DHCP 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define TCP_MSS 1460
#define TCP_SND_BUF (2 * TCP_MSS)
#define TCP_WND (2 * TCP_MSS)
#define LWIP_NETIF_LINK_CALLBACK 1

/* The web UI: lwIP's httpd, files from webfs.c, one connection state
 * per parallel connection from a pool sized for one client at a time. */
#define LWIP_HTTPD_CUSTOM_FILES 1
#define HTTPD_USE_MEM_POOL 1
#define MEMP_NUM_PARALLEL_HTTPD_CONNS 2
#define LWIP_HTTPD_CGI 0
#define LWIP_HTTPD_SSI 0

/* Field debugging: httpd's messages on the debug UART. */
#define LWIP_DEBUG 1
#define HTTPD_DEBUG LWIP_DBG_ON

#define LWIP_STATS 1
#define MEM_STATS 1
#define MEMP_STATS 1
/* Checksums by the MAC, as the vendor's template has them. */
#define CHECKSUM_GEN_IP 0
#define CHECKSUM_GEN_TCP 0

#endif

/* lwIP options for tests/unit/test_wfi.c: NO_SYS=1 with nothing but
 * lwIP's timeouts (timeouts.c, memp.c, stats.c) and the port. */
#ifndef TEST_NOSYS_LWIPOPTS_H
#define TEST_NOSYS_LWIPOPTS_H
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 1
#define MEM_ALIGNMENT 8
#define LWIP_ARP 0
#define LWIP_ETHERNET 0
#define LWIP_ICMP 0
#define LWIP_RAW 0
#define LWIP_UDP 0
#define LWIP_TCP 0
#define LWIP_IPV6 0
#define IP_REASSEMBLY 0
#define IP_FRAG 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define MEMP_NUM_SYS_TIMEOUT 4
#define LWIP_STATS 1
#define MEM_STATS 1
#define MEMP_STATS 1
#include "lwipopts_port.h"
#endif

/*
 * sys_arch_timeouts.h - LWIPSIM_LWIP_TIMEOUTS: the number of timeouts
 * lwIP's own modules keep active, for a profile whose applications add
 * timeouts of their own (MEMP_NUM_SYS_TIMEOUT = LWIPSIM_LWIP_TIMEOUTS + N).
 *
 * lwIP 2.1 names that number LWIP_NUM_SYS_TIMEOUT_INTERNAL (opt.h); 2.0.x
 * has no name for it and spells the sum out as MEMP_NUM_SYS_TIMEOUT's
 * default, which is what it stands for here.  Both are macros of opt.h,
 * expanded where MEMP_NUM_SYS_TIMEOUT is used, after opt.h has defined
 * every term.  The version comes from lwip/init.h (see
 * sys_arch_heap_opts.h for why including it from lwipopts.h is safe).
 */
#ifndef LWIPSIM_SYS_ARCH_TIMEOUTS_H
#define LWIPSIM_SYS_ARCH_TIMEOUTS_H

#include "lwip/init.h"

#if LWIP_VERSION_MAJOR > 2 || \
    (LWIP_VERSION_MAJOR == 2 && LWIP_VERSION_MINOR >= 1)
#define LWIPSIM_LWIP_TIMEOUTS LWIP_NUM_SYS_TIMEOUT_INTERNAL
#else
#define LWIPSIM_LWIP_TIMEOUTS                                                \
  (LWIP_TCP + IP_REASSEMBLY + LWIP_ARP + (2 * LWIP_DHCP) + LWIP_AUTOIP +     \
   LWIP_IGMP + LWIP_DNS + (PPP_SUPPORT * 6 * MEMP_NUM_PPP_PCB) +             \
   (LWIP_IPV6 ? (1 + LWIP_IPV6_REASS + LWIP_IPV6_MLD) : 0))
#endif

#endif

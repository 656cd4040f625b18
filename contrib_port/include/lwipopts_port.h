/*
 * lwipopts_port.h - settings every lwipsim profile shares, included at the
 * end of each profile's lwipopts.h (lwIP reads lwipopts.h before its own
 * defaults, so hooks must be defined here, not in arch/).
 *
 * - Core-lock checks (lwIP 2.1 and later call these macros; 2.0 ignores
 *   them): a call into the core without the core lock, or from the wrong
 *   thread, is an lwIP assertion, as in lwIP's own unix port.
 * - TCP initial sequence numbers come from the seeded PRNG, so they differ
 *   between seeds and repeat for the same seed.
 */
#ifndef LWIPSIM_LWIPOPTS_PORT_H
#define LWIPSIM_LWIPOPTS_PORT_H

#include <stdint.h>

void sys_check_core_locking(void);
void sys_mark_tcpip_thread(void);
#define LWIP_ASSERT_CORE_LOCKED() sys_check_core_locking()
#define LWIP_MARK_TCPIP_THREAD() sys_mark_tcpip_thread()

uint32_t sys_arch_tcp_isn(void);
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
  sys_arch_tcp_isn()

/* A profile that sets LWIPSIM_PORT_HEAP gives lwIP its heap from the port
 * (contrib_port/sys_arch_mem.c), which can then walk the heap's blocks:
 * free bytes, the largest free block.  Board profiles only: the peer's
 * lwIP has its own heap. */
#if defined(LWIPSIM_PORT_HEAP) && LWIPSIM_PORT_HEAP
extern unsigned char sys_arch_ram_heap[];
#define LWIP_RAM_HEAP_POINTER sys_arch_ram_heap
#endif

#endif

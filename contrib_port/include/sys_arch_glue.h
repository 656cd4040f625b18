/*
 * sys_arch_glue.h - between lwipsim's sys_arch.c and sys_arch_glue.c.
 */
#ifndef LWIPSIM_SYS_ARCH_GLUE_H
#define LWIPSIM_SYS_ARCH_GLUE_H

/* Forgets tcpip_thread (sys_init of lwipsim's port calls it). */
void sys_arch_glue_reset(void);

#endif

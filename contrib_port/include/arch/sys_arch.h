/*
 * arch/sys_arch.h - lwIP's OS abstraction mapped onto sim/ objects.
 *
 * Every handle is a pointer to a sim object; NULL is "invalid", which is
 * what sys_*_valid() and sys_*_set_invalid() test and set.  Protection
 * masks the simulated interrupts (nested), as taskENTER_CRITICAL does on a
 * single-core RTOS.  Every sys_arch call is a scheduling point.
 */
#ifndef LWIPSIM_ARCH_SYS_ARCH_H
#define LWIPSIM_ARCH_SYS_ARCH_H

#include "sim_sync.h"

typedef struct sim_sem *sys_sem_t;
typedef struct sim_mutex *sys_mutex_t;
typedef struct sim_mbox *sys_mbox_t;
typedef struct sim_thread *sys_thread_t;
typedef int sys_prot_t;

#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL NULL

/* Per-thread semaphores for LWIP_NETCONN_SEM_PER_THREAD: one per sim
 * thread, created on first use and freed when the thread ends. */
sys_sem_t *sys_arch_netconn_sem_get(void);
void sys_arch_netconn_sem_alloc(void);
void sys_arch_netconn_sem_free(void);
#define LWIP_NETCONN_THREAD_SEM_GET() sys_arch_netconn_sem_get()
#define LWIP_NETCONN_THREAD_SEM_ALLOC() sys_arch_netconn_sem_alloc()
#define LWIP_NETCONN_THREAD_SEM_FREE() sys_arch_netconn_sem_free()

/* True if the calling thread holds the mutex (for lock-ownership checks). */
int sys_mutex_held(sys_mutex_t *mutex);

#endif

/* arch/sys_arch.h of the freertos-board's lwIP port: lwIP's OS objects
 * are FreeRTOS objects. */
#ifndef FRB_ARCH_SYS_ARCH_H
#define FRB_ARCH_SYS_ARCH_H

#include "FreeRTOS.h"
#include "queue.h"
#include "semphr.h"
#include "task.h"

typedef SemaphoreHandle_t sys_sem_t;
typedef SemaphoreHandle_t sys_mutex_t;
typedef QueueHandle_t sys_mbox_t;
typedef TaskHandle_t sys_thread_t;
typedef UBaseType_t sys_prot_t;

#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL NULL

/* The thread-local storage slot of each task's netconn semaphore. */
#define SYS_ARCH_TLS_NETCONN_SEM 0

sys_sem_t *sys_arch_netconn_sem_get(void);
void sys_arch_netconn_sem_alloc(void);
void sys_arch_netconn_sem_free(void);
#define LWIP_NETCONN_THREAD_SEM_GET() sys_arch_netconn_sem_get()
#define LWIP_NETCONN_THREAD_SEM_ALLOC() sys_arch_netconn_sem_alloc()
#define LWIP_NETCONN_THREAD_SEM_FREE() sys_arch_netconn_sem_free()

#endif

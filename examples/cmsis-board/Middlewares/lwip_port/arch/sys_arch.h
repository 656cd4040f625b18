/* arch/sys_arch.h of the generated lwIP port: lwIP's objects are
 * CMSIS-RTOS2 objects. */
#ifndef CMB_ARCH_SYS_ARCH_H
#define CMB_ARCH_SYS_ARCH_H
#include "cmsis_os2.h"

#define SYS_MBOX_NULL (osMessageQueueId_t)0
#define SYS_SEM_NULL (osSemaphoreId_t)0

typedef osSemaphoreId_t sys_sem_t;
typedef osMutexId_t sys_mutex_t;
typedef osMessageQueueId_t sys_mbox_t;
typedef osThreadId_t sys_thread_t;
typedef int sys_prot_t;
#endif

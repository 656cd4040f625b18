/*
 * sys_arch.c - the lwIP port as a vendor code generator produces it for
 * CMSIS-RTOS2: semaphores are osSemaphore, mutexes osMutex, mailboxes
 * osMessageQueue of pointers, threads osThreadNew; sys_arch_protect takes
 * one global mutex (lwip_sys_mutex), as the generated ports do.
 */
#include "lwip/opt.h"
#include "lwip/stats.h"
#include "lwip/sys.h"

#include "cmsis_os2.h"

static osMutexId_t lwip_sys_mutex;

void sys_init(void)
{
  lwip_sys_mutex = osMutexNew(NULL);
}

u32_t sys_now(void)
{
  return (u32_t)(osKernelGetTickCount() * 1000u / osKernelGetTickFreq());
}

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
  *sem = osSemaphoreNew(UINT16_MAX, count, NULL);
  if (*sem == NULL) {
#if SYS_STATS
    ++lwip_stats.sys.sem.err;
#endif
    return ERR_MEM;
  }
#if SYS_STATS
  ++lwip_stats.sys.sem.used;
  if (lwip_stats.sys.sem.max < lwip_stats.sys.sem.used)
    lwip_stats.sys.sem.max = lwip_stats.sys.sem.used;
#endif
  return ERR_OK;
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
  uint32_t start = osKernelGetTickCount();
  if (timeout != 0) {
    if (osSemaphoreAcquire(*sem, timeout) == osOK)
      return osKernelGetTickCount() - start;
    return SYS_ARCH_TIMEOUT;
  }
  while (osSemaphoreAcquire(*sem, osWaitForever) != osOK)
    ;
  return osKernelGetTickCount() - start;
}

void sys_sem_signal(sys_sem_t *sem)
{
  osSemaphoreRelease(*sem);
}

void sys_sem_free(sys_sem_t *sem)
{
#if SYS_STATS
  --lwip_stats.sys.sem.used;
#endif
  osSemaphoreDelete(*sem);
}

int sys_sem_valid(sys_sem_t *sem)
{
  return *sem != SYS_SEM_NULL;
}

void sys_sem_set_invalid(sys_sem_t *sem)
{
  *sem = SYS_SEM_NULL;
}

err_t sys_mutex_new(sys_mutex_t *mutex)
{
  *mutex = osMutexNew(NULL);
  return *mutex ? ERR_OK : ERR_MEM;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
  osMutexDelete(*mutex);
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
  osMutexAcquire(*mutex, osWaitForever);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
  osMutexRelease(*mutex);
}

int sys_mutex_valid(sys_mutex_t *mutex)
{
  return *mutex != NULL;
}

void sys_mutex_set_invalid(sys_mutex_t *mutex)
{
  *mutex = NULL;
}

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
  *mbox = osMessageQueueNew((uint32_t)size, sizeof(void *), NULL);
  return *mbox ? ERR_OK : ERR_MEM;
}

void sys_mbox_post(sys_mbox_t *mbox, void *data)
{
  while (osMessageQueuePut(*mbox, &data, 0, osWaitForever) != osOK)
    ;
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
  return osMessageQueuePut(*mbox, &msg, 0, 0) == osOK ? ERR_OK : ERR_MEM;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
  return sys_mbox_trypost(mbox, msg);
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
  void *dummy;
  uint32_t start = osKernelGetTickCount();
  if (osMessageQueueGet(*mbox, msg ? msg : &dummy, NULL,
                        timeout ? timeout : osWaitForever) != osOK) {
    if (msg)
      *msg = NULL;
    return SYS_ARCH_TIMEOUT;
  }
  return osKernelGetTickCount() - start;
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
  void *dummy;
  if (osMessageQueueGet(*mbox, msg ? msg : &dummy, NULL, 0) != osOK)
    return SYS_MBOX_EMPTY;
  return 0;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
  osMessageQueueDelete(*mbox);
}

int sys_mbox_valid(sys_mbox_t *mbox)
{
  return *mbox != SYS_MBOX_NULL;
}

void sys_mbox_set_invalid(sys_mbox_t *mbox)
{
  *mbox = SYS_MBOX_NULL;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn thread,
                            void *arg, int stacksize, int prio)
{
  const osThreadAttr_t attributes = {
      .name = name,
      .stack_size = (uint32_t)stacksize,
      .priority = (osPriority_t)prio,
  };
  return osThreadNew(thread, arg, &attributes);
}

sys_prot_t sys_arch_protect(void)
{
  osMutexAcquire(lwip_sys_mutex, osWaitForever);
  return (sys_prot_t)1;
}

void sys_arch_unprotect(sys_prot_t pval)
{
  (void)pval;
  osMutexRelease(lwip_sys_mutex);
}

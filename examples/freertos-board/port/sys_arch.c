/*
 * sys_arch.c - the freertos-board's lwIP port (NO_SYS=0) on FreeRTOS.
 *
 * Semaphores are binary semaphores, mutexes FreeRTOS mutexes, mailboxes
 * queues of pointers, threads tasks; sys_arch_protect is a critical
 * section (the FromISR form in an interrupt).  Each task's netconn
 * semaphore (LWIP_NETCONN_SEM_PER_THREAD) lives in its thread-local
 * storage pointer SYS_ARCH_TLS_NETCONN_SEM, created on first use.
 *
 * PORT_SEM_LOOKUP_SCRATCH (the scratch profile): the lookup keeps the
 * current task in a file-scope variable while it reads the slot, as the
 * port of the field report kept its current task block - not reentrant.
 */
#include <string.h>

#include "lwip/opt.h"
#include "lwip/sys.h"

#include "FreeRTOS.h"
#include "queue.h"
#include "semphr.h"
#include "task.h"

static TickType_t ms_to_ticks(u32_t ms)
{
  if (ms == 0)
    return portMAX_DELAY;
  TickType_t t = pdMS_TO_TICKS(ms);
  return t ? t : 1;
}

static u32_t ticks_since(TickType_t start)
{
  return (u32_t)((xTaskGetTickCount() - start) * portTICK_PERIOD_MS);
}

void sys_init(void)
{
}

u32_t sys_now(void)
{
  return (u32_t)(xTaskGetTickCount() * portTICK_PERIOD_MS);
}

/* semaphores */

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
  *sem = xSemaphoreCreateBinary();
  if (*sem == NULL)
    return ERR_MEM;
  if (count)
    xSemaphoreGive(*sem);
  return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
  vSemaphoreDelete(*sem);
}

void sys_sem_signal(sys_sem_t *sem)
{
  xSemaphoreGive(*sem);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
  TickType_t start = xTaskGetTickCount();
  if (xSemaphoreTake(*sem, ms_to_ticks(timeout)) != pdTRUE)
    return SYS_ARCH_TIMEOUT;
  return ticks_since(start);
}

int sys_sem_valid(sys_sem_t *sem)
{
  return sem && *sem;
}

void sys_sem_set_invalid(sys_sem_t *sem)
{
  *sem = NULL;
}

/* mutexes */

err_t sys_mutex_new(sys_mutex_t *mutex)
{
  *mutex = xSemaphoreCreateMutex();
  return *mutex ? ERR_OK : ERR_MEM;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
  vSemaphoreDelete(*mutex);
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
  xSemaphoreTake(*mutex, portMAX_DELAY);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
  xSemaphoreGive(*mutex);
}

int sys_mutex_valid(sys_mutex_t *mutex)
{
  return mutex && *mutex;
}

void sys_mutex_set_invalid(sys_mutex_t *mutex)
{
  *mutex = NULL;
}

/* mailboxes */

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
  *mbox = xQueueCreate((UBaseType_t)size, sizeof(void *));
  return *mbox ? ERR_OK : ERR_MEM;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
  vQueueDelete(*mbox);
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
  xQueueSendToBack(*mbox, &msg, portMAX_DELAY);
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
  BaseType_t woken = pdFALSE;
  if (xQueueSendToBackFromISR(*mbox, &msg, &woken) != pdTRUE)
    return ERR_MEM;
  portYIELD_FROM_ISR(woken);
  return ERR_OK;
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
  if (xPortIsInsideInterrupt())
    return sys_mbox_trypost_fromisr(mbox, msg);
  return xQueueSendToBack(*mbox, &msg, 0) == pdTRUE ? ERR_OK : ERR_MEM;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
  void *dummy;
  TickType_t start = xTaskGetTickCount();
  if (xQueueReceive(*mbox, msg ? msg : &dummy, ms_to_ticks(timeout)) !=
      pdTRUE) {
    if (msg)
      *msg = NULL;
    return SYS_ARCH_TIMEOUT;
  }
  return ticks_since(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
  void *dummy;
  if (xQueueReceive(*mbox, msg ? msg : &dummy, 0) != pdTRUE)
    return SYS_MBOX_EMPTY;
  return 0;
}

int sys_mbox_valid(sys_mbox_t *mbox)
{
  return mbox && *mbox;
}

void sys_mbox_set_invalid(sys_mbox_t *mbox)
{
  *mbox = NULL;
}

/* threads */

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn thread,
                            void *arg, int stacksize, int prio)
{
  TaskHandle_t h = NULL;
  if (xTaskCreate(thread, name, (configSTACK_DEPTH_TYPE)stacksize, arg,
                  (UBaseType_t)prio, &h) != pdPASS)
    return NULL;
  return h;
}

/* per-thread semaphores */

void sys_arch_netconn_sem_alloc(void)
{
  if (pvTaskGetThreadLocalStoragePointer(NULL, SYS_ARCH_TLS_NETCONN_SEM))
    return;
  sys_sem_t *sem = pvPortMalloc(sizeof *sem);
  if (!sem)
    return;
  if (sys_sem_new(sem, 0) != ERR_OK) {
    vPortFree(sem);
    return;
  }
  vTaskSetThreadLocalStoragePointer(NULL, SYS_ARCH_TLS_NETCONN_SEM, sem);
}

void sys_arch_netconn_sem_free(void)
{
  sys_sem_t *sem =
      pvTaskGetThreadLocalStoragePointer(NULL, SYS_ARCH_TLS_NETCONN_SEM);
  if (sem) {
    vTaskSetThreadLocalStoragePointer(NULL, SYS_ARCH_TLS_NETCONN_SEM, NULL);
    sys_sem_free(sem);
    vPortFree(sem);
  }
}

#if defined(PORT_SEM_LOOKUP_SCRATCH) && PORT_SEM_LOOKUP_SCRATCH
static TaskHandle_t port_cur_task; /* the port's scratch: shared */

sys_sem_t *sys_arch_netconn_sem_get(void)
{
  port_cur_task = xTaskGetCurrentTaskHandle();
  if (pvTaskGetThreadLocalStoragePointer(port_cur_task,
                                         SYS_ARCH_TLS_NETCONN_SEM) == NULL)
    sys_arch_netconn_sem_alloc();
  return pvTaskGetThreadLocalStoragePointer(port_cur_task,
                                            SYS_ARCH_TLS_NETCONN_SEM);
}
#else
sys_sem_t *sys_arch_netconn_sem_get(void)
{
  TaskHandle_t self = xTaskGetCurrentTaskHandle();
  if (pvTaskGetThreadLocalStoragePointer(self, SYS_ARCH_TLS_NETCONN_SEM) ==
      NULL)
    sys_arch_netconn_sem_alloc();
  return pvTaskGetThreadLocalStoragePointer(self, SYS_ARCH_TLS_NETCONN_SEM);
}
#endif

/* protection: a critical section */

sys_prot_t sys_arch_protect(void)
{
  if (xPortIsInsideInterrupt())
    return taskENTER_CRITICAL_FROM_ISR();
  taskENTER_CRITICAL();
  return 0;
}

void sys_arch_unprotect(sys_prot_t pval)
{
  if (xPortIsInsideInterrupt())
    taskEXIT_CRITICAL_FROM_ISR(pval);
  else
    taskEXIT_CRITICAL();
}

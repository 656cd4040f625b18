/*
 * queue.c - lwipsim's FreeRTOS layer: queues by copy, and semaphores and
 * mutexes as queues of zero-size items, as in the kernel.  Written for
 * lwipsim from the FreeRTOS API reference; not FreeRTOS code.
 *
 * Waiting: a full queue's senders wait on `tx`, an empty one's receivers
 * on `rx` (the core wakes the highest priority first, FIFO among equals);
 * a woken task re-checks the queue, since an ISR or another task may have
 * come first, and waits again with what is left of its timeout.
 *
 * Mutexes: a task that must wait for a mutex raises its holder to its own
 * priority (inheritance); the holder goes back to its base priority when it
 * holds no mutex any more, and a waiter that times out lowers the holder
 * to the highest priority still waiting (or its base), as the kernel's
 * inheritance-after-timeout does for a holder of one mutex.
 */
#include <stdio.h>
#include <string.h>

#include "fr_priv.h"
#include "queue.h"
#include "semphr.h"

struct QueueDefinition {
  uint8_t type;
  UBaseType_t length, item_size, count;
  UBaseType_t head;         /* index of the oldest item */
  uint8_t *storage;         /* length * item_size bytes, or NULL */
  void *heap_block;         /* dynamic: from pvPortMalloc */
  sim_waitlist *rx, *tx;
  TaskHandle_t holder;      /* mutexes */
  UBaseType_t recursion;
  const char *reg_name;     /* vQueueAddToRegistry */
};

static bool fr_is_mutex(QueueHandle_t q)
{
  return q->type == queueQUEUE_TYPE_MUTEX ||
         q->type == queueQUEUE_TYPE_RECURSIVE_MUTEX;
}

static const char *fr_kind(uint8_t type)
{
  switch (type) {
  case queueQUEUE_TYPE_MUTEX:
    return "mutex";
  case queueQUEUE_TYPE_RECURSIVE_MUTEX:
    return "rmutex";
  case queueQUEUE_TYPE_COUNTING_SEMAPHORE:
    return "csem";
  case queueQUEUE_TYPE_BINARY_SEMAPHORE:
    return "bsem";
  default:
    return "queue";
  }
}

static QueueHandle_t fr_queue_new(const char *call, UBaseType_t len,
                                  UBaseType_t size, uint8_t *storage,
                                  bool dynamic, uint8_t type)
{
  fr_not_in_isr(call);
  if (len == 0)
    return NULL;
  void *block = NULL;
  if (dynamic) {
    /* The kernel's queue comes from the FreeRTOS heap, storage included. */
    block = pvPortMalloc(sizeof(StaticQueue_t) + (size_t)len * size);
    if (!block)
      return NULL;
    storage = size ? (uint8_t *)block + sizeof(StaticQueue_t) : NULL;
  } else if (size && !storage) {
    return NULL;
  }
  QueueHandle_t q = fr_alloc(sizeof *q);
  q->type = type;
  q->length = len;
  q->item_size = size;
  q->storage = storage;
  q->heap_block = block;
  /* The core's names distinguish sem, mutex, mbox; a FreeRTOS object's
   * kind says which API made it. */
  q->rx = sim_waitlist_new(fr_kind(type));
  q->tx = sim_waitlist_new(fr_kind(type));
  return q;
}

QueueHandle_t xQueueGenericCreate(const UBaseType_t uxQueueLength,
                                  const UBaseType_t uxItemSize,
                                  const uint8_t ucQueueType)
{
  return fr_queue_new("xQueueCreate", uxQueueLength, uxItemSize, NULL, true,
                      ucQueueType);
}

QueueHandle_t xQueueGenericCreateStatic(const UBaseType_t uxQueueLength,
                                        const UBaseType_t uxItemSize,
                                        uint8_t *pucQueueStorage,
                                        StaticQueue_t *pxStaticQueue,
                                        const uint8_t ucQueueType)
{
  if (!pxStaticQueue)
    return NULL;
  return fr_queue_new("xQueueCreateStatic", uxQueueLength, uxItemSize,
                      pucQueueStorage, false, ucQueueType);
}

static QueueHandle_t fr_mutex_init(QueueHandle_t q)
{
  /* A new mutex is available: one "item" in it. */
  if (q)
    q->count = 1;
  return q;
}

QueueHandle_t xQueueCreateMutex(const uint8_t ucQueueType)
{
  return fr_mutex_init(
      fr_queue_new("xSemaphoreCreateMutex", 1, 0, NULL, true, ucQueueType));
}

QueueHandle_t xQueueCreateMutexStatic(const uint8_t ucQueueType,
                                      StaticQueue_t *pxStaticQueue)
{
  if (!pxStaticQueue)
    return NULL;
  return fr_mutex_init(fr_queue_new("xSemaphoreCreateMutexStatic", 1, 0,
                                    NULL, false, ucQueueType));
}

QueueHandle_t xQueueCreateCountingSemaphore(const UBaseType_t uxMaxCount,
                                            const UBaseType_t uxInitialCount)
{
  if (uxInitialCount > uxMaxCount)
    return NULL;
  QueueHandle_t q = fr_queue_new("xSemaphoreCreateCounting", uxMaxCount, 0,
                                 NULL, true,
                                 queueQUEUE_TYPE_COUNTING_SEMAPHORE);
  if (q)
    q->count = uxInitialCount;
  return q;
}

QueueHandle_t xQueueCreateCountingSemaphoreStatic(const UBaseType_t uxMaxCount,
                                                  const UBaseType_t uxInitialCount,
                                                  StaticQueue_t *pxStaticQueue)
{
  if (uxInitialCount > uxMaxCount || !pxStaticQueue)
    return NULL;
  QueueHandle_t q = fr_queue_new("xSemaphoreCreateCountingStatic", uxMaxCount,
                                 0, NULL, false,
                                 queueQUEUE_TYPE_COUNTING_SEMAPHORE);
  if (q)
    q->count = uxInitialCount;
  return q;
}

void vQueueDelete(QueueHandle_t xQueue)
{
  fr_not_in_isr("vQueueDelete");
  if (!xQueue)
    fr_fault("vQueueDelete: NULL queue");
  sim_waitlist_free(xQueue->rx, "vQueueDelete");
  sim_waitlist_free(xQueue->tx, "vQueueDelete");
  vPortFree(xQueue->heap_block);
  fr_free(xQueue);
}

void vQueueAddToRegistry(QueueHandle_t xQueue, const char *pcQueueName)
{
  xQueue->reg_name = pcQueueName;
  if (pcQueueName) {
    sim_waitlist_set_name(xQueue->rx, pcQueueName);
    sim_waitlist_set_name(xQueue->tx, pcQueueName);
  }
}

void vQueueUnregisterQueue(QueueHandle_t xQueue)
{
  xQueue->reg_name = NULL;
}

const char *pcQueueGetName(QueueHandle_t xQueue)
{
  return xQueue->reg_name;
}

/* ------------------------------------------------------------------ */
/* the ring                                                            */

static void fr_copy_in(QueueHandle_t q, const void *item, BaseType_t pos)
{
  if (q->item_size == 0) {
    q->count++;
    return;
  }
  if (pos == queueOVERWRITE && q->count == q->length) {
    /* A queue of one: the item is replaced. */
    memcpy(q->storage + q->head * q->item_size, item, q->item_size);
    return;
  }
  UBaseType_t slot;
  if (pos == queueSEND_TO_FRONT) {
    q->head = (q->head + q->length - 1) % q->length;
    slot = q->head;
  } else {
    slot = (q->head + q->count) % q->length;
  }
  memcpy(q->storage + slot * q->item_size, item, q->item_size);
  q->count++;
}

static void fr_copy_out(QueueHandle_t q, void *buf, bool remove)
{
  if (q->item_size && buf)
    memcpy(buf, q->storage + q->head * q->item_size, q->item_size);
  if (!remove)
    return;
  if (q->item_size)
    q->head = (q->head + 1) % q->length;
  q->count--;
}

/* ------------------------------------------------------------------ */
/* mutex holders and priority inheritance                              */

static void fr_mutex_taken(QueueHandle_t q, TaskHandle_t self)
{
  q->holder = self;
  self->mutexes_held++;
}

/* The holder gives the mutex back: its base priority returns when it holds
 * no other mutex.  Under the scheduler lock, so the switch this may cause
 * comes after the waiter is woken (the caller unlocks). */
static void fr_mutex_released(QueueHandle_t q)
{
  TaskHandle_t h = q->holder;
  q->holder = NULL;
  if (!h)
    return;
  h->mutexes_held--;
  if (h->mutexes_held == 0 && h->prio != h->base_prio)
    fr_task_set_prio(h, h->base_prio);
}

static void fr_inherit(QueueHandle_t q, TaskHandle_t self)
{
  TaskHandle_t h = q->holder;
  if (h && h->prio < self->prio)
    fr_task_set_prio(h, self->prio);
}

static void fr_disinherit_after_timeout(QueueHandle_t q)
{
  TaskHandle_t h = q->holder;
  if (!h || h->mutexes_held != 1)
    return;
  UBaseType_t want = h->base_prio;
  sim_thread *w = sim_waitlist_best(q->rx);
  if (w && (UBaseType_t)sim_thread_prio(w) > want)
    want = (UBaseType_t)sim_thread_prio(w);
  if (h->prio != want)
    fr_task_set_prio(h, want);
}

/* ------------------------------------------------------------------ */
/* send                                                                */

static bool fr_room(QueueHandle_t q, BaseType_t pos)
{
  return q->count < q->length || (pos == queueOVERWRITE && q->length == 1);
}

/* After an item went in: a waiting receiver becomes ready. */
static sim_thread *fr_after_put(QueueHandle_t q)
{
  return sim_waitlist_wake(q->rx);
}

BaseType_t xQueueGenericSend(QueueHandle_t xQueue,
                             const void *const pvItemToQueue,
                             TickType_t xTicksToWait,
                             const BaseType_t xCopyPosition)
{
  QueueHandle_t q = xQueue;
  bool mutex = fr_is_mutex(q);
  const char *call = mutex || !q->item_size ? "xSemaphoreGive" : "xQueueSend";
  fr_not_in_isr(call);
  if (xCopyPosition == queueOVERWRITE && q->length != 1)
    fr_fault("xQueueOverwrite: queue of length %lu (only a queue of one "
             "item may be overwritten)", (unsigned long)q->length);
  if (mutex) {
    TaskHandle_t self = fr_current();
    if (q->holder != self)
      fr_fault("xSemaphoreGive: mutex given by %s, which does not hold it",
               self ? self->name : "?");
    if (q->type == queueQUEUE_TYPE_RECURSIVE_MUTEX && q->recursion > 1)
      fr_fault("xSemaphoreGive: recursive mutex held %lu times; use "
               "xSemaphoreGiveRecursive", (unsigned long)q->recursion);
    q->recursion = 0;
    sim_sched_lock();
    fr_mutex_released(q);
    q->count++;
    fr_after_put(q);
    sim_sched_unlock();
    return pdPASS;
  }
  uint64_t deadline = 0;
  bool timed = false;
  for (;;) {
    if (fr_room(q, xCopyPosition)) {
      fr_copy_in(q, pvItemToQueue, xCopyPosition);
      if (fr_after_put(q))
        sim_resched();
      return pdPASS;
    }
    if (xTicksToWait == 0)
      return errQUEUE_FULL;
    if (!timed) {
      if (sim_sched_lock_depth())
        fr_fault("%s: would block with the scheduler suspended", call);
      deadline = fr_wait_deadline(xTicksToWait);
      timed = true;
    }
    uint64_t left = fr_left(deadline);
    if (left == 0)
      return errQUEUE_FULL;
    (void)sim_waitlist_block(q->tx, "send", left);
  }
}

/* pxHigherPriorityTaskWoken for a thread an ISR call made ready. */
static void fr_isr_woke(sim_thread *t, BaseType_t *woken)
{
  if (!t)
    return;
  if (woken && fr_woke_higher(t))
    *woken = pdTRUE;
  sim_resched(); /* deferred to the end of the ISR when in one */
}

BaseType_t xQueueGenericSendFromISR(QueueHandle_t xQueue,
                                    const void *const pvItemToQueue,
                                    BaseType_t *const pxHigherPriorityTaskWoken,
                                    const BaseType_t xCopyPosition)
{
  QueueHandle_t q = xQueue;
  if (fr_is_mutex(q))
    fr_fault("xQueueSendFromISR: on a mutex (mutexes cannot be given from "
             "interrupt context)");
  if (xCopyPosition == queueOVERWRITE && q->length != 1)
    fr_fault("xQueueOverwriteFromISR: queue of length %lu",
             (unsigned long)q->length);
  if (!fr_room(q, xCopyPosition))
    return errQUEUE_FULL;
  fr_copy_in(q, pvItemToQueue, xCopyPosition);
  fr_isr_woke(fr_after_put(q), pxHigherPriorityTaskWoken);
  return pdPASS;
}

BaseType_t xQueueGiveFromISR(QueueHandle_t xQueue,
                             BaseType_t *const pxHigherPriorityTaskWoken)
{
  QueueHandle_t q = xQueue;
  if (fr_is_mutex(q))
    fr_fault("xSemaphoreGiveFromISR: on a mutex (a mutex has an owner "
             "task and cannot be given from interrupt context)");
  if (q->item_size)
    fr_fault("xSemaphoreGiveFromISR: on a queue of items");
  if (q->count >= q->length)
    return errQUEUE_FULL;
  q->count++;
  fr_isr_woke(fr_after_put(q), pxHigherPriorityTaskWoken);
  return pdPASS;
}

/* ------------------------------------------------------------------ */
/* receive, peek, take                                                 */

static BaseType_t fr_receive(const char *call, QueueHandle_t q, void *buf,
                             TickType_t ticks, bool remove)
{
  fr_not_in_isr(call);
  TaskHandle_t self = fr_current();
  bool mutex = fr_is_mutex(q);
  if (mutex && q->holder == self && q->count == 0)
    fr_fault("%s: %s takes a mutex it already holds (not recursive: a "
             "self-deadlock)", call, self->name);
  uint64_t deadline = 0;
  bool timed = false, inherited = false;
  for (;;) {
    if (q->count > 0) {
      fr_copy_out(q, buf, remove);
      if (mutex && remove)
        fr_mutex_taken(q, self);
      if (remove && sim_waitlist_wake(q->tx))
        sim_resched();
      else if (!remove && sim_waitlist_wake(q->rx))
        sim_resched(); /* a peek leaves the item for the next reader */
      return pdPASS;
    }
    if (ticks == 0)
      return errQUEUE_EMPTY;
    if (!timed) {
      if (sim_sched_lock_depth())
        fr_fault("%s: would block with the scheduler suspended", call);
      deadline = fr_wait_deadline(ticks);
      timed = true;
    }
    uint64_t left = fr_left(deadline);
    if (left == 0) {
      if (inherited)
        fr_disinherit_after_timeout(q);
      return errQUEUE_EMPTY;
    }
    if (mutex) {
      fr_inherit(q, self);
      inherited = true;
    }
    (void)sim_waitlist_block(q->rx, mutex ? "take" : remove ? "receive"
                                                            : "peek",
                             left);
  }
}

BaseType_t xQueueReceive(QueueHandle_t xQueue, void *const pvBuffer,
                         TickType_t xTicksToWait)
{
  return fr_receive("xQueueReceive", xQueue, pvBuffer, xTicksToWait, true);
}

BaseType_t xQueuePeek(QueueHandle_t xQueue, void *const pvBuffer,
                      TickType_t xTicksToWait)
{
  return fr_receive("xQueuePeek", xQueue, pvBuffer, xTicksToWait, false);
}

BaseType_t xQueueSemaphoreTake(QueueHandle_t xQueue, TickType_t xTicksToWait)
{
  return fr_receive("xSemaphoreTake", xQueue, NULL, xTicksToWait, true);
}

BaseType_t xQueueReceiveFromISR(QueueHandle_t xQueue, void *const pvBuffer,
                                BaseType_t *const pxHigherPriorityTaskWoken)
{
  QueueHandle_t q = xQueue;
  if (fr_is_mutex(q))
    fr_fault("xSemaphoreTakeFromISR: on a mutex (mutexes cannot be taken "
             "in interrupt context)");
  if (q->count == 0)
    return pdFAIL;
  fr_copy_out(q, pvBuffer, true);
  fr_isr_woke(sim_waitlist_wake(q->tx), pxHigherPriorityTaskWoken);
  return pdPASS;
}

BaseType_t xQueuePeekFromISR(QueueHandle_t xQueue, void *const pvBuffer)
{
  QueueHandle_t q = xQueue;
  if (fr_is_mutex(q) || q->item_size == 0)
    fr_fault("xQueuePeekFromISR: on a semaphore");
  if (q->count == 0)
    return pdFAIL;
  fr_copy_out(q, pvBuffer, false);
  return pdPASS;
}

/* ------------------------------------------------------------------ */
/* recursive mutexes                                                   */

BaseType_t xQueueTakeMutexRecursive(QueueHandle_t xMutex, TickType_t xTicksToWait)
{
  fr_not_in_isr("xSemaphoreTakeRecursive");
  QueueHandle_t q = xMutex;
  if (q->type != queueQUEUE_TYPE_RECURSIVE_MUTEX)
    fr_fault("xSemaphoreTakeRecursive: not a recursive mutex");
  TaskHandle_t self = fr_current();
  if (q->holder == self) {
    q->recursion++;
    return pdPASS;
  }
  BaseType_t rc = fr_receive("xSemaphoreTakeRecursive", q, NULL, xTicksToWait,
                             true);
  if (rc == pdPASS)
    q->recursion = 1;
  return rc;
}

BaseType_t xQueueGiveMutexRecursive(QueueHandle_t xMutex)
{
  fr_not_in_isr("xSemaphoreGiveRecursive");
  QueueHandle_t q = xMutex;
  if (q->type != queueQUEUE_TYPE_RECURSIVE_MUTEX)
    fr_fault("xSemaphoreGiveRecursive: not a recursive mutex");
  if (q->holder != fr_current())
    return pdFAIL;
  if (--q->recursion > 0)
    return pdPASS;
  q->recursion = 1; /* xQueueGenericSend checks and clears it */
  return xQueueGenericSend(q, NULL, 0, queueSEND_TO_BACK);
}

TaskHandle_t xQueueGetMutexHolder(QueueHandle_t xSemaphore)
{
  return fr_is_mutex(xSemaphore) ? xSemaphore->holder : NULL;
}

TaskHandle_t xQueueGetMutexHolderFromISR(QueueHandle_t xSemaphore)
{
  return xQueueGetMutexHolder(xSemaphore);
}

/* ------------------------------------------------------------------ */
/* state                                                               */

UBaseType_t uxQueueMessagesWaiting(const QueueHandle_t xQueue)
{
  return xQueue->count;
}

UBaseType_t uxQueueMessagesWaitingFromISR(const QueueHandle_t xQueue)
{
  return xQueue->count;
}

UBaseType_t uxQueueSpacesAvailable(const QueueHandle_t xQueue)
{
  return xQueue->length - xQueue->count;
}

BaseType_t xQueueIsQueueEmptyFromISR(const QueueHandle_t xQueue)
{
  return xQueue->count == 0 ? pdTRUE : pdFALSE;
}

BaseType_t xQueueIsQueueFullFromISR(const QueueHandle_t xQueue)
{
  return xQueue->count == xQueue->length ? pdTRUE : pdFALSE;
}

BaseType_t xQueueGenericReset(QueueHandle_t xQueue, BaseType_t xNewQueue)
{
  (void)xNewQueue;
  QueueHandle_t q = xQueue;
  if (fr_is_mutex(q))
    fr_fault("xQueueReset: on a mutex");
  q->count = 0;
  q->head = 0;
  /* Senders blocked on a full queue may go on; one is woken, as the
   * kernel unblocks one, and the others follow as room stays. */
  if (sim_waitlist_wake(q->tx))
    sim_resched();
  return pdPASS;
}

/*
 * test_freertos.c - unit tests of lwipsim's FreeRTOS layer (rtos/freertos)
 * against the kernel's documented behaviour, one API area at a time, and
 * the faults its misuse ends a run with.  Each test names, in a comment,
 * the section of the FreeRTOS documentation it checks.
 *
 * Built twice: test_freertos at 1000 Hz ticks and test_freertos_100hz at
 * 100 Hz (TEST_TICK_HZ; tests/unit/rtos_config/FreeRTOSConfig.h).  The
 * harness (harness.h) runs each test's main as sim thread "main" at
 * priority 0, which the layer adopts as a task; FreeRTOS tasks log with
 * note() and the test asserts the exact log after the run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "FreeRTOS.h"
#include "queue.h"
#include "semphr.h"
#include "task.h"
#include "timers.h"

#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"

#include "harness.h"

static ts *T;                    /* the running test's state */
static SemaphoreHandle_t done;   /* tasks give it once each at their end */
static SemaphoreHandle_t sem, mtx;
static QueueHandle_t q;
static TaskHandle_t h_low, h_mid, h_high;
static void *heap_block;

static void finish(void)
{
  xSemaphoreGive(done);
  vTaskDelete(NULL);
}

static void wait_tasks(int n)
{
  for (int i = 0; i < n; i++)
    xSemaphoreTake(done, portMAX_DELAY);
}

/* Runs `fn` as main (priority 0) with a fresh `done` semaphore. */
static void go(ts *st, sim_thread_fn fn)
{
  T = st;
  run_main(st, fn, 0);
  if (getenv("TEST_VERBOSE"))
    fprintf(stderr, "end %s: %s | log: %s\n", sim_end_name(st->out.end),
            st->out.message, st->log);
}

static void start(void)
{
  done = xSemaphoreCreateCounting(16, 0);
  vTaskStartScheduler();
}

static void assert_fault(const ts *st, const char *want)
{
  assert_end(st, SIM_END_FAULT);
  if (!strstr(st->out.message, want))
    fail_msg("fault \"%s\" does not say \"%s\"", st->out.message, want);
}

/* ------------------------------------------------------------------ */
/* semaphores                                                          */

/* FreeRTOS API reference: xSemaphoreCreateBinary, xSemaphoreGive (a give on
 * a semaphore already given fails) */
static void binary_main(void *arg)
{
  (void)arg;
  start();
  sem = xSemaphoreCreateBinary();
  note(T, "take0=%ld", (long)xSemaphoreTake(sem, 0));
  note(T, "give=%ld", (long)xSemaphoreGive(sem));
  note(T, "give=%ld", (long)xSemaphoreGive(sem));
  note(T, "count=%lu", (unsigned long)uxSemaphoreGetCount(sem));
  note(T, "take=%ld", (long)xSemaphoreTake(sem, 0));
  note(T, "take=%ld", (long)xSemaphoreTake(sem, 0));
  vSemaphoreDelete(sem);
}

static void test_binary_given_twice_taken_once(void **state)
{
  go(*state, binary_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "take0=0 give=1 give=0 count=1 take=1 take=0");
}

/* FreeRTOS API reference: xSemaphoreCreateCounting, uxSemaphoreGetCount */
static void counting_main(void *arg)
{
  (void)arg;
  start();
  sem = xSemaphoreCreateCounting(3, 1);
  note(T, "n=%lu", (unsigned long)uxSemaphoreGetCount(sem));
  for (int i = 0; i < 3; i++)
    note(T, "g=%ld", (long)xSemaphoreGive(sem));
  note(T, "n=%lu", (unsigned long)uxSemaphoreGetCount(sem));
  for (int i = 0; i < 4; i++)
    note(T, "t=%ld", (long)xSemaphoreTake(sem, 0));
  TickType_t t0 = xTaskGetTickCount();
  BaseType_t rc = xSemaphoreTake(sem, 5);
  note(T, "wait=%ld after=%lu", (long)rc,
       (unsigned long)(xTaskGetTickCount() - t0));
  note(T, "bad=%s", xSemaphoreCreateCounting(2, 3) ? "made" : "NULL");
}

static void test_counting(void **state)
{
  go(*state, counting_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "n=1 g=1 g=1 g=0 n=3 t=1 t=1 t=1 t=0 "
                              "wait=0 after=5 bad=NULL");
}

/* ------------------------------------------------------------------ */
/* mutexes                                                             */

static void pi_high(void *arg)
{
  (void)arg;
  note(T, "high:take");
  xSemaphoreTake(mtx, portMAX_DELAY);
  note(T, "high:got");
  xSemaphoreGive(mtx);
  finish();
}

static void pi_mid(void *arg)
{
  (void)arg;
  note(T, "mid:ran");
  finish();
}

static void pi_low(void *arg)
{
  (void)arg;
  xSemaphoreTake(mtx, portMAX_DELAY);
  xTaskCreate(pi_high, "high", 256, NULL, 3, &h_high);
  note(T, "low:prio=%lu", (unsigned long)uxTaskPriorityGet(NULL));
  xTaskCreate(pi_mid, "mid", 256, NULL, 2, &h_mid);
  note(T, "low:give");
  xSemaphoreGive(mtx);
  note(T, "low:after prio=%lu", (unsigned long)uxTaskPriorityGet(NULL));
  finish();
}

static void pi_main(void *arg)
{
  (void)arg;
  mtx = xSemaphoreCreateMutex();
  xTaskCreate(pi_low, "low", 256, NULL, 1, &h_low);
  start();
  wait_tasks(3);
}

/* FreeRTOS API reference: xSemaphoreCreateMutex (priority inheritance: the
 * holder runs at the waiter's priority until it gives the mutex back, and
 * the waiter runs at once then) */
static void test_mutex_priority_inheritance(void **state)
{
  go(*state, pi_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "high:take low:prio=3 low:give high:got "
                              "mid:ran low:after prio=1");
}

static void pit_high(void *arg)
{
  (void)arg;
  note(T, "high:%ld", (long)xSemaphoreTake(mtx, 10));
  finish();
}

static void pit_low(void *arg)
{
  (void)arg;
  xSemaphoreTake(mtx, portMAX_DELAY);
  xTaskCreate(pit_high, "high", 256, NULL, 4, NULL);
  note(T, "low:prio=%lu", (unsigned long)uxTaskPriorityGet(NULL));
  TickType_t t0 = xTaskGetTickCount();
  while (xTaskGetTickCount() - t0 < 20)
    sim_sleep_us(1000000 / configTICK_RATE_HZ); /* busy: not a FreeRTOS wait */
  note(T, "low:prio=%lu", (unsigned long)uxTaskPriorityGet(NULL));
  xSemaphoreGive(mtx);
  finish();
}

static void pit_main(void *arg)
{
  (void)arg;
  mtx = xSemaphoreCreateMutex();
  xTaskCreate(pit_low, "low", 256, NULL, 1, NULL);
  start();
  wait_tasks(2);
}

/* FreeRTOS API reference: xSemaphoreTake (a mutex waiter that times out
 * gives its inherited priority back: the holder drops to its base) */
static void test_mutex_inheritance_after_timeout(void **state)
{
  go(*state, pit_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "low:prio=4 high:0 low:prio=1");
}

/* FreeRTOS API reference: xSemaphoreCreateRecursiveMutex,
 * xSemaphoreTakeRecursive, xSemaphoreGiveRecursive */
static void recursive_other(void *arg)
{
  (void)arg;
  note(T, "other:%ld", (long)xSemaphoreTakeRecursive(mtx, 0));
  note(T, "other-give:%ld", (long)xSemaphoreGiveRecursive(mtx));
  finish();
}

static void recursive_main(void *arg)
{
  (void)arg;
  start();
  mtx = xSemaphoreCreateRecursiveMutex();
  for (int i = 0; i < 3; i++)
    note(T, "t%d=%ld", i, (long)xSemaphoreTakeRecursive(mtx, 0));
  xTaskCreate(recursive_other, "other", 256, NULL, 2, NULL);
  wait_tasks(1);
  for (int i = 0; i < 3; i++)
    note(T, "g%d=%ld", i, (long)xSemaphoreGiveRecursive(mtx));
  BaseType_t rc = xSemaphoreGiveRecursive(mtx);
  note(T, "g3=%ld holder=%s", (long)rc,
       xSemaphoreGetMutexHolder(mtx) ? "set" : "none");
}

static void test_recursive_mutex(void **state)
{
  go(*state, recursive_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "t0=1 t1=1 t2=1 other:0 other-give:0 g0=1 "
                              "g1=1 g2=1 g3=0 holder=none");
}

/* ------------------------------------------------------------------ */
/* queues                                                              */

/* FreeRTOS API reference: xQueueSendToFront, xQueueSendToBack,
 * xQueueReceive, xQueuePeek, uxQueueMessagesWaiting, xQueueOverwrite */
static void queue_main(void *arg)
{
  (void)arg;
  start();
  q = xQueueCreate(4, sizeof(int));
  int v = 1;
  xQueueSendToBack(q, &v, 0);
  v = 2;
  xQueueSendToBack(q, &v, 0);
  v = 3;
  xQueueSendToFront(q, &v, 0);
  v = 4;
  xQueueSend(q, &v, 0);
  v = 5;
  note(T, "full=%ld waiting=%lu", (long)xQueueSend(q, &v, 0),
       (unsigned long)uxQueueMessagesWaiting(q));
  int got = 0;
  xQueuePeek(q, &got, 0);
  note(T, "peek=%d", got);
  while (xQueueReceive(q, &got, 0) == pdPASS)
    note(T, "%d", got);
  note(T, "spaces=%lu", (unsigned long)uxQueueSpacesAvailable(q));
  QueueHandle_t one = xQueueCreate(1, sizeof(int));
  v = 7;
  xQueueOverwrite(one, &v);
  v = 8;
  note(T, "ow=%ld", (long)xQueueOverwrite(one, &v));
  xQueueReceive(one, &got, 0);
  note(T, "one=%d", got);
}

static void test_queue_order(void **state)
{
  go(*state, queue_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "full=0 waiting=4 peek=3 3 1 2 4 spaces=4 "
                              "ow=1 one=8");
}

static void qblock_rx(void *arg)
{
  (void)arg;
  int v;
  while (xQueueReceive(q, &v, pdMS_TO_TICKS(50)) == pdPASS)
    note(T, "rx%d@%llu", v, now());
  note(T, "rx-timeout@%llu", now());
  finish();
}

/* FreeRTOS API reference: xQueueReceive (blocks until an item arrives or
 * the block time passes), xQueueSend (blocks while full) */
static void qblock_main(void *arg)
{
  (void)arg;
  q = xQueueCreate(1, sizeof(int));
  xTaskCreate(qblock_rx, "rx", 256, NULL, 2, NULL);
  start();
  for (int v = 1; v <= 3; v++) {
    vTaskDelay(pdMS_TO_TICKS(20));
    xQueueSend(q, &v, portMAX_DELAY);
  }
  wait_tasks(1);
}

static void test_queue_blocking(void **state)
{
  go(*state, qblock_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "rx1@20000 rx2@40000 rx3@60000 "
                              "rx-timeout@110000");
}

/* ------------------------------------------------------------------ */
/* FromISR calls and portYIELD_FROM_ISR                                */

static int irq_give;

static void isr_give(void *arg)
{
  (void)arg;
  BaseType_t woken = pdFALSE;
  BaseType_t rc = xSemaphoreGiveFromISR(sem, &woken);
  note(T, "isr:rc=%ld woken=%ld", (long)rc, (long)woken);
  portYIELD_FROM_ISR(woken);
  note(T, "isr:end");
}

static void fi_waiter(void *arg)
{
  (void)arg;
  xSemaphoreTake(sem, portMAX_DELAY);
  note(T, "%s:got", pcTaskGetName(NULL));
  finish();
}

static void fi_raiser(void *arg)
{
  (void)arg;
  sim_irq_raise(irq_give);
  sim_point("after_raise");
  note(T, "raiser:after");
  finish();
}

static int waiter_prio;

static void fromisr_main(void)
{
  sem = xSemaphoreCreateBinary();
  irq_give = sim_irq_register("give", 1, isr_give, NULL);
  xTaskCreate(fi_waiter, "waiter", 256, NULL, (UBaseType_t)waiter_prio, NULL);
  xTaskCreate(fi_raiser, "raiser", 256, NULL, 2, NULL);
  start();
  wait_tasks(2);
}

static void fromisr_high_main(void *arg)
{
  (void)arg;
  waiter_prio = 3;
  fromisr_main();
}

static void fromisr_low_main(void *arg)
{
  (void)arg;
  waiter_prio = 1;
  fromisr_main();
}

/* FreeRTOS API reference: xSemaphoreGiveFromISR (pxHigherPriorityTaskWoken
 * is set when the give unblocks a task of higher priority than the one
 * interrupted; the switch happens at portYIELD_FROM_ISR, at the handler's
 * end) */
static void test_fromisr_wakes_higher(void **state)
{
  go(*state, fromisr_high_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "isr:rc=1 woken=1 isr:end waiter:got "
                              "raiser:after");
}

/* FreeRTOS API reference: xSemaphoreGiveFromISR (a lower-priority task
 * woken leaves pxHigherPriorityTaskWoken pdFALSE: no switch) */
static void test_fromisr_wakes_lower(void **state)
{
  go(*state, fromisr_low_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "isr:rc=1 woken=0 isr:end raiser:after "
                              "waiter:got");
}

static int irq_q;

static void isr_queue(void *arg)
{
  (void)arg;
  BaseType_t woken = pdFALSE;
  int v = 42;
  note(T, "isr:send=%ld", (long)xQueueSendFromISR(q, &v, &woken));
  BaseType_t rc = xQueueSendFromISR(q, &v, &woken);
  note(T, "isr:send=%ld woken=%ld", (long)rc, (long)woken);
  portYIELD_FROM_ISR(woken);
}

static void qisr_rx(void *arg)
{
  (void)arg;
  int v = 0;
  xQueueReceive(q, &v, portMAX_DELAY);
  note(T, "rx:%d", v);
  finish();
}

static void qisr_main(void *arg)
{
  (void)arg;
  q = xQueueCreate(1, sizeof(int));
  irq_q = sim_irq_register("q", 1, isr_queue, NULL);
  xTaskCreate(qisr_rx, "rx", 256, NULL, 3, NULL);
  start();
  sim_irq_raise(irq_q);
  sim_point("raised");
  note(T, "main:after");
  wait_tasks(1);
}

/* FreeRTOS API reference: xQueueSendFromISR (never blocks: a full queue
 * returns errQUEUE_FULL) */
static void test_queue_fromisr(void **state)
{
  go(*state, qisr_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "isr:send=1 isr:send=0 woken=1 rx:42 "
                              "main:after");
}

/* ------------------------------------------------------------------ */
/* ticks and delays                                                    */

static void delay_task(void *arg)
{
  (void)arg;
  sim_sleep_us(2500); /* mid-tick at 1000 Hz and at 100 Hz */
  note(T, "tick=%lu", (unsigned long)xTaskGetTickCount());
  vTaskDelay(pdMS_TO_TICKS(15));
  note(T, "woke@%llu tick=%lu", now(), (unsigned long)xTaskGetTickCount());
  vTaskDelay(1);
  note(T, "woke@%llu", now());
  finish();
}

static void delay_main(void *arg)
{
  (void)arg;
  xTaskCreate(delay_task, "d", 256, NULL, 1, NULL);
  start();
  wait_tasks(1);
}

/* FreeRTOS API reference: vTaskDelay, pdMS_TO_TICKS (a delay of n ticks
 * ends at the n-th tick interrupt from now: n-1 to n tick periods) */
static void test_delay_rounding(void **state)
{
  go(*state, delay_main);
  assert_normal_end(*state);
#if TEST_TICK_HZ == 100
  /* 15 ms is 1 tick of 10 ms: from 2.5 ms the next tick is at 10 ms. */
  assert_string_equal(T->log, "tick=0 woke@10000 tick=1 woke@20000");
#else
  /* 15 ticks of 1 ms from tick 2 (at 2.5 ms): tick 17. */
  assert_string_equal(T->log, "tick=2 woke@17000 tick=17 woke@18000");
#endif
}

static void until_task(void *arg)
{
  (void)arg;
  TickType_t last = xTaskGetTickCount();
  TickType_t t0 = last;
  for (int i = 0; i < 1000; i++) {
    sim_sleep_us(3000); /* work within each period */
    vTaskDelayUntil(&last, 10);
  }
  note(T, "ticks=%lu at=%llu", (unsigned long)(xTaskGetTickCount() - t0),
       now());
  finish();
}

static void until_main(void *arg)
{
  (void)arg;
  xTaskCreate(until_task, "u", 256, NULL, 1, NULL);
  start();
  wait_tasks(1);
}

/* FreeRTOS API reference: vTaskDelayUntil (a fixed frequency: the work in
 * each period does not add up) */
static void test_delay_until_no_drift(void **state)
{
  go(*state, until_main);
  assert_normal_end(*state);
#if TEST_TICK_HZ == 100
  assert_string_equal(T->log, "ticks=10000 at=100000000");
#else
  assert_string_equal(T->log, "ticks=10000 at=10000000");
#endif
}

/* ------------------------------------------------------------------ */
/* timers                                                              */

static TimerHandle_t tmr;

static void timer_cb(TimerHandle_t t)
{
  int *n = pvTimerGetTimerID(t);
  note(T, "cb:%s prio=%lu tick=%lu", pcTaskGetName(NULL),
       (unsigned long)uxTaskPriorityGet(NULL),
       (unsigned long)xTaskGetTickCount());
  if (++*n == 3)
    xTimerStop(t, 0);
}

static void timer_main(void *arg)
{
  (void)arg;
  static int n;
  n = 0;
  tmr = xTimerCreate("t", 5, pdTRUE, &n, timer_cb);
  start();
  xTimerStart(tmr, 0);
  note(T, "active=%ld", (long)xTimerIsTimerActive(tmr));
  vTaskDelay(40);
  note(T, "active=%ld n=%d", (long)xTimerIsTimerActive(tmr), n);
  xTimerChangePeriod(tmr, 7, 0);
  vTaskDelay(8);
  note(T, "n=%d", n);
  xTimerDelete(tmr, 0);
}

/* FreeRTOS API reference: xTimerCreate, xTimerStart, xTimerStop,
 * xTimerChangePeriod ("Software Timers": callbacks run in the timer
 * service task, at configTIMER_TASK_PRIORITY) */
static void test_timer_callbacks_in_timer_task(void **state)
{
  go(*state, timer_main);
  assert_normal_end(*state);
  assert_string_equal(T->log,
                      "active=1 cb:Tmr Svc prio=50 tick=5 "
                      "cb:Tmr Svc prio=50 tick=10 cb:Tmr Svc prio=50 tick=15 "
                      "active=0 n=3 cb:Tmr Svc prio=50 tick=47 n=4");
}

/* ------------------------------------------------------------------ */
/* tasks                                                               */

static void susp_task(void *arg)
{
  (void)arg;
  for (int i = 0;; i++) {
    note(T, "s%d@%llu", i, now());
    vTaskDelay(10);
  }
}

static void susp_main(void *arg)
{
  (void)arg;
  TaskHandle_t h;
  xTaskCreate(susp_task, "s", 256, NULL, 1, &h);
  start();
  vTaskDelay(15);
  vTaskSuspend(h);
  note(T, "state=%d", (int)eTaskGetState(h));
  vTaskDelay(30);
  vTaskResume(h);
  vTaskDelay(5);
  vTaskPrioritySet(h, 0);
  note(T, "prio=%lu", (unsigned long)uxTaskPriorityGet(h));
  vTaskDelete(h);
  note(T, "state=%d n=%lu", (int)eTaskGetState(h),
       (unsigned long)uxTaskGetNumberOfTasks());
}

/* FreeRTOS API reference: vTaskSuspend, vTaskResume, eTaskGetState,
 * vTaskPrioritySet, vTaskDelete */
static void test_suspend_resume(void **state)
{
  go(*state, susp_main);
  assert_normal_end(*state);
  /* Ticks here are periods of 1/TEST_TICK_HZ s. */
  char want[200];
  unsigned p = 1000000 / TEST_TICK_HZ;
  snprintf(want, sizeof want,
           "s0@0 s1@%u state=3 s2@%u prio=0 state=4 n=1", 10 * p, 45 * p);
  assert_string_equal(T->log, want);
}

static void tls_task(void *arg)
{
  vTaskSetThreadLocalStoragePointer(NULL, 1, arg);
  taskYIELD();
  note(T, "%s:%s", pcTaskGetName(NULL),
       (char *)pvTaskGetThreadLocalStoragePointer(NULL, 1));
  finish();
}

static void tls_main(void *arg)
{
  (void)arg;
  static StackType_t stack[256];
  static StaticTask_t tcb;
  xTaskCreate(tls_task, "a", 256, "one", 1, NULL);
  TaskHandle_t b = xTaskCreateStatic(tls_task, "b", 256, "two", 1, stack, &tcb);
  note(T, "handle=%s", xTaskGetHandle("b") == b ? "b" : "?");
  start();
  wait_tasks(2);
  note(T, "gone=%s", xTaskGetHandle("b") ? "no" : "yes");
}

/* FreeRTOS API reference: vTaskSetThreadLocalStoragePointer,
 * xTaskCreateStatic, taskYIELD (equal priorities take turns) */
static void test_tls_and_static(void **state)
{
  go(*state, tls_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "handle=b a:one b:two gone=yes");
}

/* ------------------------------------------------------------------ */
/* task notifications                                                  */

static void notif_rx(void *arg)
{
  (void)arg;
  note(T, "take=%lu", (unsigned long)ulTaskNotifyTake(pdFALSE, portMAX_DELAY));
  note(T, "take=%lu", (unsigned long)ulTaskNotifyTake(pdTRUE, portMAX_DELAY));
  uint32_t v = 0;
  BaseType_t rc = xTaskNotifyWait(0, 0xffffffffu, &v, portMAX_DELAY);
  note(T, "wait=%ld v=%lx", (long)rc, (unsigned long)v);
  note(T, "take=%lu", (unsigned long)ulTaskNotifyTake(pdTRUE, portMAX_DELAY));
  rc = xTaskNotifyWait(0, 0, &v, 3);
  note(T, "wait=%ld", (long)rc);
  finish();
}

static void notif_isr(void *arg)
{
  BaseType_t woken = pdFALSE;
  vTaskNotifyGiveFromISR((TaskHandle_t)arg, &woken);
  note(T, "isr:woken=%ld", (long)woken);
  portYIELD_FROM_ISR(woken);
}

static void notif_main(void *arg)
{
  (void)arg;
  TaskHandle_t h;
  vTaskPrioritySet(NULL, 5); /* above rx: it runs when main waits */
  xTaskCreate(notif_rx, "rx", 256, NULL, 2, &h);
  start();
  int irq = sim_irq_register("n", 1, notif_isr, h);
  xTaskNotifyGive(h);
  xTaskNotifyGive(h);
  xTaskNotifyGive(h);
  vTaskDelay(1);
  xTaskNotify(h, 0x5, eSetBits);
  xTaskNotify(h, 0x30, eSetBits);
  note(T, "nooverwrite=%ld", (long)xTaskNotify(h, 1, eSetValueWithoutOverwrite));
  vTaskDelay(1);
  sim_irq_raise(irq);
  sim_point("raised");
  wait_tasks(1);
}

/* FreeRTOS API reference: ulTaskNotifyTake, xTaskNotifyGive,
 * vTaskNotifyGiveFromISR, xTaskNotifyWait, xTaskNotify (eSetBits,
 * eSetValueWithoutOverwrite) */
static void test_notifications(void **state)
{
  go(*state, notif_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "take=3 take=2 nooverwrite=0 wait=1 v=35 "
                              "isr:woken=0 take=1 wait=0");
}

/* ------------------------------------------------------------------ */
/* critical sections and the scheduler lock                            */

static int irq_crit;

static void crit_isr(void *arg)
{
  (void)arg;
  note(T, "isr");
}

static void crit_other(void *arg)
{
  (void)arg;
  note(T, "other");
  finish();
}

static void crit_main(void *arg)
{
  (void)arg;
  irq_crit = sim_irq_register("c", 1, crit_isr, NULL);
  start();
  taskENTER_CRITICAL();
  taskENTER_CRITICAL();
  sim_irq_raise(irq_crit);
  sim_point("masked");
  note(T, "in");
  taskEXIT_CRITICAL();
  sim_point("still");
  note(T, "nested");
  taskEXIT_CRITICAL();
  note(T, "out");
  vTaskSuspendAll();
  xTaskCreate(crit_other, "other", 256, NULL, 3, NULL);
  sim_irq_raise(irq_crit);
  sim_point("locked");
  note(T, "locked");
  note(T, "resumed=%ld", (long)xTaskResumeAll());
  wait_tasks(1);
}

/* FreeRTOS API reference: taskENTER_CRITICAL (nests; interrupts stay
 * masked to the last exit), vTaskSuspendAll (no switch, but interrupts
 * stay enabled), xTaskResumeAll */
static void test_critical_and_suspend_all(void **state)
{
  go(*state, crit_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "in nested isr out isr locked other "
                              "resumed=1");
}

static void disable_main(void *arg)
{
  (void)arg;
  int irq = sim_irq_register("c", 1, crit_isr, NULL);
  start();
  taskDISABLE_INTERRUPTS();
  taskDISABLE_INTERRUPTS();
  sim_irq_raise(irq);
  sim_point("disabled");
  note(T, "off");
  taskENABLE_INTERRUPTS();
  note(T, "on");
  UBaseType_t s = taskENTER_CRITICAL_FROM_ISR();
  sim_irq_raise(irq);
  sim_point("masked");
  note(T, "saved=%lu", (unsigned long)s);
  taskEXIT_CRITICAL_FROM_ISR(s);
  note(T, "end");
}

/* FreeRTOS API reference: taskDISABLE_INTERRUPTS (does not nest: one
 * taskENABLE_INTERRUPTS enables), taskENTER_CRITICAL_FROM_ISR */
static void test_disable_interrupts(void **state)
{
  go(*state, disable_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "off isr on saved=0 isr end");
}

static TimerHandle_t isr_tmr;

static void isr_timer_cb(TimerHandle_t t)
{
  (void)t;
  note(T, "cb@%lu", (unsigned long)xTaskGetTickCount());
}

static void isr_start_timer(void *arg)
{
  (void)arg;
  BaseType_t woken = pdFALSE;
  BaseType_t rc = xTimerStartFromISR(isr_tmr, &woken);
  note(T, "isr:start=%ld woken=%ld", (long)rc, (long)woken);
  portYIELD_FROM_ISR(woken);
}

static void timer_isr_main(void *arg)
{
  (void)arg;
  isr_tmr = xTimerCreate("once", 3, pdFALSE, NULL, isr_timer_cb);
  start();
  int irq = sim_irq_register("t", 1, isr_start_timer, NULL);
  vTaskDelay(2);
  sim_irq_raise(irq);
  sim_point("raised");
  vTaskDelay(10);
  note(T, "active=%ld", (long)xTimerIsTimerActive(isr_tmr));
}

/* FreeRTOS API reference: xTimerStartFromISR (the command wakes the
 * timer service task; a one-shot timer runs once, period from the tick
 * of the command) */
static void test_timer_from_isr(void **state)
{
  go(*state, timer_isr_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "isr:start=1 woken=1 cb@5 active=0");
}

static void deleted_waiter(void *arg)
{
  (void)arg;
  xSemaphoreTake(sem, portMAX_DELAY);
  note(T, "never");
}

static void delete_blocked_main(void *arg)
{
  (void)arg;
  TaskHandle_t h;
  sem = xSemaphoreCreateBinary();
  xTaskCreate(deleted_waiter, "w", 256, NULL, 1, &h);
  start();
  vTaskDelay(1);
  note(T, "state=%d", (int)eTaskGetState(h));
  size_t before = xPortGetFreeHeapSize();
  vTaskDelete(h);
  note(T, "state=%d freed=%d", (int)eTaskGetState(h),
       xPortGetFreeHeapSize() > before);
  xSemaphoreGive(sem);
  vTaskDelay(1);
  vSemaphoreDelete(sem);
  note(T, "deleted");
}

/* FreeRTOS API reference: vTaskDelete (a task deleted while blocked
 * leaves the object's wait list; its stack and TCB go back to the heap) */
static void test_delete_blocked_task(void **state)
{
  go(*state, delete_blocked_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "state=2 state=4 freed=1 deleted");
}

/* ------------------------------------------------------------------ */
/* heap                                                                */

/* FreeRTOS "Memory Management" (heap_4: first fit, adjacent free blocks
 * combined), xPortGetFreeHeapSize, vPortGetHeapStats */
static void heap_main(void *arg)
{
  (void)arg;
  size_t total = xPortGetFreeHeapSize();
  uint8_t *a = pvPortMalloc(100), *b = pvPortMalloc(200),
          *c = pvPortMalloc(100);
  note(T, "order=%d", a < b && b < c);
  vPortFree(b);
  uint8_t *d = pvPortMalloc(150);
  note(T, "firstfit=%d", d == b);
  uint8_t *e = pvPortMalloc(40);
  note(T, "tail=%d", e > c);
  vPortFree(a);
  vPortFree(d);
  vPortFree(c);
  vPortFree(e);
  HeapStats_t s;
  vPortGetHeapStats(&s);
  note(T, "back=%d blocks=%zu allocs=%zu frees=%zu min<total=%d",
       xPortGetFreeHeapSize() == total, s.xNumberOfFreeBlocks,
       s.xNumberOfSuccessfulAllocations, s.xNumberOfSuccessfulFrees,
       xPortGetMinimumEverFreeHeapSize() < total);
  note(T, "huge=%s", pvPortMalloc(total + 1) ? "got" : "NULL");
}

static void test_heap_first_fit_coalescing(void **state)
{
  go(*state, heap_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "order=1 firstfit=1 tail=1 back=1 blocks=1 "
                              "allocs=5 frees=5 min<total=1 huge=NULL");
}

static void heap_isr_free(void *arg)
{
  (void)arg;
  vPortFree(heap_block);
}

static void heap_isr_notify(void *arg)
{
  BaseType_t woken = pdFALSE;
  vTaskNotifyGiveFromISR((TaskHandle_t)arg, &woken);
  portYIELD_FROM_ISR(woken);
}

static void heap_freer(void *arg)
{
  (void)arg;
  for (;;) {
    ulTaskNotifyTake(pdTRUE, portMAX_DELAY);
    vPortFree(heap_block);
    note(T, "freed by task");
  }
}

static bool deferred;

static void heap_reentry_main(void *arg)
{
  (void)arg;
  TaskHandle_t freer = NULL;
  if (deferred)
    xTaskCreate(heap_freer, "freer", 256, NULL, 3, &freer);
  start();
  heap_block = pvPortMalloc(64);
  int irq = sim_irq_register("txdone", 1,
                             deferred ? heap_isr_notify : heap_isr_free, freer);
  sim_irq_pin(irq, NULL, "pvPortMalloc:first_fit", 1);
  void *p = pvPortMalloc(32);
  note(T, "alloc=%s", p ? "ok" : "NULL");
  vPortFree(p);
}

/* FreeRTOS "Memory Management" (heap_4 is made thread safe by suspending
 * the scheduler, not by masking interrupts: vPortFree from an ISR while a
 * task is in pvPortMalloc re-enters it) */
static void test_heap_isr_free_is_reentry(void **state)
{
  deferred = false;
  go(*state, heap_reentry_main);
  assert_fault(T, "heap re-entered: vPortFree from interrupt context while "
                  "main is inside pvPortMalloc (at pvPortMalloc:first_fit)");
}

/* The same free deferred from the ISR to a task: no re-entry (the task
 * runs once the heap resumes the scheduler). */
static void test_heap_deferred_free_is_clean(void **state)
{
  deferred = true;
  go(*state, heap_reentry_main);
  assert_normal_end(T);
  assert_string_equal(T->log, "freed by task alloc=ok");
}

/* ------------------------------------------------------------------ */
/* misuse: faults naming the call                                      */

static void isr_take(void *arg)
{
  (void)arg;
  xSemaphoreTake(sem, 10);
}

static void misuse_isr_block_main(void *arg)
{
  (void)arg;
  start();
  sem = xSemaphoreCreateBinary();
  sim_irq_raise(sim_irq_register("bad", 1, isr_take, NULL));
  sim_point("raised");
}

/* FreeRTOS API reference: xSemaphoreTake ("must not be called from an
 * ISR"; xSemaphoreTakeFromISR is the interrupt form) */
static void test_fault_blocking_call_in_isr(void **state)
{
  go(*state, misuse_isr_block_main);
  assert_fault(*state, "xSemaphoreTake called from interrupt context");
}

static void isr_give_mutex(void *arg)
{
  (void)arg;
  BaseType_t w = pdFALSE;
  xSemaphoreGiveFromISR(mtx, &w);
}

static void misuse_mutex_isr_main(void *arg)
{
  (void)arg;
  start();
  mtx = xSemaphoreCreateMutex();
  xSemaphoreTake(mtx, 0);
  sim_irq_raise(sim_irq_register("bad", 1, isr_give_mutex, NULL));
  sim_point("raised");
}

/* FreeRTOS API reference: xSemaphoreGiveFromISR ("mutex type semaphores
 * cannot be used from an interrupt") */
static void test_fault_mutex_give_from_isr(void **state)
{
  go(*state, misuse_mutex_isr_main);
  assert_fault(*state, "xSemaphoreGiveFromISR: on a mutex");
}

static void waits_forever(void *arg)
{
  (void)arg;
  int v;
  xQueueReceive(q, &v, portMAX_DELAY);
  finish();
}

static void misuse_delete_main(void *arg)
{
  (void)arg;
  q = xQueueCreate(2, sizeof(int));
  vQueueAddToRegistry(q, "rxq");
  xTaskCreate(waits_forever, "rx", 256, NULL, 1, NULL);
  start();
  vTaskDelay(1);
  vQueueDelete(q);
}

/* FreeRTOS API reference: vQueueDelete (a queue must not be deleted while
 * a task is blocked on it) */
static void test_fault_delete_waited_object(void **state)
{
  go(*state, misuse_delete_main);
  assert_fault(*state, "vQueueDelete: queue#1 'rxq' (created by main at "
                       "t=0.000000s) deleted while thread rx waits on it");
}

static void misuse_twice_main(void *arg)
{
  (void)arg;
  start();
  mtx = xSemaphoreCreateMutex();
  xSemaphoreTake(mtx, portMAX_DELAY);
  xSemaphoreTake(mtx, portMAX_DELAY);
}

/* FreeRTOS API reference: xSemaphoreCreateMutex (a mutex taken again by
 * its holder deadlocks; xSemaphoreCreateRecursiveMutex is for that) */
static void test_fault_mutex_taken_twice(void **state)
{
  go(*state, misuse_twice_main);
  assert_fault(*state, "xSemaphoreTake: main takes a mutex it already holds");
}

static void misuse_notholder_main(void *arg)
{
  (void)arg;
  start();
  mtx = xSemaphoreCreateMutex();
  xSemaphoreGive(mtx);
}

/* FreeRTOS API reference: xSemaphoreGive (only the holder gives a mutex) */
static void test_fault_mutex_give_not_holder(void **state)
{
  go(*state, misuse_notholder_main);
  assert_fault(*state, "xSemaphoreGive: mutex given by main, which does "
                       "not hold it");
}

static void returns(void *arg)
{
  (void)arg;
}

static void misuse_return_main(void *arg)
{
  (void)arg;
  xTaskCreate(returns, "ret", 256, NULL, 1, NULL);
  start();
}

/* FreeRTOS "Tasks" (a task function must never return) */
static void test_fault_task_returns(void **state)
{
  go(*state, misuse_return_main);
  assert_fault(*state, "task ret returned from its function");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      HARNESS_TEST(test_binary_given_twice_taken_once),
      HARNESS_TEST(test_counting),
      HARNESS_TEST(test_mutex_priority_inheritance),
      HARNESS_TEST(test_mutex_inheritance_after_timeout),
      HARNESS_TEST(test_recursive_mutex),
      HARNESS_TEST(test_queue_order),
      HARNESS_TEST(test_queue_blocking),
      HARNESS_TEST(test_fromisr_wakes_higher),
      HARNESS_TEST(test_fromisr_wakes_lower),
      HARNESS_TEST(test_queue_fromisr),
      HARNESS_TEST(test_delay_rounding),
      HARNESS_TEST(test_delay_until_no_drift),
      HARNESS_TEST(test_timer_callbacks_in_timer_task),
      HARNESS_TEST(test_suspend_resume),
      HARNESS_TEST(test_tls_and_static),
      HARNESS_TEST(test_notifications),
      HARNESS_TEST(test_critical_and_suspend_all),
      HARNESS_TEST(test_disable_interrupts),
      HARNESS_TEST(test_timer_from_isr),
      HARNESS_TEST(test_delete_blocked_task),
      HARNESS_TEST(test_heap_first_fit_coalescing),
      HARNESS_TEST(test_heap_isr_free_is_reentry),
      HARNESS_TEST(test_heap_deferred_free_is_clean),
      HARNESS_TEST(test_fault_blocking_call_in_isr),
      HARNESS_TEST(test_fault_mutex_give_from_isr),
      HARNESS_TEST(test_fault_delete_waited_object),
      HARNESS_TEST(test_fault_mutex_taken_twice),
      HARNESS_TEST(test_fault_mutex_give_not_holder),
      HARNESS_TEST(test_fault_task_returns),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

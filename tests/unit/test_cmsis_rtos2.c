/*
 * test_cmsis_rtos2.c - unit tests of lwipsim's CMSIS-RTOS2 layer
 * (rtos/cmsis_rtos2, on the FreeRTOS layer): the return codes the
 * specification gives for each function in thread and in interrupt
 * context, and the objects' behaviour.  Each test names, in a comment,
 * the section of the CMSIS-RTOS2 API reference it checks.
 *
 * The harness (harness.h) runs each test's main as sim thread "main" at
 * priority 0 (below osPriorityIdle's 1, like lwipsim's own main); threads
 * log with note() and the test asserts the exact log after the run.
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

#include "cmsis_os2.h"

#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"

#include "harness.h"

static ts *T;
static osSemaphoreId_t done, sem;
static osMutexId_t mtx;
static osMessageQueueId_t mq;
static osEventFlagsId_t ef;
static osTimerId_t tmr;
static osThreadId_t th;

static void go(ts *st, sim_thread_fn fn)
{
  T = st;
  run_main(st, fn, 0);
  if (getenv("TEST_VERBOSE"))
    fprintf(stderr, "end %s: %s | log: %s\n", sim_end_name(st->out.end),
            st->out.message, st->log);
}

static void boot(void)
{
  osKernelInitialize();
  done = osSemaphoreNew(16, 0, NULL);
  osKernelStart();
}

static void finish(void)
{
  osSemaphoreRelease(done);
  osThreadExit();
}

static void wait_threads(int n)
{
  for (int i = 0; i < n; i++)
    osSemaphoreAcquire(done, osWaitForever);
}

/* ------------------------------------------------------------------ */
/* kernel                                                              */

/* CMSIS-RTOS2 "Kernel Information and Control": osKernelInitialize,
 * osKernelStart, osKernelGetState, osKernelLock/Unlock/RestoreLock,
 * osKernelGetTickFreq */
static void kernel_main(void *arg)
{
  (void)arg;
  note(T, "s=%d", osKernelGetState());
  note(T, "init=%d", osKernelInitialize());
  note(T, "s=%d", osKernelGetState());
  note(T, "init=%d", osKernelInitialize());
  note(T, "lock=%d", (int)osKernelLock());
  note(T, "start=%d", osKernelStart());
  note(T, "s=%d", osKernelGetState());
  note(T, "start=%d", osKernelStart());
  note(T, "lock=%d", (int)osKernelLock());
  note(T, "lock=%d", (int)osKernelLock());
  note(T, "s=%d", osKernelGetState());
  note(T, "unlock=%d", (int)osKernelUnlock());
  note(T, "s=%d", osKernelGetState());
  note(T, "restore=%d", (int)osKernelRestoreLock(1));
  note(T, "s=%d", osKernelGetState());
  note(T, "restore=%d", (int)osKernelRestoreLock(0));
  note(T, "s=%d", osKernelGetState());
  note(T, "freq=%u", osKernelGetTickFreq());
  osDelay(25);
  note(T, "tick=%u", osKernelGetTickCount());
}

static void test_kernel(void **state)
{
  go(*state, kernel_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "s=0 init=0 s=1 init=-1 lock=-1 start=0 "
                              "s=2 start=-1 lock=0 lock=1 s=3 unlock=1 s=2 "
                              "restore=1 s=3 restore=0 s=2 freq=1000 "
                              "tick=25");
}

/* ------------------------------------------------------------------ */
/* return codes in interrupt context                                   */

static void isr_codes(void *arg)
{
  (void)arg;
  uint32_t msg = 7;
  note(T, "init=%d", osKernelInitialize());
  note(T, "delay=%d", osDelay(1));
  note(T, "yield=%d", osThreadYield());
  note(T, "new=%s", osThreadNew((osThreadFunc_t)isr_codes, NULL, NULL) ? "id"
                                                                       : "NULL");
  note(T, "setprio=%d", osThreadSetPriority(th, osPriorityLow));
  note(T, "macq=%d", osMutexAcquire(mtx, 0));
  note(T, "mrel=%d", osMutexRelease(mtx));
  note(T, "sacq10=%d", osSemaphoreAcquire(sem, 10));
  note(T, "sacq0=%d", osSemaphoreAcquire(sem, 0));
  note(T, "srel=%d", osSemaphoreRelease(sem));
  note(T, "sacq0=%d", osSemaphoreAcquire(sem, 0));
  note(T, "put5=%d", osMessageQueuePut(mq, &msg, 0, 5));
  note(T, "put0=%d", osMessageQueuePut(mq, &msg, 0, 0));
  note(T, "get0=%d", osMessageQueueGet(mq, &msg, NULL, 0));
  note(T, "get0=%d", osMessageQueueGet(mq, &msg, NULL, 0));
  note(T, "efwait10=%x", osEventFlagsWait(ef, 1, osFlagsWaitAny, 10));
  note(T, "efset=%x", osEventFlagsSet(ef, 1));
  note(T, "efwait0=%x", osEventFlagsWait(ef, 1, osFlagsWaitAny, 0));
  note(T, "tfwait=%x", osThreadFlagsWait(1, osFlagsWaitAny, 0));
  note(T, "tfclear=%x", osThreadFlagsClear(1));
  note(T, "tfset=%x", osThreadFlagsSet(th, 4));
  note(T, "tstart=%d", osTimerStart(tmr, 5));
  note(T, "mqdel=%d", osMessageQueueDelete(mq));
}

static void idle_thread(void *arg)
{
  (void)arg;
  osThreadFlagsWait(0x100, osFlagsWaitAny, osWaitForever);
  finish();
}

static void isr_main(void *arg)
{
  (void)arg;
  boot();
  mtx = osMutexNew(NULL);
  sem = osSemaphoreNew(1, 0, NULL);
  mq = osMessageQueueNew(2, sizeof(uint32_t), NULL);
  ef = osEventFlagsNew(NULL);
  tmr = osTimerNew((osTimerFunc_t)isr_codes, osTimerOnce, NULL, NULL);
  th = osThreadNew(idle_thread, NULL, NULL);
  sim_irq_raise(sim_irq_register("codes", 1, isr_codes, NULL));
  sim_point("raised");
  note(T, "flags=%x", osThreadFlagsSet(th, 0x100));
  wait_threads(1);
}

/* CMSIS-RTOS2 API reference, each function's "Interrupt Service Routine"
 * note: osErrorISR where a call is not allowed in an ISR, osErrorParameter
 * (osFlagsErrorParameter) for a non-zero timeout from one */
static void test_isr_return_codes(void **state)
{
  go(*state, isr_main);
  assert_normal_end(*state);
  assert_string_equal(T->log,
                      "init=-6 delay=-6 yield=-6 new=NULL setprio=-6 "
                      "macq=-6 mrel=-6 sacq10=-4 sacq0=-3 srel=0 sacq0=0 "
                      "put5=-4 put0=0 get0=0 get0=-3 efwait10=fffffffc "
                      "efset=1 efwait0=1 tfwait=fffffffa tfclear=fffffffa "
                      "tfset=4 tstart=-6 mqdel=-6 flags=104");
}

/* ------------------------------------------------------------------ */
/* parameters, resources and timeouts in thread context                */

static void params_main(void *arg)
{
  (void)arg;
  boot();
  uint32_t msg = 1;
  note(T, "%d %d %d %d", osThreadSetPriority(NULL, osPriorityLow),
       osThreadSetPriority(osThreadGetId(), (osPriority_t)100),
       osThreadSuspend(NULL), osThreadTerminate(NULL));
  note(T, "%d %d %d %d", osMutexAcquire(NULL, 0), osMutexRelease(NULL),
       osSemaphoreAcquire(NULL, 0), osSemaphoreRelease(NULL));
  note(T, "%d %d %x %x", osMessageQueuePut(NULL, &msg, 0, 0),
       osMessageQueueGet(NULL, &msg, NULL, 0),
       osEventFlagsSet(NULL, 1), osThreadFlagsSet(NULL, 1));
  tmr = osTimerNew((osTimerFunc_t)params_main, osTimerOnce, NULL, NULL);
  note(T, "%d %d %d", osTimerStart(NULL, 1), osTimerStart(tmr, 0),
       osTimerStop(tmr));
  note(T, "%s %s %s %s",
       osSemaphoreNew(0, 0, NULL) ? "id" : "NULL",
       osSemaphoreNew(2, 3, NULL) ? "id" : "NULL",
       osMessageQueueNew(0, 4, NULL) ? "id" : "NULL",
       osThreadNew(NULL, NULL, NULL) ? "id" : "NULL");
  sem = osSemaphoreNew(2, 0, NULL);
  note(T, "sem0=%d", osSemaphoreAcquire(sem, 0));
  uint32_t t0 = osKernelGetTickCount();
  osStatus_t rc = osSemaphoreAcquire(sem, 5);
  note(T, "sem5=%d after=%u", rc, osKernelGetTickCount() - t0);
  mtx = osMutexNew(NULL);
  note(T, "rel-unowned=%d", osMutexRelease(mtx));
  mq = osMessageQueueNew(1, sizeof msg, NULL);
  osMessageQueuePut(mq, &msg, 0, 0);
  note(T, "full0=%d full3=%d", osMessageQueuePut(mq, &msg, 0, 0),
       osMessageQueuePut(mq, &msg, 0, 3));
  note(T, "delayuntil-past=%d", osDelayUntil(osKernelGetTickCount()));
}

/* CMSIS-RTOS2 API reference, "Return" of each function: osErrorParameter
 * for a NULL id or a bad argument, osErrorResource when not available with
 * timeout 0, osErrorTimeout when the timeout ran out */
static void test_thread_return_codes(void **state)
{
  go(*state, params_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "-4 -4 -4 -4 -4 -4 -4 -4 -4 -4 fffffffc "
                              "fffffffc -4 -4 -3 NULL NULL NULL NULL "
                              "sem0=-3 sem5=-2 after=5 rel-unowned=-3 "
                              "full0=-3 full3=-2 delayuntil-past=-4");
}

/* ------------------------------------------------------------------ */
/* threads and thread flags                                            */

static void flags_thread(void *arg)
{
  (void)arg;
  note(T, "%s prio=%d", osThreadGetName(osThreadGetId()),
       osThreadGetPriority(osThreadGetId()));
  uint32_t f = osThreadFlagsWait(0x3, osFlagsWaitAll, osWaitForever);
  note(T, "all=%x", f);
  note(T, "left=%x", osThreadFlagsGet());
  f = osThreadFlagsWait(0x30, osFlagsWaitAny | osFlagsNoClear, osWaitForever);
  note(T, "any=%x", f);
  note(T, "left=%x", osThreadFlagsGet());
  note(T, "clear=%x", osThreadFlagsClear(0xff));
  note(T, "timeout=%x", osThreadFlagsWait(0x1, osFlagsWaitAny, 4));
  finish();
}

static void flags_main(void *arg)
{
  (void)arg;
  boot();
  const osThreadAttr_t attr = {.name = "worker", .priority = osPriorityHigh};
  th = osThreadNew(flags_thread, NULL, &attr);
  note(T, "state=%d", osThreadGetState(th));
  note(T, "set=%x", osThreadFlagsSet(th, 0x1));
  note(T, "set=%x", osThreadFlagsSet(th, 0x6));
  note(T, "set=%x", osThreadFlagsSet(th, 0x10));
  note(T, "count=%u", osThreadGetCount());
  wait_threads(1);
  note(T, "state=%d", osThreadGetState(th));
  note(T, "term=%d", osThreadTerminate(th));
}

/* CMSIS-RTOS2 "Thread Management" and "Thread Flags": osThreadNew with
 * attributes, osThreadFlagsWait (osFlagsWaitAll, osFlagsNoClear, the
 * flags before clearing returned), osThreadTerminate of a terminated
 * thread */
static void test_threads_and_flags(void **state)
{
  go(*state, flags_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "worker prio=40 state=3 set=1 "
                              "all=7 left=4 set=7 any=14 left=14 clear=14 "
                              "set=14 count=2 timeout=fffffffe "
                              "state=4 term=-3");
}

static void yield_thread(void *arg)
{
  for (int i = 0; i < 2; i++) {
    note(T, "%s%d", (const char *)arg, i);
    osThreadYield();
  }
  finish();
}

static void yield_main(void *arg)
{
  (void)arg;
  boot();
  osKernelLock();
  osThreadNew(yield_thread, "a", NULL);
  osThreadNew(yield_thread, "b", NULL);
  osKernelUnlock();
  wait_threads(2);
  th = osThreadNew(idle_thread, NULL, NULL);
  note(T, "set=%d", osThreadSetPriority(th, osPriorityLow));
  note(T, "get=%d", osThreadGetPriority(th));
}

/* CMSIS-RTOS2 "Thread Management": osThreadYield (the next ready thread
 * of the same priority runs), osThreadSetPriority */
static void test_yield_and_priority(void **state)
{
  go(*state, yield_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "a0 b0 a1 b1 set=0 get=8");
}

/* ------------------------------------------------------------------ */
/* mutexes                                                             */

static void mx_high(void *arg)
{
  (void)arg;
  note(T, "high:acq");
  osMutexAcquire(mtx, osWaitForever);
  note(T, "high:got");
  osMutexRelease(mtx);
  finish();
}

static void mx_mid(void *arg)
{
  (void)arg;
  note(T, "mid");
  finish();
}

static void mx_low(void *arg)
{
  (void)arg;
  osMutexAcquire(mtx, osWaitForever);
  const osThreadAttr_t hi = {.name = "high", .priority = osPriorityHigh};
  const osThreadAttr_t mid = {.name = "mid", .priority = osPriorityNormal};
  osThreadNew(mx_high, NULL, &hi);
  note(T, "low:prio=%d owner=%s", osThreadGetPriority(osThreadGetId()),
       osThreadGetName(osMutexGetOwner(mtx)));
  osThreadNew(mx_mid, NULL, &mid);
  osStatus_t rc = osMutexRelease(mtx);
  note(T, "low:rel=%d", rc);
  note(T, "low:prio=%d", osThreadGetPriority(osThreadGetId()));
  finish();
}

static void mutex_main(void *arg)
{
  (void)arg;
  boot();
  const osMutexAttr_t a = {"m", osMutexPrioInherit | osMutexRecursive, NULL, 0};
  mtx = osMutexNew(&a);
  for (int i = 0; i < 2; i++)
    note(T, "r=%d", osMutexAcquire(mtx, 0));
  for (int i = 0; i < 3; i++)
    note(T, "u=%d", osMutexRelease(mtx));
  const osThreadAttr_t lo = {.name = "low", .priority = osPriorityLow};
  osThreadNew(mx_low, NULL, &lo);
  wait_threads(3);
}

/* CMSIS-RTOS2 "Mutex Management": osMutexRecursive (the owner acquires
 * again; each acquire needs a release), osMutexPrioInherit (the owner runs
 * at the waiter's priority until it releases), osMutexGetOwner */
static void test_mutex_recursive_and_inherit(void **state)
{
  go(*state, mutex_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "r=0 r=0 u=0 u=0 u=-3 high:acq "
                              "low:prio=40 owner=low high:got mid "
                              "low:rel=0 low:prio=8");
}

/* ------------------------------------------------------------------ */
/* message queues and semaphores                                       */

static void mq_rx(void *arg)
{
  (void)arg;
  uint32_t v;
  uint8_t prio = 9;
  while (osMessageQueueGet(mq, &v, &prio, 10) == osOK)
    note(T, "rx%u@%u", v, osKernelGetTickCount());
  finish();
}

static void mq_main(void *arg)
{
  (void)arg;
  boot();
  mq = osMessageQueueNew(3, sizeof(uint32_t), NULL);
  note(T, "cap=%u size=%u", osMessageQueueGetCapacity(mq),
       osMessageQueueGetMsgSize(mq));
  for (uint32_t v = 1; v <= 3; v++)
    osMessageQueuePut(mq, &v, 0, 0);
  note(T, "count=%u space=%u", osMessageQueueGetCount(mq),
       osMessageQueueGetSpace(mq));
  note(T, "reset=%d", osMessageQueueReset(mq));
  note(T, "count=%u", osMessageQueueGetCount(mq));
  osThreadNew(mq_rx, NULL, NULL);
  for (uint32_t v = 4; v <= 5; v++) {
    osDelay(3);
    osMessageQueuePut(mq, &v, 0, osWaitForever);
  }
  wait_threads(1);
  note(T, "del=%d", osMessageQueueDelete(mq));
}

/* CMSIS-RTOS2 "Message Queue": osMessageQueuePut/Get (FIFO, blocking with
 * a timeout), GetCapacity, GetMsgSize, GetCount, GetSpace, Reset */
static void test_message_queue(void **state)
{
  go(*state, mq_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "cap=3 size=4 count=3 space=0 reset=0 "
                              "count=0 rx4@3 rx5@6 del=0");
}

static void sem_main(void *arg)
{
  (void)arg;
  boot();
  sem = osSemaphoreNew(1, 1, NULL);
  note(T, "n=%u", osSemaphoreGetCount(sem));
  note(T, "rel=%d", osSemaphoreRelease(sem));
  note(T, "acq=%d", osSemaphoreAcquire(sem, 0));
  note(T, "n=%u", osSemaphoreGetCount(sem));
  osSemaphoreId_t c = osSemaphoreNew(3, 0, NULL);
  for (int i = 0; i < 4; i++)
    note(T, "rel=%d", osSemaphoreRelease(c));
  note(T, "n=%u", osSemaphoreGetCount(c));
  note(T, "del=%d", osSemaphoreDelete(c));
}

/* CMSIS-RTOS2 "Semaphores": osSemaphoreNew (max 1 is binary), Release
 * beyond the maximum count returns osErrorResource */
static void test_semaphores(void **state)
{
  go(*state, sem_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "n=1 rel=-3 acq=0 n=0 rel=0 rel=0 rel=0 "
                              "rel=-3 n=3 del=0");
}

/* ------------------------------------------------------------------ */
/* event flags                                                         */

static void ef_thread(void *arg)
{
  (void)arg;
  uint32_t f = osEventFlagsWait(ef, 0x5, osFlagsWaitAll, osWaitForever);
  note(T, "%s:all=%x@%u", osThreadGetName(osThreadGetId()), f,
       osKernelGetTickCount());
  finish();
}

static void ef_any(void *arg)
{
  (void)arg;
  uint32_t f = osEventFlagsWait(ef, 0x6, osFlagsWaitAny | osFlagsNoClear,
                                osWaitForever);
  note(T, "any=%x@%u", f, osKernelGetTickCount());
  finish();
}

static void ef_main(void *arg)
{
  (void)arg;
  boot();
  ef = osEventFlagsNew(NULL);
  const osThreadAttr_t a = {.name = "w"};
  osThreadNew(ef_thread, NULL, &a);
  osThreadNew(ef_any, NULL, NULL);
  osDelay(2);
  note(T, "set=%x", osEventFlagsSet(ef, 0x1));
  osDelay(2);
  note(T, "set=%x", osEventFlagsSet(ef, 0x4));
  wait_threads(2);
  note(T, "get=%x", osEventFlagsGet(ef));
  note(T, "set=%x", osEventFlagsSet(ef, 0x9));
  note(T, "clear=%x", osEventFlagsClear(ef, 0x1));
  note(T, "get=%x", osEventFlagsGet(ef));
  note(T, "timeout=%x", osEventFlagsWait(ef, 1, osFlagsWaitAny, 3));
  note(T, "del=%d", osEventFlagsDelete(ef));
}

/* CMSIS-RTOS2 "Event Flags": osEventFlagsWait (all / any, osFlagsNoClear),
 * osEventFlagsSet returns the flags after setting, osEventFlagsClear the
 * flags before clearing */
static void test_event_flags(void **state)
{
  go(*state, ef_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "set=1 w:all=5@4 any=5@4 set=5 "
                              "get=0 set=9 clear=9 get=8 timeout=fffffffe "
                              "del=0");
}

static void ef_waiter(void *arg)
{
  (void)arg;
  osEventFlagsWait(ef, 1, osFlagsWaitAny, osWaitForever);
  finish();
}

static void ef_delete_main(void *arg)
{
  (void)arg;
  boot();
  ef = osEventFlagsNew(NULL);
  osThreadNew(ef_waiter, NULL, NULL);
  osEventFlagsDelete(ef);
}

/* CMSIS-RTOS2 "Event Flags": osEventFlagsDelete with a thread waiting is
 * reported as a fault naming the call */
static void test_event_flags_delete_waited(void **state)
{
  go(*state, ef_delete_main);
  assert_end(*state, SIM_END_FAULT);
  assert_non_null(strstr(T->out.message, "osEventFlagsDelete: evflags#1"));
}

/* ------------------------------------------------------------------ */
/* timers and delays                                                   */

static void tmr_cb(void *arg)
{
  int *n = arg;
  note(T, "cb%d:%s@%u", ++*n, osThreadGetName(osThreadGetId()),
       osKernelGetTickCount());
}

static void timer_main(void *arg)
{
  (void)arg;
  static int n, m;
  n = m = 0;
  boot();
  tmr = osTimerNew(tmr_cb, osTimerPeriodic, &n, NULL);
  osTimerId_t once = osTimerNew(tmr_cb, osTimerOnce, &m, NULL);
  note(T, "run=%u", osTimerIsRunning(tmr));
  note(T, "start=%d", osTimerStart(tmr, 4));
  note(T, "start=%d", osTimerStart(once, 6));
  note(T, "run=%u", osTimerIsRunning(tmr));
  osDelay(13);
  note(T, "stop=%d", osTimerStop(tmr));
  note(T, "stop=%d", osTimerStop(tmr));
  note(T, "run=%u", osTimerIsRunning(tmr));
  note(T, "del=%d", osTimerDelete(once));
}

/* CMSIS-RTOS2 "Timer Management": osTimerNew (periodic and once),
 * osTimerStart, osTimerStop (osErrorResource when not running),
 * osTimerIsRunning; callbacks run in the timer thread */
static void test_timers(void **state)
{
  go(*state, timer_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "run=0 start=0 start=0 run=1 "
                              "cb1:Tmr Svc@4 cb1:Tmr Svc@6 cb2:Tmr Svc@8 "
                              "cb3:Tmr Svc@12 stop=0 stop=-3 run=0 del=0");
}

static void until_thread(void *arg)
{
  (void)arg;
  uint32_t t = osKernelGetTickCount();
  for (int i = 0; i < 1000; i++) {
    sim_sleep_us(2000);
    t += 5;
    if (osDelayUntil(t) != osOK)
      note(T, "late");
  }
  note(T, "tick=%u", osKernelGetTickCount());
  finish();
}

static void until_main(void *arg)
{
  (void)arg;
  boot();
  osThreadNew(until_thread, NULL, NULL);
  wait_threads(1);
}

/* CMSIS-RTOS2 "Generic Wait Functions": osDelayUntil waits for an
 * absolute tick, so periodic work does not drift */
static void test_delay_until(void **state)
{
  go(*state, until_main);
  assert_normal_end(*state);
  assert_string_equal(T->log, "tick=5000");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      HARNESS_TEST(test_kernel),
      HARNESS_TEST(test_isr_return_codes),
      HARNESS_TEST(test_thread_return_codes),
      HARNESS_TEST(test_threads_and_flags),
      HARNESS_TEST(test_yield_and_priority),
      HARNESS_TEST(test_mutex_recursive_and_inherit),
      HARNESS_TEST(test_message_queue),
      HARNESS_TEST(test_semaphores),
      HARNESS_TEST(test_event_flags),
      HARNESS_TEST(test_event_flags_delete_waited),
      HARNESS_TEST(test_timers),
      HARNESS_TEST(test_delay_until),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_wfi.c - a NO_SYS=1 super-loop's wait for interrupt (sys_arch_wfi,
 * the port's __WFI()): virtual time jumps to the next interrupt or to
 * lwIP's next timeout (sys_timeouts_sleeptime()), whichever comes first;
 * with interrupts masked around the loop's last check no interrupt is
 * lost.  lwIP here is NO_SYS=1 with its timeouts only
 * (tests/unit/nosys_config/lwipopts.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lwip/memp.h"
#include "lwip/stats.h"
#include "lwip/timeouts.h"
#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"
#include "sys_arch_nosys.h"

#include "harness.h"

static struct {
  ts *st;
  int irq;       /* the "ETH" line, raised at a given virtual time */
  int isr_calls; /* its handler ran */
  int fired;     /* the lwIP timeout ran */
} W;

static void w_isr(void *arg)
{
  (void)arg;
  W.isr_calls++;
  sim_wfi_wake(); /* what the MAC device's line trampoline does */
}

static void w_timeout(void *arg)
{
  (void)arg;
  W.fired++;
}

static void w_init(ts *st)
{
  W.st = st;
  W.isr_calls = W.fired = 0;
  stats_init();
  memp_init();
  W.irq = sim_irq_register("eth", 5, w_isr, NULL);
}

/* One pass of the loop's sleep: how long it slept, in µs. */
static unsigned long long w_sleep(void)
{
  uint64_t t0 = sim_clock_now_us();
  __WFI();
  return (unsigned long long)(sim_clock_now_us() - t0);
}

/* A timeout 30 ms ahead, an interrupt at 10 ms: WFI ends at 10 ms, with
 * the handler run; the next WFI at the timeout (20 ms later), and
 * sys_check_timeouts() runs it; with no timeout left and nothing pending
 * WFI waits for the next interrupt alone. */
static void irq_first_body(void *arg)
{
  ts *st = arg;
  w_init(st);
  sys_timeout(30, w_timeout, NULL);
  sim_irq_raise_at(W.irq, 10000);
  unsigned long long dt = w_sleep();
  note(st, "irq after %llu us isr=%d", dt, W.isr_calls);
  dt = w_sleep();
  sys_check_timeouts();
  note(st, "timeout after %llu us fired=%d", dt, W.fired);
  sim_irq_raise_at(W.irq, sim_clock_now_us() + 500000);
  dt = w_sleep();
  note(st, "no timeout: irq after %llu us isr=%d", dt, W.isr_calls);
}

static void test_wfi_jumps_to_the_irq_or_the_timeout(void **state)
{
  ts *st = *state;
  run_main(st, irq_first_body, 3);
  assert_int_equal(st->out.end, SIM_END_NORMAL);
  assert_string_equal(st->log, "irq after 10000 us isr=1 "
                      "timeout after 20000 us fired=1 "
                      "no timeout: irq after 500000 us isr=2");
}

/* A timeout before the interrupt: WFI ends at the timeout (5 ms), the
 * interrupt still comes at its own time (8 ms); a timeout already due
 * makes WFI return at once. */
static void timeout_first_body(void *arg)
{
  ts *st = arg;
  w_init(st);
  sys_timeout(5, w_timeout, NULL);
  sim_irq_raise_at(W.irq, 8000);
  unsigned long long dt = w_sleep();
  note(st, "timeout after %llu us isr=%d", dt, W.isr_calls);
  sys_check_timeouts();
  sys_timeout(0, w_timeout, NULL);
  note(st, "due now: %llu us", w_sleep());
  sys_check_timeouts();
  dt = w_sleep();
  note(st, "irq after %llu us isr=%d fired=%d", dt, W.isr_calls, W.fired);
}

static void test_wfi_timeout_before_the_irq(void **state)
{
  ts *st = *state;
  run_main(st, timeout_first_body, 3);
  assert_int_equal(st->out.end, SIM_END_NORMAL);
  assert_string_equal(st->log, "timeout after 5000 us isr=0 "
                      "due now: 0 us "
                      "irq after 3000 us isr=1 fired=2");
}

/* "__disable_irq(); if (!flag) __WFI(); __enable_irq();": an interrupt
 * that became pending while masked ends WFI at once (its handler runs
 * there); one that comes during the wait ends it at its time; the mask
 * is as before afterwards. */
static void masked_body(void *arg)
{
  ts *st = arg;
  w_init(st);
  sys_timeout(1000, w_timeout, NULL);
  __disable_irq();
  sim_irq_raise(W.irq); /* pending, masked */
  unsigned long long dt = w_sleep();
  note(st, "pending: %llu us isr=%d depth=%u", dt, W.isr_calls,
       sim_irq_mask_depth());
  sim_irq_raise_at(W.irq, sim_clock_now_us() + 700);
  dt = w_sleep();
  note(st, "later: %llu us isr=%d depth=%u", dt, W.isr_calls,
       sim_irq_mask_depth());
  __enable_irq();
  note(st, "depth=%u", sim_irq_mask_depth());
  sys_untimeout(w_timeout, NULL);
}

static void test_wfi_masked_loses_no_interrupt(void **state)
{
  ts *st = *state;
  run_main(st, masked_body, 3);
  assert_int_equal(st->out.end, SIM_END_NORMAL);
  assert_string_equal(st->log, "pending: 0 us isr=1 depth=1 "
                      "later: 700 us isr=2 depth=1 depth=0");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      HARNESS_TEST(test_wfi_jumps_to_the_irq_or_the_timeout),
      HARNESS_TEST(test_wfi_timeout_before_the_irq),
      HARNESS_TEST(test_wfi_masked_loses_no_interrupt),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

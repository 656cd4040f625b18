/*
 * test_heap_model.c - the board's RTOS heap model (contrib_port/
 * sys_arch_heap.c), on its own: first fit, coalescing, the integrity
 * check, re-entry from ISR context during alloc and during free at each
 * named point, no false re-entry when an ISR uses the heap with no thread
 * inside, and - with the model told to record instead of stopping - what
 * the interrupted free does to the block list when its thread resumes;
 * and a pin at a misspelt point name ends the run as a fault naming it.
 *
 * Each test runs its body as the sim thread "main" of a fresh scheduler,
 * on an empty arena (sys_arch_heap_reset); lwIP itself is not started.
 * Offsets in messages are from the arena's start: a block's header is 16
 * bytes, sizes are rounded up to 8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sim_sched.h"
#include "sim_trace.h"
#include "sys_arch_heap.h"

#define HDR 16u

typedef struct {
  uint8_t *a, *b, *c, *d, *e;
  uint8_t *isr_target;  /* what the ISR frees (NULL: it allocates) */
  void *isr_got;
  const char *pin;      /* the point the IRQ is pinned at */
  int irq;
  bool thread_allocs;   /* the pinned thread operation: alloc, else free */
  void *thread_got;
  bool check_ok;
  char check[200];
} hm_ctx;

static int hm_fail_line;
static char hm_fail_what[160];
#define T_CHECK(cond)                                                     \
  do {                                                                    \
    if (!(cond) && !hm_fail_line) {                                       \
      hm_fail_line = __LINE__;                                            \
      snprintf(hm_fail_what, sizeof hm_fail_what, "%s", #cond);           \
    }                                                                     \
  } while (0)

static int hm_setup(void **state)
{
  static hm_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  char err[128];
  sim_config cfg = {.policy = SIM_POLICY_RTOS, .seed = 1};
  sys_arch_heap_reset();
  assert_int_equal(sim_trace_open(NULL, err, sizeof err), 0);
  assert_int_equal(sim_sched_init(&cfg, err, sizeof err), 0);
  *state = &ctx;
  return 0;
}

static int hm_teardown(void **state)
{
  (void)state;
  char err[128];
  sim_sched_fini();
  sys_arch_heap_reset();
  assert_int_equal(sim_trace_close(err, sizeof err), 0);
  return 0;
}

static sim_outcome hm_run(void (*fn)(void *), hm_ctx *c)
{
  sim_outcome out;
  hm_fail_line = 0;
  sim_sched_run(fn, c, 2, &out);
  if (hm_fail_line)
    fail_msg("check failed in a sim thread at line %d: %s", hm_fail_line,
             hm_fail_what);
  return out;
}

static long hm_off(const void *p, const void *base)
{
  return (long)((const uint8_t *)p - (const uint8_t *)base);
}

/* ------------------------------------------------------------------ */

static void first_fit_main(void *arg)
{
  hm_ctx *c = arg;
  c->a = sys_arch_heap_malloc(100); /* block 120 at +0 */
  c->b = sys_arch_heap_malloc(200); /* block 216 at +120 */
  c->c = sys_arch_heap_malloc(100); /* block 120 at +336 */
  T_CHECK(c->a && c->b && c->c);
  T_CHECK(hm_off(c->b, c->a) == 104 + HDR);
  T_CHECK(hm_off(c->c, c->b) == 200 + HDR);
  sys_arch_heap_free(c->b);
  /* Too big for b's hole: taken from the rest, after c. */
  c->d = sys_arch_heap_malloc(300);
  T_CHECK(c->d && c->d > c->c);
  /* Fits b's hole: first fit takes the lowest block that holds it. */
  c->e = sys_arch_heap_malloc(64);
  T_CHECK(c->e == c->b);
  c->check_ok = sys_arch_heap_check(c->check, sizeof c->check);
}

static void test_first_fit_takes_lowest_block_that_holds(void **state)
{
  hm_ctx *c = *state;
  sim_outcome out = hm_run(first_fit_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
  assert_true(c->check_ok);
  sys_arch_heap_stats st;
  sys_arch_heap_get_stats(&st);
  assert_int_equal(st.allocs, 5);
  assert_int_equal(st.frees, 1);
  assert_int_equal(st.reentries, 0);
}

/* ------------------------------------------------------------------ */

static void coalesce_main(void *arg)
{
  hm_ctx *c = arg;
  c->a = sys_arch_heap_malloc(1000);
  c->b = sys_arch_heap_malloc(1000);
  c->c = sys_arch_heap_malloc(1000);
  /* a and c first, then b between them: b merges with both neighbours,
   * and the whole with the rest of the arena. */
  sys_arch_heap_free(c->a);
  sys_arch_heap_free(c->c);
  sys_arch_heap_free(c->b);
  c->check_ok = sys_arch_heap_check(c->check, sizeof c->check);
  /* One block again: the whole arena in one allocation. */
  c->d = sys_arch_heap_malloc(SYS_ARCH_HEAP_SIZE - HDR);
  T_CHECK(c->d == c->a);
  c->e = sys_arch_heap_malloc(1);
  T_CHECK(c->e == NULL);
  sys_arch_heap_free(c->d);
}

static void test_free_coalesces_both_neighbours(void **state)
{
  hm_ctx *c = *state;
  sim_outcome out = hm_run(coalesce_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
  assert_true(c->check_ok);
  sys_arch_heap_stats st;
  sys_arch_heap_get_stats(&st);
  assert_int_equal(st.failures, 1);
  assert_int_equal(st.used, 0);
}

/* ------------------------------------------------------------------ */

/* Writes over a used block's header, as a stray pointer would. */
static void check_header_main(void *arg)
{
  hm_ctx *c = arg;
  c->a = sys_arch_heap_malloc(40);
  c->b = sys_arch_heap_malloc(40);
  c->check_ok = sys_arch_heap_check(c->check, sizeof c->check);
  T_CHECK(c->check_ok);
  memset(c->b - HDR, 0xa5, 4); /* b's magic */
  c->check_ok = sys_arch_heap_check(c->check, sizeof c->check);
}

static void test_check_finds_a_broken_header(void **state)
{
  hm_ctx *c = *state;
  sim_outcome out = hm_run(check_header_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
  assert_false(c->check_ok);
  assert_string_equal(c->check, "block +56 (after +0) has no valid header");
}

/* Points a free block's link at a block in use. */
static void check_link_main(void *arg)
{
  hm_ctx *c = arg;
  c->a = sys_arch_heap_malloc(40);
  c->b = sys_arch_heap_malloc(40);
  c->c = sys_arch_heap_malloc(40);
  sys_arch_heap_free(c->a);
  uint32_t link = (uint32_t)hm_off(c->b - HDR, c->a - HDR);
  memcpy(c->a - HDR + 8, &link, 4); /* a's next: b, in use */
  c->check_ok = sys_arch_heap_check(c->check, sizeof c->check);
}

static void test_check_finds_a_link_to_a_used_block(void **state)
{
  hm_ctx *c = *state;
  sim_outcome out = hm_run(check_link_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
  assert_false(c->check_ok);
  assert_string_equal(c->check,
                      "free-list link +0 -> +56 points at a block in use");
}

/* A broken block list found by the check after an operation ends the run
 * (STOP, the default). */
static void check_stops_main(void *arg)
{
  hm_ctx *c = arg;
  c->a = sys_arch_heap_malloc(40);
  memset(c->a - HDR, 0, 4);
  c->b = sys_arch_heap_malloc(40); /* never returns */
  T_CHECK(false);
}

static void test_broken_list_ends_run_as_fault(void **state)
{
  hm_ctx *c = *state;
  sim_outcome out = hm_run(check_stops_main, c);
  assert_int_equal(out.end, SIM_END_FAULT);
  assert_string_equal(out.message, "heap: block list broken after heap "
                      "malloc: block +0 (the first) has no valid header");
  sys_arch_heap_stats st;
  sys_arch_heap_get_stats(&st);
  assert_true(st.stopped);
  assert_int_equal(st.reentries, 0);
}

/* ------------------------------------------------------------------ */
/* re-entry: an IRQ pinned at a named point of the thread's operation  */

static void reenter_isr(void *arg)
{
  hm_ctx *c = arg;
  if (c->isr_target)
    sys_arch_heap_free(c->isr_target);
  else
    c->isr_got = sys_arch_heap_malloc(24);
}

/* Blocks a, b, c, d in a row; a freed, so the list has a block below c
 * (the walks pass a point), then the pinned operation: main frees c, or
 * allocates 32 bytes; the ISR frees b. */
static void reenter_main(void *arg)
{
  hm_ctx *c = arg;
  c->a = sys_arch_heap_malloc(24);
  c->b = sys_arch_heap_malloc(24);
  c->c = sys_arch_heap_malloc(24);
  c->d = sys_arch_heap_malloc(24);
  sys_arch_heap_free(c->a);
  c->isr_target = c->b;
  c->irq = sim_irq_register("tx", 1, reenter_isr, c);
  sim_irq_pin(c->irq, "main", c->pin, 1);
  if (c->thread_allocs)
    c->thread_got = sys_arch_heap_malloc(32);
  else
    sys_arch_heap_free(c->c);
  T_CHECK(false); /* the model stops the run inside the operation */
}

static void hm_reentry(hm_ctx *c, const char *point, bool alloc)
{
  c->pin = point;
  c->thread_allocs = alloc;
  sim_outcome out = hm_run(reenter_main, c);
  assert_int_equal(out.end, SIM_END_FAULT);
  sys_arch_heap_stats st;
  sys_arch_heap_get_stats(&st);
  assert_int_equal(st.reentries, 1);
  assert_true(st.stopped);
  assert_string_equal(st.reentry_isr_op, "heap free");
  assert_string_equal(st.reentry_thread, "main");
  assert_string_equal(st.reentry_thread_op, alloc ? "heap malloc"
                                                  : "heap free");
  assert_string_equal(st.reentry_point, point);
  char want[200];
  snprintf(want, sizeof want, "heap re-entered: heap free from ISR context "
           "while thread 'main' was inside %s, interrupted at point %s; ",
           alloc ? "heap malloc" : "heap free", point);
  assert_memory_equal(out.message, want, strlen(want));
  assert_non_null(strstr(out.message, "never resumes the thread"));
}

static void test_reentry_during_alloc_walk(void **state)
{
  hm_reentry(*state, SYS_ARCH_HEAP_POINT_ALLOC_WALK, true);
}

static void test_reentry_during_alloc_take(void **state)
{
  hm_reentry(*state, SYS_ARCH_HEAP_POINT_ALLOC_TAKE, true);
}

static void test_reentry_during_free_walk(void **state)
{
  hm_reentry(*state, SYS_ARCH_HEAP_POINT_FREE_WALK, false);
}

static void test_reentry_during_free_link(void **state)
{
  hm_ctx *c = *state;
  hm_reentry(c, SYS_ARCH_HEAP_POINT_FREE_LINK, false);
  /* The ISR's check sees main's free half done: c (+80) marked free, on
   * no link yet, between a and b (+0 and +40, free now and merged) and
   * the rest of the arena (+160). */
  sys_arch_heap_stats st;
  sys_arch_heap_get_stats(&st);
  assert_string_equal(st.broken, "free block +80 (40 bytes) is on no "
                      "free-list link: the link +0 -> +160 skips it");
}

/* ------------------------------------------------------------------ */

/* The ISR uses the heap while no thread is inside it: no re-entry. */
static void no_reentry_main(void *arg)
{
  hm_ctx *c = arg;
  c->a = sys_arch_heap_malloc(24);
  c->b = sys_arch_heap_malloc(24);
  c->isr_target = c->a;
  c->irq = sim_irq_register("tx", 1, reenter_isr, c);
  sim_irq_pin(c->irq, "main", "app:between", 1);
  sim_point("app:between"); /* the ISR frees a here */
  c->isr_target = NULL;
  sim_irq_pin(c->irq, "main", "app:between2", 1);
  sim_point("app:between2"); /* the ISR allocates here */
  sys_arch_heap_free(c->b);
  c->check_ok = sys_arch_heap_check(c->check, sizeof c->check);
}

static void test_isr_outside_thread_operation_is_no_reentry(void **state)
{
  hm_ctx *c = *state;
  sim_outcome out = hm_run(no_reentry_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
  assert_true(c->check_ok);
  assert_ptr_equal(c->isr_got, c->a); /* a's block, freed by the ISR */
  sys_arch_heap_stats st;
  sys_arch_heap_get_stats(&st);
  assert_int_equal(st.reentries, 0);
  assert_int_equal(st.frees, 2);
  assert_int_equal(st.allocs, 3);
  assert_false(st.stopped);
}

/* ------------------------------------------------------------------ */
/* the consequence, had the thread resumed (RECORD)                    */

/* main frees c, interrupted at FREE_LINK with its place found (no free
 * block below c: prev none, next the rest of the arena); the ISR frees a
 * and makes it the head; main resumes and writes its own links from what
 * it found before: the head becomes c, and a - the ISR's block - is on no
 * link any more: lost, for good, from the free list. */
static void resume_main(void *arg)
{
  hm_ctx *c = arg;
  sys_arch_heap_set_on_error(SYS_ARCH_HEAP_ON_ERROR_RECORD);
  c->a = sys_arch_heap_malloc(24); /* +0 */
  c->b = sys_arch_heap_malloc(24); /* +40 */
  c->c = sys_arch_heap_malloc(24); /* +80 */
  c->d = sys_arch_heap_malloc(24); /* +120, keeps c from the rest */
  c->isr_target = c->a;
  c->irq = sim_irq_register("tx", 1, reenter_isr, c);
  sim_irq_pin(c->irq, "main", SYS_ARCH_HEAP_POINT_FREE_LINK, 1);
  sys_arch_heap_free(c->c);
  c->check_ok = sys_arch_heap_check(c->check, sizeof c->check);
  /* The lost block cannot be had again: a fresh 24 bytes come from c. */
  c->e = sys_arch_heap_malloc(24);
}

static void test_resumed_free_loses_the_isr_block(void **state)
{
  hm_ctx *c = *state;
  sim_outcome out = hm_run(resume_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
  sys_arch_heap_stats st;
  sys_arch_heap_get_stats(&st);
  assert_int_equal(st.reentries, 1);
  assert_false(st.stopped);
  assert_false(c->check_ok);
  assert_string_equal(c->check, "free block +0 (40 bytes) is on no "
                      "free-list link: the link +head/0 -> +80 skips it");
  assert_ptr_equal(c->e, c->c);
}

/* ------------------------------------------------------------------ */
/* a pin that never fires                                              */

/* The IRQ is pinned at a misspelt copy of a point name: the heap never
 * passes it, the ISR never runs, and the run must not end as if the
 * schedule had happened. */
static void misspelt_pin_main(void *arg)
{
  hm_ctx *c = arg;
  c->a = sys_arch_heap_malloc(24);
  c->isr_target = c->a;
  c->irq = sim_irq_register("tx", 1, reenter_isr, c);
  sim_irq_pin(c->irq, "main", "heap:free:lnk", 1);
  c->b = sys_arch_heap_malloc(24);
  sys_arch_heap_free(c->b);
}

static void test_pin_never_reached_ends_run_as_fault(void **state)
{
  hm_ctx *c = *state;
  sim_outcome out = hm_run(misspelt_pin_main, c);
  assert_int_equal(out.end, SIM_END_FAULT);
  assert_string_equal(out.message, "pin heap:free:lnk never reached: irq "
                      "tx pinned at main's hit #1 of it, 0 hits");
  sys_arch_heap_stats st;
  sys_arch_heap_get_stats(&st);
  assert_int_equal(st.frees, 1);
  assert_int_equal(st.reentries, 0);
}

/* The same pin at the model's own constant fires: the ISR frees a at the
 * link point of main's free of b, a re-entry, which ends the run.  So the
 * fault above is the misspelt name's alone. */
static void constant_pin_main(void *arg)
{
  hm_ctx *c = arg;
  c->a = sys_arch_heap_malloc(24);
  c->isr_target = c->a;
  c->irq = sim_irq_register("tx", 1, reenter_isr, c);
  sim_irq_pin(c->irq, "main", SYS_ARCH_HEAP_POINT_FREE_LINK, 1);
  c->b = sys_arch_heap_malloc(24);
  sys_arch_heap_free(c->b);
}

static void test_pin_at_the_constant_fires(void **state)
{
  hm_ctx *c = *state;
  sim_outcome out = hm_run(constant_pin_main, c);
  assert_int_equal(out.end, SIM_END_FAULT);
  sys_arch_heap_stats st;
  sys_arch_heap_get_stats(&st);
  assert_int_equal(st.reentries, 1);
  assert_string_equal(st.reentry_point, SYS_ARCH_HEAP_POINT_FREE_LINK);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(
          test_first_fit_takes_lowest_block_that_holds, hm_setup,
          hm_teardown),
      cmocka_unit_test_setup_teardown(test_free_coalesces_both_neighbours,
                                      hm_setup, hm_teardown),
      cmocka_unit_test_setup_teardown(test_check_finds_a_broken_header,
                                      hm_setup, hm_teardown),
      cmocka_unit_test_setup_teardown(
          test_check_finds_a_link_to_a_used_block, hm_setup, hm_teardown),
      cmocka_unit_test_setup_teardown(test_broken_list_ends_run_as_fault,
                                      hm_setup, hm_teardown),
      cmocka_unit_test_setup_teardown(test_reentry_during_alloc_walk,
                                      hm_setup, hm_teardown),
      cmocka_unit_test_setup_teardown(test_reentry_during_alloc_take,
                                      hm_setup, hm_teardown),
      cmocka_unit_test_setup_teardown(test_reentry_during_free_walk,
                                      hm_setup, hm_teardown),
      cmocka_unit_test_setup_teardown(test_reentry_during_free_link,
                                      hm_setup, hm_teardown),
      cmocka_unit_test_setup_teardown(
          test_isr_outside_thread_operation_is_no_reentry, hm_setup,
          hm_teardown),
      cmocka_unit_test_setup_teardown(test_resumed_free_loses_the_isr_block,
                                      hm_setup, hm_teardown),
      cmocka_unit_test_setup_teardown(
          test_pin_never_reached_ends_run_as_fault, hm_setup, hm_teardown),
      cmocka_unit_test_setup_teardown(test_pin_at_the_constant_fires,
                                      hm_setup, hm_teardown),
  };
  return cmocka_run_group_tests_name("heap_model", tests, NULL, NULL);
}

/*
 * test_port.c - lwIP's sys_arch API as the port implements it on the
 * scheduler: semaphore, mailbox and mutex semantics with virtual-time
 * timeouts, per-thread semaphores (and the shared-scratch lookup of the
 * port_reentrancy field bug), protection nesting against interrupts,
 * core-lock checks and caught assertions.
 *
 * Each test runs its body as the sim thread "main" of a fresh scheduler
 * (setup/teardown), so tests share no state.  lwIP itself is not started:
 * these are the port's own contracts, the ones lwIP's code relies on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lwip/opt.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"

#include "sim_clock.h"
#include "sim_prng.h"
#include "sim_sched.h"
#include "sim_sync.h"
#include "sim_trace.h"
#include "sys_arch_sim.h"

typedef struct {
  char log[512];
  sys_sem_t sem;
  sys_mbox_t mbox;
  sys_mutex_t mutex;
  u32_t r1, r2;
  uint64_t t1, t2;
  void *msg;
  sys_sem_t *per_thread[2];
  int irq;
  int held_depth;
  uint32_t rand[4];
  sim_sem *go, *park;        /* the shared-scratch tests' "hi" thread */
  bool shared;               /* the shared-scratch lookup, else correct */
  bool preempt;              /* pin the IRQ that wakes "hi" */
  sys_sem_t *got;            /* what main's lookup returned */
  sys_arch_sem_lookup_stats ls;
} port_ctx;

/* Checks inside sim threads: cmocka's asserts longjmp, which must not cross
 * threads, so a failed check is recorded and reported by port_run(). */
static int port_fail_line;
static char port_fail_what[160];
#define T_CHECK(cond)                                                     \
  do {                                                                    \
    if (!(cond) && !port_fail_line) {                                     \
      port_fail_line = __LINE__;                                          \
      snprintf(port_fail_what, sizeof port_fail_what, "%s", #cond);       \
    }                                                                     \
  } while (0)

static void port_log(port_ctx *c, const char *s)
{
  size_t n = strlen(c->log);
  snprintf(c->log + n, sizeof c->log - n, "%s%s", n ? " " : "", s);
}

static int port_setup(void **state)
{
  static port_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  char err[128];
  sim_config cfg = {.policy = SIM_POLICY_RTOS, .seed = 42};
  assert_int_equal(sim_trace_open(NULL, err, sizeof err), 0);
  assert_int_equal(sim_sched_init(&cfg, err, sizeof err), 0);
  *state = &ctx;
  return 0;
}

static int port_teardown(void **state)
{
  (void)state;
  char err[128];
  sim_sched_fini();
  assert_int_equal(sim_trace_close(err, sizeof err), 0);
  return 0;
}

static sim_outcome port_run(void (*fn)(void *), port_ctx *c)
{
  sim_outcome out;
  port_fail_line = 0;
  sim_sched_run(fn, c, 2, &out);
  if (port_fail_line)
    fail_msg("check failed in a sim thread at line %d: %s", port_fail_line,
             port_fail_what);
  return out;
}

/* ------------------------------------------------------------------ */

static void sem_timeout_main(void *arg)
{
  port_ctx *c = arg;
  sys_sem_new(&c->sem, 0);
  c->t1 = sim_clock_now_us();
  c->r1 = sys_arch_sem_wait(&c->sem, 250);
  c->t2 = sim_clock_now_us();
  sys_sem_free(&c->sem);
}

static void test_sem_wait_times_out_in_virtual_ms(void **state)
{
  port_ctx *c = *state;
  sim_outcome out = port_run(sem_timeout_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
  assert_int_equal(c->r1, SYS_ARCH_TIMEOUT);
  assert_int_equal(c->t2 - c->t1, 250000);
}

static void sem_giver(void *arg)
{
  port_ctx *c = arg;
  sys_msleep(40);
  port_log(c, "give");
  sys_sem_signal(&c->sem);
  port_log(c, "given");
}

static void sem_signal_main(void *arg)
{
  port_ctx *c = arg;
  sys_sem_new(&c->sem, 1);
  c->r1 = sys_arch_sem_wait(&c->sem, 0); /* count 1: no wait */
  sys_thread_new("giver", sem_giver, c, 0, 1);
  c->r2 = sys_arch_sem_wait(&c->sem, 1000);
  port_log(c, "woken");
  c->t1 = sys_now();
  sys_sem_free(&c->sem);
}

static void test_sem_signal_wakes_waiter_and_reports_wait(void **state)
{
  port_ctx *c = *state;
  sim_outcome out = port_run(sem_signal_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
  assert_int_equal(c->r1, 0);
  assert_int_equal(c->r2, 40);
  assert_int_equal(c->t1, 40);
  /* main (prio 2) outranks the giver (prio 1): it runs at once. */
  assert_string_equal(c->log, "give woken");
}

/* ------------------------------------------------------------------ */

static void mbox_main(void *arg)
{
  port_ctx *c = arg;
  static int a, b, d;
  sys_mbox_t zero;
  T_CHECK((sys_mbox_new(&zero, 0)) == (ERR_MEM));
  T_CHECK(!(sys_mbox_valid(&zero)));
  T_CHECK((sys_mbox_new(&c->mbox, 2)) == (ERR_OK));
  T_CHECK(sys_mbox_valid(&c->mbox));
  /* tryfetch on empty */
  void *m = &a;
  T_CHECK((sys_arch_mbox_tryfetch(&c->mbox, &m)) == (SYS_MBOX_EMPTY));
  /* trypost until full */
  T_CHECK((sys_mbox_trypost(&c->mbox, &a)) == (ERR_OK));
  T_CHECK((sys_mbox_trypost(&c->mbox, &b)) == (ERR_OK));
  T_CHECK((sys_mbox_trypost(&c->mbox, &d)) == (ERR_MEM));
  /* FIFO */
  T_CHECK((sys_arch_mbox_fetch(&c->mbox, &m, 0)) == (0));
  T_CHECK((m) == (&a));
  T_CHECK((sys_arch_mbox_tryfetch(&c->mbox, &m)) == (0));
  T_CHECK((m) == (&b));
  /* timed fetch on empty: timeout, NULL message, exact virtual time */
  uint64_t t0 = sim_clock_now_us();
  m = &a;
  T_CHECK((sys_arch_mbox_fetch(&c->mbox, &m, 30)) == (SYS_ARCH_TIMEOUT));
  T_CHECK((m) == NULL);
  T_CHECK((sim_clock_now_us() - t0) == (30000));
  sys_mbox_free(&c->mbox);
  sys_mbox_set_invalid(&c->mbox);
  T_CHECK(!(sys_mbox_valid(&c->mbox)));
}

static void test_mbox_trypost_full_tryfetch_empty_timeout(void **state)
{
  port_ctx *c = *state;
  sim_outcome out = port_run(mbox_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
}

static void mbox_poster(void *arg)
{
  port_ctx *c = arg;
  static int x, y;
  sys_mbox_post(&c->mbox, &x);
  port_log(c, "posted1");
  sys_mbox_post(&c->mbox, &y); /* full: blocks until main fetches */
  port_log(c, "posted2");
}

static void mbox_block_main(void *arg)
{
  port_ctx *c = arg;
  sys_mbox_new(&c->mbox, 1);
  sys_thread_new("poster", mbox_poster, c, 0, 3);
  port_log(c, "fetch");
  void *m;
  sys_arch_mbox_fetch(&c->mbox, &m, 0);
  port_log(c, "fetched1");
  sys_arch_mbox_fetch(&c->mbox, &m, 0);
  port_log(c, "fetched2");
  sys_mbox_free(&c->mbox);
}

static void test_mbox_post_blocks_while_full(void **state)
{
  port_ctx *c = *state;
  sim_outcome out = port_run(mbox_block_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
  /* The poster (prio 3) preempts main at creation, fills the box, blocks;
   * main's fetch makes room and the poster runs at once. */
  assert_string_equal(c->log, "posted1 fetch posted2 fetched1 fetched2");
}

static void isr_post(void *arg)
{
  port_ctx *c = arg;
  static int v;
  c->r1 = (u32_t)sys_mbox_trypost_fromisr(&c->mbox, &v);
  port_log(c, sim_in_isr() ? "isr-posted" : "not-in-isr");
}

static void mbox_isr_main(void *arg)
{
  port_ctx *c = arg;
  sys_mbox_new(&c->mbox, 4);
  c->irq = sim_irq_register("rx", 1, isr_post, c);
  sim_irq_raise_at(c->irq, 5000);
  void *m = NULL;
  c->r2 = sys_arch_mbox_fetch(&c->mbox, &m, 100);
  port_log(c, m ? "got" : "none");
  sys_mbox_free(&c->mbox);
}

static void test_mbox_trypost_fromisr_wakes_thread(void **state)
{
  port_ctx *c = *state;
  sim_outcome out = port_run(mbox_isr_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
  assert_int_equal(c->r1, ERR_OK);
  assert_int_equal(c->r2, 5);
  assert_string_equal(c->log, "isr-posted got");
}

/* ------------------------------------------------------------------ */

static void pt_thread(void *arg)
{
  port_ctx *c = arg;
  c->per_thread[1] = LWIP_NETCONN_THREAD_SEM_GET();
  /* stable within a thread */
  T_CHECK((LWIP_NETCONN_THREAD_SEM_GET()) == (c->per_thread[1]));
  sys_sem_signal(c->per_thread[1]);
  T_CHECK((sys_arch_sem_wait(c->per_thread[1], 10)) == (0));
  /* not freed explicitly: the thread's end frees it (ASan checks) */
}

static void per_thread_main(void *arg)
{
  port_ctx *c = arg;
  LWIP_NETCONN_THREAD_SEM_ALLOC();
  c->per_thread[0] = LWIP_NETCONN_THREAD_SEM_GET();
  T_CHECK(sys_sem_valid(c->per_thread[0]));
  sys_thread_new("other", pt_thread, c, 0, 3);
  T_CHECK(c->per_thread[1] != NULL);
  T_CHECK(c->per_thread[0] != c->per_thread[1]);
  LWIP_NETCONN_THREAD_SEM_FREE();
}

static void test_per_thread_semaphores(void **state)
{
  port_ctx *c = *state;
  sim_outcome out = port_run(per_thread_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
}

/* ------------------------------------------------------------------ */
/* the per-thread semaphore lookup: correct and shared scratch          */

/* "hi" (priority 3) waits until the IRQ wakes it, looks up its own
 * semaphore, and stays alive (its slot must outlive main's lookup). */
static void scratch_hi(void *arg)
{
  port_ctx *c = arg;
  sim_sem_take(c->go, SIM_FOREVER);
  c->per_thread[1] = LWIP_NETCONN_THREAD_SEM_GET();
  sim_sem_take(c->park, SIM_FOREVER);
}

static void scratch_irq(void *arg)
{
  port_ctx *c = arg;
  sim_sem_give(c->go);
}

/* main (priority 2) looks up its semaphore; with `preempt`, an IRQ pinned
 * at the lookup's point - between writing the current thread and reading
 * it back - makes "hi" ready, which runs at once and does its own lookup.
 * Without the pin, the IRQ comes only after main's lookup. */
static void scratch_main(void *arg)
{
  port_ctx *c = arg;
  c->go = sim_sem_new(0);
  c->park = sim_sem_new(0);
  LWIP_NETCONN_THREAD_SEM_ALLOC();
  sys_thread_new("hi", scratch_hi, c, 0, 3);
  c->irq = sim_irq_register("wake", 1, scratch_irq, c);
  sys_arch_set_sem_lookup(c->shared ? SYS_ARCH_SEM_LOOKUP_SHARED_SCRATCH
                                    : SYS_ARCH_SEM_LOOKUP_CORRECT);
  if (c->preempt)
    sim_irq_pin(c->irq, "main", SYS_ARCH_SEM_LOOKUP_POINT, 1);
  c->got = LWIP_NETCONN_THREAD_SEM_GET();
  if (!c->preempt) {
    sim_irq_raise(c->irq);
    sim_point("after-lookup");
  }
  T_CHECK(c->per_thread[1] != NULL); /* hi ran its lookup */
  /* main's own slot, by a second lookup with nobody in between */
  c->per_thread[0] = LWIP_NETCONN_THREAD_SEM_GET();
  sys_arch_get_sem_lookup_stats(&c->ls);
  sys_arch_set_sem_lookup(SYS_ARCH_SEM_LOOKUP_CORRECT);
  sim_sem_give(c->park);
  LWIP_NETCONN_THREAD_SEM_FREE();
}

static void scratch_case(port_ctx *c, bool shared, bool preempt)
{
  c->shared = shared;
  c->preempt = preempt;
  sim_outcome out = port_run(scratch_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
  assert_non_null(c->per_thread[0]);
  assert_non_null(c->per_thread[1]);
  assert_ptr_not_equal(c->per_thread[0], c->per_thread[1]);
  assert_int_equal(c->ls.lookups, 3);
}

/* Shared scratch, preempted between write and read: main is handed hi's
 * semaphore, and the port counts and names that lookup. */
static void test_shared_scratch_preempted_hands_out_the_other(void **state)
{
  port_ctx *c = *state;
  scratch_case(c, true, true);
  assert_ptr_equal(c->got, c->per_thread[1]);
  assert_int_equal(c->ls.wrong, 1);
  assert_string_equal(c->ls.first_thread, "main");
  assert_string_equal(c->ls.first_owner, "hi");
}

/* Shared scratch, the same two lookups one after the other: each thread
 * gets its own. */
static void test_shared_scratch_not_preempted_is_right(void **state)
{
  port_ctx *c = *state;
  scratch_case(c, true, false);
  assert_ptr_equal(c->got, c->per_thread[0]);
  assert_int_equal(c->ls.wrong, 0);
}

/* The correct lookup under the same preemption: main gets its own. */
static void test_correct_lookup_preempted_is_right(void **state)
{
  port_ctx *c = *state;
  scratch_case(c, false, true);
  assert_ptr_equal(c->got, c->per_thread[0]);
  assert_int_equal(c->ls.wrong, 0);
}

/* ------------------------------------------------------------------ */

static void count_irq(void *arg)
{
  port_ctx *c = arg;
  c->held_depth = (int)sim_irq_mask_depth();
  port_log(c, "irq");
}

static void protect_main(void *arg)
{
  port_ctx *c = arg;
  c->irq = sim_irq_register("tx", 1, count_irq, c);
  SYS_ARCH_DECL_PROTECT(outer);
  SYS_ARCH_DECL_PROTECT(inner);
  SYS_ARCH_PROTECT(outer);
  sim_irq_raise(c->irq);
  sim_point("inside-outer");
  SYS_ARCH_PROTECT(inner);
  sim_point("inside-inner");
  SYS_ARCH_UNPROTECT(inner);
  port_log(c, "inner-done");
  SYS_ARCH_UNPROTECT(outer);
  port_log(c, "outer-done");
}

static void test_protect_nests_and_delivers_irq_at_unprotect(void **state)
{
  port_ctx *c = *state;
  sim_outcome out = port_run(protect_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
  /* Held through both levels, delivered by the outer unprotect, with
   * interrupts unmasked while the handler runs. */
  assert_string_equal(c->log, "inner-done irq outer-done");
  assert_int_equal(c->held_depth, 0);
}

/* ------------------------------------------------------------------ */

static void mutex_main(void *arg)
{
  port_ctx *c = arg;
  T_CHECK((sys_mutex_new(&c->mutex)) == (ERR_OK));
  T_CHECK(!(sys_mutex_held(&c->mutex)));
  sys_mutex_lock(&c->mutex);
  T_CHECK(sys_mutex_held(&c->mutex));
  sys_mutex_unlock(&c->mutex);
  T_CHECK(!(sys_mutex_held(&c->mutex)));
  sys_mutex_free(&c->mutex);
}

static void test_mutex_ownership(void **state)
{
  port_ctx *c = *state;
  sim_outcome out = port_run(mutex_main, c);
  assert_int_equal(out.end, SIM_END_NORMAL);
}

/* The core-lock check: once tcpip_thread is marked, a call into the core
 * without the lock from another thread is an lwIP assertion. */
static void core_thread(void *arg)
{
  (void)arg;
  sys_mark_tcpip_thread();
}

static void core_main(void *arg)
{
  (void)arg;
  sys_check_core_locking(); /* before marking: set-up, no check */
  sys_mutex_new(&lock_tcpip_core);
  sys_thread_new("tcpip_thread", core_thread, NULL, 0, 5);
  LOCK_TCPIP_CORE();
  sys_check_core_locking(); /* holds the lock: fine */
  UNLOCK_TCPIP_CORE();
  sys_check_core_locking(); /* no lock: asserts */
}

static void test_core_lock_check_asserts_without_lock(void **state)
{
  port_ctx *c = *state;
  sim_outcome out = port_run(core_main, c);
  assert_int_equal(out.end, SIM_END_ASSERT);
  assert_non_null(strstr(out.message, "Function called without core lock"));
}

/* ------------------------------------------------------------------ */

static void assert_main(void *arg)
{
  port_ctx *c = arg;
  port_log(c, "before");
  LWIP_ASSERT("boom", 1 == 2);
  port_log(c, "after");
}

static void test_lwip_assert_ends_run_with_short_path(void **state)
{
  port_ctx *c = *state;
  sim_outcome out = port_run(assert_main, c);
  assert_int_equal(out.end, SIM_END_ASSERT);
  assert_string_equal(c->log, "before");
  assert_non_null(strstr(out.message, "lwip assert: boom at test_port.c:"));
  assert_string_equal(
      sys_arch_short_path("/home/x/lwip-2.1.3/src/api/sockets.c"),
      "src/api/sockets.c");
}

static void rand_main(void *arg)
{
  port_ctx *c = arg;
  for (int i = 0; i < 4; i++)
    c->rand[i] = LWIP_RAND();
}

static void test_lwip_rand_follows_seed(void **state)
{
  port_ctx *c = *state;
  port_run(rand_main, c);
  uint32_t first[4];
  memcpy(first, c->rand, sizeof first);
  /* A second run with the same seed draws the same numbers. */
  sim_sched_fini();
  char err[64];
  sim_config cfg = {.policy = SIM_POLICY_RTOS, .seed = 42};
  assert_int_equal(sim_sched_init(&cfg, err, sizeof err), 0);
  port_run(rand_main, c);
  assert_memory_equal(first, c->rand, sizeof first);
  assert_true(first[0] != first[1] || first[1] != first[2]);
  /* Another seed draws others. */
  sim_sched_fini();
  cfg.seed = 43;
  assert_int_equal(sim_sched_init(&cfg, err, sizeof err), 0);
  port_run(rand_main, c);
  assert_memory_not_equal(first, c->rand, sizeof first);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_sem_wait_times_out_in_virtual_ms,
                                      port_setup, port_teardown),
      cmocka_unit_test_setup_teardown(
          test_sem_signal_wakes_waiter_and_reports_wait, port_setup,
          port_teardown),
      cmocka_unit_test_setup_teardown(
          test_mbox_trypost_full_tryfetch_empty_timeout, port_setup,
          port_teardown),
      cmocka_unit_test_setup_teardown(test_mbox_post_blocks_while_full,
                                      port_setup, port_teardown),
      cmocka_unit_test_setup_teardown(test_mbox_trypost_fromisr_wakes_thread,
                                      port_setup, port_teardown),
      cmocka_unit_test_setup_teardown(test_per_thread_semaphores, port_setup,
                                      port_teardown),
      cmocka_unit_test_setup_teardown(
          test_shared_scratch_preempted_hands_out_the_other, port_setup,
          port_teardown),
      cmocka_unit_test_setup_teardown(
          test_shared_scratch_not_preempted_is_right, port_setup,
          port_teardown),
      cmocka_unit_test_setup_teardown(test_correct_lookup_preempted_is_right,
                                      port_setup, port_teardown),
      cmocka_unit_test_setup_teardown(
          test_protect_nests_and_delivers_irq_at_unprotect, port_setup,
          port_teardown),
      cmocka_unit_test_setup_teardown(test_mutex_ownership, port_setup,
                                      port_teardown),
      cmocka_unit_test_setup_teardown(
          test_core_lock_check_asserts_without_lock, port_setup,
          port_teardown),
      cmocka_unit_test_setup_teardown(
          test_lwip_assert_ends_run_with_short_path, port_setup,
          port_teardown),
      cmocka_unit_test_setup_teardown(test_lwip_rand_follows_seed,
                                      port_setup, port_teardown),
  };
  return cmocka_run_group_tests_name("port", tests, NULL, NULL);
}

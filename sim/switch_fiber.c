/*
 * switch_fiber.c - the fiber backend (the default): every sim thread is a
 * user-space context, and all of them run on one OS thread, the carrier,
 * which sim__sw_start() creates for each run.  The process's own thread
 * keeps watching the run (the watchdog, sched.c), as with pthreads.
 *
 * A switch saves the callee-saved registers and the floating-point control
 * words on the running stack, stores its stack pointer and loads the other
 * one's (x86-64: sim__fiber_swap below; elsewhere swapcontext(), which also
 * makes a system call for the signal mask).  What C code expects per
 * thread and the switch does not carry: errno, which the scheduler saves
 * and restores around every switch (sched_switch); thread-local variables
 * are the carrier's, shared by every sim thread (neither lwIP nor its
 * port has any).
 *
 * Sanitizers.  ASan is told of every switch (__sanitizer_start_switch_fiber
 * and __sanitizer_finish_switch_fiber), so it knows which stack runs (its
 * stack-use-after-return and its reports see each fiber's own stack); TSan
 * gets a fiber per context (__tsan_create_fiber, __tsan_switch_to_fiber),
 * so its race detector keeps each fiber's history apart and orders the
 * switches.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_priv.h"

#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define FIBER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FIBER_TSAN 1
#endif
#endif
#ifdef FIBER_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef FIBER_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#if defined(__x86_64__)
#define FIBER_ASM 1
#else
#include <ucontext.h>
#endif

const char sim__sw_name[] = "fiber";

struct sim_ctx {
  sim_thread *t;
  void (*body)(sim_thread *t);
  const void *stack_lo; /* for ASan: the stack it runs on */
  size_t stack_size;
#ifdef FIBER_ASM
  void *sp; /* saved stack pointer while not running */
#else
  ucontext_t uc;
#endif
#ifdef FIBER_ASAN
  void *fake_stack; /* ASan's fake frames while switched out */
#endif
#ifdef FIBER_TSAN
  void *tsan_fiber;
#endif
};

/* The carrier: its own context (where it waits for the run to end) and
 * its thread. */
static struct {
  sim_ctx base;
  sim_ctx *first;
  pthread_t pt;
  bool running; /* created and not joined */
  void *altstack;
} F;

#ifdef FIBER_ASM
/* void sim__fiber_swap(void **save_sp, void *load_sp)
 * Pushes rbp, rbx, r12-r15 and the x87/SSE control words, saves rsp in
 * *save_sp, loads load_sp and pops the same from there. */
void sim__fiber_swap(void **save_sp, void *load_sp);
/* A new fiber's first "return" lands here with its context in r12. */
void sim__fiber_entry(void);
__asm__(".text\n"
        ".globl sim__fiber_swap\n"
        ".hidden sim__fiber_swap\n"
        ".type sim__fiber_swap,@function\n"
        "sim__fiber_swap:\n"
        "  pushq %rbp\n"
        "  pushq %rbx\n"
        "  pushq %r12\n"
        "  pushq %r13\n"
        "  pushq %r14\n"
        "  pushq %r15\n"
        "  subq $16, %rsp\n"
        "  stmxcsr 8(%rsp)\n"
        "  fnstcw (%rsp)\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  fldcw (%rsp)\n"
        "  ldmxcsr 8(%rsp)\n"
        "  addq $16, %rsp\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbx\n"
        "  popq %rbp\n"
        "  ret\n"
        ".size sim__fiber_swap,.-sim__fiber_swap\n"
        ".globl sim__fiber_entry\n"
        ".hidden sim__fiber_entry\n"
        ".type sim__fiber_entry,@function\n"
        "sim__fiber_entry:\n"
        "  movq %r12, %rdi\n"
        "  call sim__fiber_start\n"
        "  ud2\n"
        ".size sim__fiber_entry,.-sim__fiber_entry\n");
#endif

/* Called on the fiber's own stack when it first runs. */
void sim__fiber_start(sim_ctx *c) __attribute__((noreturn, used));
void sim__fiber_start(sim_ctx *c)
{
#ifdef FIBER_ASAN
  __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
  c->body(c->t);
  fprintf(stderr, "lwipsim: fiber of a sim thread returned\n");
  abort();
}

#ifndef FIBER_ASM
static void fiber_uc_start(unsigned hi, unsigned lo)
{
  sim__fiber_start((sim_ctx *)(((uintptr_t)hi << 32) | (uintptr_t)lo));
}
#endif

size_t sim__sw_stack_extra(void)
{
  return 0;
}

sim_ctx *sim__ctx_new(sim_thread *t, sim_stack *stack,
                      void (*body)(sim_thread *t))
{
  sim_ctx *c = sim__mem_zalloc(sizeof *c, " in the scheduler");
  c->t = t;
  c->body = body;
  c->stack_lo = stack->lo;
  c->stack_size = stack->size;
#ifdef FIBER_ASM
  /* The frame sim__fiber_swap pops: control words, six registers (r12
   * holds the context), then the "return address" sim__fiber_entry, which
   * finds the stack pointer 16-byte aligned as a call instruction would
   * before pushing. */
  uintptr_t top = ((uintptr_t)stack->lo + stack->size) & ~(uintptr_t)15;
  uint64_t *sp = (uint64_t *)top;
  *--sp = (uint64_t)(uintptr_t)sim__fiber_entry;
  *--sp = 0;                       /* rbp: ends frame-pointer walks */
  *--sp = 0;                       /* rbx */
  *--sp = (uint64_t)(uintptr_t)c;  /* r12 */
  *--sp = 0;                       /* r13 */
  *--sp = 0;                       /* r14 */
  *--sp = 0;                       /* r15 */
  *--sp = 0x1F80;                  /* mxcsr: defaults */
  *--sp = 0x037F;                  /* x87 control word: defaults */
  c->sp = sp;
#else
  getcontext(&c->uc);
  c->uc.uc_stack.ss_sp = stack->lo;
  c->uc.uc_stack.ss_size = stack->size;
  c->uc.uc_link = NULL;
  uintptr_t p = (uintptr_t)c;
  makecontext(&c->uc, (void (*)(void))fiber_uc_start, 2,
              (unsigned)(p >> 32), (unsigned)p);
#endif
#ifdef FIBER_TSAN
  c->tsan_fiber = __tsan_create_fiber(0);
#endif
  return c;
}

/* Leaves `from` (NULL: for good) for `to`. */
static void fiber_swap(sim_ctx *from, sim_ctx *to, bool for_good)
{
#ifdef FIBER_ASAN
  __sanitizer_start_switch_fiber(for_good ? NULL : &from->fake_stack,
                                 to->stack_lo, to->stack_size);
#endif
#ifdef FIBER_TSAN
  __tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
#ifdef FIBER_ASM
  sim__fiber_swap(&from->sp, to->sp);
#else
  swapcontext(&from->uc, &to->uc);
#endif
#ifdef FIBER_ASAN
  __sanitizer_finish_switch_fiber(from->fake_stack, NULL, NULL);
#endif
  (void)for_good;
}

void sim__ctx_switch(sim_ctx *from, sim_ctx *to)
{
  fiber_swap(from, to, false);
}

void sim__ctx_exit(sim_ctx *from, sim_ctx *to)
{
  fiber_swap(from, to, true);
  abort(); /* nobody switches back to a finished fiber */
}

void sim__ctx_park(sim_ctx *self)
{
  fiber_swap(self, &F.base, true);
  abort();
}

static void *fiber_carrier(void *arg)
{
  (void)arg;
  F.altstack = sim__altstack_set();
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void *lo;
    size_t size;
    if (pthread_attr_getstack(&attr, &lo, &size) == 0) {
      F.base.stack_lo = lo;
      F.base.stack_size = size;
    }
    pthread_attr_destroy(&attr);
  }
#ifdef FIBER_TSAN
  F.base.tsan_fiber = __tsan_get_current_fiber();
#endif
  /* Runs the fibers until one parks (the run ended). */
  fiber_swap(&F.base, F.first, false);
  stack_t off = {.ss_flags = SS_DISABLE};
  sigaltstack(&off, NULL);
  return NULL;
}

void sim__sw_start(sim_ctx *first)
{
  F.first = first;
  /* The carrier's own stack only waits: the fibers have theirs. */
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256u * 1024u);
  int rc = pthread_create(&F.pt, &attr, fiber_carrier, NULL);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    fprintf(stderr, "lwipsim: cannot create the scheduler's thread: %s\n",
            strerror(rc));
    abort();
  }
  F.running = true;
}

bool sim__sw_stop(sim_ctx *const *all, int n, sim_ctx *wedged)
{
  (void)all;
  (void)n;
  if (!F.running)
    return true;
  F.running = false;
  if (wedged) {
    /* It may never stop: give it a second, then leave it be. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 1;
    if (pthread_timedjoin_np(F.pt, NULL, &ts) != 0) {
      pthread_detach(F.pt);
      return false;
    }
  } else {
    pthread_join(F.pt, NULL);
  }
  sim__altstack_free(F.altstack);
  F.altstack = NULL;
  return true;
}

/* Snapshots.  The fiber that parks the run saves its registers like any
 * switch and returns to the carrier's base, which ends the carrier; the
 * fibers are then only memory (stacks and saved stack pointers), which a
 * copy of the process keeps.  A new carrier, in whichever process,
 * switches back into the parked fiber. */
const bool sim__sw_can_park = true;

void sim__ctx_suspend(sim_ctx *self)
{
  F.first = self;
  fiber_swap(self, &F.base, false);
}

void sim__sw_pause(void)
{
  if (!F.running)
    return;
  F.running = false;
  pthread_join(F.pt, NULL);
  sim__altstack_free(F.altstack);
  F.altstack = NULL;
}

void sim__ctx_free(sim_ctx *c)
{
#ifdef FIBER_TSAN
  __tsan_destroy_fiber(c->tsan_fiber);
#endif
  free(c);
}

/*
 * sys_arch_glue.c - what every engine needs from the port besides lwIP's
 * sys_* API: lwIP's assertions and diagnostics, TCP initial sequence
 * numbers from the run's PRNG, and the core-lock check.  Kept apart from
 * sys_arch.c so that a board project with its own lwIP port (its own
 * sys_arch.c and arch/ headers, board.mk: BOARD_PORT := own) links this
 * file and not lwipsim's sys_arch.c.
 *
 * With a board's own port the lock behind LWIP_TCPIP_CORE_LOCKING is the
 * board's type, which this file cannot ask for its holder: the check is
 * then the interrupt-context check alone (and the thread check without
 * core locking).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lwip/opt.h"
#include "lwip/sys.h"
#if !NO_SYS && LWIP_TCPIP_CORE_LOCKING
#include "lwip/tcpip.h"
#endif

#include "sim_prng.h"
#include "sim_sched.h"
#include "sys_arch_glue.h"
#include "sys_arch_sim.h"

static bool sys_arch_verbose;
static sim_thread *sys_arch_tcpip;

void sys_arch_glue_reset(void)
{
  sys_arch_tcpip = NULL;
}

void sys_arch_set_verbose(int on)
{
  sys_arch_verbose = on != 0;
}

/* ------------------------------------------------------------------ */
/* core locking checks (lwIP 2.1+)                                     */

void sys_mark_tcpip_thread(void)
{
  sys_arch_tcpip = sim_thread_self();
}

void sys_check_core_locking(void)
{
  if (sim_in_isr())
    sys_arch_assert("Function called from interrupt context", __FILE__,
                    __LINE__);
  /* Before tcpip_init() lwIP is set up single-threaded; with NO_SYS
   * there is no tcpip thread at all (a super-loop has one thread: only
   * interrupt handlers are wrong). */
  if (!sys_arch_tcpip)
    return;
#if !NO_SYS && LWIP_TCPIP_CORE_LOCKING
#ifdef LWIPSIM_ARCH_SYS_ARCH_H /* lwipsim's port: the lock's holder is known */
  if (!sys_mutex_held(&lock_tcpip_core) &&
      sim_thread_self() != sys_arch_tcpip)
    sys_arch_assert("Function called without core lock", __FILE__, __LINE__);
#endif
#else
  if (sim_thread_self() != sys_arch_tcpip)
    sys_arch_assert("Function called from wrong thread", __FILE__, __LINE__);
#endif
}

/* ------------------------------------------------------------------ */
/* randomness, diagnostics, assertions                                 */

static uint32_t (*sys_arch_isn_fn)(void);

void sys_arch_set_isn_source(uint32_t (*fn)(void))
{
  sys_arch_isn_fn = fn;
}

uint32_t sys_arch_tcp_isn(void)
{
  return sys_arch_isn_fn ? sys_arch_isn_fn() : sim_rand_u32();
}

/* Who receives diagnostic lines besides stderr (sys_arch_set_diag_hook). */
static void (*sys_arch_diag_fn)(const char *line);

void sys_arch_set_diag_hook(void (*fn)(const char *line))
{
  sys_arch_diag_fn = fn;
}

void sys_arch_diag(const char *fmt, ...)
{
  if (!sys_arch_verbose && !sys_arch_diag_fn)
    return;
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (sys_arch_verbose)
    fputs(line, stderr);
  if (sys_arch_diag_fn)
    sys_arch_diag_fn(line);
}

/* "/anywhere/lwip-2.1.3/src/api/sockets.c" -> "src/api/sockets.c": the
 * reported file must not depend on where the tree lives. */
const char *sys_arch_short_path(const char *file)
{
  const char *best = NULL;
  for (const char *p = strstr(file, "/src/"); p; p = strstr(p + 1, "/src/"))
    best = p + 1;
  if (best)
    return best;
  const char *slash = strrchr(file, '/');
  return slash ? slash + 1 : file;
}

void sys_arch_assert(const char *msg, const char *file, int line)
{
  const char *f = sys_arch_short_path(file);
  if (!sim_sched_running()) {
    fprintf(stderr, "lwipsim: lwip assert: %s at %s:%d\n", msg, f, line);
    abort();
  }
  sim_sched_finish(SIM_END_ASSERT, "lwip assert: %s at %s:%d", msg, f, line);
}

/*
 * scn_lwip.c - starting lwIP and checking its pools for scenarios.  A
 * NO_SYS=1 board (a super-loop that starts lwIP itself) has the pool
 * checks only.
 */
#include "scn_lwip.h"

#include <stdio.h>
#include <string.h>

#include "lwip/sockets.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"

#include "sim_sched.h"

/* Pool names, in memp_t order, from the same list lwIP builds its enum
 * from (stats carry names only with LWIP_DEBUG or LWIP_STATS_DISPLAY). */
static const char *const scn_pool_names[] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
};

#if !NO_SYS
static void scn_lwip_init_done(void *arg)
{
  sys_sem_signal((sys_sem_t *)arg);
}

void scn_lwip_start(void)
{
  sys_sem_t ready;
  if (sys_sem_new(&ready, 0) != ERR_OK)
    sim_sched_finish(SIM_END_FAULT, "scn_lwip_start: no semaphore");
  tcpip_init(scn_lwip_init_done, &ready);
  sys_arch_sem_wait(&ready, 0);
  sys_sem_free(&ready);
}

int scn_lwip_socket_loopback(int type, unsigned port, char *err,
                             size_t errlen)
{
  int s = lwip_socket(AF_INET, type, 0);
  if (s < 0) {
    snprintf(err, errlen, "socket() failed: errno %d", errno);
    return -1;
  }
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = lwip_htons((u16_t)port);
  a.sin_addr.s_addr = lwip_htonl(0x7f000001u);
  if (lwip_bind(s, (struct sockaddr *)&a, sizeof a) != 0) {
    snprintf(err, errlen, "bind(%u) failed: errno %d", port, errno);
    lwip_close(s);
    return -1;
  }
  return s;
}
#endif /* !NO_SYS */

void scn_pools_snapshot(scn_pools *p)
{
  for (int i = 0; i < MEMP_MAX; i++) {
    p->memp_used[i] = lwip_stats.memp[i] ? lwip_stats.memp[i]->used : 0;
    p->memp_err[i] = lwip_stats.memp[i] ? lwip_stats.memp[i]->err : 0;
  }
  p->mem_used = lwip_stats.mem.used;
  p->mem_err = lwip_stats.mem.err;
}

bool scn_pools_back(const scn_pools *before, const scn_pools *now)
{
  for (int i = 0; i < MEMP_MAX; i++)
    if (now->memp_used[i] > before->memp_used[i])
      return false;
  return now->mem_used <= before->mem_used;
}

unsigned long long scn_pools_settle(const scn_pools *before,
                                    unsigned long long step_us,
                                    unsigned long long max_us)
{
  unsigned long long slept = 0;
  scn_pools now;
  scn_pools_snapshot(&now);
  while (!scn_pools_back(before, &now) && slept < max_us) {
    sim_sleep_us(step_us);
    slept += step_us;
    scn_pools_snapshot(&now);
  }
  return slept;
}

int scn_pools_diff(const scn_pools *before, const scn_pools *after,
                   char *buf, size_t len)
{
  int n = 0;
  size_t pos = 0;
  buf[0] = 0;
  for (int i = 0; i < MEMP_MAX; i++) {
    const char *name = scn_pool_names[i];
    if (after->memp_used[i] > before->memp_used[i] && pos < len)
      pos += (size_t)snprintf(buf + pos, len - pos, "%s%s used %lu->%lu",
                              n++ ? ", " : "", name, before->memp_used[i],
                              after->memp_used[i]);
    if (after->memp_err[i] > before->memp_err[i] && pos < len)
      pos += (size_t)snprintf(buf + pos, len - pos, "%s%s err +%lu",
                              n++ ? ", " : "", name,
                              after->memp_err[i] - before->memp_err[i]);
  }
  if (after->mem_used > before->mem_used && pos < len)
    pos += (size_t)snprintf(buf + pos, len - pos, "%sheap used %lu->%lu",
                            n++ ? ", " : "", before->mem_used,
                            after->mem_used);
  if (after->mem_err > before->mem_err && pos < len)
    pos += (size_t)snprintf(buf + pos, len - pos, "%sheap err +%lu",
                            n++ ? ", " : "",
                            after->mem_err - before->mem_err);
  return n;
}

/*
 * scn_svc.h - board-side TCP servers for the peer scenarios: one
 * connection served by a sim thread of the board through the board's lwIP
 * sockets, echoing (RFC 862) or discarding (RFC 863) what arrives, and
 * counting and hashing it (peer_fnv1a) for the oracle.
 */
#ifndef SCN_SVC_H
#define SCN_SVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/sys.h"

typedef struct {
  uint16_t port;
  bool echo;          /* false: discard */
  /* results, final once scn_svc_wait() returned true */
  size_t bytes;       /* received */
  uint32_t hash;      /* peer_fnv1a of what was received */
  const char *fail;   /* the call that failed, NULL: none */
  int fail_errno;
  sys_sem_t done;
} scn_svc;

/* Starts thread `name` (priority `prio`) serving one connection on
 * 0.0.0.0:port; it ends when the client closes.  From a sim thread. */
void scn_svc_start(scn_svc *s, const char *name, uint16_t port,
                        bool echo, int prio);
/* True once the server has finished, within `timeout_ms` (lwIP ms). */
bool scn_svc_wait(scn_svc *s, uint32_t timeout_ms);

#endif

/*
 * scn_peer_srv.h - board-side TCP servers for the peer scenarios: one
 * connection served by a sim thread of the board through the board's lwIP
 * sockets, echoing (RFC 862) or discarding (RFC 863) what arrives, and
 * counting and hashing it (peer_fnv1a) for the oracle.
 */
#ifndef SCN_PEER_SRV_H
#define SCN_PEER_SRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/sys.h"

typedef struct {
  uint16_t port;
  bool echo;          /* false: discard */
  /* results, final once scn_peer_srv_wait() returned true */
  size_t bytes;       /* received */
  uint32_t hash;      /* peer_fnv1a of what was received */
  const char *fail;   /* the call that failed, NULL: none */
  int fail_errno;
  sys_sem_t done;
} scn_peer_srv;

/* Starts thread `name` (priority `prio`) serving one connection on
 * 0.0.0.0:port; it ends when the client closes.  From a sim thread. */
void scn_peer_srv_start(scn_peer_srv *s, const char *name, uint16_t port,
                        bool echo, int prio);
/* True once the server has finished, within `timeout_ms` (lwIP ms). */
bool scn_peer_srv_wait(scn_peer_srv *s, uint32_t timeout_ms);

#endif

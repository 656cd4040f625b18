/*
 * socket_stress - descriptor (plain data; the code is socket_stress.c).
 */
#include "sim_catalog.h"

#define SS_LIMIT (400ull * 1000000ull) /* virtual; a run takes ~130 s */

/* lwip_poll(), FULLDUPLEX closing and lwip_socket_dbg_get_socket() (the
 * slot check) came with 2.1.0. */
#define SS_NA_2_0 \
  SIM_NA_BEFORE(2, 1, 0, "lwIP 2.0.x has no lwip_poll() and keeps the " \
                "socket table private")

SIM_SCENARIO(socket_stress,
  "application tasks share sockets: close/shutdown while another task is "
  "blocked in recv/send/accept/select/poll, overlapping select/poll sets, "
  "accept against the listener's close, non-blocking connect, peer RST",
  "baseline, no field bug: what lwIP documents for sockets shared between "
  "tasks, under LWIP_NETCONN_FULLDUPLEX 0/1 and LWIP_TCPIP_CORE_LOCKING 0/1",
  SIM_VARIANT_BY_VERSION("fd0-cl1", "board", NOT_REPRODUCED, RTOS, SS_LIMIT,
              "FULLDUPLEX 0, CORE_LOCKING 1: close during select/poll "
              "(TCP, UDP), overlapping sets, non-blocking connect, RST "
              "during recv/select/poll/send, listener closed with a queued "
              "connection",
              SS_NA_2_0),
  SIM_VARIANT_BY_VERSION("fd0-cl0", "board-nolock", NOT_REPRODUCED, RTOS, SS_LIMIT,
              "the same with CORE_LOCKING 0 (every call a message to "
              "tcpip_thread)",
              SS_NA_2_0),
  SIM_VARIANT_BY_VERSION("fd1-cl1", "fullduplex", NOT_REPRODUCED, RTOS, SS_LIMIT,
              "FULLDUPLEX 1, CORE_LOCKING 1: fd0-cl1's steps but the queued "
              "listener (see listener-queued-fd1), and close/shutdown while "
              "another task is blocked in recv, send, accept",
              SS_NA_2_0),
  SIM_VARIANT_BY_VERSION("fd1-cl0", "fullduplex-nolock", NOT_REPRODUCED, RTOS,
              SS_LIMIT, "the same with CORE_LOCKING 0",
              SS_NA_2_0),
  SIM_VARIANT_BY_VERSION("fd1-cl1-pollfix", "fullduplex-pollfix",
              NOT_REPRODUCED, RTOS, SS_LIMIT,
              "fd1-cl1 with the fix of poll-fullduplex-fixed: under PCT "
              "fd1-cl1 ends in that known assertion in about half the runs; "
              "here a campaign sees what it would hide",
              SS_NA_2_0),
  SIM_VARIANT_BY_VERSION("fd1-cl0-pollfix", "fullduplex-nolock-pollfix",
              NOT_REPRODUCED, RTOS, SS_LIMIT,
              "the same with CORE_LOCKING 0",
              SS_NA_2_0),
  SIM_VARIANT_BY_VERSION("listener-queued-fd1", "fullduplex", REPRODUCED, RTOS,
              SS_LIMIT,
              "FULLDUPLEX 1: close() of a listener with an unaccepted "
              "connection queued fails LWIP_ASSERT(\"netconn marked "
              "closed\") (2.1.0 to master)",
              SS_NA_2_0),
  SIM_VARIANT_BY_VERSION("listener-queued-fd1-fixed", "fullduplex-drainfix",
              NOT_REPRODUCED, RTOS, SS_LIMIT,
              "the same with the proposed fix (bug model in the other "
              "direction): the queued connection is reset, no assertion",
              SS_NA_2_0),
  SIM_VARIANT_BY_VERSION("fd0-cl1-loopfix", "board-loopfix", NOT_REPRODUCED,
              RTOS, SS_LIMIT,
              "fd0-cl1 with the fix of loop-stranded-fixed (its sweep: no "
              "stranded loopback packet)",
              SS_NA_2_0),
  SIM_VARIANT_BY_VERSION("loop-udp", "board", NOT_REPRODUCED, RTOS, SS_LIMIT,
              "one UDP request and echo over 127.0.0.1 (sweep it: a failed "
              "tcpip_try_callback() in netif_loop_output() strands the "
              "datagram, see loop-stranded)",
              SS_NA_2_0),
  SIM_VARIANT_BY_VERSION("loop-udp-fixed", "board-loopfix", NOT_REPRODUCED,
              RTOS, SS_LIMIT,
              "the same with the proposed fix (bug model in the other "
              "direction); its sweep has no stranded datagram",
              SS_NA_2_0),
  SIM_VARIANT_BY_VERSION("loop-stranded", "board", REPRODUCED, RTOS, SS_LIMIT,
              "a task above tcpip_thread fills its queue with "
              "tcpip_try_callback(), then sends to 127.0.0.1: the datagram "
              "stays on the loopback queue until the next loopback packet "
              "(2.1.3 to master)",
              SS_NA_2_0),
  SIM_VARIANT_BY_VERSION("loop-stranded-fixed", "board-loopfix",
              NOT_REPRODUCED, RTOS, SS_LIMIT,
              "the same with the proposed fix: the poll is retried from a "
              "timeout, the echo comes back",
              SS_NA_2_0));

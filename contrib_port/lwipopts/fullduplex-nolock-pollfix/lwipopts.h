/*
 * fullduplex-nolock-pollfix profile - fullduplex-nolock with the proposed
 * fix of docs/findings/poll-fullduplex.md applied (the bug model in
 * ./bugmodel): socket_stress fd1-cl0-pollfix, so that a PCT campaign over
 * FULLDUPLEX 1 and CORE_LOCKING 0 sees what the known defect would hide.
 */
#ifndef LWIPSIM_PROFILE_FULLDUPLEX_NOLOCK_POLLFIX_LWIPOPTS_H
#define LWIPSIM_PROFILE_FULLDUPLEX_NOLOCK_POLLFIX_LWIPOPTS_H

#include "../fullduplex-nolock/lwipopts.h"

#endif

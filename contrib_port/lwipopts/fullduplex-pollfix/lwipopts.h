/*
 * fullduplex-pollfix profile - the fullduplex board with the proposed fix
 * of docs/findings/poll-fullduplex.md applied (the bug model in
 * ./bugmodel, a fix in the other direction): lwip_poll() undoes the
 * select_waiting of a socket closed while it waited.
 */
#ifndef LWIPSIM_PROFILE_FULLDUPLEX_POLLFIX_LWIPOPTS_H
#define LWIPSIM_PROFILE_FULLDUPLEX_POLLFIX_LWIPOPTS_H

#include "../fullduplex/lwipopts.h"

#endif

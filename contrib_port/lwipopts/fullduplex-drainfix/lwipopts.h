/*
 * fullduplex-drainfix profile - the fullduplex board with the proposed fix
 * of docs/findings/listener-close-fullduplex.md applied (the bug model in
 * ./bugmodel, a fix in the other direction): closing a listener aborts
 * its queued, never-accepted connections in tcpip context.
 */
#ifndef LWIPSIM_PROFILE_FULLDUPLEX_DRAINFIX_LWIPOPTS_H
#define LWIPSIM_PROFILE_FULLDUPLEX_DRAINFIX_LWIPOPTS_H

#include "../fullduplex/lwipopts.h"

#endif

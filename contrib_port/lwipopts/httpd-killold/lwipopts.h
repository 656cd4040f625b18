/*
 * httpd-killold profile - httpd-pool with
 * LWIP_HTTPD_KILL_OLD_ON_CONNECTIONS_EXCEEDED: when no state is left,
 * httpd resets its oldest connection and gives the state to the new one.
 */
#ifndef LWIPSIM_PROFILE_HTTPD_KILLOLD_LWIPOPTS_H
#define LWIPSIM_PROFILE_HTTPD_KILLOLD_LWIPOPTS_H

#include "../httpd-pool/lwipopts.h"

#define LWIP_HTTPD_KILL_OLD_ON_CONNECTIONS_EXCEEDED 1 /* the fix tried */

#endif

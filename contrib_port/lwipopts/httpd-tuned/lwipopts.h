/*
 * httpd-tuned profile - httpd-pool with the idle timeout the field bug
 * concluded on: http_poll every 500 ms (one TCP slow-timer tick) and a
 * connection closed after 2 idle polls, about 1 s instead of 8 s.
 */
#ifndef LWIPSIM_PROFILE_HTTPD_TUNED_LWIPOPTS_H
#define LWIPSIM_PROFILE_HTTPD_TUNED_LWIPOPTS_H

#include "../httpd-pool/lwipopts.h"

#define HTTPD_POLL_INTERVAL 1 /* poll every tick (500 ms), not every 4th */
#define HTTPD_MAX_RETRIES 2   /* reap an idle state after ~1 s, not 8 s */

#endif

/*
 * httpd-pool profile - the board of the httpd_oom field bug: lwIP's httpd
 * with its connection states in a private pool of two, HTTP/1.1
 * keep-alive, pages from the scenario's own file system, and httpd's
 * debug messages on so that "http_accept: Out of memory, RST" reaches
 * the port (LWIP_PLATFORM_DIAG -> sys_arch_diag), where the scenario
 * turns it into a capture comment.  The other httpd-* profiles derive
 * from this one and change one thing each.
 */
#ifndef LWIPSIM_PROFILE_HTTPD_POOL_LWIPOPTS_H
#define LWIPSIM_PROFILE_HTTPD_POOL_LWIPOPTS_H

#include "../board/lwipopts.h"

/* --- the field bug's httpd */
#define HTTPD_USE_MEM_POOL 1            /* states from a fixed pool */
#define MEMP_NUM_PARALLEL_HTTPD_CONNS 2 /* the field bug's pool of two */
#define LWIP_HTTPD_SUPPORT_11_KEEPALIVE 1 /* browsers keep connections */
#define LWIP_HTTPD_CUSTOM_FILES 1       /* pages from fs_open_custom */
#undef MEMP_NUM_TCP_PCB
#define MEMP_NUM_TCP_PCB 8              /* SYNs are accepted: pcbs are
                                           not what runs out */

/* --- httpd's messages to the port; only HTTPD_DEBUG is on, and the
 * scenario keeps the lines (they carry pointers) out of the trace. */
#define LWIP_DEBUG 1                    /* LWIP_DEBUGF prints at all */
#define HTTPD_DEBUG LWIP_DBG_ON         /* "http_accept: Out of memory" */

#endif

/* The web panel's options after the "Out of memory, RST" reports: the
 * shipped configuration with room for a browser's parallel requests. */
#ifndef PANEL_LWIPOPTS_TUNED_H
#define PANEL_LWIPOPTS_TUNED_H

#include "../config/lwipopts.h"

/* A browser opens up to 6 connections at once for a page's resources. */
#undef MEMP_NUM_PARALLEL_HTTPD_CONNS
#define MEMP_NUM_PARALLEL_HTTPD_CONNS 6
/* ... each one a PCB, besides the listener and those in TIME_WAIT. */
#undef MEMP_NUM_TCP_PCB
#define MEMP_NUM_TCP_PCB 8
/* ... and their segments and received frames. */
#undef MEMP_NUM_TCP_SEG
#define MEMP_NUM_TCP_SEG 32
#undef PBUF_POOL_SIZE
#define PBUF_POOL_SIZE 12

#endif

/*
 * httpd-heap profile - httpd-pool with the connection states taken from
 * lwIP's heap, which is small, and the pages copied into it by tcp_write
 * (as from a file system that reads into RAM): a state is found for every
 * connection, and tcp_write runs short instead (ERR_MEM, httpd halves its
 * writes and continues from http_sent/http_poll).
 */
#ifndef LWIPSIM_PROFILE_HTTPD_HEAP_LWIPOPTS_H
#define LWIPSIM_PROFILE_HTTPD_HEAP_LWIPOPTS_H

#include "../httpd-pool/lwipopts.h"

#undef HTTPD_USE_MEM_POOL
#define HTTPD_USE_MEM_POOL 0  /* states from the heap, not a pool of two */
#undef MEM_SIZE
#define MEM_SIZE (6 * 1024)   /* small: two pages' segments do not fit */
#define HTTP_IS_DATA_VOLATILE(hs) TCP_WRITE_FLAG_COPY /* pages from RAM */

#endif

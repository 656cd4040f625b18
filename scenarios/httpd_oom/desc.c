/*
 * httpd_oom - descriptor (plain data; the code is httpd_oom.c).
 */
#include "sim_catalog.h"

SIM_SCENARIO(httpd_oom,
  "a browser-like peer loads page A (parallel GETs, "
  "keep-alive connections left idle), then page B within 2 s, "
  "from lwIP's httpd with few connection states",
  "field bug: \"http_accept: Out of memory, RST\" "
  "during page switches",
  SIM_VARIANT("default-poll", "httpd-pool", REPRODUCED, RTOS, 0,
              "HTTPD_STATE pool of 2, idle states reaped after 4 x 4 "
              "ticks (8 s): page A's idle keep-alive connections hold "
              "both, page B's connections are reset after the handshake"),
  SIM_VARIANT("kill-old", "httpd-killold", NOT_REPRODUCED, RTOS, 0,
              "LWIP_HTTPD_KILL_OLD_ON_CONNECTIONS_EXCEEDED=1: the oldest "
              "idle connection is reset instead; page B completes"),
  SIM_VARIANT("tuned", "httpd-tuned", NOT_REPRODUCED, RTOS, 0,
              "HTTPD_POLL_INTERVAL 1, HTTPD_MAX_RETRIES 2: idle states "
              "reaped after ~1 s, before the switch; page B completes"),
  SIM_VARIANT("heap", "httpd-heap", NOT_REPRODUCED, RTOS, 0,
              "HTTPD_USE_MEM_POOL=0, a 6 KiB heap, pages copied: "
              "tcp_write runs short (tcp.memerr), httpd halves its "
              "writes; page B completes, slower"));

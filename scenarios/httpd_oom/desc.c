/*
 * httpd_oom - descriptor (plain data; the code is httpd_oom.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_httpd_oom_variants[] = {
    {.name = "default-poll",
     .summary = "HTTPD_STATE pool of 2, idle states reaped after 4 x 4 "
                "ticks (8 s): page A's idle keep-alive connections hold "
                "both, page B's connections are reset after the handshake",
     .profile = "httpd-pool",
     .expected = SIM_VERDICT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
    {.name = "kill-old",
     .summary = "LWIP_HTTPD_KILL_OLD_ON_CONNECTIONS_EXCEEDED=1: the oldest "
                "idle connection is reset instead; page B completes",
     .profile = "httpd-killold",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
    {.name = "tuned",
     .summary = "HTTPD_POLL_INTERVAL 1, HTTPD_MAX_RETRIES 2: idle states "
                "reaped after ~1 s, before the switch; page B completes",
     .profile = "httpd-tuned",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
    {.name = "heap",
     .summary = "HTTPD_USE_MEM_POOL=0, a 6 KiB heap, pages copied: "
                "tcp_write runs short (tcp.memerr), httpd halves its "
                "writes; page B completes, slower",
     .profile = "httpd-heap",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_httpd_oom_desc = {
    .name = "httpd_oom",
    .summary = "a browser-like peer loads page A (parallel GETs, "
               "keep-alive connections left idle), then page B within 2 s, "
               "from lwIP's httpd with few connection states",
    .origin = "field bug: \"http_accept: Out of memory, RST\" "
              "during page switches",
    .variants = scn_httpd_oom_variants,
    .nvariants =
        sizeof scn_httpd_oom_variants / sizeof scn_httpd_oom_variants[0],
};

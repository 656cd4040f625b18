/*
 * ping_flood_load - descriptor (plain data; the code is ping_flood_load.c).
 */
#include "sim_catalog.h"

static const sim_variant scn_ping_flood_load_variants[] = {
    {.name = "default",
     .summary = "60 virtual seconds of fragmented 2000-byte pings every "
                "2 ms, a TFTP download of 64 KiB from lwIP's tftp "
                "server and a TCP echo session, on the board's MCU "
                "pools; the board survives, every drop counted",
     .profile = "board-tftp",
     .expected = SIM_VERDICT_NOT_REPRODUCED,
     .policy = SIM_POLICY_RTOS},
};

const sim_scenario scn_ping_flood_load_desc = {
    .name = "ping_flood_load",
    .summary = "pools under ping -l 2000, TFTP and TCP echo at once",
    .origin = "field bug: a board under a continuous 2000-byte "
              "ping, a TFTP download and a TCP echo session stopped "
              "responding after a while",
    .variants = scn_ping_flood_load_variants,
    .nvariants = sizeof scn_ping_flood_load_variants /
                 sizeof scn_ping_flood_load_variants[0],
};

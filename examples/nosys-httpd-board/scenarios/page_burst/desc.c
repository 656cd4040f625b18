/* page_burst - descriptor (plain data; the code is page_burst.c). */
#include "sim_catalog.h"

SIM_SCENARIO(page_burst,
  "a browser loads the panel's page, then its four resources over four "
  "parallel connections, from the bare-metal httpd",
  "field bug: \"http_accept: Out of memory, RST\" when a browser opens "
  "the web UI",
  SIM_VARIANT("default", "default", REPRODUCED, RTOS, 0,
              "2 httpd connection states: two of the four resource "
              "connections are reset right after the handshake"),
  SIM_VARIANT("tuned", "tuned", NOT_REPRODUCED, RTOS, 0,
              "6 connection states, 8 PCBs: every resource arrives"));

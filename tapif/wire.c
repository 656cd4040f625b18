/*
 * wire.c - what every wire shares: which node is the board, and the capture
 * interface its frames are recorded on.
 */
#include <stdio.h>

#include "wire.h"

void tapif_wire_set_board(tapif_wire *w, int port)
{
  w->board_port = port;
}

int tapif_wire_capture(tapif_wire *w, pcapio_writer *cap, const char *ifname,
                       char *err, size_t errlen)
{
  char desc[64];
  snprintf(desc, sizeof desc, "lwipsim %s wire", w->ops->kind);
  int id = pcapio_add_interface(cap, ifname, desc, 1, 65535);
  if (id < 0) {
    snprintf(err, errlen, "cannot add the capture interface %s", ifname);
    return -1;
  }
  w->cap = cap;
  w->cap_ifid = id;
  return 0;
}

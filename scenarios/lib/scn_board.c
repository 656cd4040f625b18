/*
 * scn_board.c - the board on the virtual wire (see scn_board.h).
 */
#include "scn_board.h"

#include <string.h>

#include "lwip/tcpip.h"

#include "scn_lwip.h"
#include "sim_clock.h"
#include "sim_sched.h"

static void scn_board_free(void *arg)
{
  scn_board *b = arg;
  if (b->run && b->wire)
    b->run->mirrored = b->wire->frames_mirrored;
  if (b->mac)
    emac_free(b->mac);
  else
    macdev_free(b->dev);
  tapif_wire_destroy(b->wire);
  b->mac = NULL;
  b->dev = NULL;
  b->wire = NULL;
}

void scn_board_up(scn_run *run, scn_board *b, const emac_config *ecfg,
                  const tapif_vwire_config *wcfg)
{
  tapif_vwire_config wc;
  if (wcfg) {
    wc = *wcfg;
  } else {
    tapif_vwire_config_default(&wc);
    wc.seed = run->seed;
  }
  if (run->link_mbps)
    wc.link_mbps = run->link_mbps;
  static const uint8_t ip[4] = {192, 0, 2, 1};
  tapif_wire *w = tapif_vwire_new(&wc);
  if (!w)
    sim_sched_finish(SIM_END_FAULT, "board: cannot create the wire");
  scn_board_up_wire(run, b, ecfg, w, ip, 24);
}

void scn_board_up_wire(scn_run *run, scn_board *b, const emac_config *ecfg,
                       tapif_wire *wire, const uint8_t ip[4], int prefix)
{
  memset(b, 0, sizeof *b);
  emac_config ec;
  if (ecfg)
    ec = *ecfg;
  else
    emac_config_default(&ec);
  if (run->link_mbps)
    ec.link_mbps = run->link_mbps;
  scn_lwip_start();
  b->wire = wire;
  b->run = run;
  if (run->mirror_fd > 0)
    wire->mirror_fd = run->mirror_fd;
  b->mac = emac_new(&ec, b->wire, "board");
  if (!b->mac)
    sim_sched_finish(SIM_END_FAULT, "board: cannot create the EMAC");
  scn_at_end(run, scn_board_free, b);
  if (run->capture) {
    char err[160];
    if (tapif_wire_capture(b->wire, run->capture, "en0", err, sizeof err) !=
        0)
      sim_sched_finish(SIM_END_FAULT, "board: %s", err);
    run->captured = true;
  }
  b->dev = emac_device(b->mac);
  b->nif = &b->netif;
  memcpy(b->host.mac, ec.mac, 6);
  memcpy(b->host.ip, ip, 4);
  ip4_addr_t addr, mask, gw;
  IP4_ADDR(&addr, ip[0], ip[1], ip[2], ip[3]);
  uint32_t m = prefix <= 0 ? 0 : 0xffffffffu << (32 - (prefix > 32 ? 32 : prefix));
  IP4_ADDR(&mask, (m >> 24) & 255, (m >> 16) & 255, (m >> 8) & 255, m & 255);
  IP4_ADDR(&gw, 0, 0, 0, 0);
  LOCK_TCPIP_CORE();
  struct netif *n = netif_add(&b->netif, &addr, &mask, &gw, b->mac,
                              emac_netif_init, tcpip_input);
  if (n) {
    netif_set_default(n);
    netif_set_up(n);
  }
  UNLOCK_TCPIP_CORE();
  if (!n)
    sim_sched_finish(SIM_END_FAULT, "board: netif_add failed");
  emac_start(b->mac, &b->netif);
  for (int i = 0; i < 500 && !netif_is_link_up(&b->netif); i++)
    sim_sleep_us(10000);
  if (!netif_is_link_up(&b->netif) && ec.cable_plugged)
    sim_sched_finish(SIM_END_FAULT, "board: link not up after 5 s");
}


/* tiny_ping: ARP, then three pings from a scripted peer; every one must
 * be answered through the board's own driver. */
#include <string.h>

#include "frames.h"
#include "scn.h"
#include "scn_board.h"
#include "sim_sync.h"

static struct {
  scn_board board;
  frames_host me;
  uint8_t board_mac[6];
  int port, replies;
  sim_sem *got;
} tp;

static const char *tp_rx(void *node, const uint8_t *f, size_t len)
{
  (void)node;
  uint16_t id, seq;
  size_t payload;
  if (frames_arp_reply_parse(f, len, &tp.me, tp.board_mac) ||
      frames_icmp_reply_parse(f, len, &tp.me, &id, &seq, &payload))
    sim_sem_give(tp.got);
  return NULL;
}

static void tp_main(scn_run *run)
{
  memset(&tp, 0, sizeof tp);
  scn_board_up_user(run, &tp.board, NULL, NULL, 3);
  static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x99};
  static const uint8_t ip[4] = {192, 0, 2, 99};
  memcpy(tp.me.mac, mac, 6);
  memcpy(tp.me.ip, ip, 4);
  tp.got = sim_sem_new(0);
  tp.port = tapif_wire_attach(tp.board.wire, "peer", tp_rx, NULL);
  uint8_t f[TAPIF_FRAME_MAX];
  size_t len = frames_arp_request(f, &tp.me, tp.board.host.ip);
  tapif_wire_send(tp.board.wire, tp.port, f, len, NULL);
  if (sim_sem_take(tp.got, 500000) != SIM_OK) {
    scn_verdict(run, SIM_VERDICT_REPRODUCED, "no ARP reply");
    return;
  }
  for (int i = 0; i < 3; i++) {
    len = frames_icmp_echo(f, sizeof f, &tp.me, tp.board_mac,
                           tp.board.host.ip, 7, (uint16_t)i, 1, 56);
    tapif_wire_send(tp.board.wire, tp.port, f, len, NULL);
    if (sim_sem_take(tp.got, 500000) == SIM_OK)
      tp.replies++;
  }
  scn_counter(run, "replies", tp.replies);
  scn_counter(run, "rx_frames",
              (long long)macdev_get_stats(tp.board.dev)->rx_frames);
  scn_verdict(run, tp.replies == 3 ? SIM_VERDICT_NOT_REPRODUCED
                                   : SIM_VERDICT_REPRODUCED,
              "%d of 3 pings answered", tp.replies);
}

SCN_IMPL(tiny_ping, .main_prio = 2, .main = tp_main);

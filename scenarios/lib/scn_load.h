/*
 * scn_load.h - the ping_flood_load traffic, for every scenario that runs
 * under it: a scripted peer (192.0.2.99) sending fragmented 2000-byte echo
 * requests every 2 ms, and a scripted TFTP client (192.0.2.20) reading a
 * 64 KiB file from lwIP's own tftp server app, served from memory.  The
 * TCP side of the load (an echo session) is the scenario's own.
 */
#ifndef SCN_LOAD_H
#define SCN_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peers.h"
#include "scn.h"
#include "scn_board.h"

#define SCN_LOAD_FILE_LEN (64 * 1024)
#define SCN_LOAD_TAIL 100 /* pings of the last second that must be answered */

typedef struct {
  peers_node *ping, *tftp;
  unsigned opens, refused; /* of the tftp server's file */
} scn_load;

/* Starts lwIP's tftp server and both peers on the board's wire: pings for
 * `run_us` of virtual time.  Ends the run with a fault on failure.  From
 * the scenario's main thread. */
void scn_load_start(scn_run *run, scn_load *l, scn_board *b, uint64_t run_us);
/* Waits until the pings are done and the TFTP client has finished. */
void scn_load_wait(scn_load *l);
/* The downloaded file is complete and byte-exact. */
bool scn_load_file_exact(const scn_load *l);
/* How many of the last SCN_LOAD_TAIL pings were answered, payload exact. */
unsigned scn_load_tail_answered(const scn_load *l);
/* Adds the load's figures and lwIP's and the EMAC's drop counters to the
 * run's counters; `drops` gets them as one phrase ("drops: memp PBUF_POOL
 * err 0, ...") and `maxes` each pool's high-water mark ("UDP_PCB 1, ..."). */
void scn_load_summary(scn_run *run, const scn_load *l, const scn_board *b,
                     char *drops, size_t dlen, char *maxes, size_t mlen);

#endif

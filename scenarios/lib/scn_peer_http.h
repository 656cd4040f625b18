/*
 * scn_peer_http.h - the body of the HTTP peer scenarios: lwIP's httpd on
 * the board (apps/http with the tree's default fsdata.c, port 80), the
 * HTTP client of an lwIP peer node, and the oracle that compares every
 * response with the file the board's file system holds.
 */
#ifndef SCN_PEER_HTTP_H
#define SCN_PEER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peer.h"
#include "scn.h"

/* The body the board's httpd serves for `path` (an fs name such as
 * "/index.html"): lwIP's fs data past the headers stored with it.  Its
 * length and peer_fnv1a hash; false if the fs has no such file. */
bool scn_peer_http_body(const char *path, size_t *len, uint32_t *hash);

/* Runs the scenario: the board up with httpd, the peer up, the client
 * with `c` (its server is set to the board) fetching `path`, which the
 * httpd serves as `fs_path`; then lwIP's TIME_WAIT, and the verdict:
 * not-reproduced when every request got 200 with the whole body,
 * byte-exact, nothing failed or was reset, and the board's pools and heap
 * are back where they were once httpd listened. */
void scn_peer_http_run(scn_run *run, const peer_http_config *c,
                       const char *fs_path);

#endif

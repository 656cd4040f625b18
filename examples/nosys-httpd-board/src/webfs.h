/* The panel's web pages: a page and its resources, served by lwIP's httpd
 * through its custom file hook (LWIP_HTTPD_CUSTOM_FILES). */
#ifndef PANEL_WEBFS_H
#define PANEL_WEBFS_H

#include <stddef.h>

/* Paths in the order the page references them; webfs_paths[0] is the
 * page itself. */
extern const char *const webfs_paths[];
extern const size_t webfs_nfiles;
/* File i's body (without the HTTP header) and its length. */
const char *webfs_body(size_t i, size_t *len);

#endif

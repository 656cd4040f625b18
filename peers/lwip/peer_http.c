/*
 * peer_http.c - the HTTP GET client of the peer node: `connections`
 * threads in parallel (a browser opening a page), each sending `requests`
 * GETs, on one kept-alive connection when asked and the server agrees,
 * otherwise one connection per request; with `linger_us` the kept-alive
 * connection then stays open, idle, before the client closes it.
 *
 * A response is read as a browser does: the status line and headers into
 * a buffer up to the blank line, then the body by Content-Length, or up to
 * the server's close when there is none.  The body is not kept: its bytes
 * are counted and hashed (FNV-1a), which is what an oracle compares with
 * the file the server should have sent.  Every request records its status,
 * sizes, whether it was complete, how it failed (a reset is ECONNRESET)
 * and its virtual duration, from the request's send to the body's end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lwip/sockets.h"

#include "peer_priv.h"
#include "sim_clock.h"
#include "sim_sched.h"
#include "sim_trace.h"

#define PEER_HTTP_HDR_MAX 2048
#define PEER_HTTP_PATH_MAX 256

void peer_http_config_default(peer_http_config *c)
{
  *c = (peer_http_config){.port = 80, .path = "/", .connections = 1,
                          .requests = 1, .timeout_us = 5000000, .prio = 3};
}

/* The value of header `name` (with its colon) in the header block, or
 * NULL.  `h` is NUL-terminated; lines end with CRLF. */
static const char *peer_http_header(const char *h, const char *name)
{
  size_t n = strlen(name);
  for (const char *line = strstr(h, "\r\n"); line && line[2];
       line = strstr(line + 2, "\r\n")) {
    const char *l = line + 2;
    if (strncasecmp(l, name, n) == 0) {
      l += n;
      while (*l == ' ' || *l == '\t')
        l++;
      return l;
    }
  }
  return NULL;
}

/* The status line and headers of `hdr` (NUL-terminated) into q; returns
 * true if the server keeps the connection open after this response. */
static bool peer_http_parse(const char *hdr, peer_http_request *q)
{
  bool http11 = false;
  if (strncmp(hdr, "HTTP/1.", 7) == 0 && (hdr[7] == '0' || hdr[7] == '1') &&
      hdr[8] == ' ') {
    http11 = hdr[7] == '1';
    char *end;
    long st = strtol(hdr + 9, &end, 10);
    if (end == hdr + 12 && st >= 100 && st <= 999)
      q->status = (int)st;
  }
  const char *cl = peer_http_header(hdr, "Content-Length:");
  if (cl) {
    char *end;
    long v = strtol(cl, &end, 10);
    if (end != cl && v >= 0)
      q->content_length = v;
  }
  const char *conn = peer_http_header(hdr, "Connection:");
  bool close = conn && strncasecmp(conn, "close", 5) == 0;
  bool keep = conn && strncasecmp(conn, "keep-alive", 10) == 0;
  /* Without a length the body ends at the close: nothing to reuse. */
  return q->content_length >= 0 && (keep || (http11 && !close));
}

/* Reads one response on `s` into q; returns true if the connection can
 * carry the next request. */
static bool peer_http_response(int s, peer_http_request *q)
{
  char buf[PEER_HTTP_HDR_MAX];
  size_t have = 0;
  char *eoh = NULL;
  while (!eoh) {
    if (have == sizeof buf - 1) {
      errno = EMSGSIZE; /* headers longer than the client takes */
      peer_app_failed(&q->fail, "headers");
      return false;
    }
    ssize_t n = lwip_recv(s, buf + have, sizeof buf - 1 - have, 0);
    if (n <= 0) {
      if (n == 0)
        errno = 0; /* closed before the headers ended */
      peer_app_failed(&q->fail, "recv");
      return false;
    }
    have += (size_t)n;
    buf[have] = 0;
    eoh = strstr(buf, "\r\n\r\n");
  }
  size_t hlen = (size_t)(eoh - buf) + 4;
  q->header_bytes = hlen;
  char save = buf[hlen];
  buf[hlen] = 0;
  bool reuse = peer_http_parse(buf, q);
  buf[hlen] = save;
  q->body_hash = PEER_FNV1A_INIT;
  q->body_bytes = have - hlen;
  q->body_hash = peer_fnv1a(q->body_hash, buf + hlen, q->body_bytes);
  for (;;) {
    if (q->content_length >= 0 &&
        q->body_bytes >= (size_t)q->content_length) {
      q->complete = q->body_bytes == (size_t)q->content_length;
      return reuse && q->complete;
    }
    size_t want = sizeof buf;
    if (q->content_length >= 0 &&
        (size_t)q->content_length - q->body_bytes < want)
      want = (size_t)q->content_length - q->body_bytes;
    ssize_t n = lwip_recv(s, buf, want, 0);
    if (n == 0) {
      /* The close ends a body without a length; one with a length is
       * short. */
      q->complete = q->content_length < 0;
      if (!q->complete) {
        errno = 0;
        peer_app_failed(&q->fail, "recv");
      }
      return false;
    }
    if (n < 0) {
      peer_app_failed(&q->fail, "recv");
      return false;
    }
    q->body_bytes += (size_t)n;
    q->body_hash = peer_fnv1a(q->body_hash, buf, (size_t)n);
  }
}

static void peer_http_main(peer_app *a, unsigned conn)
{
  const peer_http_config *c = &a->u.http.cfg;
  peer_http_request *rs = a->u.http.r + (size_t)conn * c->requests;
  unsigned ok = 0;
  int s = -1;
  for (unsigned k = 0; k < c->requests; k++) {
    peer_http_request *q = &rs[k];
    q->start_us = sim_clock_now_us();
    if (s < 0) {
      uint64_t took;
      s = peer_app_connect(c->server, c->port, c->timeout_us, &q->fail,
                           &took);
      if (s < 0) {
        q->duration_us = sim_clock_now_us() - q->start_us;
        continue;
      }
    }
    if (c->idle_us)
      sim_sleep_us(c->idle_us);
    bool keep = c->keep_alive && (k + 1 < c->requests || c->linger_us);
    char req[PEER_HTTP_PATH_MAX + 160];
    int len = snprintf(req, sizeof req,
                       "GET %s HTTP/1.%d\r\nHost: %u.%u.%u.%u\r\n"
                       "User-Agent: lwipsim-peer\r\nConnection: %s\r\n\r\n",
                       c->path, keep ? 1 : 0, c->server[0], c->server[1],
                       c->server[2], c->server[3],
                       keep ? "keep-alive" : "close");
    q->start_us = sim_clock_now_us();
    bool reuse = false;
    if (peer_app_send_all(s, req, (size_t)len, &q->fail) == 0)
      reuse = peer_http_response(s, q);
    q->duration_us = sim_clock_now_us() - q->start_us;
    if (q->status == 200 && q->complete)
      ok++;
    if (!reuse || !keep) {
      lwip_close(s);
      s = -1;
    }
  }
  if (s >= 0) {
    if (c->linger_us)
      sim_sleep_us(c->linger_us);
    lwip_close(s);
  }
  sim_trace_eventf("peer", "http conn %u: %u of %u requests 200 and complete",
                   conn, ok, c->requests);
}

peer_app *peer_http_start(const peer_http_config *c, peer_http_request *r)
{
  if (!c->path || strlen(c->path) >= PEER_HTTP_PATH_MAX ||
      c->connections == 0 || c->connections > PEER_APP_THREADS ||
      c->requests == 0)
    return NULL;
  peer_app *a = peer_app_new("peer_http", peer_http_main);
  if (!a)
    return NULL;
  for (size_t i = 0; i < (size_t)c->connections * c->requests; i++) {
    memset(&r[i], 0, sizeof r[i]);
    r[i].content_length = -1;
  }
  a->u.http.cfg = *c;
  a->u.http.r = r;
  return peer_app_start(a, c->connections, c->prio) ? a : NULL;
}

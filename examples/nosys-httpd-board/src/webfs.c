/*
 * webfs.c - the panel's pages.  lwIP's fs asks fs_open_custom() first;
 * each file goes out with its own HTTP/1.0 header, so httpd adds none.
 * The page, its style sheet and script are fixed text; the pressure
 * chart (SVG) and the history (JSON) are made from the day's samples
 * when first asked for (here a fixed curve: the bench has no sensor).
 * An unknown name goes on to lwIP's fsdata (its 404 page).
 */
#include <stdio.h>
#include <string.h>

#include "lwip/apps/fs.h"

#include "webfs.h"

#define WEBFS_SAMPLES 288 /* one every 5 minutes */
#define WEBFS_HDR_MAX 128
#define WEBFS_STORE 24576

static const char index_html[] =
  "<!DOCTYPE html>\n<html><head><title>Panel</title>\n"
  "<link rel=\"stylesheet\" href=\"/style.css\">\n"
  "<script src=\"/app.js\"></script></head>\n"
  "<body><h1>Pump station 4</h1>\n"
  "<p>Pressure: <span id=\"p\">-</span> bar</p>\n"
  "<object data=\"/chart.svg\" type=\"image/svg+xml\"></object>\n"
  "<p>Firmware 1.4.2, lwIP raw API, no RTOS.</p></body></html>\n";
static const char style_css[] =
  "body { font-family: sans-serif; margin: 2em; background: #f4f4f4; }\n"
  "h1 { color: #234; border-bottom: 2px solid #234; }\n"
  "span { font-weight: bold; color: #080; }\n"
  "object { width: 100%; height: 240px; }\n";
static const char app_js[] =
  "function show(h) {\n"
  "  document.getElementById('p').textContent = h[h.length - 1].p;\n"
  "}\n"
  "window.onload = () =>\n"
  "  fetch('/history.json').then(r => r.json()).then(show);\n";

const char *const webfs_paths[] = {"/index.html", "/chart.svg",
                                   "/history.json", "/style.css",
                                   "/app.js"};
const size_t webfs_nfiles = sizeof webfs_paths / sizeof webfs_paths[0];
static const char *const webfs_types[] = {
  "text/html", "image/svg+xml", "application/json", "text/css",
  "application/javascript"};

static char webfs_store[WEBFS_STORE];
static size_t webfs_used;
static struct {
  const char *file; /* header and body */
  int len;
  const char *body;
  size_t body_len;
} webfs_made[sizeof webfs_paths / sizeof webfs_paths[0]];

/* The day's pressure in centibar: a slow wave with the pumps' steps. */
static unsigned webfs_sample(unsigned i)
{
  unsigned wave = (i * 7) % 96;
  return 300 + (wave < 48 ? wave : 96 - wave) + ((i / 36) % 2) * 15;
}

static size_t webfs_chart(char *out, size_t max)
{
  size_t n = (size_t)snprintf(out, max,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %u 120\">\n",
      WEBFS_SAMPLES * 2);
  /* pressure, and the pumps' flow below it */
  for (unsigned line = 0; line < 2 && n < max; line++) {
    n += (size_t)snprintf(out + n, max - n, "<polyline fill=\"none\" "
                          "stroke=\"%s\" points=\"",
                          line ? "#080" : "#234");
    for (unsigned i = 0; i < WEBFS_SAMPLES && n < max; i++) {
      unsigned v = line ? 60 + (webfs_sample(i) - 300) / 2
                        : 400 - webfs_sample(i);
      n += (size_t)snprintf(out + n, max - n, "%u,%u%s", i * 2, v,
                            i % 12 == 11 ? "\n" : " ");
    }
    if (n < max)
      n += (size_t)snprintf(out + n, max - n, "\"/>\n");
  }
  if (n < max)
    n += (size_t)snprintf(out + n, max - n, "</svg>\n");
  return n < max ? n : max;
}

static size_t webfs_history(char *out, size_t max)
{
  size_t n = (size_t)snprintf(out, max, "[");
  for (unsigned i = 0; i < WEBFS_SAMPLES && n < max; i++) {
    unsigned p = webfs_sample(i);
    n += (size_t)snprintf(out + n, max - n, "%s{\"t\":%u,\"p\":%u.%02u}",
                          i ? ",\n" : "", i * 300, p / 100, p % 100);
  }
  if (n < max)
    n += (size_t)snprintf(out + n, max - n, "]\n");
  return n < max ? n : max;
}

/* Header and body of file i into the store, once. */
static void webfs_make(size_t i)
{
  if (webfs_made[i].file)
    return;
  char body[WEBFS_STORE / 2];
  size_t blen;
  switch (i) {
  case 1: blen = webfs_chart(body, sizeof body); break;
  case 2: blen = webfs_history(body, sizeof body); break;
  default: {
    const char *t = i == 0 ? index_html : i == 3 ? style_css : app_js;
    blen = strlen(t);
    memcpy(body, t, blen);
  }
  }
  char *at = webfs_store + webfs_used;
  int h = snprintf(at, WEBFS_HDR_MAX,
                   "HTTP/1.0 200 OK\r\nServer: panel/1.4\r\n"
                   "Content-Type: %s\r\nContent-Length: %u\r\n\r\n",
                   webfs_types[i], (unsigned)blen);
  if (webfs_used + (size_t)h + blen > sizeof webfs_store)
    return; /* does not fit: not served */
  memcpy(at + h, body, blen);
  webfs_made[i].file = at;
  webfs_made[i].len = h + (int)blen;
  webfs_made[i].body = at + h;
  webfs_made[i].body_len = blen;
  webfs_used += (size_t)h + blen;
}

const char *webfs_body(size_t i, size_t *len)
{
  webfs_make(i);
  *len = webfs_made[i].body_len;
  return webfs_made[i].body;
}

int fs_open_custom(struct fs_file *file, const char *name)
{
  for (size_t i = 0; i < webfs_nfiles; i++) {
    if (strcmp(name, webfs_paths[i]) != 0)
      continue;
    webfs_make(i);
    if (!webfs_made[i].file)
      return 0;
    memset(file, 0, sizeof *file);
    file->data = webfs_made[i].file;
    file->len = webfs_made[i].len;
    file->index = webfs_made[i].len;
    file->flags = FS_FILE_FLAGS_HEADER_INCLUDED;
    return 1;
  }
  return 0;
}

void fs_close_custom(struct fs_file *file)
{
  (void)file; /* the files stay in the store */
}

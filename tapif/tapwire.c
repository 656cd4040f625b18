/*
 * tapwire.c - the `tap:NAME` wire: the board's EMAC on a Linux TAP device
 * (IFF_TAP | IFF_NO_PI), live.
 *
 * The run is in live mode (sim_external): when no sim thread can run, the
 * scheduler calls tapwire_wait(), which poll()s the TAP descriptor and the
 * stop pipe until the next virtual timer is due in wall time; frames that
 * arrived are then read without blocking by tapwire_drain() in event
 * context, each handed to the board at the virtual time it enters the EMAC
 * and recorded inbound in the capture, so `replay` can re-inject them.
 * Frames the board sends are written to the device at once.
 *
 * No host networking is configured here: addresses, routes and the link
 * state of the kernel's side belong to whoever created the namespace.  The
 * device is not persistent, so it disappears when the process ends.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim_clock.h"
#include "sim_sched.h"
#include "tapwire.h"

typedef struct {
  tapif_wire base;
  char name[IFNAMSIZ];
  int fd;
  tapif_rx_fn rx;
  void *node;
  sim_external ext;
  uint64_t frames_in, frames_out, frames_bad, frames_failed;
} tapwire;

static int tapwire_stop_pipe[2] = {-1, -1};

void tapif_tap_request_stop(void)
{
  /* Async-signal-safe: one byte into the stop pipe. */
  if (tapwire_stop_pipe[1] >= 0) {
    char c = 1;
    ssize_t n = write(tapwire_stop_pipe[1], &c, 1);
    (void)n;
  }
}

static int tapwire_attach(tapif_wire *base, const char *name, tapif_rx_fn rx,
                          void *node)
{
  tapwire *w = (tapwire *)base;
  (void)name;
  if (w->rx)
    return -1; /* the board is the only node on this side of a TAP */
  w->rx = rx;
  w->node = node;
  return 0;
}

static int tapwire_send(tapif_wire *base, int port, const uint8_t *frame,
                        size_t len, const char *note)
{
  tapwire *w = (tapwire *)base;
  if (port != 0 || len == 0 || len > TAPIF_FRAME_MAX)
    return -1;
  base->frames_sent++;
  tapif_wire_record(base, PCAPIO_OUT, frame, len, note);
  ssize_t n = write(w->fd, frame, len);
  if (n != (ssize_t)len) {
    /* E.g. EIO while the kernel's side is still down.  Counted, not
     * traced: the host's state must not reach the digest, or a replay of
     * the session could not match it. */
    w->frames_failed++;
    return -1;
  }
  w->frames_out++;
  return 0;
}

static void tapwire_destroy(tapif_wire *base)
{
  tapwire *w = (tapwire *)base;
  if (w->fd >= 0)
    close(w->fd);
  free(w);
}

static int tapwire_wait(void *ctx, uint64_t until_us)
{
  tapwire *w = ctx;
  struct pollfd p[2] = {{.fd = w->fd, .events = POLLIN},
                        {.fd = tapwire_stop_pipe[0], .events = POLLIN}};
  for (;;) {
    int timeout = -1;
    if (until_us != UINT64_MAX) {
      uint64_t now = sim_live_now_us();
      if (now >= until_us)
        return 0;
      uint64_t ms = (until_us - now + 999) / 1000;
      timeout = ms > 60000 ? 60000 : (int)ms;
    }
    int n = poll(p, 2, timeout);
    if (n < 0 && errno == EINTR)
      continue; /* a signal: its handler wrote to the stop pipe */
    if (n < 0)
      return -1;
    if (p[1].revents)
      return -1;
    if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))
      return -1;
    if (p[0].revents & POLLIN)
      return 1;
    if (n == 0 && until_us == UINT64_MAX)
      continue;
  }
}

static void tapwire_drain(void *ctx)
{
  tapwire *w = ctx;
  uint8_t buf[65536];
  for (int i = 0; i < 64; i++) {
    ssize_t n = read(w->fd, buf, sizeof buf);
    if (n <= 0)
      return; /* EAGAIN: nothing more for now */
    if (n < 14 || n > TAPIF_FRAME_MAX) {
      w->frames_bad++; /* not traced: a replay never sees it */
      continue;
    }
    w->frames_in++;
    w->base.frames_delivered++;
    const char *note = w->rx ? w->rx(w->node, buf, (size_t)n) : NULL;
    tapif_wire_record(&w->base, PCAPIO_IN, buf, (size_t)n, note);
  }
}

static const tapif_wire_ops tapwire_ops = {
    .kind = "tap",
    .attach = tapwire_attach,
    .send = tapwire_send,
    .destroy = tapwire_destroy,
};

int tapif_tap_open(const char *name, char *err, size_t errlen)
{
  if (!name || !*name || strlen(name) >= IFNAMSIZ) {
    snprintf(err, errlen, "TAP name '%s' is %s (1 to %d characters)",
             name ? name : "", name && *name ? "too long" : "empty",
             IFNAMSIZ - 1);
    return -1;
  }
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
      snprintf(err, errlen, "no /dev/net/tun: the TUN/TAP driver is "
               "missing (modprobe tun)");
    else if (errno == EACCES || errno == EPERM)
      snprintf(err, errlen, "no permission to open /dev/net/tun (needs "
               "root or CAP_NET_ADMIN)");
    else
      snprintf(err, errlen, "cannot open /dev/net/tun: %s", strerror(errno));
    return -1;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  memcpy(ifr.ifr_name, name, strlen(name));
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int e = errno;
    close(fd);
    if (e == EBUSY)
      snprintf(err, errlen, "TAP device %s is busy (another process has "
               "it open)", name);
    else if (e == EPERM || e == EACCES)
      snprintf(err, errlen, "no permission to create TAP device %s (needs "
               "root or CAP_NET_ADMIN)", name);
    else
      snprintf(err, errlen, "cannot create TAP device %s: %s", name,
               strerror(e));
    return -1;
  }
  return fd;
}

int tapif_mirror_open(const char *name, char *err, size_t errlen)
{
  int fd = tapif_tap_open(name, err, errlen);
  if (fd < 0)
    return -1;
  /* Up, without any address: frames written to it then reach whoever
   * watches the interface (tcpdump, Wireshark) instead of failing with
   * EIO; with no address the kernel answers none of them. */
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name, strlen(name));
  if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0 ||
      (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) < 0)) {
    snprintf(err, errlen, "cannot bring mirror TAP device %s up: %s", name,
             strerror(errno));
    if (s >= 0)
      close(s);
    close(fd);
    return -1;
  }
  close(s);
  return fd;
}

tapif_wire *tapif_tap_new(const char *name, char *err, size_t errlen)
{
  int fd = tapif_tap_open(name, err, errlen);
  if (fd < 0)
    return NULL;
  tapwire *w = calloc(1, sizeof *w);
  if (!w || (tapwire_stop_pipe[0] < 0 &&
             pipe2(tapwire_stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0)) {
    snprintf(err, errlen, "cannot set up TAP device %s: %s", name,
             strerror(errno));
    free(w);
    close(fd);
    return NULL;
  }
  w->base.ops = &tapwire_ops;
  w->base.board_port = 0;
  w->base.mirror_fd = -1;
  w->fd = fd;
  snprintf(w->name, sizeof w->name, "%s", name);
  w->ext.wait = tapwire_wait;
  w->ext.drain = tapwire_drain;
  w->ext.ctx = w;
  return &w->base;
}

const sim_external *tapif_tap_external(tapif_wire *base)
{
  return &((tapwire *)base)->ext;
}

/*
 * tapsink.c - the ceiling for TAP throughput on this machine: a plain loop
 * that creates a TAP device and reads frames from it as fast as it can,
 * counting bytes, for a given number of seconds (bench/tap_bench.sh sends
 * UDP into it from the namespace with iperf).  Usage: tapsink NAME SECONDS.
 * Prints "frames N bytes B seconds S Mbit/s R".
 */
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static double tapsink_now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: tapsink NAME SECONDS\n");
    return 2;
  }
  int fd = open("/dev/net/tun", O_RDWR);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", argv[1]);
  if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
    perror("tapsink");
    return 2;
  }
  double secs = atof(argv[2]), start = 0, opened = tapsink_now();
  unsigned long long frames = 0, bytes = 0;
  char buf[65536];
  struct pollfd p = {.fd = fd, .events = POLLIN};
  for (;;) {
    if (poll(&p, 1, 1000) <= 0) {
      if (start && tapsink_now() - start > secs)
        break;
      if (!start && tapsink_now() - opened > 30)
        break; /* nothing came: give up */
      continue;
    }
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0)
      continue;
    if (!start)
      start = tapsink_now();
    frames++;
    bytes += (unsigned long long)n;
    if (tapsink_now() - start > secs)
      break;
  }
  double dt = start ? tapsink_now() - start : 0;
  printf("frames %llu bytes %llu seconds %.3f Mbit/s %.1f\n", frames, bytes,
         dt, dt > 0 ? (double)bytes * 8 / dt / 1e6 : 0.0);
  close(fd);
  return 0;
}

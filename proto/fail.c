/*
 * fail.c - parsing `--fail` specs (the spec is sim/sim_fail.h).  Strict on
 * purpose: a spec that does not say exactly one allocation is refused, so a
 * typo never silently injects nothing.
 */
#include "proto.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* N: decimal digits only, 1 to 2^63-1 (no sign, no space, no 0x). */
static int proto_fail_parse_n(const char *s, uint64_t *out)
{
  if (!*s)
    return -1;
  for (const char *p = s; *p; p++)
    if (!isdigit((unsigned char)*p))
      return -1;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || v == 0 || v > INT64_MAX)
    return -1;
  *out = (uint64_t)v;
  return 0;
}

int proto_fail_parse(const char *s, sim_fail_spec *out, char *err,
                     size_t errlen)
{
  static const char want[] = "want memp:POOL@N or mem@N, N from 1";
  memset(out, 0, sizeof *out);
  const char *at = strrchr(s, '@');
  if (!at) {
    snprintf(err, errlen, "bad --fail '%s': %s", s, want);
    return -1;
  }
  size_t head = (size_t)(at - s);
  if (head == 3 && strncmp(s, "mem", 3) == 0) {
    out->heap = true;
  } else if (head > 5 && strncmp(s, "memp:", 5) == 0) {
    size_t n = head - 5;
    if (n >= sizeof out->pool) {
      snprintf(err, errlen, "bad --fail '%s': pool name longer than %zu "
               "characters", s, sizeof out->pool - 1);
      return -1;
    }
    for (size_t i = 0; i < n; i++) {
      char c = s[5 + i];
      if (!(isalnum((unsigned char)c) || c == '_')) {
        snprintf(err, errlen, "bad --fail '%s': a pool name is lwIP's, as "
                 "in memp_std.h (letters, digits, _)", s);
        return -1;
      }
    }
    memcpy(out->pool, s + 5, n);
    out->pool[n] = 0;
  } else {
    snprintf(err, errlen, "bad --fail '%s': %s", s, want);
    return -1;
  }
  if (proto_fail_parse_n(at + 1, &out->nth) != 0) {
    snprintf(err, errlen, "bad --fail '%s': N must be a decimal number "
             "from 1 (the Nth allocation)", s);
    return -1;
  }
  return 0;
}

void proto_fail_format(const sim_fail_spec *f, char *buf, size_t len)
{
  if (f->heap)
    snprintf(buf, len, "mem@%" PRIu64, f->nth);
  else
    snprintf(buf, len, "memp:%s@%" PRIu64, f->pool, f->nth);
}

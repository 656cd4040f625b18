/*
 * version.c - the lwIP version this build uses, for `lwipsim --version` and
 * run identities.  Only lwIP's headers are needed, so the front end links
 * this file without linking lwIP.
 */
#include "lwip/init.h"

#include "sys_arch_version.h"

const char *sys_arch_lwip_version(void)
{
  return LWIP_VERSION_STRING;
}

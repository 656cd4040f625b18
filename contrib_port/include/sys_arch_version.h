/*
 * sys_arch_version.h - the lwIP version the port was built against.  A
 * header of its own: the front end (cli/) links contrib_port/version.c
 * for `lwipsim --version` and needs nothing else of the port.
 */
#ifndef SYS_ARCH_VERSION_H
#define SYS_ARCH_VERSION_H

/* "2.1.3" */
const char *sys_arch_lwip_version(void);

#endif

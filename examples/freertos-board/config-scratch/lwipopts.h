/* The scratch profile: the board's options, and its port built with the
 * per-thread semaphore lookup of the field report (port/sys_arch.c). */
#ifndef FRB_SCRATCH_LWIPOPTS_H
#define FRB_SCRATCH_LWIPOPTS_H
#include "../config/lwipopts.h"
#define PORT_SEM_LOOKUP_SCRATCH 1
#endif

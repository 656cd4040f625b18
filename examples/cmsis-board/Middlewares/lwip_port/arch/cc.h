/* arch/cc.h of the generated lwIP port. */
#ifndef CMB_ARCH_CC_H
#define CMB_ARCH_CC_H
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#define LWIP_TIMEVAL_PRIVATE 0
#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { printf("Assertion \"%s\" failed at line %d in %s\n", x, __LINE__, __FILE__); } while (0)
#endif

/*
 * sys_arch_nosys.h - what a bare-metal super-loop (NO_SYS=1) takes from
 * the core under lwipsim: its wait for interrupt and its interrupt
 * masking.  A board project maps its CMSIS calls here, unmodified code
 * and all, by adding `-include sys_arch_nosys.h` to BOARD_CFLAGS
 * (docs/your-firmware.md, "NO_SYS=1 boards"):
 *
 *   __WFI()          sys_arch_wfi(): sleeps until one of the MAC device's
 *                    interrupt lines ran its handler or lwIP's next
 *                    timeout is due (sys_timeouts_sleeptime()), so virtual
 *                    time jumps as for a thread blocked in sys_arch;
 *                    with interrupts masked, a pending or arriving
 *                    interrupt ends the wait (none is lost);
 *   __disable_irq()  sys_arch_irq_disable(): interrupts masked (nests);
 *   __enable_irq()   sys_arch_irq_enable(): unmasked, pending ones run.
 *
 * A name the board's own headers define already is left alone.
 */
#ifndef LWIPSIM_SYS_ARCH_NOSYS_H
#define LWIPSIM_SYS_ARCH_NOSYS_H

void sys_arch_wfi(void);
void sys_arch_irq_disable(void);
void sys_arch_irq_enable(void);

#ifndef __WFI
#define __WFI() sys_arch_wfi()
#endif
#ifndef __disable_irq
#define __disable_irq() sys_arch_irq_disable()
#endif
#ifndef __enable_irq
#define __enable_irq() sys_arch_irq_enable()
#endif

#endif

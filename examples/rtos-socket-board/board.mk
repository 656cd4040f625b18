# lwipsim board project: the gateway firmware as it is, one scenario.
# (docs/your-firmware.md walks through this file.)
BOARD_NAME      := rtos-socket-board
BOARD_PROFILES  := default:LWIP/Target
BOARD_SRCS      := Core/Src/app_main.c Core/Src/ctrl_link.c \
                   LWIP/Target/ethernetif.c
BOARD_INCLUDES  := Core/Inc LWIP/Target
BOARD_CFLAGS    := -Wall -DGW_BOARD_REV=3
BOARD_ENTRY     := app_net_start
BOARD_SCENARIOS := sim/ctrl_reopen

# freertos-board: a board project whose firmware runs on FreeRTOS with its
# own lwIP port (port/sys_arch.c against the FreeRTOS API), its own
# Ethernet driver (src/ethernetif.c, zero-copy TX) and its tasks
# (src/app.c).  Build: make BOARD=examples/freertos-board.
BOARD_NAME := freertos-board
# tls: the port's per-thread semaphore through the task's thread-local
# storage pointer; scratch: through a shared scratch variable.
BOARD_PROFILES := tls:config scratch:config-scratch
BOARD_RTOS := freertos
BOARD_PORT := own
BOARD_SRCS := port/sys_arch.c src/ethernetif.c src/app.c src/main.c
BOARD_INCLUDES := FreeRTOS port src
BOARD_CFLAGS := -Wall
BOARD_ENTRY := board_main
BOARD_SCENARIOS := scenarios/fr_load

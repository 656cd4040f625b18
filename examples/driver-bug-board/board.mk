# lwipsim board project: the test-station firmware with its own
# zero-copy Ethernet driver, one scenario.
BOARD_NAME      := driver-bug-board
BOARD_PROFILES  := default:config
BOARD_SRCS      := app/main_net.c app/echo_task.c drivers/ethernetif.c
BOARD_INCLUDES  := app drivers
BOARD_CFLAGS    := -Wall -Wextra
BOARD_ENTRY     := main_net_init
BOARD_SCENARIOS := sim/rx_zero_copy

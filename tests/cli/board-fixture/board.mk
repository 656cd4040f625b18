# A tiny board project for tests/cli/test_boards.sh: its own lwipopts.h,
# its own driver against lwipsim's MAC device, one scenario.
BOARD_NAME := tiny-board
BOARD_PROFILES := default:config
BOARD_SRCS := src/ethernetif.c src/board.c
BOARD_INCLUDES := src
BOARD_CFLAGS := -Wall -DTINY_BOARD=1
BOARD_ENTRY := tiny_board_main
BOARD_SCENARIOS := scenarios/tiny_ping

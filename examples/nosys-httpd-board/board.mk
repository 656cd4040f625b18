# nosys-httpd-board: a bare-metal super-loop (NO_SYS=1, raw API) serving
# its web UI with lwIP's httpd, as on a small MCU without an RTOS.
# lwipsim reads NO_SYS from config/lwipopts.h; nothing here says it.
BOARD_NAME := nosys-httpd-board
# default: the shipped configuration; tuned: the fix (more connection
# states and PCBs for a browser's parallel requests).
BOARD_PROFILES := default:config tuned:config-tuned
BOARD_SRCS := src/main.c src/ethernetif.c src/webfs.c
BOARD_INCLUDES := src
BOARD_CFLAGS := -Wall -Wextra
BOARD_ENTRY := board_main
BOARD_SCENARIOS := scenarios/page_burst

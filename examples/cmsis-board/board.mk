# cmsis-board: a board project laid out as a vendor code generator lays
# it out: CMSIS-RTOS2 on FreeRTOS, a generated lwIP port
# (Middlewares/lwip_port/sys_arch.c against cmsis_os2.h), a generated
# ethernetif.c and a UDP socket application (LWIP/App/udp_server.c).
BOARD_NAME := cmsis-board
BOARD_PROFILES := default:LWIP/Target
BOARD_RTOS := cmsis_rtos2
BOARD_PORT := own
BOARD_SRCS := Middlewares/lwip_port/sys_arch.c LWIP/Target/ethernetif.c \
  LWIP/App/udp_server.c Core/Src/main.c
BOARD_INCLUDES := Core/Inc Middlewares/lwip_port LWIP/Target LWIP/App
BOARD_CFLAGS := -Wall
BOARD_ENTRY := board_main
BOARD_SCENARIOS := scenarios/cm_udp

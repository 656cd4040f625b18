#!/bin/bash
# tests/cli/test_rtos_build.sh BUILD
#
# The RTOS layers' build contract (docs/rtos-apis.md): a board's
# FreeRTOSConfig.h compiles unmodified; one that lacks a required setting
# stops the build naming it; a call the layer does not implement stops the
# build naming the call (FreeRTOS and CMSIS-RTOS2), never a silent stub.
. "$(dirname "$0")/lib.sh" --no-build
CC=${CC:-gcc}
INC=(-Isim -Irtos/freertos -Irtos/cmsis_rtos2)
CFG=tests/unit/rtos_config

cat >"$TMP/app.c" <<'C'
#include "FreeRTOS.h"
#include "task.h"
#include "semphr.h"
#include "timers.h"
void app(void) { vTaskDelay(pdMS_TO_TICKS(10)); }
C
"$CC" -std=gnu11 -Wall -Wextra -Werror "${INC[@]}" -I$CFG -c "$TMP/app.c" \
  -o "$TMP/app.o" 2>"$TMP/err" || fail "a board config: $(cat "$TMP/err")"
ok "a board's FreeRTOSConfig.h compiles unmodified"

# The same config without configTICK_RATE_HZ.
mkdir -p "$TMP/cfg"
grep -v 'define configTICK_RATE_HZ' $CFG/FreeRTOSConfig.h >"$TMP/cfg/FreeRTOSConfig.h"
if "$CC" -std=gnu11 "${INC[@]}" -I"$TMP/cfg" -c "$TMP/app.c" -o "$TMP/x.o" 2>"$TMP/err"; then
  fail "a config without configTICK_RATE_HZ compiled"
fi
grep -q 'must define configTICK_RATE_HZ' "$TMP/err" ||
  fail "missing setting not named: $(head -3 "$TMP/err")"
ok "a config without configTICK_RATE_HZ: $(grep -o 'FreeRTOSConfig.h must define configTICK_RATE_HZ' "$TMP/err" | head -1)"

for call in 'vTaskList(NULL)' 'xTimerPendFunctionCall(NULL, NULL, 0, 0)' \
            'xQueueCreateSet(4)'; do
  name=${call%%(*}
  printf '#include "FreeRTOS.h"\n#include "task.h"\n#include "queue.h"\n#include "timers.h"\nvoid f(void) { (void)%s; }\n' \
    "$call" >"$TMP/ni.c"
  if "$CC" -std=gnu11 -O0 "${INC[@]}" -I$CFG -c "$TMP/ni.c" -o "$TMP/ni.o" 2>"$TMP/err"; then
    fail "$name compiled although it is not implemented"
  fi
  grep -q "$name is not implemented by lwipsim's FreeRTOS layer" "$TMP/err" ||
    fail "$name: not named: $(head -3 "$TMP/err")"
  ok "$name stops the build naming it"
done

# Event groups, stream and message buffers: their headers exist, every
# call stops the build naming it.
for hc in 'event_groups.h|xEventGroupCreate()' \
          'stream_buffer.h|xStreamBufferCreate(64, 1)' \
          'message_buffer.h|xMessageBufferCreate(64)'; do
  hdr=${hc%%|*} call=${hc#*|} name=${call%%(*}
  printf '#include "FreeRTOS.h"\n#include "%s"\nvoid f(void) { (void)%s; }\n' \
    "$hdr" "$call" >"$TMP/ni.c"
  if "$CC" -std=gnu11 -O0 "${INC[@]}" -I$CFG -c "$TMP/ni.c" -o "$TMP/ni.o" 2>"$TMP/err"; then
    fail "$name compiled although it is not implemented"
  fi
  grep -q "$name is not implemented by lwipsim's FreeRTOS layer" "$TMP/err" ||
    fail "$name: not named: $(head -3 "$TMP/err")"
  ok "$name ($hdr) stops the build naming it"
done

printf '#include "cmsis_os2.h"\nvoid f(void) { (void)osMemoryPoolNew(4, 16, NULL); }\n' >"$TMP/cm.c"
if "$CC" -std=gnu11 -O0 "${INC[@]}" -c "$TMP/cm.c" -o "$TMP/cm.o" 2>"$TMP/err"; then
  fail "osMemoryPoolNew compiled although it is not implemented"
fi
grep -q "osMemoryPoolNew is not implemented by lwipsim's CMSIS-RTOS2 layer" "$TMP/err" ||
  fail "osMemoryPoolNew: not named: $(head -3 "$TMP/err")"
ok "osMemoryPoolNew stops the build naming it"

# board.mk: BOARD_RTOS and BOARD_PORT are checked before anything builds.
for bad in 'BOARD_RTOS := ucos|BOARD_RTOS '"'"'ucos'"'"': freertos or cmsis_rtos2' \
           'BOARD_RTOS := freertos|BOARD_RTOS freertos: no FreeRTOSConfig.h on BOARD_INCLUDES' \
           'BOARD_PORT := own|BOARD_PORT own: no arch/cc.h and arch/sys_arch.h'; do
  line=${bad%%|*} want=${bad#*|}
  rm -rf "$TMP/board"
  cp -a tests/cli/board-fixture "$TMP/board"
  echo "$line" >>"$TMP/board/board.mk"
  if make --no-print-directory -n B="$TMP/b" BOARD="$TMP/board" >"$TMP/out" 2>&1; then
    fail "board.mk with '$line' was accepted"
  fi
  grep -q "lwipsim: board tiny-board: $want" "$TMP/out" ||
    fail "board.mk with '$line': $(grep lwipsim: "$TMP/out" | head -2)"
  ok "board.mk with '$line': $(grep -o "lwipsim: board .*" "$TMP/out" | head -1 | sed 's/\.  Stop\.$//')"
done

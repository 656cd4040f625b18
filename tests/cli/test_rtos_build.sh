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

printf '#include "cmsis_os2.h"\nvoid f(void) { (void)osMemoryPoolNew(4, 16, NULL); }\n' >"$TMP/cm.c"
if "$CC" -std=gnu11 -O0 "${INC[@]}" -c "$TMP/cm.c" -o "$TMP/cm.o" 2>"$TMP/err"; then
  fail "osMemoryPoolNew compiled although it is not implemented"
fi
grep -q "osMemoryPoolNew is not implemented by lwipsim's CMSIS-RTOS2 layer" "$TMP/err" ||
  fail "osMemoryPoolNew: not named: $(head -3 "$TMP/err")"
ok "osMemoryPoolNew stops the build naming it"

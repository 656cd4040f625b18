#!/bin/bash
# tests/run-all.sh LWIPSIM - `make run`: every scenario variant of the
# catalog on the virtual wire, one line each; exits with the worst code
# (0 all as expected, 1 a verdict differs, 3 a fault).
set -uo pipefail
LWIPSIM=${1:?usage: run-all.sh path/to/lwipsim}
worst=0
while read -r scn var _expected; do
  out=$(timeout 600 "$LWIPSIM" run "$scn" --variant "$var" 2>&1)
  rc=$?
  printf '%-24s %-16s exit %d  %s  %s\n' "$scn" "$var" "$rc" \
    "$(tail -1 <<<"$out")" "$(tail -2 <<<"$out" | head -1)"
  [ "$rc" -gt "$worst" ] && worst=$rc
done < <("$LWIPSIM" list --names)
exit "$worst"

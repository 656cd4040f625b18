#!/bin/bash
# tools/check-layers.sh [ROOT] - fail when an #include points against the
# order of the rooms (docs/architecture.md, "Rooms"):
#
#   engine -> scenarios -> peers -> tapif -> contrib_port -> rtos -> sim
#   engine, cli -> proto -> sim
#
# A file's room is the first component of its path.  Each quoted include
# ("x.h") is resolved the way the compiler would find it among our files:
# next to the including file, else by its name anywhere in the tree; a name
# that is none of ours (lwIP's, libc's, a generated file) is left alone,
# but lwIP's own headers ("lwip/...", "netif/...", "arch/...") may be used
# only from contrib_port up.  The front end (cli/) links two leaf files of
# lower rooms and may include their headers, and only those: tapif/pcapio.h
# (the capture reader for `replay`) and contrib_port/include/
# sys_arch_version.h (the lwIP version string).  tests/, bench/ and
# examples/ may include anything.
#
# Prints one line per offending include and exits 1, or prints one "ok"
# line and exits 0.  ROOT defaults to the repository.
set -euo pipefail
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$ROOT"

# room -> the rooms its files may include (itself first).
declare -A MAY=(
  [sim]="sim"
  [rtos]="rtos sim"
  [contrib_port]="contrib_port rtos sim"
  [tapif]="tapif contrib_port rtos sim"
  [peers]="peers tapif contrib_port rtos sim"
  [scenarios]="scenarios peers tapif contrib_port rtos sim"
  [proto]="proto sim"
  [engine]="engine proto scenarios peers tapif contrib_port rtos sim"
  [cli]="cli proto sim"
  [tools]="tools"
)
CLI_EXTRA="tapif/pcapio.h contrib_port/include/sys_arch_version.h"
LWIP_ROOMS=" contrib_port tapif peers scenarios engine "

ROOMS=()
for r in "${!MAY[@]}"; do [ -d "$r" ] && ROOMS+=("$r"); done

# Our headers by name -> their paths.
declare -A HDR=()
while IFS= read -r h; do
  HDR[${h##*/}]+="$h "
done < <(find "${ROOMS[@]}" -name '*.h' -type f | sort)

bad=0
checked=0
# One grep over every file (a process per file is slow where forks are):
# FILE:LINE:INCLUDE per quoted include.
mapfile -t FILES < <(find "${ROOMS[@]}" \( -name '*.c' -o -name '*.h' \) -type f 2>/dev/null | sort)
while IFS=: read -r file line inc; do
  room=${file%%/*}
  allowed=" ${MAY[$room]} "
  dir=${file%/*}
  checked=$((checked + 1))
  if [ -f "$dir/$inc" ]; then
    target=$dir/$inc
  else
    target=${HDR[$inc]:-}
  fi
  target=${target% }
  if [ -z "$target" ]; then
    case $inc in
    lwip/* | netif/* | arch/*)
      if [[ $LWIP_ROOMS != *" $room "* ]]; then
        echo "$file:$line: includes lwIP's \"$inc\"; room $room is below the port"
        bad=1
      fi
      ;;
    esac
    continue
  fi
  ok=0
  for t in $target; do
    troom=${t%%/*}
    if [[ $allowed == *" $troom "* ]]; then ok=1; fi
    if [ "$room" = cli ] && [[ " $CLI_EXTRA " == *" $t "* ]]; then ok=1; fi
  done
  if [ "$ok" = 0 ]; then
    echo "$file:$line: includes \"$inc\" ($target); room $room may include only: ${MAY[$room]}"
    bad=1
  fi
done < <([ "${#FILES[@]}" = 0 ] ||
         grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "${FILES[@]}" |
         sed 's/^\([^:]*\):\([0-9]*\):[^"]*"\([^"]*\)".*/\1:\2:\3/' || true)

if [ "$bad" != 0 ]; then
  echo "check-layers: includes against the order of the rooms (docs/architecture.md)" >&2
  exit 1
fi
echo "$checked includes in ${#ROOMS[@]} rooms follow the order"

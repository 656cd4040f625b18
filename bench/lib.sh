# bench/lib.sh - what the benchmark scripts share, sourced after their
# settings:  . "$(dirname "$0")/lib.sh"
#   bench_need TOOL...   each TOOL is a command, else one line, exit 2;
#   bench_built FILE...  each FILE is built (executable), else one line,
#                        exit 2: a benchmark measures only what make built;
#   bench_tmp NAME       sets TMP, a private directory removed on exit;
#   bench_ge V T, bench_le V T  print ok or MISSED for a figure V against
#                        its target T (V >= T, V <= T).
# shellcheck shell=bash

bench_need() {
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "lwipsim bench: $tool is missing (make deps installs it)" >&2
      exit 2
    fi
  done
}

bench_built() {
  local f
  for f in "$@"; do
    if [[ ! -x $f ]]; then
      echo "lwipsim bench: $f is not built (run make bench)" >&2
      exit 2
    fi
  done
}

bench_tmp() {
  TMP=$(mktemp -d "/tmp/lwipsim-$1.XXXXXX")
  trap 'rm -rf "$TMP"' EXIT
}

bench_ge() {
  awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t ? "ok" : "MISSED") }'
}
bench_le() {
  awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t ? "ok" : "MISSED") }'
}

#!/bin/bash
# bench/tap_bench.sh BUILD - bulk TCP from a network namespace into the
# board's lwiperf over TAP (Debian's iperf 2), beside the ceiling: a plain
# read loop on a TAP device (bench/tapsink.c) fed by the same kernel with
# UDP at full speed.  Prints Mbit/s of both, their ratio, and the sim's CPU
# seconds per MB.  Everything stays in a namespace this script creates and
# removes; it needs root and /dev/net/tun (it says so and skips otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
LWIPSIM=$(readlink -f "$B/lwipsim")
SINK=$(readlink -f "$B/bench/tapsink")
if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] || ! command -v iperf >/dev/null; then
  echo "tap bench: skipped (needs root, /dev/net/tun and iperf)"
  exit 0
fi
NS=lwipsim-bench-$$
TMP=$(mktemp -d /tmp/lwipsim-tapbench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
wait_dev() {
  for _ in $(seq 100); do ip netns exec "$NS" ip link show "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}

# The board: lwIP's lwiperf over TAP, CPU time measured by /usr/bin/time.
ip netns exec "$NS" /usr/bin/time -f '%U %S' -o "$TMP/cpu" \
  "$LWIPSIM" serve --tap lwb0 >"$TMP/serve" 2>&1 &
PIDS+=($!)
SERVE=$!
wait_dev lwb0
ip netns exec "$NS" ip addr add 192.0.2.2/24 dev lwb0
ip netns exec "$NS" ip link set lwb0 up
ip netns exec "$NS" ping -c 1 -W 2 192.0.2.1 >/dev/null
ip netns exec "$NS" timeout 30 iperf -c 192.0.2.1 -t 3 -f m >"$TMP/iperf" 2>&1
kill -INT "$(pgrep -P "$SERVE" -f 'lwipsim serve' | head -1)" 2>/dev/null || kill -INT "$SERVE"
for _ in $(seq 100); do kill -0 "$SERVE" 2>/dev/null || break; sleep 0.05; done
wait "$SERVE" 2>/dev/null || true
lw=$(grep -o '[0-9.]* Mbits/sec' "$TMP/iperf" | tail -1 | cut -d' ' -f1)
bytes=$(sed -n 's/^counter: iperf_bytes=//p' "$TMP/serve")
read -r u s <"$TMP/cpu"

# The ceiling: a plain read loop on a TAP device, UDP blasted into it.
ip netns exec "$NS" "$SINK" lwc0 3 >"$TMP/sink" &
PIDS+=($!)
SINKPID=$!
wait_dev lwc0
ip netns exec "$NS" ip addr add 198.51.100.2/24 dev lwc0
ip netns exec "$NS" ip link set lwc0 up
ip netns exec "$NS" ip neigh add 198.51.100.9 lladdr 02:00:00:00:00:09 dev lwc0
ip netns exec "$NS" timeout 30 iperf -u -c 198.51.100.9 -b 10000M -l 1470 -t 4 >/dev/null 2>&1 || true
wait "$SINKPID" || true
ceil=$(sed -n 's/.*Mbit\/s //p' "$TMP/sink")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mb=$(awk -v b="${bytes:-0}" 'BEGIN { printf "%.1f", b / 1e6 }')
cpu_per_mb=$(awk -v u="$u" -v s="$s" -v m="$mb" 'BEGIN { if (m > 0) printf "%.4f", (u + s) / m; else print "n/a" }')
printf '%-44s %10s Mbit/s\n' "lwiperf over TAP (iperf 2, 3 s, TCP)" "$lw"
printf '%-44s %10s Mbit/s\n' "ceiling: plain TAP read loop (UDP 1470 B)" "$ceil"
printf '%-44s %10s\n' "lwipsim / ceiling" "$(ratio "$lw" "$ceil")"
printf '%-44s %10s s/MB (%s MB, user %s s + sys %s s)\n' "sim CPU per MB received" "$cpu_per_mb" "$mb" "$u" "$s"

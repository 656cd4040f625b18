#!/bin/bash
# tests/cli/test_fuzz.sh BUILD
#
# The RX fuzz harness (tests/fuzz/fuzz_rx.c) works as a harness: seed
# inputs made from scenario captures open real TCP sessions on the board
# (the echo seed is echoed back), frames of 0 and over 1518 bytes are
# dropped and counted without harm, the seed corpus runs clean, a child
# that crashes makes libFuzzer keep the input (crash-* file, exit != 0),
# and coverage reaches libFuzzer from the forked children (the corpus
# grows in a short run).  The 10-minute runs are `make fuzz` (README).
# Runs in the plain pass only (the harness is its own clang build).
. "$(dirname "$0")/lib.sh"
case $B in *asan*) echo "skip fuzz: harness already built with ASan (plain pass runs it)"; exit 0 ;; esac
command -v clang >/dev/null || { echo "skip fuzz: no clang"; exit 0; }

make --no-print-directory build/fuzz/fuzz_rx >"$TMP/build.log" 2>&1 ||
  { tail -20 "$TMP/build.log" >&2; fail "cannot build fuzz_rx"; }
F=build/fuzz/fuzz_rx
"$B/lwipsim" run peer_tcp_echo --pcap "$TMP/echo.pcapng" >/dev/null
"$B/lwipsim" run board_ping --variant default --pcap "$TMP/ping.pcapng" >/dev/null
mkdir "$TMP/seeds"
LWIPSIM_FUZZ_SEED_FROM="$TMP/echo.pcapng $TMP/ping.pcapng" \
  LWIPSIM_FUZZ_SEED_TO="$TMP/seeds" "$F" 2>"$TMP/mk.log" ||
  fail "seed maker: $(cat "$TMP/mk.log")"
[ "$(ls "$TMP/seeds" | wc -l)" = 2 ] || fail "want 2 seeds"

LWIPSIM_FUZZ_VERBOSE=1 "$F" "$TMP/seeds/seed-0" >"$TMP/echo.log" 2>&1 ||
  { cat "$TMP/echo.log" >&2; fail "echo seed"; }
# One thread when the child is forked: libFuzzer's RSS watcher, started
# before the first input, once held ASan's allocator lock at that fork
# and the child hung on it.
# Each input is forked from the snapshot of the initialised board
# (snapshot=1): the fibers parked at its start point, their OS thread gone.
th=$(sed -n 's/^fuzz_rx: threads_at_fork=\([0-9]*\).*/\1/p' "$TMP/echo.log")
[ "$th" = 1 ] || fail "${th:-no} threads at fork, want 1"
grep -q '^fuzz_rx: threads_at_fork=1 snapshot=1$' "$TMP/echo.log" ||
  fail "the input was not forked from the board's snapshot"
bytes=$(sed -n 's/^fuzz_rx: tcp_echo_bytes=//p' "$TMP/echo.log")
[ "${bytes:-0}" -gt 10000 ] || fail "echo seed echoed ${bytes:-0} bytes"
ok "the echo seed opens a session on the board forked from its snapshot: $bytes bytes echoed, one thread at fork"

# A 0-byte frame, a 1600-byte frame, then one valid ARP request.
python3 - "$TMP/odd" <<'PY'
import struct, sys
arp = bytes.fromhex('ffffffffffff020000000099080600010800060400010200000000'
                    '99c0000263000000000000c0000201') + bytes(18)
data = struct.pack('>H', 0) + struct.pack('>H', 1600) + bytes(1600) + \
       struct.pack('>H', len(arp)) + arp
open(sys.argv[1], 'wb').write(data)
open(sys.argv[1] + '-noarp', 'wb').write(data[:-(len(arp) + 2)])
PY
for f in odd odd-noarp; do
  LWIPSIM_FUZZ_VERBOSE=1 "$F" "$TMP/$f" >"$TMP/$f.log" 2>&1 ||
    { cat "$TMP/$f.log" >&2; fail "$f frames"; }
done
o1=$(sed -n 's/^fuzz_rx: frames_out=//p' "$TMP/odd-noarp.log")
o2=$(sed -n 's/^fuzz_rx: frames_out=//p' "$TMP/odd.log")
[ "$o2" = $((o1 + 1)) ] ||
  fail "the ARP request after odd frames got no answer ($o1 -> $o2 frames out)"
ok "frames of 0 and 1600 bytes are dropped, the next frame is answered"

"$F" -runs=0 "$TMP/seeds" >"$TMP/corpus.log" 2>&1 ||
  { tail -20 "$TMP/corpus.log" >&2; fail "seed corpus"; }
ok "the seed corpus runs clean"

mkdir "$TMP/c2"
cp "$TMP/seeds/"* "$TMP/c2/"
"$F" "$TMP/c2" -runs=150 -seed=1 >"$TMP/run.log" 2>&1 ||
  { tail -20 "$TMP/run.log" >&2; fail "short fuzz run"; }
n=$(ls "$TMP/c2" | wc -l)
[ "$n" -gt 2 ] || fail "no new corpus entries in 150 runs: coverage does not cross the fork"
ok "coverage crosses the fork: corpus 2 -> $n in 150 runs"

set +e
LWIPSIM_FUZZ_SELFTEST_ABORT=1 "$F" "$TMP/c2" -runs=5 \
  -artifact_prefix="$TMP/" >"$TMP/crash.log" 2>&1
rc=$?
set -e
[ "$rc" != 0 ] || fail "a crashing child went unnoticed"
ls "$TMP"/crash-* >/dev/null 2>&1 || fail "no crash-* input kept"
grep -q 'fuzz_rx: the child' "$TMP/crash.log" || fail "no child report"
ok "a crashing child fails the run and keeps the input (exit $rc)"

# The coverage-only build (make build/fuzz/fuzz_rx-fast: no sanitizers,
# for inputs per second): the same snapshot, and coverage crosses its
# fork too.
make --no-print-directory build/fuzz/fuzz_rx-fast >"$TMP/build-fast.log" 2>&1 ||
  { tail -20 "$TMP/build-fast.log" >&2; fail "cannot build fuzz_rx-fast"; }
LWIPSIM_FUZZ_VERBOSE=1 build/fuzz/fuzz_rx-fast "$TMP/seeds/seed-0" >"$TMP/fast.log" 2>&1 ||
  { cat "$TMP/fast.log" >&2; fail "fuzz_rx-fast: echo seed"; }
grep -q '^fuzz_rx: threads_at_fork=1 snapshot=1$' "$TMP/fast.log" ||
  fail "fuzz_rx-fast: the input was not forked from the board's snapshot"
fb=$(sed -n 's/^fuzz_rx: tcp_echo_bytes=//p' "$TMP/fast.log")
[ "${fb:-0}" = "$bytes" ] || fail "fuzz_rx-fast echoed ${fb:-0} bytes, the ASan build $bytes"
mkdir "$TMP/c3"
cp "$TMP/seeds/"* "$TMP/c3/"
build/fuzz/fuzz_rx-fast "$TMP/c3" -runs=150 -seed=1 >"$TMP/run3.log" 2>&1 ||
  { tail -20 "$TMP/run3.log" >&2; fail "fuzz_rx-fast: short fuzz run"; }
n3=$(ls "$TMP/c3" | wc -l)
[ "$n3" -gt 2 ] || fail "fuzz_rx-fast: no new corpus entries in 150 runs"
ok "fuzz_rx-fast (coverage only): the echo seed gives the same $fb bytes from the snapshot, corpus 2 -> $n3 in 150 runs"

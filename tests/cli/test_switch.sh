#!/bin/bash
# tests/cli/test_switch.sh BUILD
#
# The two switch backends (sim/sim_priv.h: fibers, the default, and
# pthreads with a run token) take the same decisions: the whole suite gives
# the same verdict and the same trace digest for every variant under both.
# BUILD/switch-<other>/ holds the same engines relinked against the other
# backend (`make switch-alt`, part of a plain `make unit-tests`).  For a
# sanitizer build (BUILD/asan, BUILD/tsan) the other backend is the plain
# build's (PLAIN/switch-<other>/): the sanitizer build's default backend
# must give the plain build's pthread digests, which checks both at once
# without relinking every engine under ASan.
. "$(dirname "$0")/lib.sh"

alt=
case $B in */asan|*/tsan) base=${B%/*} ;; *) base=$B ;; esac
for d in "$base"/switch-*; do [ -x "$d/lwipsim" ] && alt=$d && break; done
[ -n "$alt" ] ||
  fail "no $base/switch-*/lwipsim: run make switch-alt (B=$base)"
nvariants=$("$LWIPSIM" list --names | wc -l)

rows() { awk 'NF > 7 && $1 != "scenario" && $1 != "suite:" { print $1, $2, $3, $4, $5 }' "$1"; }
"$LWIPSIM" suite --jobs 2 >"$TMP/default" || fail "suite exit $? ($B)"
"$alt/lwipsim" suite --jobs 2 >"$TMP/alt" || fail "suite exit $? ($alt)"
[ "$(rows "$TMP/default" | wc -l)" = "$nvariants" ] ||
  fail "suite rows: $(rows "$TMP/default" | wc -l), want $nvariants"
[ "$(rows "$TMP/default")" = "$(rows "$TMP/alt")" ] ||
  fail "backends differ: $(diff <(rows "$TMP/default") <(rows "$TMP/alt"))"
ok "$nvariants variants: same verdicts and digests under $(basename "$alt") as under the default backend"

# --- stack facts: each sim thread's stack size and peak use in the JSON
# result and the HTML report; lwIP's tcpip_thread has the size its
# lwipopts asks for (TCPIP_THREAD_STACKSIZE 1024) rounded up to the host
# minimum (256 KiB; 1 MiB under sanitizers).
"$LWIPSIM" run udp_loopback --json --report "$TMP/r.html" >"$TMP/j" ||
  fail "run udp_loopback exit $?"
jq -e '(.stacks | length) == .timings.threads and
       all(.stacks[]; .peak > 1024 and .peak < .size and .size % 4096 == 0) and
       (.stacks[] | select(.thread == "tcpip_thread") | .size == 262144 or .size == 1048576)' \
  "$TMP/j" >/dev/null || fail "stacks in the JSON result: $(jq -c .stacks "$TMP/j")"
want=$(jq -r '[.stacks[] | "[\"\(.thread)\",\(.size),"] | join(" ")' "$TMP/j")
for w in $want; do
  grep -qF "$w" "$TMP/r.html" || fail "report lacks stack $w"
done
ok "run --json and --report give each thread's stack size and peak use: $(jq -r '[.stacks[] | "\(.thread) \(.peak)/\(.size)"] | join(", ")' "$TMP/j")"

#!/bin/bash
# tests/cli/test_switch.sh BUILD
#
# The two switch backends (sim/sim_priv.h: fibers, the default, and
# pthreads with a run token) take the same decisions: the whole suite gives
# the same verdict and the same trace digest for every variant under both.
# BUILD/switch-<other>/ holds the same engines relinked against the other
# backend (`make switch-alt`, part of `make unit-tests` and `make asan`).
. "$(dirname "$0")/lib.sh"

alt=$(ls -d "$B"/switch-* 2>/dev/null | head -1)
[ -n "$alt" ] && [ -x "$alt/lwipsim" ] ||
  fail "no $B/switch-*/lwipsim: run make switch-alt (B=$B)"
nvariants=$("$LWIPSIM" list --names | wc -l)

rows() { awk 'NF > 7 && $1 != "scenario" && $1 != "suite:" { print $1, $2, $3, $4, $5 }' "$1"; }
"$LWIPSIM" suite --jobs 2 >"$TMP/default" || fail "suite exit $? ($B)"
"$alt/lwipsim" suite --jobs 2 >"$TMP/alt" || fail "suite exit $? ($alt)"
[ "$(rows "$TMP/default" | wc -l)" = "$nvariants" ] ||
  fail "suite rows: $(rows "$TMP/default" | wc -l), want $nvariants"
[ "$(rows "$TMP/default")" = "$(rows "$TMP/alt")" ] ||
  fail "backends differ: $(diff <(rows "$TMP/default") <(rows "$TMP/alt"))"
ok "$nvariants variants: same verdicts and digests under $(basename "$alt") as under the default backend"

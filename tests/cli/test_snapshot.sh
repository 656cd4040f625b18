#!/bin/bash
# tests/cli/test_snapshot.sh BUILD
#
# Runs forked from a start point (docs/writing-scenarios.md "Start
# points"): explore's worker runs a scenario's set-up once, parks its
# fibers at the start point and forks every run from there; each such run
# must give the digest and verdict that `run --seed S` gives from the
# beginning, for several seeds and policies, and explore's replay command
# must reproduce the failure it reports with that digest.  Under the
# pthread backend (BUILD/switch-pthread, `make switch-alt`) the worker says
# that every run starts from the beginning, and gives the same digests.
. "$(dirname "$0")/lib.sh"

ENG=$B/engines/board/lwipsim-engine
[ -x "$ENG" ] || fail "no $ENG"
case $B in */asan|*/tsan) base=${B%/*} ;; *) base=$B ;; esac
PT=$base/switch-pthread/engines/board/lwipsim-engine

# worker ENGINE ARGS... < seeds: "seed verdict digest" lines
worker() { "$@" --worker 2>"$TMP/worker.err" | jq -r '"\(.seed) \(.verdict) \(.digest)"'; }
runs() { # ENGINE SEEDS ARGS...
  local e=$1 seeds=$2; shift 2
  for s in $seeds; do
    { "$e" "$@" --seed "$s" --json || true; } | jq -r '"\(.seed) \(.verdict) \(.digest)"'
  done
}

check() { # what SEEDS ARGS...
  local what=$1 seeds=$2; shift 2
  printf '%s\n' $seeds | worker "$ENG" "$@" >"$TMP/w" || fail "$what: worker exit $?"
  grep -q "each run forked from .*'s start point" "$TMP/worker.err" ||
    fail "$what: the worker did not fork from the start point: $(cat "$TMP/worker.err")"
  runs "$ENG" "$seeds" "$@" >"$TMP/r" || fail "$what: run exit $?"
  [ "$(wc -l <"$TMP/w")" = "$(echo $seeds | wc -w)" ] || fail "$what: $(wc -l <"$TMP/w") results"
  cmp -s "$TMP/w" "$TMP/r" || fail "$what: forked runs differ from runs from the beginning: $(diff "$TMP/w" "$TMP/r")"
  [ "$(cut -d' ' -f3 "$TMP/w" | sort -u | wc -l)" = "$(echo $seeds | wc -w)" ] ||
    fail "$what: seeds share a digest (the seed does not take over)"
  ok "$what: forked from the start point = run from the beginning, seeds $(echo $seeds | tr ' ' ,) ($(cut -d' ' -f2 "$TMP/w" | sort | uniq -c | xargs))"
}

check "select_close_race reuse-assert pct" "1 2 3 4 5 6" \
  run select_close_race --variant reuse-assert --policy pct --depth 3 --steps 64
check "board_ping default random" "1 2 3" run board_ping --variant default --policy random
check "board_ping cable-pull rtos" "7 8" run board_ping --variant cable-pull

# explore's replay command reproduces the failure with the forked run's digest.
"$LWIPSIM" explore select_close_race --variant reuse-assert --policy pct \
  --runs 40 --no-shrink >"$TMP/x" 2>&1 || true
cmd=$(sed -n 's/^replay: //p' "$TMP/x" | head -1)
[ -n "$cmd" ] || fail "explore reported no failure: $(cat "$TMP/x")"
seed=$(echo "$cmd" | sed -n 's/.* --seed \([0-9]*\).*/\1/p')
args=$(echo "$cmd" | sed 's/^[^ ]* run //; s/ --seed [0-9]*//')
# shellcheck disable=SC2086
rd=$({ "$LWIPSIM" ${cmd#* } --json || true; } | jq -r '"\(.verdict) \(.digest)"')
# shellcheck disable=SC2086
wd=$(echo "$seed" | worker "$ENG" run $args | cut -d' ' -f2-)
[ "$rd" = "$wd" ] && [ "${rd%% *}" = reproduced ] ||
  fail "replay of seed $seed: '$rd', the forked run: '$wd'"
ok "explore's replay command (seed $seed) gives the forked run's verdict and digest: $rd"

# The pthread backend cannot keep threads across fork(): it says so and
# starts every run from the beginning, with the same digests.
if [ -x "$PT" ]; then
  printf '%s\n' 1 2 3 | worker "$PT" run select_close_race --variant reuse-assert \
    --policy pct --depth 3 --steps 64 >"$TMP/p" || fail "pthread worker exit $?"
  grep -q "starts from the beginning: the pthread backend" "$TMP/worker.err" ||
    fail "the pthread worker did not say so: $(cat "$TMP/worker.err")"
  runs "$ENG" "1 2 3" run select_close_race --variant reuse-assert --policy pct \
    --depth 3 --steps 64 >"$TMP/r"
  cmp -s "$TMP/p" "$TMP/r" || fail "pthread backend differs: $(diff "$TMP/p" "$TMP/r")"
  ok "pthread backend: every run from the beginning (said on stderr), same digests"
else
  echo "skip pthread worker: $PT missing (make switch-alt)"
fi

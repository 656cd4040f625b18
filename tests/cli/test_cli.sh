#!/bin/bash
# tests/cli/test_cli.sh BUILD
#
# The lwipsim command line as a user meets it: bad input is one line on
# stderr with exit 2 and leaves no file behind; a dead engine is a fault
# (exit 3); the same seed gives the same digest, run after run; the trace
# file and the JSON result agree with the printed digest.
. "$(dirname "$0")/lib.sh"

# usage_error "what" args... : exit 2, exactly one stderr line, no stdout.
usage_error() {
  local what=$1; shift
  local rc=0
  "$LWIPSIM" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  [ "$rc" = 2 ] || fail "$what: exit $rc, want 2"
  [ "$(wc -l <"$TMP/err")" = 1 ] || fail "$what: stderr is not one line: $(cat "$TMP/err")"
  grep -q '^lwipsim: ' "$TMP/err" || fail "$what: stderr lacks 'lwipsim: '"
  [ ! -s "$TMP/out" ] || fail "$what: wrote to stdout"
  ok "$what -> exit 2: $(cat "$TMP/err")"
}

# --- version and list
"$LWIPSIM" --version | grep -Eq '^lwipsim [0-9.]+ \(lwIP [0-9]+\.[0-9]+\.[0-9]+' ||
  fail "--version"
if [ "$(cat "$B/lwip-tree.txt")" = "$PWD/build/deps/lwip-2.1.3" ]; then
  "$LWIPSIM" --version | has '(lwIP 2.1.3)' || fail "--version names lwIP 2.1.3"
fi
ok "--version: $("$LWIPSIM" --version)"
"$LWIPSIM" list | has '^udp_loopback$' || fail "list shows udp_loopback"
"$LWIPSIM" list --names | has '^udp_loopback default not-reproduced$' ||
  fail "list --names"
"$LWIPSIM" --help | has 'exit codes' || fail "--help"
ok "list, list --names, --help"

# --- bad input
usage_error "no command"
usage_error "unknown command" frob
usage_error "unknown scenario" run nope --trace "$TMP/t1.jsonl"
usage_error "unknown variant" run udp_loopback --variant nope
usage_error "unknown policy" run udp_loopback --policy fifo
usage_error "unknown option" run udp_loopback --frob
usage_error "bad seed" run udp_loopback --seed -3
usage_error "seed too big" run udp_loopback --seed 99999999999999999999
usage_error "missing value" run udp_loopback --seed
usage_error "bad watchdog" run udp_loopback --watchdog x
usage_error "watchdog too long" run udp_loopback --watchdog 86401
usage_error "schedule with a policy" run udp_loopback --schedule "$TMP/s" --policy rtos
usage_error "trace in a missing directory" run udp_loopback --trace "$TMP/no/such/dir/t.jsonl"
ls "$TMP"/t1.jsonl* >/dev/null 2>&1 && fail "a rejected run left a trace file"
ok "rejected runs leave no trace file"

# --- a missing engine is a setup error; a dead engine is a fault
mkdir -p "$TMP/fe/engines/board"
cp "$LWIPSIM" "$TMP/fe/lwipsim"
rc=0; "$TMP/fe/lwipsim" run udp_loopback >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] && grep -q "no engine for profile 'board'" "$TMP/err" ||
  fail "missing engine: exit $rc $(cat "$TMP/err")"
ok "missing engine -> exit 2"
printf '#!/bin/sh\nkill -SEGV $$\n' >"$TMP/fe/engines/board/lwipsim-engine"
chmod +x "$TMP/fe/engines/board/lwipsim-engine"
rc=0; "$TMP/fe/lwipsim" run udp_loopback >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" = 3 ] || fail "dead engine: exit $rc, want 3"
grep -q '^verdict: fault expected: not-reproduced engine killed by signal 11' "$TMP/out" ||
  fail "dead engine: $(cat "$TMP/out")"
tail -1 "$TMP/out" | grep -Eq '^digest: 0x[0-9a-f]{16}$' || fail "dead engine: digest line"
ok "engine killed by a signal -> verdict fault, exit 3"

# --- determinism: one seed, twenty runs, one digest
for i in $(seq 20); do
  "$LWIPSIM" run udp_loopback --seed 7 | tail -1
done | sort -u >"$TMP/digests"
[ "$(wc -l <"$TMP/digests")" = 1 ] || fail "seed 7 gave several digests: $(cat "$TMP/digests")"
ok "udp_loopback --seed 7, 20 runs: one $(cat "$TMP/digests")"

# --- random policy: two seeds pass and differ
d1=$("$LWIPSIM" run udp_loopback --policy random --seed 1 | tail -1)
d2=$("$LWIPSIM" run udp_loopback --policy random --seed 2 | tail -1)
[ "$d1" != "$d2" ] || fail "random seeds 1 and 2 gave the same $d1"
d1b=$("$LWIPSIM" run udp_loopback --policy random --seed 1 | tail -1)
[ "$d1" = "$d1b" ] || fail "random seed 1 not reproducible: $d1 vs $d1b"
ok "random policy: seeds 1 and 2 pass with different digests, seed 1 repeats"

# --- trace file and JSON agree with the printed digest
"$LWIPSIM" run udp_loopback --seed 7 --trace "$TMP/t.jsonl" >"$TMP/out"
[ -s "$TMP/t.jsonl" ] && [ ! -e "$TMP/t.jsonl.tmp" ] || fail "trace file"
"$LWIPSIM" run udp_loopback --seed 7 --json >"$TMP/json"
[ "$(wc -l <"$TMP/json")" = 1 ] || fail "--json is not one line"
digest=$(tail -1 "$TMP/out" | cut -d' ' -f2)
grep -q "\"digest\":\"$digest\"" "$TMP/json" || fail "--json digest differs from $digest"
grep -q '"verdict":"not-reproduced","expected":"not-reproduced"' "$TMP/json" ||
  fail "--json verdict"
command -v python3 >/dev/null ||
  fail "python3 not installed (make deps installs it)"
python3 - "$TMP/t.jsonl" "$TMP/json" <<'PY' || fail "trace/JSON do not parse"
import json, sys
keys = ["t_us", "seq", "thread", "kind", "detail"]
for n, line in enumerate(open(sys.argv[1])):
    rec = json.loads(line)
    assert list(rec) == keys, rec
    assert rec["seq"] == n, (n, rec)
    assert "0x7f" not in rec["detail"], rec  # no pointers
res = json.load(open(sys.argv[2]))
assert res["counters"]["echoed"] == 1000, res
PY
ok "--trace writes JSONL with stable fields; --json agrees on $digest"
# tracing does not change the digest
[ "$("$LWIPSIM" run udp_loopback --seed 7 | tail -1)" = "digest: $digest" ] ||
  fail "the digest changes when a trace file is written"
ok "the digest is the same with and without --trace"

#!/bin/bash
# tests/cli/test_scenarios.sh BUILD
#
# The scenario regression table (tests/scenarios.tsv) through the CLI: each
# run is a separate process with a timeout; its exit code must match, its
# output must end with the contract's two lines, and a run whose verdict
# is `reproduced` must name the defect's own evidence: the row's reason
# column (a fragment of the oracle's message) must appear in its verdict
# line, and a reproduced row without one fails.  Two rows run at once
# (each run is one engine process, one sim thread at a time); the lines
# come out in the table's order.
#
# Then the negative tests: set-ups deliberately broken so that the
# defect's evidence cannot appear (lwIP's own heap under a variant of the
# RTOS heap model, a socket() failure injected into the select() leak,
# httpd's out-of-memory path or a heap refusal caused by --fail, a stuck
# thread with no wrong lookup, a lost input message in a baseline) must
# end as `fault` with a message saying why, never `reproduced`.
. "$(dirname "$0")/lib.sh"

n=0
while IFS=$'\t' read -r scn var seed policy want reason; do
  case $scn in ''|'#'*) continue ;; esac
  n=$((n + 1))
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scn" "$var" "$seed" "$policy" "$want" \
    "${reason:--}" >"$TMP/$n.row"
  ( rc=0
    timeout 300 "$LWIPSIM" run "$scn" --variant "$var" --seed "$seed" \
      --policy "$policy" >"$TMP/$n.out" 2>&1 || rc=$?
    echo "$rc" >"$TMP/$n.rc" ) &
  while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || true; done
done < tests/scenarios.tsv
wait

status=0
for i in $(seq "$n"); do
  IFS=$'\t' read -r scn var seed policy want reason <"$TMP/$i.row"
  rc=$(cat "$TMP/$i.rc")
  verdict=$(tail -2 "$TMP/$i.out" | head -1)
  digest=$(tail -1 "$TMP/$i.out")
  why=
  if [ "$rc" != "$want" ] || [[ $verdict != verdict:* ]] ||
     [[ ! $digest =~ ^digest:\ 0x[0-9a-f]{16}$ ]]; then
    why="exit $rc (want $want)"
  elif [[ $verdict == "verdict: reproduced "* ]] && [ "$reason" = - ]; then
    why="reproduced, but the table gives no reason to check"
  elif [ "$reason" != - ] && [[ $verdict != *"$reason"* ]]; then
    why="the verdict does not name '$reason'"
  fi
  if [ -n "$why" ]; then
    echo "FAIL scenario $scn/$var seed $seed $policy: $why" >&2
    tail -5 "$TMP/$i.out" >&2
    status=1
  else
    named=
    [ "$reason" = - ] || named=" (names '$reason')"
    echo "ok   scenario $scn/$var seed $seed $policy: ${digest#digest: } ${verdict%% expected:*}$named"
  fi
done
[ "$status" = 0 ] || exit 1

# --- negative tests: the evidence missing, the verdict must be `fault`
# negative WHAT FRAGMENT COMMAND...: the run must end `verdict: fault`
# (exit 3) and its verdict line name FRAGMENT.
negative() {
  local what=$1 frag=$2; shift 2
  local rc=0
  "$@" >"$TMP/neg" 2>&1 || rc=$?
  local v
  v=$(tail -2 "$TMP/neg" | head -1)
  [ "$rc" = 3 ] && [[ $v == "verdict: fault "* ]] ||
    fail "$what: exit $rc, want a fault (3): $v"
  [[ $v == *"$frag"* ]] || fail "$what: the fault does not say '$frag': $v"
  v=${v#verdict: fault expected: }
  ok "$what -> fault: ${v#* }"
}
# The RTOS heap model's variants run in the engine of a profile without
# MEM_LIBC_MALLOC (lwIP's own heap: board-memfree-isr, the engine of
# lwip-heap-protected): the model is never entered, the pinned TX-complete
# IRQ never fires, frames stay unreleased.
E=$B/engines/board-memfree-isr/lwipsim-engine
negative "isr_pbuf_free isr-free on lwIP's own heap (no MEM_LIBC_MALLOC)" \
  "pin heap:free:link never reached" \
  "$E" run isr_pbuf_free --variant isr-free
negative "isr_pbuf_free deferred-free on lwIP's own heap" \
  "pin heap:free:link never reached" \
  "$E" run isr_pbuf_free --variant deferred-free
# socket() refused by an injected NETCONN failure, not by leaked slots.
negative "select_close_race leak-2.0 with socket() failing for another reason" \
  "not ENFILE" \
  "$LWIPSIM" run select_close_race --variant leak-2.0 --fail memp:NETCONN@3
# The scripted close() inside select() cannot happen when a socket fails
# first: no assertion, and the step that was never reached says so.
negative "select_close_race reuse-assert with a NETCONN allocation failed by --fail" \
  "never reached" \
  "$LWIPSIM" run select_close_race --variant reuse-assert --fail memp:NETCONN@2
# http_accept's out-of-memory path taken only because --fail failed the
# HTTPD_STATE allocation, on the tuned profile that has no such bug.
negative "httpd_oom tuned with one HTTPD_STATE allocation failed by --fail" \
  "an injected failure, not the field bug" \
  "$LWIPSIM" run httpd_oom --variant tuned --fail memp:HTTPD_STATE@3
# mem_malloc refused because a malloc pool's allocation inside it was
# failed by --fail, with a free element that holds the request.
negative "heap_fragmentation pools with a malloc pool allocation failed by --fail" \
  "an injected failure, not fragmentation" \
  "$LWIPSIM" run heap_fragmentation --variant pools --fail memp:POOL_1536@5
# The shared-scratch port, but app_ctl's socket fails before the load:
# no wrong lookup, the failed call is named, and the run ends normally
# (until 2026-12-02 app_data stayed held by the scenario's own pin, which
# waits for app_ctl's next semaphore wait, and the run ended as a
# deadlock; a sweep of port_reentrancy/correct counted such runs hangs).
negative "port_reentrancy shared-scratch with app_ctl's socket failed by --fail" \
  "failed in connect (errno 104); no lookup wrong" \
  "$LWIPSIM" run port_reentrancy --variant shared-scratch --fail memp:NETCONN@1
# A baseline has no field bug to reproduce: a ping lost to an injected
# input-message failure is the simulator's or the set-up's fault.
negative "board_ping (baseline) with one input message refused" \
  "1 of 10 pings lost while the link was up" \
  "$LWIPSIM" run board_ping --variant default --fail memp:TCPIP_MSG_INPKT@3

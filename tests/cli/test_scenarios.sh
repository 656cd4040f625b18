#!/bin/bash
# tests/cli/test_scenarios.sh BUILD
#
# The scenario regression table (tests/scenarios.tsv) through the CLI: each
# run is a separate process with a timeout; its exit code must match and
# its output must end with the contract's two lines.  Two rows run at once
# (each run is one engine process, one sim thread at a time); the lines
# come out in the table's order.
. "$(dirname "$0")/lib.sh"

n=0
while IFS=$'\t' read -r scn var seed policy want; do
  case $scn in ''|'#'*) continue ;; esac
  n=$((n + 1))
  printf '%s\t%s\t%s\t%s\t%s\n' "$scn" "$var" "$seed" "$policy" "$want" >"$TMP/$n.row"
  ( rc=0
    timeout 300 "$LWIPSIM" run "$scn" --variant "$var" --seed "$seed" \
      --policy "$policy" >"$TMP/$n.out" 2>&1 || rc=$?
    echo "$rc" >"$TMP/$n.rc" ) &
  while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || true; done
done < tests/scenarios.tsv
wait

status=0
for i in $(seq "$n"); do
  IFS=$'\t' read -r scn var seed policy want <"$TMP/$i.row"
  rc=$(cat "$TMP/$i.rc")
  verdict=$(tail -2 "$TMP/$i.out" | head -1)
  digest=$(tail -1 "$TMP/$i.out")
  if [ "$rc" != "$want" ] || [[ $verdict != verdict:* ]] ||
     [[ ! $digest =~ ^digest:\ 0x[0-9a-f]{16}$ ]]; then
    echo "FAIL scenario $scn/$var seed $seed $policy: exit $rc (want $want)" >&2
    tail -5 "$TMP/$i.out" >&2
    status=1
  else
    echo "ok   scenario $scn/$var seed $seed $policy: ${digest#digest: } ${verdict%% expected:*}"
  fi
done
exit $status

#!/bin/bash
# tests/cli/test_scenarios.sh BUILD
#
# The scenario regression table (tests/scenarios.tsv) through the CLI: each
# run is a separate process with a timeout; its exit code must match and
# its output must end with the contract's two lines.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:?usage: test_scenarios.sh BUILD}
LWIPSIM=$B/lwipsim
status=0
while IFS=$'\t' read -r scn var seed policy want; do
  case $scn in ''|'#'*) continue ;; esac
  rc=0
  out=$(timeout 300 "$LWIPSIM" run "$scn" --variant "$var" --seed "$seed" \
    --policy "$policy" 2>&1) || rc=$?
  verdict=$(tail -2 <<<"$out" | head -1)
  digest=$(tail -1 <<<"$out")
  if [ "$rc" != "$want" ] || [[ $verdict != verdict:* ]] ||
     [[ ! $digest =~ ^digest:\ 0x[0-9a-f]{16}$ ]]; then
    echo "FAIL scenario $scn/$var seed $seed $policy: exit $rc (want $want)" >&2
    echo "$out" | tail -5 >&2
    status=1
  else
    echo "ok   scenario $scn/$var seed $seed $policy: ${digest#digest: } ${verdict%% expected:*}"
  fi
done < tests/scenarios.tsv
exit $status

#!/bin/bash
# peers/lwip/peer_syms.sh - the symbol steps of the peer object
# (called by peer.mk; tests/cli/test_peer.sh calls it too).
#
#   peer_syms.sh rename IN.o OUT.o MAP
#       Renames every global IN.o defines, read with `nm -g --defined-only`
#       (never a fixed list), to peer_<name>, with `objcopy
#       --redefine-syms`, which touches only the names in MAP: references
#       to libc and to the sim stay as they are (--prefix-symbols would
#       rename those too).  Names that already start with peer_ (the API of
#       peer.h) are kept, so renaming twice changes nothing.  Fails if a
#       kept peer_X is also the new name of a global X (lwIP's netif_init
#       against a peer_netif_init of ours), or if a defined global of
#       OUT.o does not start with peer_.
#
#   peer_syms.sh check PEER.o REPORT ALLOW BOARD_OBJ...
#       The link-safety checks against one engine's board side (its
#       objects and archives):
#       1. no global PEER.o defines is also defined by the board side;
#       2. every symbol PEER.o leaves undefined that the board side defines
#          matches the allow-list ALLOW (shell patterns separated by
#          spaces, e.g. "sim_* tapif_* pcapio_*"): the peer may use the
#          sim and the wire, never the board's lwIP, port or scenarios.
#          Everything else it needs (libc, libpthread) the board side does
#          not define.
#       Writes REPORT (what the peer takes from the board side) only when
#       both hold; otherwise prints one line naming the symbol, exit 1.
set -euo pipefail
export LC_ALL=C # one collation for sort and comm

# Defined globals of objects and archives, one per line.  (--quiet: an
# lwIP file compiled to nothing, such as ip6.c without IPv6, has no
# symbols, which is no error.)
defined() {
  nm -g --defined-only --quiet "$@" | awk 'NF == 3 { print $3 }' | sort -u
}

die() { echo "peer_syms: $*" >&2; exit 1; }

case ${1:-} in
rename)
  in=${2:?IN.o} out=${3:?OUT.o} map=${4:?MAP}
  trap 'rm -f "$map.defs" "$map.tmp" "$out.tmp"' EXIT
  defined "$in" >"$map.defs"
  [ -s "$map.defs" ] || die "$in defines no global (nm failed?)"
  awk '!/^peer_/ { print $1 " peer_" $1 }' "$map.defs" >"$map.tmp"
  # A kept peer_X that is also the new name of X would be defined twice.
  twice=$(awk '{ print $2 }' "$map.tmp" | sort | comm -12 - "$map.defs" |
    head -1)
  rm -f "$map.defs"
  [ -z "$twice" ] || die "$in defines both '${twice#peer_}' and '$twice':" \
    "renaming the first would define the second twice; rename the peer_" \
    "function in peers/lwip/"
  if [ -s "$map.tmp" ]; then
    objcopy --redefine-syms="$map.tmp" "$in" "$out.tmp"
  else
    cp "$in" "$out.tmp" # already renamed
  fi
  bad=$(defined "$out.tmp" | grep -v '^peer_' | head -1 || true)
  [ -z "$bad" ] || die "$out: global '$bad' escaped the renaming"
  mv "$map.tmp" "$map"
  mv "$out.tmp" "$out"
  ;;
check)
  peer=${2:?PEER.o} report=${3:?REPORT} allow=${4?ALLOW}
  shift 4
  [ $# -gt 0 ] || die "check: no board objects"
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/peer_syms.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  defined "$@" >"$tmp/board"
  [ -s "$tmp/board" ] || die "check: the board objects define nothing"
  defined "$peer" >"$tmp/peer"
  nm -u "$peer" | awk '{ print $NF }' | sort -u >"$tmp/undef"
  comm -12 "$tmp/peer" "$tmp/board" >"$tmp/clash"
  if [ -s "$tmp/clash" ]; then
    die "$(basename "$peer") defines '$(head -1 "$tmp/clash")', which the" \
      "board side defines too ($(wc -l <"$tmp/clash") such globals)"
  fi
  comm -12 "$tmp/undef" "$tmp/board" >"$tmp/needed"
  : >"$tmp/denied"
  set -f # the patterns are for `case`, never for file names
  while read -r sym; do
    ok=0
    for pat in $allow; do
      # shellcheck disable=SC2254 # $pat is a glob on purpose
      case $sym in $pat) ok=1; break ;; esac
    done
    [ $ok = 1 ] || echo "$sym" >>"$tmp/denied"
  done <"$tmp/needed"
  set +f
  if [ -s "$tmp/denied" ]; then
    die "$(basename "$peer") needs '$(head -1 "$tmp/denied")' from the" \
      "board side, which is not on the allow-list ($allow):" \
      "$(wc -l <"$tmp/denied") such symbols; a source missing from the" \
      "peer build?"
  fi
  {
    echo "peer object: $peer"
    echo "globals defined: $(wc -l <"$tmp/peer"), all peer_*," \
      "none defined by the board side"
    echo "taken from the board side ($(wc -l <"$tmp/needed")," \
      "allow-list: $allow):"
    sed 's/^/  /' "$tmp/needed"
  } >"$report.tmp"
  mv "$report.tmp" "$report"
  ;;
*)
  echo "usage: peer_syms.sh rename IN.o OUT.o MAP" \
    "| check PEER.o REPORT ALLOW BOARD_OBJ..." >&2
  exit 2
  ;;
esac

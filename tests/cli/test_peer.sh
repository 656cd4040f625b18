#!/bin/bash
# tests/cli/test_peer.sh BUILD
#
# The renamed-symbol build of the lwIP peer node (peers/lwip/):
# - every global BUILD/peer/peer.o defines is peer_* (read with nm), and
#   none of them is defined by the board side of any engine (its objects
#   and archives, read with nm here, independently of the build's check);
# - what peer.o leaves undefined and the board side defines is the sim
#   API only: the peer never binds to the board's lwIP or port;
# - each engine holds both instances side by side (tcp_input and
#   peer_tcp_input, lwip_stats and peer_lwip_stats);
# - the check itself works: a crafted object that defines a board global,
#   or needs one off the allow-list, fails it with one line naming the
#   symbol; renaming keeps libc references, refuses a clash between X and
#   an own peer_X, and renaming a renamed object changes nothing;
# - a peer scenario's capture holds both nodes' frames.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C # one collation for sort and comm
SYMS=peers/lwip/peer_syms.sh
PEER=$B/peer/peer.o
defined() { nm -g --defined-only --quiet "$@" | awk 'NF == 3 { print $3 }' | sort -u; }

[ -f "$PEER" ] || fail "$PEER not built"
defined "$PEER" >"$TMP/peer"
n=$(wc -l <"$TMP/peer")
[ "$n" -gt 200 ] || fail "peer.o defines only $n globals"
bad=$(grep -v '^peer_' "$TMP/peer" | head -3 || true)
[ -z "$bad" ] || fail "peer.o defines globals without the prefix: $bad"
for s in peer_tcp_input peer_lwip_socket peer_lwip_stats peer_tcpip_init \
    peer_sys_arch_protect peer_node_start peer_http_start; do
  grep -qx "$s" "$TMP/peer" || fail "peer.o lacks $s"
done
ok "peer.o defines $n globals, every one peer_* (peer_tcp_input, peer_lwip_stats...)"

engines=0
for e in "$B"/engines/*/; do
  [ -f "$e/lwipsim-engine" ] || continue
  p=$(basename "$e")
  board=$(find "$e/scn" "$e/tapif" "$e/port" -name '*.o')
  # shellcheck disable=SC2086
  defined $board "$e/liblwip.a" "$B/obj/libsim.a" "$B"/obj/desc/*.o \
    "$B/obj/gen/scn_impls_$p.o" >"$TMP/board"
  grep -qx tcp_input "$TMP/board" || fail "$p: the board side has no tcp_input?"
  clash=$(comm -12 "$TMP/peer" "$TMP/board" | head -3)
  [ -z "$clash" ] || fail "$p: peer.o and the board both define: $clash"
  nm -u "$PEER" | awk '{ print $NF }' | sort -u >"$TMP/undef"
  needed=$(comm -12 "$TMP/undef" "$TMP/board" | grep -v '^sim_' | head -3 || true)
  [ -z "$needed" ] || fail "$p: peer.o takes from the board side: $needed"
  nm "$e/lwipsim-engine" | awk '$2 ~ /^[TDB]$/ { print $3 }' | sort -u >"$TMP/exe"
  for s in tcp_input peer_tcp_input lwip_stats peer_lwip_stats; do
    grep -qx "$s" "$TMP/exe" || fail "$p: the engine lacks $s"
  done
  [ -s "$e/peer-check.txt" ] || fail "$p: no peer-check.txt from the build"
  engines=$((engines + 1))
done
[ "$engines" -gt 0 ] || fail "no engine in $B"
ok "$engines engines: no global defined twice, peer.o takes only sim_* from the board side, both instances linked"

# The check on crafted objects: a clash, a board symbol off the allow-list,
# and a clean one.  The board side here is the board engine's lwIP.
lib=$B/engines/board/liblwip.a
cat >"$TMP/clash.c" <<'EOF'
int tcp_input;
EOF
cat >"$TMP/needs.c" <<'EOF'
void tcp_input(void *p, void *n);
void peer_f(void) { tcp_input(0, 0); }
EOF
cat >"$TMP/clean.c" <<'EOF'
#include <string.h>
void sim_sem_give(void *s);
void peer_g(char *d, const char *s) { memcpy(d, s, 4); sim_sem_give(d); }
EOF
for f in clash needs clean; do
  cc -c -fno-common -o "$TMP/$f.o" "$TMP/$f.c"
done
rc=0; "$SYMS" check "$TMP/clash.o" "$TMP/r" "sim_*" "$lib" 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "'tcp_input'" "$TMP/err" ||
  fail "a defined board global passed the check: rc $rc $(cat "$TMP/err")"
rc=0; "$SYMS" check "$TMP/needs.o" "$TMP/r" "sim_*" "$lib" 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "needs 'tcp_input'" "$TMP/err" ||
  fail "a needed board symbol passed the check: rc $rc $(cat "$TMP/err")"
[ ! -e "$TMP/r" ] || fail "a failed check wrote its report"
"$SYMS" check "$TMP/clean.o" "$TMP/r" "sim_*" "$lib" "$B/obj/libsim.a" ||
  fail "a clean object failed the check"
grep -qx '  sim_sem_give' "$TMP/r" || fail "report: $(cat "$TMP/r")"
ok "the check fails with one line naming a clashing or needed board symbol, passes a clean object"

cat >"$TMP/lib.c" <<'EOF'
#include <string.h>
int counter;
void copy(char *d, const char *s, unsigned long n) { memcpy(d, s, n); counter++; }
EOF
cc -c -fno-common -o "$TMP/lib.o" "$TMP/lib.c"
"$SYMS" rename "$TMP/lib.o" "$TMP/lib-r.o" "$TMP/lib.map"
[ "$(defined "$TMP/lib-r.o" | tr '\n' ' ')" = "peer_copy peer_counter " ] ||
  fail "rename: $(defined "$TMP/lib-r.o")"
nm -u "$TMP/lib-r.o" | has -w memcpy || fail "rename touched the libc reference"
"$SYMS" rename "$TMP/lib-r.o" "$TMP/lib-rr.o" "$TMP/lib2.map"
[ ! -s "$TMP/lib2.map" ] && cmp -s "$TMP/lib-r.o" "$TMP/lib-rr.o" ||
  fail "renaming twice changed the object"
cat >"$TMP/twice.c" <<'EOF'
void netif_init(void) {}
void peer_netif_init(void) {}
EOF
cc -c -o "$TMP/twice.o" "$TMP/twice.c"
rc=0; "$SYMS" rename "$TMP/twice.o" "$TMP/t.o" "$TMP/t.map" 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] && grep -q "'netif_init' and 'peer_netif_init'" "$TMP/err" ||
  fail "a clash between X and peer_X was renamed: $(cat "$TMP/err")"
[ ! -e "$TMP/t.o" ] && [ ! -e "$TMP/t.o.tmp" ] || fail "a failed rename left files"
ok "rename: only defined globals (memcpy stays), idempotent, refuses X next to peer_X"

if command -v tshark >/dev/null; then
  "$B/lwipsim" run peer_http_get --pcap "$TMP/h.pcapng" >/dev/null
  srcs=$(tshark -r "$TMP/h.pcapng" -T fields -e eth.src 2>/dev/null | sort -u | tr '\n' ' ')
  [ "$srcs" = "02:00:00:00:00:01 02:00:00:00:00:02 " ] || fail "capture sources: $srcs"
  n=$(tshark -r "$TMP/h.pcapng" -Y 'http.response.code == 200' 2>/dev/null | wc -l)
  [ "$n" = 3 ] || fail "capture: $n HTTP 200 responses"
  ok "peer_http_get's capture holds both nodes' frames and 3 HTTP 200s"
else
  echo "skip peer capture: tshark not installed"
fi

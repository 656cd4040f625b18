#!/bin/bash
# tests/cli/test_wireshark.sh BUILD
#
# Wireshark as the window (docs/wireshark.md), checked with tshark:
# - `--pcap-events all` on httpd_oom default-poll: the digest and the
#   frames (bytes, times, comments) are those of a run without it; with
#   the dissector (-X lua_script:tools/wireshark/lwipsim.lua) the pool
#   records equal the trace's, the RST frames keep their comment, a
#   filter joining events and TCP finds both, every block is in time
#   order (and records in trace order), the verdict record is decoded;
#   `replay` (libpcap through pcapio's filter) gives the same digest;
# - captures without the option are byte-identical to the previous
#   commit's: GOLDEN below holds the SHA-256 of three captures written by
#   the build of the commit before the events interface (main at
#   80d7d28), with the section comment's build id (the hash of the
#   engine, different by definition) set to zeros; CI has no older build
#   to record them at test time.  httpd_oom's sum is that of the verdicts
#   branch (its oracle names the http_accept evidence now, so the verdict
#   message in the section comment changed), recorded with that branch's
#   build before the two were merged: equal to the merged build's.
#   board_ping's sum is from the snapshots merge (its set-up runs before
#   a start point now, under seed 0: the run's frames before the cable
#   pull changed; recorded with the fiber and the pthread backends, both
#   equal).  A change to one of these runs' trace changes its sum: record
#   it again with the build before the change;
# - the extcap: --extcap-interfaces, --extcap-dlts and --extcap-config
#   line by line, bad values (one line, non-zero exit), and a capture
#   with `tshark -i lwipsim -a packets:N` from a temporary personal
#   folder (`make install-wireshark` with HOME in $TMP; the user's own
#   Wireshark folders are never touched).
# Wireshark 4.0 ignores WIRESHARK_EXTCAP_DIR for root (and has no
# personal extcap folder): the extcap capture runs as nobody (setpriv)
# when the test runs as root.  Lua as root: Debian's init.lua sets
# run_user_scripts_when_superuser = true; without it the test says so.
. "$(dirname "$0")/lib.sh"
if ! command -v tshark >/dev/null; then
  echo "skip wireshark: tshark not installed (make deps installs it)"; exit 0
fi
export HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config
mkdir -p "$HOME"
LUA=$PWD/tools/wireshark/lwipsim.lua
ts() { tshark -X lua_script:"$LUA" "$@" 2>>"$TMP/tshark.err"; }

# --- events in the capture ---------------------------------------------
S=(httpd_oom --variant default-poll)
"$LWIPSIM" run "${S[@]}" --pcap "$TMP/ev.pcapng" --pcap-events all \
  --trace "$TMP/t.jsonl" >"$TMP/ev.out"
"$LWIPSIM" run "${S[@]}" --pcap "$TMP/plain.pcapng" >"$TMP/plain.out"
[ "$(tail -1 "$TMP/ev.out")" = "$(tail -1 "$TMP/plain.out")" ] ||
  fail "--pcap-events changed the digest"
# Per frame of interface 0: a line with its absolute time, comment and
# direction (no frame number: the numbers differ), then its bytes.
frames() { tshark -r "$1" -Y "frame.interface_id == 0" -P -x -o \
  'gui.column.format:"T","%Yut","C","%Cus:frame.comment","D","%Cus:frame.packet_flags_direction"' \
  2>/dev/null; }
frames "$TMP/ev.pcapng" >"$TMP/ev.frames"
frames "$TMP/plain.pcapng" >"$TMP/plain.frames"
n=$(grep -c '^1970-01-01 ' "$TMP/plain.frames" || true)
[ "$n" -gt 0 ] && [ "$n" = "$(tshark -r "$TMP/plain.pcapng" 2>/dev/null | wc -l)" ] ||
  fail "frames of the plain capture: $n lines"
cmp -s "$TMP/ev.frames" "$TMP/plain.frames" || fail "the frames differ with --pcap-events"
ok "--pcap-events all: same digest, same $n frames (bytes, times, comments, directions)"
[ -n "$(ts -r "$TMP/ev.pcapng" -c 1 -T fields -e lwipsim.kind)" ] ||
  fail "tshark did not load $LUA (as root, init.lua needs run_user_scripts_when_superuser = true): $(cat "$TMP/tshark.err")"

# One pass for the fields (lwipsim.kind == "pool" counted there), one for
# the display filter joining events and TCP.
ts -r "$TMP/ev.pcapng" -T fields -e frame.interface_id \
  -e frame.time_epoch -e lwipsim.seq -e lwipsim.kind -e lwipsim.pool.name \
  -e lwipsim.pool.used -e lwipsim.pool.size -e lwipsim.verdict \
  -e lwipsim.verdict.expected -e tcp.flags.reset -e frame.comment >"$TMP/fields"
pools=$(grep -c '"kind":"pool"' "$TMP/t.jsonl")
got=$(awk -F'\t' '$4 == "pool"' "$TMP/fields" | wc -l)
[ "$pools" -gt 0 ] && [ "$got" = "$pools" ] || fail "pool records: $got in the capture, $pools in the trace"
all=$(wc -l <"$TMP/t.jsonl")
got=$(awk -F'\t' '$1 == 1' "$TMP/fields" | wc -l)
[ "$got" = "$all" ] || fail "records: $got in the capture, $all in the trace"
ok "dissector: $pools pool records = the trace's, all $all records on interface 1"

# (The frames' comments equal those of the run without events: above.)
awk -F'\t' '$10 == 1 { print $11 }' "$TMP/fields" >"$TMP/rst"
[ "$(grep -c '^http_accept: Out of memory, RST$' "$TMP/rst")" = 2 ] || fail "RST comments: $(cat "$TMP/rst")"
irqs=$(grep -c '"kind":"irq"' "$TMP/t.jsonl")
rsts=$(wc -l <"$TMP/rst")
got=$(ts -r "$TMP/ev.pcapng" -Y 'lwipsim.kind == "irq" || tcp.flags.reset == 1' | wc -l)
[ "$got" = $((irqs + rsts)) ] || fail "irq || reset: $got, want $irqs + $rsts"
ok "RST frames keep 'http_accept: Out of memory, RST'; 'lwipsim.kind == \"irq\" || tcp.flags.reset == 1' finds $irqs + $rsts"

awk -F'\t' '$2 < t { print "time goes back at block " NR; exit 1 } { t = $2 }
  $3 != "" { if (s != "" && $3 + 0 <= s + 0) { print "seq goes back at block " NR; exit 1 } s = $3 }' \
  "$TMP/fields" || fail "order"
pool=$(awk -F'\t' '$5 == "HTTPD_STATE" { p = $6 " " $7 } END { print p }' "$TMP/fields")
want=$(grep '"detail":"HTTPD_STATE ' "$TMP/t.jsonl" | tail -1 |
  sed -E 's/.*used=([0-9]+) .*size=([0-9]+)".*/\1 \2/')
[ -n "$want" ] && [ "$pool" = "$want" ] || fail "pool fields: '$pool', want '$want'"
v=$(awk -F'\t' '$4 == "verdict" { print $8 " " $9 }' "$TMP/fields")
[ "$v" = "reproduced reproduced" ] || fail "verdict fields: '$v'"
ok "blocks in time order, records in trace order; pool and verdict fields decoded"

rc=0; "$LWIPSIM" replay "$TMP/ev.pcapng" >"$TMP/replay.out" 2>&1 || rc=$?
[ "$rc" = 0 ] && grep -q "$(tail -1 "$TMP/plain.out")" "$TMP/replay.out" ||
  fail "replay of a capture with events: exit $rc: $(cat "$TMP/replay.out")"
ok "replay of a capture with events: the same digest (the events interface is skipped)"

rc=0; "$LWIPSIM" run "${S[@]}" --pcap-events all >"$TMP/e1" 2>&1 || rc=$?
[ "$rc" = 2 ] && [ "$(cat "$TMP/e1")" = "lwipsim: --pcap-events needs --pcap" ] || fail "without --pcap: $rc $(cat "$TMP/e1")"
rc=0; "$LWIPSIM" run "${S[@]}" --pcap "$TMP/x.pcapng" --pcap-events pool,bogus >"$TMP/e2" 2>&1 || rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$TMP/e2")" = 1 ] && grep -q "bad --pcap-events 'pool,bogus'" "$TMP/e2" &&
  [ ! -e "$TMP/x.pcapng" ] || fail "bad list: $rc $(cat "$TMP/e2")"
"$LWIPSIM" run "${S[@]}" --pcap "$TMP/irq.pcapng" --pcap-events irq,verdict >/dev/null
kinds=$(ts -r "$TMP/irq.pcapng" -Y lwipsim -T fields -e lwipsim.kind | sort -u | tr '\n' ' ')
[ "$kinds" = "counter irq verdict " ] || fail "--pcap-events irq,verdict gave kinds: $kinds"
ok "--pcap-events: needs --pcap, a bad group is one line (exit 2), irq,verdict gives those kinds only"

# --- captures without the option: as before ------------------------------
GOLDEN="007464468733c17da788e1fe508bbe80adb6aebd3efd0d3f55dcee929b9e77b2 httpd_oom default-poll
deb753286433169bf907aae1030a79d6aace3b0f984575fcccfe65556bf531cb board_ping cable-pull
3b14f8ea37ef48d8ecd9ac0c15271773a169451e58ab12bd0497bb1169d5063b peer_tcp_echo default"
lwip=$("$LWIPSIM" --version | grep -o 'lwIP [0-9.]*' | head -1)
if [ "$lwip" != "lwIP 2.1.3" ]; then
  echo "skip wireshark: golden captures are lwIP 2.1.3's (this build: $lwip)"
else
  while read -r sum scn var; do
    "$LWIPSIM" run "$scn" --variant "$var" --pcap "$TMP/g.pcapng" >/dev/null || true
    got=$(LC_ALL=C sed -E 's/build: [0-9a-f]{16}/build: 0000000000000000/' "$TMP/g.pcapng" | sha256sum)
    [ "${got%% *}" = "$sum" ] || fail "$scn $var: the capture without --pcap-events changed"
  done <<<"$GOLDEN"
  ok "captures without --pcap-events byte-identical to the previous commit's (3 scenarios)"
fi

# --- the extcap ---------------------------------------------------------
# What `make install-wireshark` runs (reading the Makefile alone takes
# seconds here).
tools/wireshark/install.sh install "$LWIPSIM" >"$TMP/install.out" ||
  fail "install-wireshark: $(cat "$TMP/install.out")"
PLUG=$HOME/.local/lib/wireshark/plugins/lwipsim.lua
EXT=$HOME/.local/lib/wireshark/extcap/lwipsim-extcap
[ -f "$PLUG" ] && [ -x "$EXT" ] && grep -q "$PLUG" "$TMP/install.out" && grep -q "$EXT" "$TMP/install.out" ||
  fail "install-wireshark: $(cat "$TMP/install.out")"
ok "install-wireshark: into \$HOME/.local/lib/wireshark (plugins, extcap), and says where"

DOCS=$(readlink -f docs/wireshark.md)
[ "$("$EXT" --extcap-interfaces --extcap-version=4.0)" = "extcap {version=1.0}{help=file://$DOCS}
interface {value=lwipsim}{display=lwipsim: scenario run (virtual time)}
interface {value=lwipsim-live}{display=lwipsim: live board on a TAP device (serve, root)}" ] ||
  fail "--extcap-interfaces: $("$EXT" --extcap-interfaces)"
for i in lwipsim lwipsim-live; do
  [ "$("$EXT" --extcap-interface "$i" --extcap-dlts)" = "dlt {number=1}{name=EN10MB}{display=Ethernet}" ] ||
    fail "--extcap-dlts $i"
done
EVENTS='value {arg=N}{value=sched}{display=sched: thread switches, blocks, wake-ups, timeouts}{default=false}
value {arg=N}{value=irq}{display=irq: interrupts}{default=false}
value {arg=N}{value=pool}{display=pool: lwIP pool and heap levels}{default=false}
value {arg=N}{value=fail}{display=fail: injected allocation failures}{default=false}
value {arg=N}{value=assert}{display=assert: how the run ended (lwIP assertions)}{default=false}
value {arg=N}{value=verdict}{display=verdict: the verdict and the counters}{default=false}
value {arg=N}{value=point}{display=point: scheduling points}{default=false}
value {arg=N}{value=other}{display=other: everything else (driver, peers, applications)}{default=false}'
{
  echo "arg {number=0}{call=--scenario}{display=Scenario}{type=selector}{required=true}{tooltip=lwipsim list}{group=Run}"
  first=true
  for s in $("$LWIPSIM" list --names | awk '{print $1}' | uniq); do
    echo "value {arg=0}{value=$s}{display=$s}{default=$first}"; first=false
  done
  cat <<'X'
arg {number=1}{call=--variant}{display=Variant}{type=string}{tooltip=the scenario's variant (empty: its only one)}{validation=^[A-Za-z0-9_.-]*$}{group=Run}
arg {number=2}{call=--seed}{display=Seed}{type=string}{default=1}{tooltip=PRNG seed, decimal or 0x hex}{validation=^(0x[0-9A-Fa-f]+|[0-9]+)$}{group=Run}
arg {number=3}{call=--policy}{display=Policy}{type=selector}{tooltip=scheduling policy}{group=Run}
value {arg=3}{value=variant}{display=the variant's}{default=true}
value {arg=3}{value=rtos}{display=rtos}{default=false}
value {arg=3}{value=random}{display=random}{default=false}
value {arg=3}{value=pct}{display=pct}{default=false}
value {arg=3}{value=script}{display=script}{default=false}
arg {number=4}{call=--pcap-events}{display=Stack events}{type=multicheck}{tooltip=trace records to put on the capture's timeline (lwipsim.lua decodes them)}{group=Events}
X
  echo "${EVENTS//arg=N/arg=4}"
} >"$TMP/config.want"
"$EXT" --extcap-interface lwipsim --extcap-config >"$TMP/config.got"
diff "$TMP/config.want" "$TMP/config.got" >&2 || fail "--extcap-config lwipsim"
{
  cat <<'X'
arg {number=0}{call=--tap}{display=TAP device}{type=string}{required=true}{default=lwsim0}{tooltip=created by lwipsim serve (needs root)}{validation=^[A-Za-z0-9_.-]{1,15}$}{group=Board}
arg {number=1}{call=--ip}{display=Board address}{type=string}{default=192.0.2.1/24}{tooltip=A.B.C.D/LEN}{validation=^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$}{group=Board}
arg {number=2}{call=--config}{display=Profile (SCENARIO:VARIANT)}{type=string}{tooltip=whose lwipopts the board runs (empty: board)}{group=Board}
arg {number=3}{call=--pcap-events}{display=Stack events}{type=multicheck}{tooltip=trace records to put on the capture's timeline (lwipsim.lua decodes them)}{group=Events}
X
  echo "${EVENTS//arg=N/arg=3}"
} >"$TMP/config.want"
"$EXT" --extcap-interface lwipsim-live --extcap-config >"$TMP/config.got"
diff "$TMP/config.want" "$TMP/config.got" >&2 || fail "--extcap-config lwipsim-live"
ok "extcap: --extcap-interfaces, --extcap-dlts, --extcap-config (both interfaces) line by line"

# Bad values: one line on stderr, non-zero exit, nothing in the fifo.
bad() { # WANT-TEXT ARGS...
  local want=$1 rc=0; shift
  : >"$TMP/fifo.out"
  "$EXT" --capture --fifo "$TMP/fifo.out" "$@" >/dev/null 2>"$TMP/bad.err" || rc=$?
  [ "$rc" != 0 ] && [ "$(wc -l <"$TMP/bad.err")" = 1 ] && grep -q -- "$want" "$TMP/bad.err" &&
    [ ! -s "$TMP/fifo.out" ] || fail "bad config $*: exit $rc: $(cat "$TMP/bad.err")"
}
bad "unknown scenario" --extcap-interface lwipsim --scenario nosuch
bad "bad seed 'x1'" --extcap-interface lwipsim --scenario httpd_oom --variant default-poll --seed x1
bad "unknown policy 'fifo'" --extcap-interface lwipsim --scenario httpd_oom --variant default-poll --policy fifo
bad "bad --pcap-events" --extcap-interface lwipsim --scenario httpd_oom --variant default-poll --pcap-events pool,nope
bad "unknown interface 'nope'" --extcap-interface nope
bad "needs a value" --extcap-interface lwipsim --scenario
ok "extcap: bad scenario, seed, policy, event list, interface: one line, non-zero exit"

# A capture through Wireshark's machinery: tshark starts the extcap from
# the personal folder (WIRESHARK_EXTCAP_DIR, which 4.0 needs and ignores
# for root: then as nobody), stops after 20 packets.
as_user() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  chmod 755 "$TMP" && chown -R nobody "$HOME"
  as_user() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }
fi
as_user env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
  WIRESHARK_EXTCAP_DIR="$(dirname "$EXT")" tshark -D >"$TMP/D" 2>/dev/null || true
grep -q 'lwipsim (lwipsim: scenario run' "$TMP/D" && grep -q 'lwipsim-live' "$TMP/D" ||
  fail "tshark -D does not list lwipsim: $(cat "$TMP/D")"
rc=0
as_user env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
  WIRESHARK_EXTCAP_DIR="$(dirname "$EXT")" timeout 60 tshark -i lwipsim \
  -o extcap.lwipsim.scenario:httpd_oom -o extcap.lwipsim.variant:default-poll \
  -o extcap.lwipsim.pcapevents:pool,irq -a packets:20 -w "$HOME/live.pcapng" \
  >"$TMP/cap.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "tshark -i lwipsim: exit $rc: $(cat "$TMP/cap.out")"
n=$(tshark -r "$HOME/live.pcapng" 2>/dev/null | wc -l)
k=$(ts -r "$HOME/live.pcapng" -Y 'lwipsim.kind == "pool"' | wc -l)
[ "$n" = 20 ] && [ "$k" -gt 0 ] || fail "tshark -i lwipsim wrote $n packets ($k pool records)"
ok "tshark -i lwipsim (extcap from a temporary personal folder) -a packets:20: exit 0, 20 packets with events"

# The live interface: the extcap's serve in a netns this test creates
# (192.0.2.0/24), stopped with SIGTERM as Wireshark stops a capture: exit
# 0, the TAP gone, the capture complete (with events) and replayable
# (serve's replay reads the frames with libpcap, through pcapio's filter).
if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
  echo "skip wireshark: live extcap capture needs root, /dev/net/tun and ip(8)"
else
  NS=lwipsim-ws-$$ XPID=
  cleanup() {
    [ -n "$XPID" ] && kill -TERM "$XPID" 2>/dev/null && wait "$XPID" 2>/dev/null
    ip netns del "$NS" 2>/dev/null || true
  }
  in_ns() { ip netns exec "$NS" "$@"; }
  ip netns add "$NS"
  in_ns ip link set lo up
  : >"$TMP/live.pcapng"
  ip netns exec "$NS" "$EXT" --capture --extcap-interface lwipsim-live \
    --fifo "$TMP/live.pcapng" --tap lwx0 --pcap-events irq,pool >"$TMP/live.out" 2>&1 &
  XPID=$!
  for _ in $(seq 100); do in_ns ip link show lwx0 >/dev/null 2>&1 && break; sleep 0.05; done
  in_ns ip addr add 192.0.2.2/24 dev lwx0
  in_ns ip link set lwx0 up
  in_ns ping -c 2 -i 0.2 -W 2 192.0.2.1 >/dev/null || fail "no ping replies from the live board"
  kill -TERM "$XPID"
  rc=0; wait "$XPID" || rc=$?
  XPID=
  [ "$rc" = 0 ] || fail "live extcap after SIGTERM: exit $rc: $(cat "$TMP/live.out")"
  ! in_ns ip link show lwx0 >/dev/null 2>&1 || fail "TAP lwx0 left after SIGTERM"
  icmp=$(tshark -r "$TMP/live.pcapng" -Y icmp 2>/dev/null | wc -l)
  evs=$(ts -r "$TMP/live.pcapng" -Y 'lwipsim.kind == "irq"' | wc -l)
  [ "$icmp" = 4 ] && [ "$evs" -gt 0 ] || fail "live capture: $icmp ICMP frames, $evs irq records"
  "$LWIPSIM" replay "$TMP/live.pcapng" >"$TMP/live.replay" 2>&1 ||
    fail "replay of the live capture: $(cat "$TMP/live.replay")"
  ok "live interface (netns): SIGTERM ends serve cleanly (exit 0, TAP gone), 4 ICMP frames and irq records, replay equal"
fi

tools/wireshark/install.sh uninstall >"$TMP/uninstall.out"
[ ! -e "$PLUG" ] && [ ! -e "$EXT" ] || fail "uninstall-wireshark left files"
ok "uninstall-wireshark removes both"

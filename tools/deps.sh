#!/bin/sh
# deps.sh [--print]
#
# Ensure the Debian packages lwipsim needs for building, testing and
# benchmarking are installed.
#
# Design:
# - PACKAGES below is the single list to edit.  chromium is only for the
#   report test (tests/cli/test_report.sh renders --report pages headless).
# - One dpkg-query call finds what is missing (a package counts as present
#   only when its dpkg status is "installed"); when nothing is missing the
#   script exits 0 silently, so it is cheap to call from make.
# - As root: "apt-get update" once (quiet), then a non-interactive
#   "apt-get install --no-install-recommends" of only the missing packages.
#   The debconf question of wireshark-common (allow non-root capture?) is
#   preseeded to "no" first.  Both apt calls wait up to 5 minutes for a
#   dpkg lock held by another apt run.  Failure: one "lwipsim: ..." line on
#   stderr, exit 1.
# - Not root: print one line with the sudo command to run, exit 2.
# - "deps.sh --print" prints the package list on one line (for README).
# - Test hook: LWIPSIM_DEPS_EXTRA (space-separated package names) is
#   appended to the list, e.g. LWIPSIM_DEPS_EXTRA=no-such-pkg to exercise
#   the "missing" paths.
# Word splitting of package lists is intended throughout:
# shellcheck disable=SC2086
set -eu
# apt_reason
# shellcheck source=tools/apt.sh
. "$(dirname -- "$0")/apt.sh"

PACKAGES="gcc make pkgconf libpcap-dev libcmocka-dev xz-utils libxxhash-dev \
libjansson-dev dpkg-dev tshark iputils-ping iproute2 iperf \
libclang-rt-14-dev clang hyperfine jq time libxml2-utils binutils \
python3 chromium curl"

# Full list, whitespace normalised.
# shellcheck disable=SC2116
all_pkgs=$(echo $PACKAGES ${LWIPSIM_DEPS_EXTRA:-})

case $#:${1:-} in
  0:) ;;
  1:--print)
    echo "$all_pkgs"
    exit 0
    ;;
  *)
    echo "lwipsim: usage: deps.sh [--print]" >&2
    exit 2
    ;;
esac

# Installed packages among ours; unknown names make dpkg-query complain on
# stderr and exit 1, which just means "missing".
installed=" $(dpkg-query -W -f='${Package} ${Status}\n' $all_pkgs 2>/dev/null |
  awk '$4 == "installed" { printf "%s ", $1 }') " || true

missing=
for p in $all_pkgs; do
  case $installed in
    *" $p "*) ;;
    *) missing="$missing $p" ;;
  esac
done
missing=${missing# }

if [ -z "$missing" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "lwipsim: missing packages; run: sudo apt-get install $missing" >&2
  exit 2
fi

log=$(mktemp)
trap 'rm -f -- "$log"' EXIT
trap 'exit 1' HUP INT TERM

echo "lwipsim: installing missing packages: $missing" >&2
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" |
  debconf-set-selections

# A failed update is not fatal by itself (the cached indexes may still
# do); the install below reports the real problem.
update_ok=1
apt-get -qq -o DPkg::Lock::Timeout=300 update > "$log" 2>&1 || update_ok=0
update_err=$(apt_reason "$log")

if ! apt-get -q -y -o DPkg::Lock::Timeout=300 install \
  --no-install-recommends $missing > "$log" 2>&1; then
  reason=$(apt_reason "$log")
  if [ "$update_ok" -eq 0 ]; then
    reason="$reason (apt-get update failed: $update_err)"
  fi
  echo "lwipsim: cannot install packages ($missing): $reason" >&2
  exit 1
fi

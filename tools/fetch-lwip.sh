#!/bin/sh
# fetch-lwip.sh BUILD_DIR [VERSION]
#
# Obtain upstream lwIP VERSION (2.1.3, the default, or 2.2.1) and unpack it
# to BUILD_DIR/deps/lwip-VERSION.
#
# Design:
# - Source: the orig tarball of Debian's source package of that version
#   (lwip=2.1.3+dfsg1-2 from bookworm, lwip=2.2.1+dfsg1-1+deb13u1 from
#   trixie), fetched with apt so that the machine's own mirror, proxy and
#   keyring settings apply.  No host name is written here; the deb-src
#   entries are derived from the configured binary sources, with every
#   suite's codename replaced by the one that carries the version
#   (bookworm-updates -> trixie-updates), so either version is found from
#   a bookworm or a trixie host:
#     * deb822 files /etc/apt/sources.list.d/*.sources: every stanza whose
#       Types include "deb" (or "deb-src") is copied with "Types: deb-src";
#       all other fields are kept; stanzas with "Enabled: no" are skipped.
#     * one-line files /etc/apt/sources.list and sources.list.d/*.list:
#       "deb ..." lines become "deb-src ..." (options in brackets kept),
#       existing "deb-src" lines are kept, comments are dropped.
#     * anything else (e.g. *.disabled-by-xyz) is not a source file.
# - Nothing under /etc/apt is modified.  apt runs with a private
#   configuration under BUILD_DIR/apt/ (source list, list state and cache
#   directories are redirected there with -o options); the rest of the
#   system apt configuration (apt.conf.d, keyrings, dpkg status) is used
#   read-only.  Only the orig tarball is downloaded (--tar-only); Debian's
#   patches are not needed and not applied.
# - The tarball's SHA-256 is checked against contrib_port/lwip-tarball.sha256
#   (in the repository).  A verified tarball is kept in BUILD_DIR/apt/src/ and
#   is reused without network access.
# - Unpacking is atomic: extract into a temporary directory under
#   BUILD_DIR/deps, write the stamp file (.lwipsim-stamp, containing the
#   SHA-256) inside it, then rename it into place.  If the stamp already
#   matches, the script does nothing (no output, no network) and exits 0.
# - Exit status: 0 success, 2 on any failure (usage, download, checksum,
#   unpack), with one "lwipsim: ..." line on stderr.  Progress lines go to
#   stderr as well.
set -eu

DEB_SRC_PKG=lwip
STAMP_NAME=.lwipsim-stamp

die() {
  printf 'lwipsim: %s\n' "$*" >&2
  exit 2
}

note() {
  printf 'lwipsim: %s\n' "$*" >&2
}

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ] || [ -z "$1" ]; then
  die "usage: fetch-lwip.sh BUILD_DIR [VERSION]"
fi
LWIP_VERSION=${2:-2.1.3}
# The versions we fetch: Debian's source version and the suite carrying it.
case $LWIP_VERSION in
  2.1.3) DEB_SRC_VERSION=2.1.3+dfsg1-2 DEB_SUITE=bookworm ;;
  2.2.1) DEB_SRC_VERSION=2.2.1+dfsg1-1+deb13u1 DEB_SUITE=trixie ;;
  *) die "lwIP $LWIP_VERSION is not one make lwip fetches (2.1.3, 2.2.1); use LWIP_DIR=/path for another tree" ;;
esac
ORIG_TARBALL=lwip_$LWIP_VERSION+dfsg1.orig.tar.xz
TARBALL_TOPDIR=lwip-$LWIP_VERSION

top_dir=$(CDPATH="" cd -- "$(dirname -- "$0")/.." && pwd -P)
# apt_reason
# shellcheck source=tools/apt.sh
. "$top_dir/tools/apt.sh"
sha_file=$top_dir/contrib_port/lwip-tarball.sha256

mkdir -p -- "$1" || die "cannot create build directory $1"
build_dir=$(CDPATH='' cd -- "$1" && pwd -P)

deps_dir=$build_dir/deps
dest=$deps_dir/$TARBALL_TOPDIR
apt_dir=$build_dir/apt
cache_dir=$apt_dir/src
tarball=$cache_dir/$ORIG_TARBALL

# Expected checksum: the line of the sha256sum-format file naming our
# tarball (a leading '*' marks binary mode in that format).
[ -r "$sha_file" ] || die "checksum file $sha_file not found"
expected=$(awk -v f="$ORIG_TARBALL" '
  { name = $2; sub(/^\*/, "", name) }
  name == f { print tolower($1); exit }
' "$sha_file")
case $expected in
  *[!0-9a-f]* | '') die "no valid SHA-256 for $ORIG_TARBALL in $sha_file" ;;
esac
[ "${#expected}" -eq 64 ] || die "no valid SHA-256 for $ORIG_TARBALL in $sha_file"

# Fast path: tree already unpacked from the expected tarball.
if [ -f "$dest/$STAMP_NAME" ] &&
  [ "$(cat "$dest/$STAMP_NAME")" = "$expected" ]; then
  exit 0
fi

sha256_of() {
  sha256sum -- "$1" | awk '{ print $1 }'
}

# Temporary paths are removed on every exit path.
tmp_dl=
tmp_unpack=
old_tree=
cleanup() {
  for p in "$tmp_dl" "$tmp_unpack" "$old_tree"; do
    if [ -n "$p" ]; then
      rm -rf -- "$p"
    fi
  done
}
trap cleanup EXIT
trap 'exit 2' HUP INT TERM

# Write deb-src entries derived from the system's sources into $1.
make_source_parts() {
  out=$1
  etc_parts=/etc/apt/sources.list.d
  # One awk run over all one-line files, so duplicates are dropped
  # across files too (apt warns about repeated entries).
  set --
  for f in /etc/apt/sources.list "$etc_parts"/*.list; do
    if [ -f "$f" ]; then
      set -- "$@" "$f"
    fi
  done
  : > "$out/lwipsim.list"
  if [ "$#" -gt 0 ]; then
    awk -v suite="$DEB_SUITE" '
      /^[ \t]*#/ { next }
      $1 == "deb" { $1 = "deb-src" }
      $1 == "deb-src" {
        # deb-src [options] URI SUITE COMPONENTS...: the suite is the
        # second field after the options.
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        i++
        if (i <= NF) $i = recode($i)
        if (!seen[$0]++) print
      }
      function recode(w,   dash) {
        dash = index(w, "-")
        return dash ? suite substr(w, dash) : suite
      }
    ' "$@" > "$out/lwipsim.list"
  fi
  for f in "$etc_parts"/*.sources; do
    [ -f "$f" ] || continue
    # deb822: stanzas separated by blank lines, "#" comment lines,
    # continuation lines start with a space or tab.
    awk -v suite="$DEB_SUITE" '
      function recode(w,   dash) {
        dash = index(w, "-")
        return dash ? suite substr(w, dash) : suite
      }
      function suites(v,   n, w, i, r) {
        n = split(v, w, /[ \t]+/)
        r = ""
        for (i = 1; i <= n; i++) if (w[i] != "") r = r " " recode(w[i])
        return r
      }
      function flush(   i, t, n, want, en) {
        if (nlines > 0) {
          want = 0
          n = split(types, t, /[ \t]+/)
          for (i = 1; i <= n; i++) {
            if (t[i] == "deb" || t[i] == "deb-src") want = 1
          }
          en = tolower(enabled)
          gsub(/[ \t]/, "", en)
          if (en ~ /^(no|false|off|without|disable)$/) want = 0
          if (want) {
            print "Types: deb-src"
            for (i = 1; i <= nlines; i++) print lines[i]
            print ""
          }
        }
        nlines = 0; types = ""; enabled = ""; field = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ {
        if (field == "types") { types = types " " $0; next }
        if (field == "enabled") { enabled = enabled $0; next }
        if (field == "suites") { lines[++nlines] = suites($0); next }
        lines[++nlines] = $0
        next
      }
      {
        field = tolower(substr($0, 1, index($0, ":") - 1))
        value = substr($0, index($0, ":") + 1)
        if (field == "types") { types = value; next }
        if (field == "enabled") enabled = value
        if (field == "suites") {
          lines[++nlines] = "Suites:" suites(value)
          next
        }
        lines[++nlines] = $0
      }
      END { flush() }
    ' "$f" > "$out/$(basename "$f")"
  done
  if ! grep -qs -e '^deb-src' -e '^Types: deb-src' "$out"/*.list "$out"/*.sources; then
    return 1
  fi
}

download_tarball() {
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" \
    "$apt_dir/sources.list.d" "$cache_dir"
  rm -f -- "$apt_dir/sources.list.d"/*
  : > "$apt_dir/sources.list"
  make_source_parts "$apt_dir/sources.list.d" ||
    die "cannot fetch lwIP source package $DEB_SRC_PKG=$DEB_SRC_VERSION: no apt sources configured in /etc/apt"

  tmp_dl=$(mktemp -d "$apt_dir/dl.XXXXXX")
  # Private apt state; the system's apt.conf.d, keyrings and dpkg status
  # are only read.  Keep this a positional list (POSIX sh has no arrays).
  set -- \
    -o "Dir::Etc::SourceList=$apt_dir/sources.list" \
    -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d" \
    -o "Dir::State::Lists=$apt_dir/lists" \
    -o "Dir::Cache=$apt_dir/cache" \
    -o APT::Sandbox::User=root \
    -o Acquire::Languages=none

  note "fetching Debian source package $DEB_SRC_PKG=$DEB_SRC_VERSION with apt"
  if ! apt-get -q "$@" update > "$tmp_dl/update.log" 2>&1; then
    die "cannot fetch lwIP source package $DEB_SRC_PKG=$DEB_SRC_VERSION: apt-get update: $(apt_reason "$tmp_dl/update.log")"
  fi
  mkdir "$tmp_dl/files"
  if ! (cd "$tmp_dl/files" && apt-get -q "$@" source --download-only \
    --tar-only --only-source "$DEB_SRC_PKG=$DEB_SRC_VERSION") \
    > "$tmp_dl/source.log" 2>&1; then
    reason=$(apt_reason "$tmp_dl/source.log")
    # A failed index download is usually the real cause; put it first.
    upd=$(sed -n 's/^[WE]: //p' "$tmp_dl/update.log" | head -n 1)
    if [ -n "$upd" ]; then
      reason="apt-get update: $upd; apt-get source: $reason"
    fi
    die "cannot fetch lwIP source package $DEB_SRC_PKG=$DEB_SRC_VERSION: $reason"
  fi
  [ -f "$tmp_dl/files/$ORIG_TARBALL" ] ||
    die "cannot fetch lwIP source package $DEB_SRC_PKG=$DEB_SRC_VERSION: apt-get did not produce $ORIG_TARBALL"
  mv -f -- "$tmp_dl/files/$ORIG_TARBALL" "$tarball"
  rm -rf -- "$tmp_dl"
  tmp_dl=
}

# Reuse a cached tarball only if it verifies.
if [ -f "$tarball" ] && [ "$(sha256_of "$tarball")" = "$expected" ]; then
  note "using cached $ORIG_TARBALL"
else
  download_tarball
  actual=$(sha256_of "$tarball")
  if [ "$actual" != "$expected" ]; then
    rm -f -- "$tarball"
    die "SHA-256 mismatch for $ORIG_TARBALL: got $actual, expected $expected (from $sha_file); download deleted"
  fi
fi

mkdir -p "$deps_dir"
tmp_unpack=$(mktemp -d "$deps_dir/.$TARBALL_TOPDIR.tmp.XXXXXX")
tar -xJf "$tarball" -C "$tmp_unpack" ||
  die "cannot unpack $tarball"
[ -d "$tmp_unpack/$TARBALL_TOPDIR" ] ||
  die "$ORIG_TARBALL has no top directory $TARBALL_TOPDIR/"
printf '%s\n' "$expected" > "$tmp_unpack/$TARBALL_TOPDIR/$STAMP_NAME"

# Replace a stale tree (missing or different stamp) by moving it aside
# first; rename(2) cannot replace a non-empty directory.
if [ -e "$dest" ] || [ -L "$dest" ]; then
  old_tree=$(mktemp -d "$deps_dir/.$TARBALL_TOPDIR.old.XXXXXX")
  mv -- "$dest" "$old_tree/"
fi
mv -- "$tmp_unpack/$TARBALL_TOPDIR" "$dest"
note "unpacked lwIP $LWIP_VERSION into $dest"

#!/bin/bash
# tools/wireshark/install.sh install|uninstall LWIPSIM
#
# `make install-wireshark` / `make uninstall-wireshark`: the dissector
# (lwipsim.lua) and the extcap program into the invoking user's personal
# Wireshark folders, as `tshark -G folders` names them ("Personal Lua
# Plugins", "Personal Extcap path"; Wireshark before 4.2 has no personal
# extcap folder: then ~/.local/lib/wireshark/extcap, which Wireshark
# reads when WIRESHARK_EXTCAP_DIR names it, as this script says).  The
# installed extcap knows the absolute path of LWIPSIM (the build's front
# end).  Says where everything went; nothing outside $HOME is touched.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:?usage: install.sh install|uninstall LWIPSIM}
lwipsim=${2:-}

folders=$(tshark -G folders 2>/dev/null || true)
folder() { # LABEL: the folder `tshark -G folders` gives for it, or ""
  sed -n "s/^$1:[[:space:]]*//p" <<<"$folders" | head -1
}
plugins=$(folder "Personal Lua Plugins")
[ -n "$plugins" ] || plugins=$HOME/.local/lib/wireshark/plugins
extcap=$(folder "Personal Extcap path")
note=""
if [ -z "$extcap" ]; then
  extcap=$HOME/.local/lib/wireshark/extcap
  note="this Wireshark has no personal extcap folder (4.2 added it): start it with WIRESHARK_EXTCAP_DIR=$extcap"
fi

case "$mode" in
install)
  [ -x "$lwipsim" ] || { echo "install.sh: no lwipsim at '$lwipsim': run make first" >&2; exit 2; }
  lwipsim=$(readlink -f "$lwipsim")
  docs=$(readlink -f docs/wireshark.md)
  mkdir -p "$plugins" "$extcap"
  install -m 644 tools/wireshark/lwipsim.lua "$plugins/lwipsim.lua"
  sed -e "s|@LWIPSIM@|$lwipsim|" -e "s|@DOCS@|$docs|" \
    tools/wireshark/lwipsim-extcap >"$extcap/lwipsim-extcap.tmp"
  chmod 755 "$extcap/lwipsim-extcap.tmp"
  mv "$extcap/lwipsim-extcap.tmp" "$extcap/lwipsim-extcap"
  echo "  INSTALL $plugins/lwipsim.lua"
  echo "  INSTALL $extcap/lwipsim-extcap (runs $lwipsim)"
  [ -z "$note" ] || echo "  NOTE    $note"
  ;;
uninstall)
  for f in "$plugins/lwipsim.lua" "$extcap/lwipsim-extcap"; do
    if [ -e "$f" ]; then
      rm -f "$f"
      echo "  REMOVE  $f"
    fi
  done
  ;;
*)
  echo "usage: install.sh install|uninstall LWIPSIM" >&2
  exit 2
  ;;
esac

# tools/apt.sh - what the scripts that call apt share (tools/deps.sh,
# tools/fetch-lwip.sh), sourced:  . "$(dirname "$0")/apt.sh"
# POSIX sh, like both scripts.
# shellcheck shell=sh

# apt_reason LOG: prints apt's first error ("E: ...") in LOG without its
# prefix, else LOG's last non-empty line: the one line a user needs when
# an apt call failed.
apt_reason() {
  r=$(sed -n 's/^E: //p' "$1" | head -n 1)
  if [ -z "$r" ]; then
    r=$(awk 'NF { last = $0 } END { print last }' "$1")
  fi
  printf '%s' "$r"
}

#!/bin/sh
# embed.sh TEMPLATE > report_html.inc
#
# Turns the report's HTML template into a C string constant,
# `static const char report_html[]`, one source line per template line,
# so report.c writes the page without reading any file at run time.
# Backslashes and double quotes are escaped; nothing else changes.
set -eu
[ $# -eq 1 ] || { echo "usage: embed.sh TEMPLATE" >&2; exit 2; }
printf '/* generated from %s by tools/embed.sh */\n' "$1"
printf 'static const char report_html[] =\n'
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/  "/' -e 's/$/\\n"/' "$1"
printf '  ;\n'

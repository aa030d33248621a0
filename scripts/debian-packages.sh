#!/usr/bin/env bash
# Installs the Debian packages onewindow needs, only those missing, so repeated runs cost nothing.
#   scripts/debian-packages.sh run   — what the server needs: gettext for translations; Pango, HarfBuzz's
#                                      subsetter and a CJK font for WeasyPrint's PDFs (without
#                                      libharfbuzz-subset0 a page takes ~10 s instead of ~0.2 s)
#   scripts/debian-packages.sh test  — plus Chromium for the browser tests, pdftotext, PostgreSQL client
set -euo pipefail
want=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-wqy-microhei)
if [ "${1:-run}" = "test" ]; then
  want+=(chromium postgresql-client poppler-utils)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# Sourced by scripts that need kcat: installs Debian's package when it is missing and we may (root + apt-get).
# Usage: source scripts/lib/kcat.sh
if ! command -v kcat >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "kcat not found; installing Debian's kcat package ..."
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q kcat >/dev/null 2>&1; then
      apt-get update -q >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q kcat >/dev/null
    fi
  else
    echo "error: kcat not found. Install it: 'sudo apt-get install kcat' (Debian/Ubuntu) or 'brew install kcat' (macOS)." >&2
    exit 1
  fi
fi

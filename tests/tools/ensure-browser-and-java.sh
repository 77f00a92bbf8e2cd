#!/usr/bin/env bash
# Makes sure the browser tests have a Chromium and the HTML validator has Java.
# Debian's chromium as root (apt-get), else Playwright's own Chromium download where the
# network allows it. The tests look for /usr/bin/chromium first, then Playwright's.
set -euo pipefail
PY=${1:-.venv/bin/python}

need_apt=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${need_apt[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  elif [[ " ${need_apt[*]} " == *" chromium "* ]]; then
    echo "No Debian chromium and not root: asking Playwright for its own Chromium"
    "$PY" -m playwright install chromium
  fi
fi
if ! command -v java >/dev/null 2>&1; then
  echo "Java is needed for the HTML validator (vnu.jar): install a JRE (apt-get install default-jre-headless)" >&2
  exit 1
fi

#!/usr/bin/env bash
# Install Debian's chromium for the browser smoke test (tests/test_browser.py), and the Noto
# fonts that cover Arabic script (Urdu, Dari, Pashto, Persian, Arabic) and Devanagari (Hindi)
# so right-to-left claims render, when they are missing and we are root with apt-get;
# otherwise do nothing (the test then skips, except in CI).
set -euo pipefail
want=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  want+=(chromium fonts-dejavu-core)
fi
if ! dpkg -s fonts-noto-core >/dev/null 2>&1; then
  want+=(fonts-noto-core)
fi
if [ "${#want[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: missing ${want[*]}; not root or no apt-get, skipping (browser test may skip)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
echo "install-browser: installed ${want[*]} ($(chromium --version 2>/dev/null || echo chromium))"

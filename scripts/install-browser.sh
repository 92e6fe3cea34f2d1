#!/usr/bin/env bash
# Install Debian's chromium for the browser smoke test (tests/test_browser.py) when it is
# missing and we are root with apt-get; otherwise do nothing (the test then skips, except in CI).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: chromium not found; not root or no apt-get, skipping (browser test will skip)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "install-browser: installed $(chromium --version 2>/dev/null || echo chromium)"

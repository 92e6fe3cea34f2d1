#!/usr/bin/env bash
# Create .venv with the pinned dependencies and the bundled offline models. Idempotent: it
# reinstalls only when pyproject.toml or constraints.txt changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)'; then
  echo "error: Python 3.11+ is needed (found $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi

stamp=.venv/.workbench-installed
want=$(cat pyproject.toml constraints.txt | sha1sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  links=()
  # This machine keeps the CPU build of torch on disk; elsewhere pip finds it on the index.
  [ -d /opt/wheels ] && links=(--find-links /opt/wheels)
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  .venv/bin/python -m pip install -q --upgrade pip
  # torch first, pinned, so nothing below can pull a multi-GB CUDA build.
  .venv/bin/python -m pip install -q "${links[@]}" -c constraints.txt "torch==2.13.0"
  .venv/bin/python -m pip install -q "${links[@]}" -c constraints.txt -e ".[dev]"
  echo "$want" > "$stamp"
fi

#!/usr/bin/env bash
# Lint and test inside .venv (run scripts/bootstrap.sh first; `make test` does both).
# The suite runs twice: on SQLite (the embedded default), then on PostgreSQL 15, started here on
# a private port and socket (scripts/pg-private.sh) with a fresh schema per test. The second
# pass is skipped, saying why, only when no PostgreSQL can be started or installed.
# WORKBENCH_TEST_BACKENDS=sqlite (or postgresql) runs one pass only.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/ruff check .
.venv/bin/ruff format --check .
backends="${WORKBENCH_TEST_BACKENDS:-sqlite postgresql}"
if [[ " $backends " == *" sqlite "* ]]; then
    echo "== test pass 1: SQLite =="
    env -u WORKBENCH_DATABASE_URL -u WORKBENCH_TEST_DATABASE_URL \
        .venv/bin/python -m pytest -q -ra "$@"
fi
if [[ " $backends " == *" postgresql "* ]]; then
    pgdir="$(mktemp -d "${TMPDIR:-/tmp}/workbench-pg.XXXXXX")"
    if url="$(bash scripts/pg-private.sh start "$pgdir" 2>"$pgdir.err")"; then
        trap 'bash scripts/pg-private.sh stop "$pgdir"; rm -rf "$pgdir" "$pgdir.err"' EXIT
        echo "== test pass 2: PostgreSQL ($url) =="
        WORKBENCH_TEST_DATABASE_URL="$url" .venv/bin/python -m pytest -q -ra "$@"
    else
        echo "== test pass 2: PostgreSQL SKIPPED: could not start PostgreSQL 15: $(cat "$pgdir.err")" >&2
    fi
fi

# The two Quick-start commands: `make run` and `make test`.
.PHONY: setup run test lint format bench

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

setup:
	bash scripts/bootstrap.sh

## Set up, ingest seeds/ into the data directory (index/ or $WORKBENCH_DATA), serve the app on :8501.
run: setup
	.venv/bin/workbench ingest seeds/
	.venv/bin/workbench serve

## Set up and run lint plus the whole test suite (what CI runs).
test: setup
	bash scripts/install-browser.sh
	bash scripts/test.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: setup
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bench: setup
	.venv/bin/python -m bench

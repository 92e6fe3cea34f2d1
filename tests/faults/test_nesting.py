"""Deeply nested JSON is refused with one line (no RecursionError); good records go in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.faults.conftest import GOOD, Data, errors
from workbench.errors import InputError


def test_deep_jsonl_record_fails_alone(data: Data, tmp_path: Path) -> None:
    f = tmp_path / "deep.jsonl"
    deep = '{"text": "x", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}"
    f.write_text(
        json.dumps({"text": GOOD}) + "\n" + deep + "\n"
        + json.dumps({"text": GOOD.replace("12", "13")}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    result = data.cli("ingest", "--no-progress", "--no-attribution", str(f))
    assert errors(result) == [
        f"error: {f}:2: JSON nests 100,001 levels deep, over the limit of 64"
        " (WORKBENCH_MAX_JSON_DEPTH)"
    ]
    assert "ingested 2 article(s)" in result.stdout
    data.check_intact()


def test_deep_json_document_is_refused(data: Data, tmp_path: Path) -> None:
    f = tmp_path / "deep.json"
    f.write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    result = data.cli("ingest", "--no-progress", str(f))
    assert errors(result) == [
        f"error: {f}: JSON nests 50,000 levels deep, over the limit of 64 (WORKBENCH_MAX_JSON_DEPTH)"
    ]
    data.check_intact()


def test_deep_notes_import_is_refused(data: Data, tmp_path: Path) -> None:
    from workbench.notes.export import import_json

    doc = '{"format": "workbench-notes", "format_version": 1, "notes": [' + "[" * 100_000
    from workbench.api import Workbench

    with Workbench.open(data.path) as wb, pytest.raises(InputError) as err:
        import_json(wb, doc)
    assert str(err.value) == (
        "import: JSON nests 100,002 levels deep, over the limit of 64 (WORKBENCH_MAX_JSON_DEPTH)"
    )
    data.check_intact()

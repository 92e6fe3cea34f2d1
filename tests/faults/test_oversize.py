"""Oversize files, records and texts are refused alone; the rest of the run goes in."""

from __future__ import annotations

import json
from pathlib import Path

from tests.faults.conftest import GOOD, Data, errors


def test_long_text_is_refused_alone_and_the_run_goes_on(data: Data, tmp_path: Path) -> None:
    # Issue 13, defect 1: over 1,000,000 characters in a file well under the file limit used to
    # raise spaCy's E088 and lose every other file of the run.
    src = tmp_path / "in"
    src.mkdir()
    long = src / "a_long.txt"
    long.write_text("Officials said the talks went on. " * 30_000, encoding="utf-8")
    (src / "b_good.txt").write_text(GOOD, encoding="utf-8")
    result = data.cli("ingest", "--no-progress", "--no-attribution", str(src))
    assert result.exit_code == 0, result.output
    assert errors(result) == [
        f"error: {long}: article has 1,020,000 characters, over the limit of 1,000,000"
        " (WORKBENCH_MAX_ARTICLE_CHARS); split it into parts"
    ]
    assert "ingested 1 article(s)" in result.stdout
    data.check_intact()


def test_oversize_record_is_refused_without_reading_it_whole(data: Data, tmp_path: Path) -> None:
    # Defect 2: a 60 MB record in a .jsonl was read whole (7.2 GB peak, then a crash). Here the
    # record limit is 1 MB and the record 3 MB; the records around it go in.
    f = tmp_path / "records.jsonl"
    with f.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": GOOD, "title": "First"}) + "\n")
        fh.write(json.dumps({"text": "word " * 600_000}) + "\n")
        fh.write(json.dumps({"text": GOOD.replace("12", "14"), "title": "Third"}) + "\n")
    result = data.cli(
        "ingest", "--no-progress", "--no-attribution", str(f), env={"WORKBENCH_MAX_RECORD_MB": "1"}
    )
    assert result.exit_code == 0, result.output
    assert errors(result) == [
        f"error: {f}:2: record is over the 1 MB limit for one record (WORKBENCH_MAX_RECORD_MB)"
    ]
    assert "ingested 2 article(s)" in result.stdout
    data.check_intact()


def test_oversize_csv_row_fails_alone(data: Data, tmp_path: Path) -> None:
    f = tmp_path / "records.csv"
    f.write_text(
        f'text,title\n"{GOOD.strip()}",First\n"{"word " * 300_000}",Big\n'
        f'"{GOOD.strip().replace("12", "15")}",Third\n',
        encoding="utf-8",
    )
    result = data.cli(
        "ingest", "--no-progress", "--no-attribution", str(f), env={"WORKBENCH_MAX_RECORD_MB": "1"}
    )
    assert errors(result) == [
        f"error: {f}:3: record is over the 1 MB limit for one record (WORKBENCH_MAX_RECORD_MB)"
    ]
    assert "ingested 2 article(s)" in result.stdout
    data.check_intact()


def test_json_document_over_the_file_limit_is_refused(data: Data, tmp_path: Path) -> None:
    f = tmp_path / "big.json"
    f.write_text(json.dumps([{"text": GOOD}] * 20_000), encoding="utf-8")  # ~3.6 MB
    result = data.cli("ingest", "--no-progress", str(f), env={"WORKBENCH_MAX_FILE_MB": "1"})
    assert result.exit_code == 1
    size = f.stat().st_size / 1048576
    assert errors(result) == [
        f"error: {f}: file is {size:.1f} MB, over the 1 MB limit for a file read whole"
        " (raise it with --max-file-mb or WORKBENCH_MAX_FILE_MB)"
    ]
    data.check_intact()


def test_pasted_text_over_the_limit_is_refused(data: Data) -> None:
    from workbench.api import Workbench
    from workbench.records import ArticleDraft

    with Workbench.open(data.path, max_article_chars=1000) as wb:
        report = wb.ingest_drafts(
            [
                ArticleDraft(text="Officials said so. " * 100, origin="pasted: big"),
                ArticleDraft(text=GOOD, origin="pasted: good"),
            ]
        )
    assert [(r.status, r.reason) for r in report.results] == [
        ("failed", "article has 1,900 characters, over the limit of 1,000"
                   " (WORKBENCH_MAX_ARTICLE_CHARS); split it into parts"),
        ("ingested", None),
    ]  # fmt: skip
    data.check_intact()

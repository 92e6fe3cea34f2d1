"""ingest/dateline.py: a dateline near the top fills an article's missing date, on every
ingest path (pasted drafts, files, records)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.ingest.dateline import fill_date, find_dateline


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("KABUL, 14 November 2025 — Talks collapsed on Friday.", "2025-11-14"),
        ("Published Nov. 3, 2025\n\nThe ministry said the border stays shut.", "2025-11-03"),
        ("Islamabad (March 21st, 2024): The court adjourned the hearing.", "2024-03-21"),
        ("Updated 2026-01-07 09:12\nThe minister resigned.", "2026-01-07"),
    ],
)
def test_dateline_is_found(text: str, iso: str) -> None:
    assert find_dateline(text) == iso


def test_no_dateline_or_only_late_dates() -> None:
    assert find_dateline("The talks collapsed. Nobody said when.") is None
    late = "The talks went on. " * 30 + "On 14 November 2025 they collapsed."
    assert find_dateline(late) is None  # an event in the story, not the publication date
    assert find_dateline("In November 2025 the talks collapsed.") is None  # no day


def test_given_date_wins() -> None:
    assert fill_date("2025-10-01", "KABUL, 14 November 2025 — x") == "2025-10-01"
    assert fill_date(None, "KABUL, 14 November 2025 — x") == "2025-11-14"


def test_every_ingest_path_fills_the_date(tmp_path: Path) -> None:
    from workbench.api import Workbench
    from workbench.records import ArticleDraft
    from workbench.retrieval.fake_embed import HashEmbedder

    body = "Officials said the crossing at Torkham would stay closed for a week after clashes."
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(f"Border news\n\nKABUL, 2 October 2025 — {body}\n")
    (tmp_path / "in" / "b.jsonl").write_text(
        json.dumps({"title": "Rec", "text": f"Peshawar, October 5, 2025: {body} Again."}) + "\n"
    )
    with Workbench.open(tmp_path / "data", embedder=HashEmbedder(), attribution=False) as wb:
        wb.ingest([str(tmp_path / "in")])
        wb.ingest_drafts([ArticleDraft(text=f"Quetta, 9 Nov 2025 — {body} Third.", origin="p")])
        wb.ingest_drafts(
            [ArticleDraft(text=f"Quetta, 9 Nov 2025 — {body} Four.", date="2025-12-01", origin="q")]
        )
        dates = sorted(a.date for a in wb.articles())
    assert dates == ["2025-10-02", "2025-10-05", "2025-11-09", "2025-12-01"]

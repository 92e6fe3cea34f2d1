"""Note exports: CSV safety, JSON round trip between workbenches, Markdown escaping, ClaimReview."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import act_as, two_stores
from tests.test_notes import NDTV_PREFIX, ndtv_claim, other_claim
from workbench.errors import InputError
from workbench.notes.claimreview import RATING_VALUES, missing_fields, rating
from workbench.notes.export import CSV_COLUMNS, FORMATS, csv_safe, export, import_json, md_escape
from workbench.notes.records import NoteFilters
from workbench.notes.service import Notes
from workbench.records import ArticleDraft

EVIL = '=HYPERLINK("http://evil")'


@pytest.fixture()
def noted(seeded):
    """The seeded workbench with a 'mostly false' note on the NDTV claim."""
    notes = Notes(seeded)
    cid = ndtv_claim(seeded)
    note = notes.add(cid, "mostly false", rationale=EVIL, reviewer=act_as(seeded, "Ana"),
                     evidence=["https://example.org/report", str(other_claim(seeded, cid))])  # fmt: skip
    return seeded, notes, note


def reviews(wb, **filters) -> list[dict]:
    return json.loads(export(wb, "claimreview", NoteFilters(**filters)))


def test_ndtv_note_exports_to_all_formats(noted) -> None:
    wb, _, _note = noted
    for fmt in FORMATS:
        text = export(wb, fmt)
        assert NDTV_PREFIX in text.replace("\\", ""), fmt
    with pytest.raises(InputError, match="not one of"):
        export(wb, "xml")


def test_claimreview_author_comes_from_the_attribution_engine(noted) -> None:
    wb, _, note = noted
    atts = wb.attributions([note.claim_id])[note.claim_id]
    assert any(a.source == "NDTV" and a.source_type == "outlet" for a in atts), (
        "attribution engine absent?"
    )
    (doc,) = reviews(wb)
    assert doc["itemReviewed"]["author"] == {"@type": "Organization", "name": "NDTV"}


def test_claimreview_fields(noted) -> None:
    wb, _, note = noted
    (doc,) = reviews(wb)
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "ClaimReview"
    assert doc["claimReviewed"] == note.claim_text
    assert doc["reviewRating"] == {"@type": "Rating", "alternateName": "Mostly false", "ratingValue": 2,
                                   "bestRating": 5, "worstRating": 1}  # fmt: skip
    assert doc["author"] == {"@type": "Organization", "name": wb.settings.organization,
                             "url": wb.settings.organization_url}  # fmt: skip
    assert doc["url"].startswith(wb.settings.organization_url + "#")
    assert doc["datePublished"] == note.created_at[:10]
    article = wb.article(note.article_id)
    (appearance,) = doc["itemReviewed"]["appearance"]
    assert appearance["identifier"] == f"urn:workbench:article:{article.id}"
    assert appearance["name"] == article.title
    assert doc["itemReviewed"]["firstAppearance"] == appearance  # the only appearance
    assert missing_fields(doc) == {"required": [], "recommended": []}


def test_confirmed_attribution_wins_and_people_are_persons(noted) -> None:
    wb, notes, note = noted
    notes.update(
        note.id,
        note.version,
        reviewer=act_as(wb, "Bob"),
        source="Khawaja Asif",
        source_type="person",
    )
    assert reviews(wb)[0]["itemReviewed"]["author"] == {"@type": "Person", "name": "Khawaja Asif"}
    notes.update(
        note.id, note.version + 1, reviewer=act_as(wb, "Bob"), source="NDTV", source_type="outlet"
    )
    assert reviews(wb)[0]["itemReviewed"]["author"] == {"@type": "Organization", "name": "NDTV"}


def test_appearance_lists_cluster_articles_with_first_appearance(noted, monkeypatch) -> None:
    wb, _, _note = noted
    drafts = [
        ArticleDraft(text="NDTV reported that Pakistan admitted an agreement with the United States allowing "
                          "drone operations from its territory, which ended the talks in Istanbul.",
                     title=f"Report {n}", outlet=outlet, date=date, url=f"https://{host}/story")
        for n, (outlet, date, host) in enumerate([("Dawn", "2025-11-02", "www.dawn.com"),
                                                   ("Ariana News", "2025-10-31", "www.ariananews.af")])
    ]  # fmt: skip
    drafts[1].text += " Officials declined to comment."
    assert wb.ingest_drafts(drafts).ingested == 2
    others = [wb.claims(a.id)[0].id for a in wb.articles() if a.outlet]
    monkeypatch.setattr(wb, "cluster_members", lambda c: [c, *others])
    (doc,) = reviews(wb)
    works = doc["itemReviewed"]["appearance"]
    assert [w.get("url") for w in works] == [
        "https://www.ariananews.af/story",
        "https://www.dawn.com/story",
        None,
    ]
    assert works[-1]["identifier"].startswith("urn:workbench:article:")  # the undated seed, last
    assert doc["itemReviewed"]["firstAppearance"]["url"] == "https://www.ariananews.af/story"
    assert works[0]["publisher"] == {"@type": "Organization", "name": "Ariana News"}


def test_rating_scale_and_validator() -> None:
    order = ["false", "mostly_false", "mixed", "mostly_true", "true"]
    assert [RATING_VALUES[v] for v in order] == [1, 2, 3, 4, 5]
    assert rating("unverifiable") == {"@type": "Rating", "alternateName": "Unverifiable"}
    good = {"@type": "ClaimReview", "claimReviewed": "x", "url": "https://e.org/#r",
            "reviewRating": rating("unverifiable"), "author": {"name": "Org"}, "datePublished": "2025-01-01",
            "itemReviewed": {"author": {"@type": "Person", "name": "A"}, "appearance": ["https://e.org/a"]}}  # fmt: skip
    assert missing_fields(good) == {"required": [], "recommended": []}
    bad = {"@type": "ClaimReview", "reviewRating": {"@type": "Rating", "ratingValue": 9, "bestRating": 5,
                                                      "worstRating": 1}}  # fmt: skip
    result = missing_fields(bad)
    assert set(result["required"]) == {
        "claimReviewed",
        "url",
        "reviewRating.ratingValue (outside worstRating..bestRating)",
    }
    assert set(result["recommended"]) == {"author", "datePublished", "itemReviewed"}
    partial = missing_fields(
        {**good, "reviewRating": {"ratingValue": 3}, "itemReviewed": {"appearance": []}}
    )
    assert set(partial["required"]) == {"reviewRating.bestRating", "reviewRating.worstRating"}
    assert set(partial["recommended"]) == {
        "itemReviewed.author",
        "itemReviewed.appearance or itemReviewed.firstAppearance",
    }


def test_unpublishable_verdicts(noted) -> None:
    wb, notes, note = noted
    notes.update(note.id, note.version, reviewer=act_as(wb, "Ana"), verdict="unverifiable")
    (doc,) = reviews(wb)
    assert doc["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}
    assert missing_fields(doc)["required"] == []
    notes.update(note.id, note.version + 1, reviewer=act_as(wb, "Ana"), verdict="in progress")
    assert reviews(wb) == []  # an unfinished review is not published


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_reads_back_with_formulas_neutralized(noted) -> None:
    wb, notes, first = noted
    second = notes.add(
        other_claim(wb, first.claim_id), "true", rationale="@SUM(1)", reviewer=act_as(wb, "-Bob")
    )
    text = export(wb, "csv")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(CSV_COLUMNS)
    assert len(frame) == 2
    rows = {int(r["note_id"]): r for r in frame.to_dict("records")}
    assert rows[first.id]["rationale"] == "'" + EVIL
    assert rows[second.id]["rationale"] == "'@SUM(1)"
    assert rows[second.id]["reviewer"] == "'-Bob"
    for note in (first, second):
        row = rows[note.id]
        assert row["claim_text"] == note.claim_text and row["uid"] == note.uid
        assert row["verdict"] == note.verdict and row["claim_hash"] == note.claim_hash
        assert row["evidence"].splitlines() == [e.label() for e in note.evidence]
    assert (
        rows[first.id]["claim_author"] == "NDTV (outlet)" and rows[first.id]["rating_value"] == "2"
    )
    for cell in ("+1", "-1", "\tx", "\rx", "=1", "@x", "＝1"):
        assert csv_safe(cell) == "'" + cell
    assert csv_safe("plain =x") == "plain =x" and csv_safe(None) == ""


# --- Markdown ----------------------------------------------------------------------------------


def test_markdown_report_escapes_untrusted_text(noted) -> None:
    wb, notes, _note = noted
    title = "<img src=x onerror=alert(1)> [click](javascript:alert(1))"
    body = ("Officials said the **talks** in Istanbul <script>alert(1)</script> collapsed after [a link]"
            "(http://evil.example) appeared in the draft agreement between the two delegations.")  # fmt: skip
    wb.ingest_drafts(
        [ArticleDraft(text=body, title=title, outlet="Evil_Times", url="https://evil.example/<b>x")]
    )
    evil_article = next(a for a in wb.articles() if a.outlet == "Evil_Times")
    evil_claim = wb.claims(evil_article.id)[0].id
    notes.add(
        evil_claim,
        "false",
        rationale="# Heading\n- item\n1. first\n<b>bold</b> `code` | pipe",
        reviewer=act_as(wb, "Ana"),
    )
    report = export(wb, "md")
    for raw in ("<script>", "<img", "<b>", "](javascript:", "](http://evil", "**talks**"):
        assert re.search(r"(?<!\\)" + re.escape(raw), report) is None, (
            raw
        )  # only escaped forms remain
    for line_start in ("\n# Heading", "\n- item", "\n1. first"):
        assert line_start not in report, line_start
    assert "\\<script\\>" in report and "\\[click\\]\\(javascript:alert\\(1\\)\\)" in report
    assert (
        "Evil\\_Times" in report
        and "\\*\\*talks\\*\\*" in report
        and "\\`code\\` \\| pipe" in report
    )
    assert (
        "**Verdict:** Mostly false" in report
        and "[https://example.org/report](<https://example.org/report>)" in report
    )
    assert "**Attribution (found):** NDTV (outlet, according\\_to)" in report
    assert md_escape("a\nb", inline=True) == "a b"


def test_markdown_lists_similar_claims_in_other_outlets(noted) -> None:
    wb, _, _note = noted
    wb.ingest_drafts([ArticleDraft(
        text="According to NDTV, the immediate catalyst for the breakdown of the talks was Pakistan's public "
             "admission that it has an agreement with the United States allowing drone operations from its territory.",
        title="Talks collapse", outlet="Dawn", date="2025-11-01", url="https://www.dawn.com/news/2")])  # fmt: skip
    report = export(wb, "md")
    similar = report.split("**Similar claims in other outlets**")[1]
    assert "[Dawn](<https://www.dawn.com/news/2>)" in similar and "2025" in similar


# --- JSON round trip ---------------------------------------------------------------------------

LOCAL = {"note_id", "claim_id", "attribution_id", "imported_from"}


def portable(doc: dict) -> list[dict]:
    """Notes without local ids, for comparing exports from two workbenches."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in LOCAL}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return sorted((strip(n) for n in doc["notes"]), key=lambda n: n["uid"])


@pytest.fixture()
def second(seeded_dir: Path, tmp_path: Path):
    from workbench.api import Workbench

    data = tmp_path / "second"
    shutil.copytree(seeded_dir, data)
    wb = Workbench.open(data)
    yield wb
    wb.close()


@two_stores
def test_json_round_trip_between_workbenches(noted, second) -> None:
    wb, notes, note = noted
    notes.update(note.id, 1, reviewer=act_as(wb, "Bob"), verdict="false", source="NDTV", source_type="outlet",
                 add_evidence=["https://example.org/more"])  # fmt: skip
    gone = notes.add(
        other_claim(wb, note.claim_id), "true", reviewer=act_as(wb, "Cy"), scope="cluster"
    )
    notes.delete(gone.id, 1, reviewer=act_as(wb, "Cy"))
    filters = NoteFilters(include_deleted=True)
    first = json.loads(export(wb, "json", filters))
    report = import_json(second, json.dumps(first))
    assert report.count("imported") == 2 and report.count("skipped") == 0
    again = json.loads(export(second, "json", filters))
    assert portable(again) == portable(first)
    moved = Notes(second).get_by_uid(note.uid)
    assert [h.reviewer for h in Notes(second).history(moved.id)] == ["Ana", "Bob"]
    assert moved.attribution_id is not None  # re-linked to the target's own NDTV attribution
    assert Notes(second).list() == [moved]  # the deleted one stays deleted
    twice = import_json(second, json.dumps(first))
    assert twice.count("unchanged") == 2 and len(Notes(second).list(include_deleted=True)) == 2


@two_stores
def test_import_fast_forwards_and_reports_conflicts(noted, second) -> None:
    wb, notes, note = noted
    import_json(second, export(wb, "json"))
    notes.update(note.id, 1, reviewer=act_as(wb, "Bob"), rationale="newer")
    result = import_json(second, export(wb, "json"))
    assert [r.status for r in result.results] == ["updated"]
    target = Notes(second)
    moved = target.get_by_uid(note.uid)
    assert moved.rationale == "newer" and moved.version == 2 and len(target.history(moved.id)) == 2
    target.update(moved.id, 2, reviewer=act_as(second, "Dee"), rationale="edited there")
    notes.update(note.id, 2, reviewer=act_as(wb, "Bob"), rationale="edited here")
    (clash,) = import_json(second, export(wb, "json")).results
    assert clash.status == "conflict" and "merge by hand" in clash.reason
    assert target.get(moved.id).rationale == "edited there"


@two_stores
def test_import_skips_claims_that_are_absent(noted, tmp_path: Path) -> None:
    from workbench.api import Workbench

    src, _, _note = noted
    with Workbench.open(tmp_path / "empty") as empty:  # no claims at all
        (result,) = import_json(empty, export(src, "json")).results
        assert result.status == "skipped" and "not in this workbench" in result.reason
        assert Notes(empty).list(include_deleted=True) == []


@two_stores
def test_import_merges_by_hash_into_an_existing_claim_note(noted, second) -> None:
    wb, _, _note = noted
    Notes(second).add(ndtv_claim(second), "true", reviewer=act_as(second, "Local"))
    (result,) = import_json(second, export(wb, "json")).results
    assert result.status == "conflict" and "already has note" in result.reason


def test_bad_import_files_name_record_and_field(noted) -> None:
    wb, _, _ = noted
    doc = json.loads(export(wb, "json"))
    doc["notes"].append({**doc["notes"][0], "uid": "x" * 32, "verdict": "pants on fire"})
    with pytest.raises(InputError, match=r"notes\[1\]\.verdict"):
        import_json(wb, json.dumps(doc))
    doc["notes"][1]["verdict"] = "true"
    doc["notes"][1]["evidence"] = [{"url": "javascript:alert(1)"}]
    with pytest.raises(InputError, match=r"notes\[1\]\.evidence\[0\]\.url"):
        import_json(wb, json.dumps(doc))
    with pytest.raises(InputError, match="not JSON"):
        import_json(wb, "{")
    with pytest.raises(InputError, match="format"):
        import_json(wb, json.dumps({"notes": []}))


def test_export_filters_apply_to_every_format(noted) -> None:
    wb, notes, note = noted
    notes.add(other_claim(wb, note.claim_id), "true", reviewer=act_as(wb, "Bob"))
    assert len(reviews(wb, verdict="mostly_false")) == 1
    assert len(json.loads(export(wb, "json", NoteFilters(reviewer="Bob")))["notes"]) == 1
    assert export(wb, "csv", NoteFilters(date_to="2000-01-01")).count("\n") == 1  # header only
    assert "2 note(s)" in export(wb, "md")

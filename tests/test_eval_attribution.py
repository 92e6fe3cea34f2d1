"""Tests for the brat reader and the span scorer of workbench.evaluation.attribution."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.evaluation.attribution import (
    evaluate_brat,
    format_report,
    load_brat,
    match_counts,
    predicted_spans,
)
from workbench.records import Attribution

POLNEAR_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev"

TEXT = "“We will win,” Ann Lee said. Rain fell. Bob Stone said that taxes rose."


def _write_split(root: Path) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "a1.txt").write_text(TEXT, encoding="utf-8")
    s1, c1 = TEXT.index("Ann Lee"), TEXT.index("said")
    s2 = TEXT.index("Bob Stone")
    c2 = TEXT.index("said", s2)
    t2 = TEXT.index("that taxes")
    ann = [
        f"T1\tSource {s1} {s1 + 7}\tAnn Lee",
        f"T2\tCue {c1} {c1 + 4}\tsaid",
        "T3\tContent 0 14\t“We will win,”",
        f"T4\tAttribution {c1} {c1 + 4}\tsaid",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        f"T5\tSource {s2} {s2 + 9}\tBob Stone",
        f"T6\tCue {c2} {c2 + 4}\tsaid",
        f"T7\tContent {t2} {t2 + 10};{t2 + 11} {len(TEXT) - 1}\tthat taxes rose",
    ]
    (root / "attributions" / "a1_zz.ann").write_text("\n".join(ann) + "\n", encoding="utf-8")
    # a second annotator sorting later must be ignored
    (root / "attributions" / "a1_zzz.ann").write_text("T1\tCue 0 3\tWe \n", encoding="utf-8")
    return root


class _FakeDoc:
    def __init__(self, text: str) -> None:
        self.text = text
        self.sents = [text]


class _FakeNLP:
    def pipe(self, texts, batch_size=16):
        return [_FakeDoc(t) for t in texts]


class _FakeAttributor:
    """Predicts Ann Lee exactly and Bob Stone with a cue/content that only overlap."""

    nlp = _FakeNLP()

    def extract_doc(self, doc, publisher=None):
        t = doc.text
        s1, c1 = t.index("Ann Lee"), t.index("said")
        s2 = t.index("Bob Stone")
        c2 = t.index("said", s2)
        return [
            Attribution(
                "Ann Lee",
                "Ann Lee",
                "person",
                "said",
                0,
                14,
                "direct_quote",
                source_start=s1,
                source_end=s1 + 7,
                cue_start=c1,
                cue_end=c1 + 4,
            ),
            Attribution(
                "Bob Stone",
                "Bob Stone",
                "person",
                "said that",
                c2 + 5,
                len(t),
                source_start=s2,
                source_end=s2 + 9,
                cue_start=c2,
                cue_end=c2 + 9,
            ),
        ]


def test_load_brat_split_and_first_annotator(tmp_path):
    docs = load_brat(_write_split(tmp_path / "split"))
    assert len(docs) == 1
    gold = docs[0].gold
    assert len(gold["source"]) == 2 and len(gold["cue"]) == 2 and len(gold["content"]) == 2
    disc = [g for g in gold["content"] if len(g) == 2]
    assert disc, "discontinuous span kept as two fragments"


def test_load_brat_flat_dir(tmp_path):
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "x.txt").write_text(TEXT, encoding="utf-8")
    (flat / "x.ann").write_text("T1\tCue 0 3\tWe \n", encoding="utf-8")
    docs = load_brat(flat)
    assert len(docs) == 1 and docs[0].gold["cue"] == {((0, 3),)}


def test_match_counts_exact_and_overlap():
    gold = {((0, 10),), ((20, 30),)}
    pred = {((0, 10),), ((25, 40),), ((50, 60),)}
    c = match_counts(pred, gold, "x" * 80)
    assert c == {"pred": 3, "gold": 2, "exact": 1, "overlap": 2}
    # one gold matched at most once even if two predictions overlap it
    c2 = match_counts({((0, 5),), ((5, 10),)}, {((0, 10),)}, "x" * 20)
    assert c2["overlap"] == 1


def test_continuation_merged_into_discontinuous_content():
    t = "“A b c,” Ann said. “D e f.”"
    atts = [
        Attribution("Ann", "Ann", "person", "said", 0, 8, "direct_quote"),
        Attribution("Ann", "Ann", "person", "", 19, len(t), "quote_continuation"),
    ]
    assert predicted_spans(atts, t)["content"] == {((0, 8), (19, len(t)))}


def test_evaluate_brat_scores_fixture(tmp_path):
    result = evaluate_brat(_write_split(tmp_path / "split"), _FakeAttributor())
    assert result["articles"] == 1
    assert result["exact"]["source"]["f1"] == 1.0
    assert result["exact"]["cue"]["precision"] == 0.5
    assert result["overlap"]["cue"]["f1"] == 1.0
    assert result["overlap"]["content"]["recall"] == 1.0
    assert result["exact"]["content"]["recall"] == 0.5
    report = format_report(result)
    assert "content" in report and "overlap" in report


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.skipif(not POLNEAR_DEV.exists(), reason="../shared/data/polnear absent")
def test_polnear_dev_smoke():
    from workbench.attribution import Attributor

    result = evaluate_brat(POLNEAR_DEV, Attributor(use_default_matcher=False), limit=10)
    assert result["articles"] == 10
    assert result["overlap"]["source"]["f1"] > 0.5
    assert result["overlap"]["cue"]["f1"] > 0.5

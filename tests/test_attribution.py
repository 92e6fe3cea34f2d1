"""The attribution engine as a whole: cheap import, the selective parser, claim assignment,
batch extraction, and the seed article end to end (with an outlet matcher)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.attribution_support import by_cue, content, find
from workbench.attribution import Attributor, assign_to_claims
from workbench.attribution.fastparse import chunks
from workbench.records import ClaimSpan

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_faa9dfb136758eec.txt"


@pytest.fixture(scope="session")
def seed(outlet_attributor):
    text = SEED.read_text(encoding="utf-8")
    return text, outlet_attributor.extract(text, publisher="Some Outlet")


def test_import_is_cheap():
    import subprocess
    import sys

    code = "import sys, workbench.attribution; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_assign_to_claims_publisher_and_parents(outlet_attributor):
    text = "Ariana News reports that the delegation described the demands as “unacceptable”. Rain fell."
    atts = outlet_attributor.extract(text)
    claims = [
        ClaimSpan(0, text.index("Rain") - 1, "", 0, 0, 0.5),
        ClaimSpan(text.index("Rain"), len(text), "Rain fell.", 0, 1, 0.1),
    ]
    per = assign_to_claims(atts, claims, publisher="Daily")
    first, second = per
    assert {a.source for a in first} >= {"Ariana News"}
    nested = [a for a in first if a.parent is not None]
    assert nested and first[nested[0].parent].source == "Ariana News"
    assert len(second) == 1 and second[0].source_type == "publisher"
    assert second[0].source == "Daily" and second[0].kind == "publisher"


def test_extract_many_matches_extract(outlet_attributor):
    texts = ["Maria Lopez said that prices rose.", "“Yes indeed, we will,” he said."]
    many = outlet_attributor.extract_many(texts)
    assert [len(x) for x in many] == [len(outlet_attributor.extract(t)) for t in texts]


def test_chunks_cover_text_and_flag_candidates():
    text = "Rain fell on Sept. 28 in Kabul. Sen. Jo Park said it was cold.\n\nSnow came."
    parts = chunks(text)
    assert "".join(text[s:e] for s, e, _ in parts) == text
    flags = {text[s:e].strip(): c for s, e, c in parts}
    assert flags == {
        "Rain fell on Sept. 28 in Kabul.": False,
        "Sen. Jo Park said it was cold.": True,
        "Snow came.": False,
    }


def test_selective_parse_keeps_offsets_and_earlier_names(rule_attributor):
    text = (
        "Defense Secretary Lloyd Austin visited the base on Monday. "
        "The weather was cold. He said that the troops would stay."
    )
    a = find(rule_attributor.extract(text), "said")
    assert text[a.source_start : a.source_end] == "He"
    assert a.source == "Lloyd Austin"
    assert content(text, a) == "that the troops would stay"
    full = Attributor(nlp=rule_attributor.nlp, use_default_matcher=False, selective=False).extract(
        text
    )
    assert [(x.cue_start, x.content_start, x.content_end) for x in full] == [
        (x.cue_start, x.content_start, x.content_end) for x in rule_attributor.extract(text)
    ]


def test_seed_ariana_news_nested(seed):
    text, atts = seed
    i, a = next((i, a) for i, a in enumerate(atts) if a.source == "Ariana News")
    assert a.source_type == "outlet"
    assert a.cue.startswith("Reports") and a.cue.endswith("indicate")
    assert text[a.cue_start : a.cue_end].startswith("Reports")
    inner = by_cue(atts, "described")
    assert inner.parent == i
    assert "Afghan delegation" in inner.source_text


def test_seed_ariana_news_without_matcher(nlp):
    text = SEED.read_text(encoding="utf-8")
    atts = Attributor(nlp=nlp, use_default_matcher=False).extract(text)
    a = next(a for a in atts if "Ariana" in a.source_text)
    assert a.source == "Ariana News" and a.source_type == "outlet"


def test_seed_ndtv(seed):
    _, atts = seed
    a = by_cue(atts, "According to")
    assert a.source == "NDTV" and a.source_type == "outlet"


def test_seed_haqqani_quotes(seed):
    text, atts = seed
    start = text.index("“We have raised")
    a = next(a for a in atts if a.content_start == start)
    assert a.kind == "direct_quote"
    assert a.source == "Sirajuddin Haqqani" and a.source_type == "person"
    start2 = text.index("“Though we do not")
    b = next(a for a in atts if a.content_start == start2)
    assert b.source_text == "he" and b.source == "Sirajuddin Haqqani"


def test_seed_khawaja_asif_role(seed):
    _, atts = seed
    a = next(a for a in atts if a.cue == "warned" and "Asif" in a.source_text)
    assert a.source == "Khawaja Asif" and a.source_type == "person"
    assert a.role == "Defence Minister"


def test_seed_reportedly_hedged(seed):
    text, atts = seed
    a = by_cue(atts, "reportedly")
    assert a.source_type == "unnamed" and a.hedged
    assert "Afghan forces" in content(text, a)

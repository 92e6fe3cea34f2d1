"""The widened NTREX outlet figure (``bench/crosslingual_attribution.py``): the outlet a source
spoke to in English ("told CNBC"), and the outlets a translated sentence names. Made-up
sentences; the benchmark itself runs on the shared data."""

from __future__ import annotations

import pytest

from bench.crosslingual_attribution import outlets_named, recipient
from workbench.attribution.patterns import attributor_for
from workbench.outlets.registry import OutletRegistry
from workbench.records import Attribution


@pytest.fixture(scope="module")
def registry() -> OutletRegistry:
    return OutletRegistry.load()


def _att(text: str, cue: str, source_type: str = "person") -> Attribution:
    at = text.index(cue)
    return Attribution(
        source_text="Lee", source="Lee", source_type=source_type, cue=cue, content_start=0,
        content_end=5, cue_start=at, cue_end=at + len(cue),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "cue", "outlet"),
    [
        ("Prices will rise, Lee told CNBC in an interview.", "told", "CNBC"),
        ("Prices will rise, Lee told the BBC.", "told", "BBC"),
        (
            "Prices will rise, Lee said on Monday. CNBC had asked him.",
            "said",
            None,
        ),  # next sentence
        ("Prices will rise, Lee said in a letter to CNBC.", "said", None),  # not right after
    ],
)
def test_recipient_is_the_outlet_right_after_the_cue(registry, text, cue, outlet):
    assert recipient(registry, text, _att(text, cue)) == outlet


def test_an_outlet_source_has_no_recipient(registry):
    text = "Prices will rise, Reuters told CNBC."
    assert recipient(registry, text, _att(text, "told", "outlet")) is None


def test_outlets_named_in_a_translated_sentence(registry):
    engine = attributor_for(
        "prs", lambda n: getattr(registry.match(n), "name", None), lambda p: None
    )
    text = "لی به سی ان بی سی گفت که قیمت ها بالا می رود."
    article = {"engine": engine, "text": text, "where": {0: (0, len(text))}}
    assert "CNBC" in outlets_named(article, 0)
    assert outlets_named(article, 1) == set()
    assert outlets_named({"engine": None, "text": text, "where": {}}, 0) == set()

"""An organisation "affiliated with" a known outlet is a medium itself (issue 15): the
affiliation phrases are per-language data (``affiliations`` in ``attribution/lang/*.json``),
the parent outlet must be one the registry knows, and the affiliate must be spelled as an
acronym or a Latin call sign (a person affiliated with the BBC stays a person). Sentences are
made up, not dataset items."""

from __future__ import annotations

import pytest

from workbench.attribution.patterns import attributor_for, patterns_for, supported_languages
from workbench.outlets.registry import OutletRegistry


@pytest.fixture(scope="module")
def registry() -> OutletRegistry:
    return OutletRegistry.load()


def _sources(language: str, registry: OutletRegistry, text: str) -> list[tuple[str, str]]:
    engine = attributor_for(
        language, lambda n: getattr(registry.match(n), "name", None), lambda p: None
    )
    return [(a.source, a.source_type) for a in engine.extract(text)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # parent after the phrase: "WXYZ, affiliated with CBS, reported that ..."
        ("prs", "دبلیو اکس وای زد وابسته به سی بی اس گزارش داده که پولیس جاده را بست."),
        ("fa", "دبلیو اکس وای زد وابسته به سی بی اس گزارش داد که پلیس جاده را بست."),
        ("prs", "WXYZ وابسته به بی بی سی گزارش داده که پولیس جاده را بست."),
        # parent before the phrase: "CBS-affiliated WXYZ reported ..."
        ("ur", "سی بی ایس سے وابستہ ڈبلیو ایکس وائی زیڈ نے رپورٹ کیا کہ پولیس نے سڑک بند کر دی۔"),
    ],
)
def test_an_affiliate_of_a_known_outlet_is_an_outlet(registry, lang, text):
    assert _sources(lang, registry, text) == [("WXYZ", "outlet")]


def test_affiliation_needs_a_known_outlet_and_an_acronym(registry):
    # the parent is a ministry, not an outlet: the acronym stays an organisation
    text = "دبلیو اکس وای زد وابسته به وزارت داخله گزارش داده که پولیس جاده را بست."
    assert _sources("prs", registry, text) == [("WXYZ", "organization")]
    # a person affiliated with the BBC is still a person
    text = "احمد کریمی وابسته به بی بی سی گفت که پولیس جاده را بست."
    assert _sources("prs", registry, text) == [("احمد کریمی", "person")]


def test_affiliations_are_data(registry):
    for lang in supported_languages():
        for af in patterns_for(lang).affiliations:
            assert af.network in ("before", "after"), lang

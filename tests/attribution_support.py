"""Shared pieces of the attribution tests: a span reader per field, cue finders, an outlet matcher."""

from __future__ import annotations

from workbench.attribution.quotes import find_quotes
from workbench.records import Attribution

OUTLETS = {"ariana news": "Ariana News", "ndtv": "NDTV", "ap": "AP", "associated press": "AP"}


def fake_matcher(name: str) -> str | None:
    """A tiny outlet registry: the outlets the seed and the made-up sentences name."""
    return OUTLETS.get(name.strip().lower())


def content(text: str, a: Attribution) -> str:
    return text[a.content_start : a.content_end]


def cue(text: str, a: Attribution) -> str:
    assert a.cue_start is not None and a.cue_end is not None
    return text[a.cue_start : a.cue_end]


def source(text: str, a: Attribution) -> str:
    assert a.source_start is not None and a.source_end is not None
    return text[a.source_start : a.source_end]


def find(atts: list[Attribution], word: str) -> Attribution:
    hits = [a for a in atts if word in a.cue]
    assert hits, f"no cue with {word!r}: {[a.cue for a in atts]}"
    return hits[0]


def by_cue(atts: list[Attribution], word: str) -> Attribution:
    """The first attribution whose cue contains ``word``, ignoring case."""
    hits = [a for a in atts if word.lower() in a.cue.lower()]
    assert hits, f"no attribution with cue {word!r}: {[a.cue for a in atts]}"
    return hits[0]


def quoted(text: str) -> list[str]:
    """The quotations ``find_quotes`` pairs in ``text``."""
    return [text[s:e] for s, e in find_quotes(text)]


def dash_signed(atts: list[Attribution]) -> list[Attribution]:
    """Attributions whose cue is a dash signature ("“…” ― Name")."""
    return [a for a in atts if a.cue in ("―", "—", "–", "-", "--")]

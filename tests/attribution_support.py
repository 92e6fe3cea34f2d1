"""Shared pieces of the attribution tests: a span reader per field and a cue finder."""

from __future__ import annotations

from workbench.records import Attribution


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

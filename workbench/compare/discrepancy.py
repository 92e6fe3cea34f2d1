"""What differs between two versions of a claim: figures, dates, entities, negation, wording.

A fact-checker reading two outlets' versions side by side wants the differences that change
the meaning called out (a death toll, a date, a country, a "not") and the rest of the edit
shown as a word-level diff whose offsets point back into each original text, so a UI can
highlight them in place.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal

from workbench.text.keyterms import (
    extract_key_terms,
    unmatched_dates,
    unmatched_entities,
    unmatched_numbers,
)

DiffKind = Literal["equal", "insert", "delete", "replace"]
_WORD = re.compile(r"\w+(?:[.,'’\-]\w+)*|[^\w\s]")


@dataclass(slots=True)
class DiffOp:
    """One step of the word diff; ``*_start``/``*_end`` are character offsets (end exclusive).

    For an insert ``a_start == a_end`` is where the words would go in ``a``; likewise for a
    delete in ``b``.
    """

    op: DiffKind
    a_text: str
    b_text: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Discrepancy:
    """Meaningful differences between versions ``a`` and ``b``, plus the full word diff."""

    numbers_a: list[str] = field(default_factory=list)  # figures in a with no match in b
    numbers_b: list[str] = field(default_factory=list)
    dates_a: list[str] = field(default_factory=list)
    dates_b: list[str] = field(default_factory=list)
    entities_a: list[str] = field(default_factory=list)  # entities only a names
    entities_b: list[str] = field(default_factory=list)
    negation_a: list[str] = field(default_factory=list)  # negation/denial markers only in a
    negation_b: list[str] = field(default_factory=list)
    diff: list[DiffOp] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # subset of number, date, entity, negation
    similarity: float = 1.0  # word-level SequenceMatcher ratio

    @property
    def changed(self) -> list[DiffOp]:
        return [d for d in self.diff if d.op != "equal"]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["diff"] = [d.to_dict() for d in self.diff]
        out["similarity"] = round(self.similarity, 4)
        return out


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Words (numbers with commas and decimals kept whole) and punctuation, with offsets."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _norm(tok: str) -> str:
    return tok.lower().replace("’", "'")


def word_diff(a: str, b: str) -> tuple[list[DiffOp], float]:
    """A word-level diff of ``a`` into ``b`` with character offsets, and its similarity ratio.

    Words are compared case-insensitively; each op's text is the original slice, so the
    whitespace between words inside one op is kept as written.
    """
    ta, tb = tokenize(a), tokenize(b)
    sm = SequenceMatcher(None, [_norm(t[0]) for t in ta], [_norm(t[0]) for t in tb], autojunk=False)

    def span(toks: list[tuple[str, int, int]], i: int, j: int) -> tuple[int, int]:
        if i < j:
            return toks[i][1], toks[j - 1][2]
        pos = toks[i][1] if i < len(toks) else (toks[-1][2] if toks else 0)
        return pos, pos

    ops = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        a0, a1 = span(ta, i1, i2)
        b0, b1 = span(tb, j1, j2)
        ops.append(DiffOp(tag, a[a0:a1], b[b0:b1], a0, a1, b0, b1))  # type: ignore[arg-type]
    return ops, sm.ratio() if (ta or tb) else 1.0


def compare_texts(a: str, b: str) -> Discrepancy:
    """The figures, dates, entities and negations that differ between ``a`` and ``b``.

    A figure or date differs when the other version has nothing compatible with it (see
    ``workbench.text.keyterms``: "twelve" matches "12", "Oct 28" matches "2025-10-28"); an entity
    differs when it is not named, shortened or abbreviated in the other version.
    """
    ka, kb = extract_key_terms(a), extract_key_terms(b)
    na, nb = unmatched_numbers(ka.numbers, kb.numbers)
    da, db = unmatched_dates(ka.dates, kb.dates)
    ea, eb = unmatched_entities(ka.entities, kb.entities)
    neg_a = [x for x in ka.negations if x not in kb.negations]
    neg_b = [x for x in kb.negations if x not in ka.negations]
    diff, ratio = word_diff(a, b)
    out = Discrepancy(
        numbers_a=[x.text for x in na],
        numbers_b=[x.text for x in nb],
        dates_a=[x.text for x in da],
        dates_b=[x.text for x in db],
        entities_a=ea,
        entities_b=eb,
        negation_a=neg_a,
        negation_b=neg_b,
        diff=diff,
        similarity=ratio,
    )
    for kind, x, y in (
        ("number", na, nb),
        ("date", da, db),
        ("entity", ea, eb),
        ("negation", neg_a, neg_b),
    ):
        if x or y:
            out.kinds.append(kind)
    return out

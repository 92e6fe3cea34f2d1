"""Fast key facts of a claim: numbers, dates, named entities and negation, without spaCy.

Search re-scoring calls this on every candidate, so it is one regex tokenisation plus a
single pass of dictionary look-ups (tens of microseconds a sentence). Two claims that
differ in a figure ("12 killed" / "5 killed"), a date or a key entity ("North Korea" /
"South Korea") are different claims however similar their embeddings; ``key_term_conflict``
says where and turns it into a ``penalty`` the search subtracts from its similarity.

Extraction lives in ``workbench.text.keyterms_scan``; its public names are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.text.keyterms_scan import (
    AMBIGUOUS_MONTHS,
    CONNECTORS,
    MONTHS,
    NEGATIONS,
    NOT_NAMES,
    STOPWORDS,
    TITLES,
    UNITS,
    DateMention,
    KeyTerms,
    NumberMention,
    extract_key_terms,
    stem,
)

__all__ = [
    "AMBIGUOUS_MONTHS",
    "MONTHS",
    "NEGATIONS",
    "NOT_NAMES",
    "STOPWORDS",
    "TITLES",
    "UNITS",
    "Conflict",
    "DateMention",
    "KeyTerms",
    "NumberMention",
    "entities_match",
    "extract_key_terms",
    "key_term_conflict",
    "stem",
    "term_conflict",
    "unmatched_dates",
    "unmatched_entities",
    "unmatched_numbers",
]


@dataclass(slots=True)
class Conflict:
    """Where two claims' key terms disagree, and how much that should cost their match."""

    numbers: list[tuple[str, str]] = field(default_factory=list)
    dates: list[tuple[str, str]] = field(default_factory=list)
    entities: list[tuple[str, str]] = field(default_factory=list)
    negation: bool = False
    penalty: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.penalty > 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "numbers": [list(p) for p in self.numbers],
            "dates": [list(p) for p in self.dates],
            "entities": [list(p) for p in self.entities],
            "negation": self.negation,
            "penalty": round(self.penalty, 4),
            "reasons": list(self.reasons),
        }


# ---------------------------------------------------------------------------- comparison


def _head(entity: str) -> str:
    toks = entity.split()
    return toks[toks.index("of") - 1] if "of" in toks[1:] else toks[-1]


def _initials(entity: str) -> str:
    return "".join(t[0] for t in entity.split() if t not in CONNECTORS and t != "and")


def entities_match(x: str, y: str) -> bool:
    """Same entity: equal, one a trailing part of the other ("biden"/"joe biden"), or an
    initialism of the other ("un"/"united nations")."""
    if x == y:
        return True
    tx, ty = x.split(), y.split()
    short, long_ = (tx, ty) if len(tx) <= len(ty) else (ty, tx)
    if long_[-len(short) :] == short:
        return True
    return len(short) == 1 and len(long_) > 1 and short[0] == _initials(" ".join(long_))


def unmatched_numbers(
    a: tuple[NumberMention, ...], b: tuple[NumberMention, ...]
) -> tuple[list[NumberMention], list[NumberMention]]:
    """Figures of each side with no compatible figure (same kind, overlapping range) on the other."""
    return (
        [x for x in a if not any(x.overlaps(y) for y in b)],
        [y for y in b if not any(y.overlaps(x) for x in a)],
    )


def unmatched_dates(
    a: tuple[DateMention, ...], b: tuple[DateMention, ...]
) -> tuple[list[DateMention], list[DateMention]]:
    """Dates of each side that no date on the other side is compatible with."""
    return (
        [x for x in a if not any(x.compatible(y) for y in b)],
        [y for y in b if not any(y.compatible(x) for x in a)],
    )


def unmatched_entities(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[list[str], list[str]]:
    return (
        [x for x in a if not any(entities_match(x, y) for y in b)],
        [y for y in b if not any(entities_match(y, x) for x in a)],
    )


def _noisy_or(ps: list[float]) -> float:
    keep = 1.0
    for p in ps:
        keep *= 1.0 - p
    return 1.0 - keep


def key_term_conflict(a: KeyTerms, b: KeyTerms) -> Conflict:
    """Conflicting figures, dates and entities between two claims, and a penalty in [0, 1].

    A figure, date or entity that only one side has is extra detail, not a conflict. A
    conflict needs something unmatched on *both* sides that fills the same slot:

    * numbers: same kind (count / percent / money / ordinal) with disjoint ranges ("12
      killed" / "5 killed"); stronger when the word after the figure is the same;
    * dates: comparable (share year, month, day or weekday) and incompatible;
    * entities: *siblings* share a head word but differ in modifier ("north korea" /
      "south korea", "bank of england" / "bank of japan"); a *substitution* is any
      unmatched pair when the rest of the wording overlaps ("Russia attacked the port" /
      "Ukraine attacked the port").
    * negation: one side carries a negation or denial marker and the other does not.

    The penalties are combined as a noisy-or, so independent conflicts add up but stay in
    [0, 1].
    """
    out = Conflict()
    parts: list[float] = []

    ua, ub = unmatched_numbers(a.numbers, b.numbers)
    strength = 0.0
    for x in ua:
        for y in ub:
            if x.kind != y.kind:
                continue
            s = 0.6 if (x.context and x.context == y.context) else 0.5
            if x.approx or y.approx:
                s = 0.3
            out.numbers.append((x.text, y.text))
            strength = max(strength, s)
    if out.numbers:
        parts.append(strength)
        pairs = ", ".join(f"{x} vs {y}" for x, y in out.numbers[:3])
        out.reasons.append(f"different figures: {pairs}")

    da, db = unmatched_dates(a.dates, b.dates)
    for x in da:
        for y in db:
            if x.comparable(y):
                out.dates.append((x.text, y.text))
    if out.dates:
        parts.append(0.45)
        pairs = ", ".join(f"{x} vs {y}" for x, y in out.dates[:3])
        out.reasons.append(f"different dates: {pairs}")

    ea, eb = unmatched_entities(a.entities, b.entities)
    siblings = [(x, y) for x in ea for y in eb if _head(x) == _head(y)]
    if siblings:
        out.entities.extend(siblings)
        parts.append(0.6)
        out.reasons.append("different entities: " + ", ".join(f"{x} vs {y}" for x, y in siblings))
    elif ea and eb:
        wa, wb = a.words, b.words
        small = min(len(wa), len(wb))
        if small >= 2 and len(wa & wb) / small >= 0.6:
            out.entities.extend((x, y) for x in ea for y in eb)
            parts.append(0.4)
            out.reasons.append(f"entity swapped in similar wording: {ea[0]} vs {eb[0]}")

    if a.negated != b.negated:
        out.negation = True
        parts.append(0.3)
        neg = a.negations or b.negations
        out.reasons.append(f"negation on one side only: {neg[0]}")

    out.penalty = round(min(1.0, _noisy_or(parts)), 6)
    return out


def term_conflict(a: str, b: str) -> Conflict:
    """``key_term_conflict`` on two raw texts."""
    return key_term_conflict(extract_key_terms(a), extract_key_terms(b))

"""Does another claim agree with the focus claim, and why, in words a person reads?

Why: a fact-checker needs "NDTV gives another cause: Pakistan's drone agreement with the United
States", not a score. The label comes from the pair's tier (``same_claim.PairDecision``) and
the fact slots of both claims (``slots``):

- **unrelated**: the pair's tier is "unrelated";
- **disagrees**: the other claim denies or negates what the focus asserts (or the reverse),
  calls it false, or states a different fact in a slot both fill (cause, number, date, place,
  actor, object, an opposite action);
- **discusses**: it reports the claim without taking a side: hedged ("reportedly", "may"),
  put in a third party's mouth ("according to X", "X said"), or asked as a question;
- **agrees**: otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from workbench.compare.same_claim import PairDecision
from workbench.compare.slots import (
    DENIAL_WORDS,
    HEDGE_WORDS,
    FactSlots,
    SlotConflict,
    extract_slots,
)
from workbench.text.lexicons import word_set

Agreement = Literal["agrees", "disagrees", "discusses", "unrelated"]

# The order in which conflicting slots are named in a reason (most telling first).
SLOT_ORDER = ("negation", "cause", "number", "actor", "action", "date", "place", "object")
REFUTATION_WORDS = DENIAL_WORDS | word_set(
    "deny denies denied denial refute refutes refuted debunk debunks dismissed rejects "
    "rejected misleading"
)
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class AgreementResult:
    """A label, its reason in plain words, and the slot conflicts behind it."""

    label: Agreement
    reason: str
    conflicts: tuple[SlotConflict, ...]


def _short(text: str, limit: int = 90) -> str:
    text = text.strip().rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def _lower_first(text: str) -> str:
    words = text.split(" ", 1)
    if words and words[0][1:].islower() and words[0] not in ("I",):
        return text[:1].lower() + text[1:]
    return text


def conflict_reason(c: SlotConflict, focus: FactSlots, other: FactSlots) -> str:
    """One conflict in plain words, from the other claim's point of view."""
    if c.slot == "negation":
        if other.negated:
            return f"denies that {_lower_first(_short(focus.content or focus.text))}"
        return f"states what the claim denies: {_short(other.content or other.text)}"
    if c.slot == "cause":
        return f"gives another cause: {c.b}"
    if c.slot == "number":
        return f"{c.b} vs {c.a}"
    if c.slot == "date":
        return f"gives another date: {c.b} vs {c.a}"
    if c.slot == "place":
        return f"gives another place: {c.b} vs {c.a}"
    if c.slot == "actor":
        return f"names another actor: {c.b} vs {c.a}"
    if c.slot == "action":
        return f"says it {c.b}, not {c.a}"
    return f"names another {c.slot}: {c.b} vs {c.a}"


def _sorted(conflicts: tuple[SlotConflict, ...]) -> list[SlotConflict]:
    rank = {s: i for i, s in enumerate(SLOT_ORDER)}
    return sorted(conflicts, key=lambda c: rank.get(c.slot, len(rank)))


def _third_party(other: FactSlots, other_source: str | None) -> str | None:
    """The source the other claim attributes itself to, unless that is its own publisher."""
    src = other_source.lower().strip() if other_source else ""
    for name in other.attributed_to:
        low = name.lower()
        if src and (low in src or src in low):
            continue
        return name
    return None


def judge_agreement(
    focus: str, other: str, decision: PairDecision, *, other_source: str | None = None
) -> AgreementResult:
    """The agreement of ``other`` with ``focus``, given their ``decision`` (see module doc).

    ``other_source`` is the publisher of ``other``: attributing a claim to oneself ("NDTV
    said", in NDTV) is not reporting someone else's claim.
    """
    if decision.tier == "unrelated":
        return AgreementResult("unrelated", "speaks of something else", ())
    fs, os_ = extract_slots(focus), extract_slots(other)
    conflicts = decision.conflicts
    words = set(_WORD.findall(other.lower()))
    focus_words = set(_WORD.findall(focus.lower()))
    ordered = _sorted(conflicts)
    if ordered:
        reasons = [conflict_reason(c, fs, os_) for c in ordered[:2]]
        return AgreementResult("disagrees", "; ".join(reasons), conflicts)
    refuted = sorted((words & REFUTATION_WORDS) - focus_words)
    if refuted:
        return AgreementResult("disagrees", f"calls it {refuted[0]}: {_short(other)}", conflicts)
    source = _third_party(os_, other_source)
    hedges = sorted((words & HEDGE_WORDS) - focus_words)
    if source and not _third_party(fs, None):
        return AgreementResult("discusses", f"reports it as a claim by {source}", conflicts)
    if hedges:
        return AgreementResult("discusses", f"reports it with a hedge ('{hedges[0]}')", conflicts)
    if other.rstrip().endswith("?"):
        return AgreementResult("discusses", "asks whether it is so", conflicts)
    if decision.tier == "same":
        return AgreementResult("agrees", "states the same thing", conflicts)
    return AgreementResult("agrees", "reports the same event without contradicting it", conflicts)

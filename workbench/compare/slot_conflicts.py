"""Where two claims' fact slots conflict: the slot and both values ("5 soldiers" vs "12").

Why apart from extraction (``slots``): the same-claim judge, the agreement reasons and the
Compare report compare slots of claims parsed once, and comparing needs no parser.
"""

from __future__ import annotations

import re

from workbench.compare.slots import FactSlots, SlotConflict
from workbench.text.keyterms import entities_match, extract_key_terms, key_term_conflict, stem
from workbench.text.lexicons import word_set

_STOP = word_set(
    "the a an of to in on at for by with and or its it their his her this that these those"
)


def _content_words(phrase: str, common_only: bool = False) -> set[str]:
    words = re.findall(r"[\w']+", phrase)
    if common_only:  # names are context ("Pakistan's demands" / "Pakistan's drone deal")
        words = [w for w in words if not w[:1].isupper()]
    return {stem(w) for w in (w.lower() for w in words) if w not in _STOP and w != "'s"}


def phrases_match(x: str, y: str, common_only: bool = False) -> bool:
    """Two slot phrases name the same thing: entity match, or shared content words
    (``common_only``: shared words other than names, for causes and objects, unless
    neither has any)."""
    if entities_match(x.lower(), y.lower()):
        return True
    wx, wy = _content_words(x, common_only), _content_words(y, common_only)
    if common_only and not (wx and wy):
        wx, wy = _content_words(x), _content_words(y)
    return bool(wx & wy)


def _named(phrase: str) -> bool:
    """A phrase that names someone or something: a capitalised word after the first."""
    words = phrase.split()
    return any(w[:1].isupper() for w in words[1:]) or (
        bool(words) and words[0][:1].isupper() and words[0].lower() not in _STOP
    )


def _disjoint(
    xs: tuple[str, ...], ys: tuple[str, ...], named: bool = False, common_only: bool = False
) -> tuple[str, str] | None:
    """The first pair when every value of one side mismatches every value of the other
    (``named``: only values that name someone count, "the official" vs "Reuters" is no clash)."""
    if named:
        xs, ys = tuple(x for x in xs if _named(x)), tuple(y for y in ys if _named(y))
    if not xs or not ys:
        return None
    if any(phrases_match(x, y, common_only) for x in xs for y in ys):
        return None
    return xs[0], ys[0]


def _opposed_actions(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, str] | None:
    from workbench.compare.stance import OPPOSITES

    for x in a:
        for y in b:
            for g1, g2 in OPPOSITES:
                if (x in g1 and y in g2) or (x in g2 and y in g1):
                    return x, y
    return None


def slot_conflicts(a: FactSlots, b: FactSlots) -> tuple[SlotConflict, ...]:
    """Where ``a`` and ``b`` state different facts, slot by slot.

    A fact only one side gives is extra detail, not a conflict. Conflicts are: figures of one
    kind with disjoint ranges, comparable dates that differ, places / actors / objects / causes
    given on both sides with no value in common, opposing actions ("rose" / "fell"), and one
    side negating or denying what the other asserts.
    """
    out: list[SlotConflict] = []
    terms = key_term_conflict(extract_key_terms(a.text), extract_key_terms(b.text))
    if terms.numbers:
        qa = {q.text.split()[0]: q.text for q in a.numbers}
        qb = {q.text.split()[0]: q.text for q in b.numbers}
        for x, y in terms.numbers[:2]:
            out.append(SlotConflict("number", qa.get(x.split()[0], x), qb.get(y.split()[0], y)))
    for x, y in terms.dates[:1]:
        out.append(SlotConflict("date", x, y))
    for slot, xa, xb, named, common in (
        ("place", a.places, b.places, False, False),
        ("actor", a.actor, b.actor, True, False),
        ("object", a.object, b.object, True, True),
        ("cause", a.cause, b.cause, False, True),
    ):
        pair = _disjoint(xa, xb, named, common)
        if pair:
            out.append(SlotConflict(slot, *pair))
    opp = _opposed_actions(a.action, b.action)
    if opp:
        out.append(SlotConflict("action", *opp))
    if a.negated != b.negated:
        out.append(
            SlotConflict(
                "negation",
                "denied" if a.negated else "asserted",
                "denied" if b.negated else "asserted",
            )
        )
    return tuple(out)

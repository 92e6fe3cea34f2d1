"""Span helpers over a spaCy parse: phrase extents, cue extents, trimming, quote growth.

Shared by the sentence rules so every attribution's offsets are shaped the same way
(PolNeAR-style: content keeps its quote marks, loses clause punctuation and a final period).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from workbench.attribution.cues import verb_lemma

_TRIM = " \t\n,;:—–-"


def doc_text(doc: Any) -> str:
    """``doc.text`` cached on the doc: spaCy rebuilds the string on every access."""
    cached = doc.user_data.get("_wb_text")
    if cached is None:
        cached = doc.user_data["_wb_text"] = doc.text
    return cached


def doc_ents(doc: Any) -> tuple[Any, ...]:
    """``doc.ents`` cached on the doc: spaCy builds a new Span per entity on every access,
    and ``Span.ents`` walks all of them, so per-mention lookups were quadratic per article."""
    cached = doc.user_data.get("_wb_ents")
    if cached is None:
        ents = tuple(doc.ents)
        cached = doc.user_data["_wb_ents"] = (ents, [e.start for e in ents])
    return cached[0]


def span_ents(span: Any) -> list[Any]:
    """``span.ents`` (the entities wholly inside ``span``) from the doc's cached entities."""
    ents = doc_ents(span.doc)
    starts = span.doc.user_data["_wb_ents"][1]
    out = []
    for ent in ents[bisect_left(starts, span.start) :]:
        if ent.end > span.end:
            break
        out.append(ent)
    return out


def subtree_span(tok: Any) -> Any:
    sub = list(tok.subtree)
    span = tok.doc[sub[0].i : sub[-1].i + 1]
    while len(span) > 1 and span[-1].is_punct and span[-1].text not in "”\"'’)":
        span = span[:-1]
    while len(span) > 1 and span[0].is_punct and span[0].text not in "“\"'‘(":
        span = span[1:]
    return span


def source_span(subj: Any, verb: Any) -> Any:
    """The subject's phrase; if a mis-parse buried the real speaker in a modifier of the
    subject ("The tensions escalated after X warned …"), the noun phrase right before the cue."""
    span = subtree_span(subj)
    i = verb.i - 1
    doc = verb.doc
    while i > subj.i and doc[i].dep_ in ("advmod", "aux", "auxpass", "neg"):
        i -= 1
    near = doc[i]
    if near.i == subj.i or near.pos_ not in ("PROPN", "NOUN", "PRON") or near.i < span.start:
        return span
    cur, crossed = near, False
    while cur.i != subj.i and cur.head.i != cur.i:
        cur = cur.head
        crossed = crossed or cur.pos_ in ("VERB", "AUX")
    if cur.i != subj.i or not crossed:
        return span
    return doc[near.left_edge.i : near.i + 1]


def cue_span(tok: Any) -> tuple[int, int]:
    """The cue verb with contiguous auxiliaries/negation before and a particle after."""
    doc = tok.doc
    first = tok
    while (
        first.i > 0
        and doc[first.i - 1].dep_ in ("aux", "auxpass", "neg")
        and doc[first.i - 1].head.i == tok.i
    ):
        first = doc[first.i - 1]
    last = tok
    if tok.i + 1 < len(doc) and doc[tok.i + 1].dep_ == "prt" and doc[tok.i + 1].head.i == tok.i:
        last = doc[tok.i + 1]
    return first.idx, last.idx + len(last)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip spaces and clause punctuation; drop a final period unless a quote closes it."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if end > start and text[end - 1] == "." and not text[start:end].endswith("..."):
        end -= 1
    return start, end


def extend_to_quotes(
    start: int, end: int, quotes: list[tuple[int, int]], blocked: list[tuple[int, int]]
) -> tuple[int, int]:
    """Grow a content span to whole quotations it cuts into (not over the cue/source)."""
    for qs, qe in quotes:
        if qs < end and start < qe and not any(qs < b[1] and b[0] < qe for b in blocked):
            start, end = min(start, qs), max(end, qe)
    return start, end


def is_quote(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> bool:
    return any(qs <= start and end <= qe and (end - start) >= 0.8 * (qe - qs) for qs, qe in quotes)


def implicit_source(tok: Any, inherited: Any | None) -> Any | None:
    """Source span of a cue verb with no subject of its own, given ``inherited``, the subject
    of the verb it hangs on (or None): "…, adding that …", "X said … and warned …", "X was
    quick to add …", "X erred in saying …"."""
    if inherited is None:
        inherited = _predicate_subject(tok)
    if inherited is None:
        return _inverted_subject(tok)
    obj = _controller_object(tok)
    if obj is not None:
        return subtree_span(obj)
    outer = _outer_speaker(tok, inherited)
    return subtree_span(outer if outer is not None else inherited)


def _outer_speaker(tok: Any, inherited: Any) -> Any | None:
    """ "X said Y was wrong and warned …" / "X said Y was wrong, adding …": a cue verb hung on
    the verb of another cue's reported clause belongs to the outer speaker X, not to Y (the
    parser attaches it to the nearest verb)."""
    if tok.dep_ not in ("conj", "advcl") or inherited.head.i != tok.head.i:
        return None
    verb = tok.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    reporting = verb.head
    if verb.dep_ != "ccomp" or reporting.i > verb.i or verb_lemma(reporting.text) is None:
        return None
    subjects = [c for c in reporting.children if c.dep_ in ("nsubj", "nsubjpass")]
    return min(subjects, key=lambda c: abs(c.i - reporting.i)) if subjects else None


# Object-control verbs: "The loss led party leaders to say …". Only "lead" has >= 5 train hits
# (prompt, force: 2-3 each); they are added for issue 17 ("The collapse of talks has prompted
# Afghanistan to issue a warning": Afghanistan speaks, not the collapse).
_CONTROL_FORMS = frozenset(
    ["lead", "leads", "led", "leading", "prompt", "prompts", "prompted", "prompting",
     "force", "forces", "forced", "forcing"]
)  # fmt: skip


def _controller_object(tok: Any) -> Any | None:
    """ "The defeat led many Republicans to say …": the object of the verb a to-infinitive cue
    completes is the one who speaks (object control), not that verb's subject."""
    head = tok.head
    if tok.dep_ != "xcomp" or head.i > tok.i or head.lower_ not in _CONTROL_FORMS:
        return None
    objs = [c for c in head.children if c.dep_ in ("dobj", "obj") and c.i < tok.i]
    return objs[-1] if objs else None


_CLIMB_DEPS = ("advcl", "xcomp", "conj", "ccomp", "pcomp", "prep", "acomp")
_CLIMB_PREPS = ("by", "after", "before", "while", "without", "in", "upon", "on")


def _predicate_subject(tok: Any) -> Any | None:
    """The subject of the clause a subjectless cue completes through an adjective or a gerund
    under a preposition ("Trump was quick to add …", "Yellen is likely to stress …", "Clinton
    erred in saying …", "upon saying …"); not an expletive ("It is too early to say …")."""
    cur = tok
    for _ in range(4):
        if cur.dep_ not in _CLIMB_DEPS or cur.head.i == cur.i:
            return None
        if cur.dep_ == "prep" and cur.lower_ not in _CLIMB_PREPS:
            return None
        cur = cur.head
        subjects = [c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            subj = min(subjects, key=lambda c: abs(c.i - cur.i))
            return None if subj.lower_ in ("it", "there") else subj
    return None


_NOMINAL = ("NOUN", "PROPN", "PRON")


def _inverted_subject(tok: Any) -> Any | None:
    """ "“…,” said Jane Roe, a spokeswoman." / "“…,” added a Democrat.": a cue verb right
    after a closing quote, with no subject before it, is followed by its speaker."""
    doc = tok.doc
    if tok.dep_ not in ("ROOT", "parataxis", "ccomp", "dep"):
        return None
    prev = doc[max(0, tok.i - 2) : tok.i]
    if not len(prev) or not (
        prev[-1].is_quote or (prev[-1].text == "," and len(prev) == 2 and prev[0].is_quote)
    ):
        return None
    nxt = next((c for c in tok.children if c.i > tok.i and c.pos_ in _NOMINAL), None)
    return subtree_span(nxt) if nxt is not None else None

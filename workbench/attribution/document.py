"""Document-level passes: source resolution into records, continuation quotes, nesting.

These run after the per-sentence rules because they need the whole article: the last
speaker for a cue-less quote, and every other attribution's content to find a parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.attribution.cues import NARROW_CUES, STANCE_VERBS, WEAK_VERBS, verb_lemma
from workbench.attribution.resolve import Resolved, SourceTracker
from workbench.attribution.spans import doc_text
from workbench.records import Attribution

_RAISING = frozenset(["seem", "appear"])
BELIEF_STANCE = WEAK_VERBS | STANCE_VERBS | frozenset().union(*NARROW_CUES.values())
_CONTINUE_FROM = ("direct_quote", "quote_continuation", "indirect", "told", "according_to")


@dataclass(slots=True)
class Cand:
    """An attribution before its source is resolved."""

    kind: str
    cue: tuple[int, int]
    content: tuple[int, int]
    source: Any | None  # spaCy span of the source mention
    hedged: bool = False
    confidence: float = 0.9
    cue_text: str | None = None


def finish(cand: Cand, doc: Any, tracker: SourceTracker, publisher: str | None) -> Attribution:
    """Resolve the candidate's source and build the record."""
    text = doc_text(doc)
    if _raising_cue(cand, doc):
        cand.source, cand.hedged, cand.kind = None, True, "hedged"
    if cand.source is not None and len(cand.source) > 0:
        res = tracker.resolve(cand.source)
        src_text = cand.source.text
        s_start, s_end = cand.source.start_char, _closing_comma(text, cand.source)
        if publisher and res.source_type != "outlet" and _is_self(src_text, publisher):
            res = Resolved(publisher, "outlet")
    else:
        res, src_text, s_start, s_end = Resolved("", "unnamed"), "", None, None
    cue_text = cand.cue_text or text[cand.cue[0] : cand.cue[1]]
    return Attribution(
        source_text=src_text,
        source=res.source,
        source_type=res.source_type,
        cue=cue_text,
        content_start=cand.content[0],
        content_end=cand.content[1],
        kind=cand.kind,
        role=res.role,
        hedged=cand.hedged or (res.source_type == "unnamed" and cand.kind == "hedged"),
        source_start=s_start,
        source_end=s_end,
        cue_start=cand.cue[0],
        cue_end=cand.cue[1],
        confidence=cand.confidence,
    )


def nested_stance(tok: Any, lemma: str) -> bool:
    """A belief or stance verb in the reported clause of another cue verb ("X said Y wants …",
    "X argued that voters believe …"): the reporter's claim about Y, not Y's own attribution
    (PolNeAR leaves it out). Train precision of such nested cues: want 0.04, believe 0.02,
    think 0.03, see 0.03, expect 0.11, show 0.23, call 0.27, know 0, hope 0; no belief/stance
    lemma reaches 0.35 with 5 hits. Nested speech acts ("said", "described … as") stay."""
    return (
        lemma in BELIEF_STANCE
        and tok.dep_ == "ccomp"
        and tok.head.i != tok.i
        and verb_lemma(tok.head.text) is not None
    )


def _raising_cue(cand: Cand, doc: Any) -> bool:
    """ "X seems/appears to …": a raising verb hedges in the writer's voice; its subject is
    what the content is about, not who says it (PolNeAR: an attribution with no source)."""
    words = doc_text(doc)[cand.cue[0] : cand.cue[1]].lower().split()
    return any(verb_lemma(w) in _RAISING for w in words)


def _closing_comma(text: str, source: Any) -> int:
    """PolNeAR sources keep the comma that closes an apposition or relative clause ("Ann
    Lee, a spokeswoman, said"): end offset of the source with that comma when present."""
    end = source.end_char
    if text[end : end + 1] == "," and "," in text[source.start_char : end]:
        return end + 1
    return end


def _is_self(mention: str, publisher: str) -> bool:
    """ "The Post" inside an article published by "New York Post"."""
    words = mention.strip().split()
    if words and words[0].lower() == "the":
        words = words[1:]
    name = " ".join(words).lower()
    return bool(name) and (publisher.lower() == name or publisher.lower().endswith(" " + name))


def continuations(
    doc: Any, quotes: list[tuple[int, int]], atts: list[Attribution]
) -> list[Attribution]:
    """Quotes with no cue of their own that open a sentence go to the last speaker."""
    text = doc_text(doc)
    out: list[Attribution] = []
    for qs, qe in quotes:
        if qe - qs < 15 or any(a.content_start < qe and qs < a.content_end for a in atts + out):
            continue
        sent = doc.char_span(qs, qs + 1, alignment_mode="expand")
        if sent is None or text[sent.sent.start_char : qs].strip(" \t\n—–-"):
            continue
        prev = [
            a
            for a in atts + out
            if a.content_end <= qs and a.kind in (*_CONTINUE_FROM,) and a.source_type != "unnamed"
        ]
        if not prev:
            continue
        last = max(prev, key=lambda a: a.content_end)
        if "\n\n" in text[last.content_end : qs] and text[last.content_end : qs].count("\n\n") > 1:
            continue
        out.append(
            Attribution(
                source_text=last.source_text,
                source=last.source,
                source_type=last.source_type,
                cue="",
                content_start=qs,
                content_end=qe,
                kind="quote_continuation",
                role=last.role,
                hedged=last.hedged,
                confidence=0.7,
            )
        )
    return out


def set_parents(atts: list[Attribution]) -> None:
    """Parent = the attribution with the smallest content that contains this one's cue."""
    for i, a in enumerate(atts):
        anchor = (a.cue_start, a.cue_end) if a.cue_start is not None else None
        if anchor is None:
            continue
        best: int | None = None
        for j, b in enumerate(atts):
            if j == i or b.content_end - b.content_start <= a.content_end - a.content_start:
                continue
            if b.content_start <= anchor[0] and anchor[1] <= b.content_end:
                span = b.content_end - b.content_start
                if best is None or span < atts[best].content_end - atts[best].content_start:
                    best = j
        a.parent = best

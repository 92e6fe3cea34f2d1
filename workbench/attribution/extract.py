"""Rule-based attribution extraction over a spaCy dependency parse.

For each sentence the extractor looks for cues (speech/report verbs, "according to",
nominal reports, hedging adverbs, agentless passives), takes the source from the cue's
subject (or agent / prepositional object) and the content from its clausal complement, an
adjacent quotation or its object. Quotes with no cue of their own go to the last speaker,
and an attribution whose cue lies inside another's content gets that one as ``parent``.
Rules are general: nothing here knows any particular outlet, person or sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.attribution.cues import (
    HEDGE_ADVERBS,
    OBJECT_VERBS,
    PASSIVE_HEDGE_VERBS,
    REPORT_NOUNS,
    REPORT_VERBS,
    WEAK_VERBS,
    verb_lemma,
)
from workbench.attribution.model import load_nlp
from workbench.attribution.quotes import find_quotes
from workbench.attribution.resolve import Resolved, SourceTracker
from workbench.records import Attribution

OutletMatcher = Callable[[str], "str | None"]

_TRIM = " \t\n,;:—–-"
_SUBJ = ("nsubj", "nsubjpass", "csubj")
_REPORT_PREPS = ("from", "by", "of", "in")
_CONTINUE_FROM = ("direct_quote", "quote_continuation", "indirect", "told", "according_to")


@dataclass(slots=True)
class _Cand:
    """An attribution before its source is resolved."""

    kind: str
    cue: tuple[int, int]
    content: tuple[int, int]
    source: Any | None  # spaCy span of the source mention
    hedged: bool = False
    confidence: float = 0.9
    cue_text: str | None = None


def _default_matcher() -> OutletMatcher | None:
    """``OutletRegistry.load().match`` when the outlets module exists, else None."""
    try:
        from workbench.outlets import OutletRegistry  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        registry = OutletRegistry.load()
    except Exception:  # a broken registry must not break attribution
        return None

    def match(name: str) -> str | None:
        hit = registry.match(name)
        return getattr(hit, "name", None) if hit is not None else None

    return match


class Attributor:
    """Finds who says what in an article. ``nlp`` defaults to the cached small English model."""

    def __init__(
        self,
        nlp: Any | None = None,
        outlet_matcher: OutletMatcher | None = None,
        *,
        use_default_matcher: bool = True,
    ) -> None:
        self._nlp = nlp
        self._matcher = outlet_matcher
        self._want_default = outlet_matcher is None and use_default_matcher
        self._matcher_ready = outlet_matcher is not None

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = load_nlp()
        return self._nlp

    @property
    def outlet_matcher(self) -> OutletMatcher | None:
        if not self._matcher_ready:
            self._matcher = _default_matcher() if self._want_default else None
            self._matcher_ready = True
        return self._matcher

    def extract(self, text: str, publisher: str | None = None) -> list[Attribution]:
        """Attributions of one article, offsets into ``text``, in text order of their cues."""
        return self.extract_doc(self.nlp(text), publisher)

    def extract_many(
        self,
        texts: Iterable[str],
        publishers: Sequence[str | None] | None = None,
        batch_size: int = 16,
    ) -> list[list[Attribution]]:
        """``extract`` over many articles, parsing them with ``nlp.pipe`` in batches."""
        texts = list(texts)
        pubs = list(publishers) if publishers is not None else [None] * len(texts)
        docs = self.nlp.pipe(texts, batch_size=batch_size)
        return [self.extract_doc(doc, pub) for doc, pub in zip(docs, pubs, strict=True)]

    def extract_doc(self, doc: Any, publisher: str | None = None) -> list[Attribution]:
        """Attributions of an already parsed spaCy ``Doc``."""
        quotes = find_quotes(doc.text)
        tracker = SourceTracker(self.outlet_matcher)
        out: list[Attribution] = []
        for sent in doc.sents:
            cands = _sentence_cands(sent, quotes)
            cands.sort(key=lambda c: c.cue[0])
            for cand in cands:
                out.append(_finish(cand, doc, tracker, publisher))
        out.extend(_continuations(doc, quotes, out))
        out.sort(key=lambda a: a.cue_start if a.cue_start is not None else a.content_start)
        _set_parents(out)
        return out


# -- sentence rules -----------------------------------------------------------------------


def _sentence_cands(sent: Any, quotes: list[tuple[int, int]]) -> list[_Cand]:
    cands: list[_Cand] = []
    in_quote = [q for q in quotes if q[0] < sent.end_char and q[1] > sent.start_char]
    for tok in sent:
        if any(q[0] < tok.idx < q[1] for q in in_quote):
            continue  # cues inside quoted speech belong to the quoted speaker's story
        low = tok.lower_
        if low == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            cand = _according_to(tok, sent)
        elif low in HEDGE_ADVERBS:
            cand = _hedge_adverb(tok)
        elif tok.pos_ in ("VERB", "AUX") and tok.tag_.startswith("VB"):
            cand = _verb_cue(tok, sent, in_quote)
        else:
            cand = None
        if cand is not None and cand.content[1] > cand.content[0]:
            cands.append(cand)
    return cands


def _according_to(tok: Any, sent: Any) -> _Cand | None:
    to = tok.nbor()
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    src = _subtree_span(pobj)
    phrase = (tok.idx, src.end_char)
    before = (sent.start_char, phrase[0])
    after = (phrase[1], sent.end_char)
    content = _trim(
        sent.doc.text, *(after if after[1] - after[0] >= before[1] - before[0] else before)
    )
    return _Cand("according_to", (tok.idx, to.idx + len(to)), content, src)


def _hedge_adverb(tok: Any) -> _Cand:
    head = tok.head
    scope = head.head if head.dep_ in ("acl", "relcl", "amod") else head
    span = _subtree_span(scope)
    content = _trim(tok.doc.text, span.start_char, span.end_char)
    cue = (tok.idx, tok.idx + len(tok))
    return _Cand("hedged", cue, content, None, hedged=True, confidence=0.8)


def _verb_cue(tok: Any, sent: Any, quotes: list[tuple[int, int]]) -> _Cand | None:
    lemma = verb_lemma(tok.text)
    children = list(tok.children)
    ccomp = next((c for c in children if c.dep_ == "ccomp"), None)
    subjects = [c for c in children if c.dep_ in _SUBJ]
    subj = min(subjects, key=lambda c: abs(c.i - tok.i)) if subjects else None
    passive = any(c.dep_ == "auxpass" for c in children)
    if lemma is None and (ccomp is None or subj is None or tok.pos_ != "VERB"):
        return None
    if lemma in WEAK_VERBS and ccomp is None:
        return None
    if tok.pos_ == "AUX" and lemma is None:
        return None
    doc = tok.doc
    cue = _cue_span(tok)
    kind = "indirect"
    hedged = False
    source = None
    cue_text = None
    if subj is not None and subj.lower_ in ("it", "there") and passive:
        subj = None  # expletive: "it was reported that …"
    if passive:
        agent = next((c for c in children if c.dep_ == "agent"), None)
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
        if pobj is not None:
            source = _subtree_span(pobj)
        elif lemma in PASSIVE_HEDGE_VERBS:
            hedged, kind = True, "hedged"
        else:
            return None
    elif subj is not None:
        source = _source_span(subj, tok)
        if subj.lower_ in REPORT_NOUNS and (lemma in REPORT_VERBS or lemma == "report"):
            kind = "nominal_report"
            prep = next(
                (c for c in subj.children if c.dep_ == "prep" and c.lower_ in _REPORT_PREPS),
                None,
            )
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None
            if pobj is not None:
                source = _subtree_span(pobj)
                cue = (subj.idx, cue[1])
                cue_text = f"{subj.text} … {doc.text[tok.idx : cue[1]]}"
    else:
        inherited = _inherited_subject(tok)
        if inherited is None:
            return None
        source = _subtree_span(inherited)
    if lemma == "report" and kind == "indirect":
        kind = "nominal_report"
    elif lemma == "tell":
        kind = "told"
    content = _content(tok, lemma, ccomp, source, cue, quotes, sent)
    if content is None:
        return None
    start, end, ckind = content
    if (ckind and kind == "indirect") or ckind == "described_as":
        kind = ckind
    conf = 0.9 if lemma is not None and lemma not in WEAK_VERBS else 0.6
    return _Cand(kind, cue, (start, end), source, hedged, conf, cue_text)


def _content(
    tok: Any,
    lemma: str | None,
    ccomp: Any | None,
    source: Any | None,
    cue: tuple[int, int],
    quotes: list[tuple[int, int]],
    sent: Any,
) -> tuple[int, int, str | None] | None:
    """Content span of a verb cue and the attribution kind it implies (or None)."""
    doc = tok.doc
    text = doc.text
    blocked = [cue] + ([(source.start_char, source.end_char)] if source is not None else [])
    if ccomp is not None:
        span = _subtree_span(ccomp)
        start, end = _extend_to_quotes(span.start_char, span.end_char, quotes, blocked)
        start, end = _trim(text, start, end)
        kind = "direct_quote" if _is_quote(text, start, end, quotes) else None
        return start, end, kind
    obj = next((c for c in tok.children if c.dep_ in ("dobj", "obj")), None)
    as_prep = next(
        (c for c in tok.children if c.dep_ in ("prep", "oprd") and c.lower_ == "as"), None
    )
    if lemma in ("describe", "call", "label", "brand", "characterize") and as_prep is not None:
        first = obj if obj is not None and obj.tag_ not in ("WP", "WDT") else as_prep
        start = _subtree_span(first).start_char
        if first is as_prep:
            start = as_prep.idx + len(as_prep)
        end = _subtree_span(as_prep).end_char
        start, end = _extend_to_quotes(start, end, quotes, blocked)
        return (*_trim(text, start, end), "described_as")
    if (
        tok.dep_ in ("parataxis", "ccomp")
        and tok.head.i < tok.i
        and lemma is not None
        and obj is None
    ):
        head = _subtree_span(tok.head)
        own = _subtree_span(tok)
        parts = [(head.start_char, own.start_char), (own.end_char, head.end_char)]
        start, end = max(parts, key=lambda p: p[1] - p[0])
        start, end = _extend_to_quotes(start, end, quotes, blocked)
        start, end = _trim(text, start, end)
        if end - start > 3:
            return start, end, "direct_quote" if _is_quote(text, start, end, quotes) else None
    free = [q for q in quotes if q[0] < sent.end_char and q[1] > sent.start_char]
    free = [q for q in free if not any(q[0] < b[1] and b[0] < q[1] for b in blocked)]
    if free and lemma is not None and lemma not in WEAK_VERBS:
        lo, hi = min(b[0] for b in blocked), max(b[1] for b in blocked)
        for qs, qe in sorted(free, key=lambda q: min(abs(q[0] - hi), abs(lo - q[1]))):
            gap = text[qe:lo] if qe <= lo else text[hi:qs] if qs >= hi else "x " * 9
            if qe - qs > 12 and len(gap.split()) <= 5:
                return qs, qe, "direct_quote"
    if lemma is None:
        return None
    xcomp = next((c for c in tok.children if c.dep_ == "xcomp"), None)
    if obj is not None and (lemma in OBJECT_VERBS or xcomp is not None):
        first = _subtree_span(obj)
        last = _subtree_span(xcomp) if xcomp is not None else first
        return (*_trim(text, first.start_char, last.end_char), None)
    if xcomp is not None and lemma not in WEAK_VERBS:
        span = _subtree_span(xcomp)
        return (*_trim(text, span.start_char, span.end_char), None)
    return None


def _inherited_subject(tok: Any) -> Any | None:
    """Subject of the governing verb for "…, adding that …" or "X said … and warned …"."""
    cur = tok
    for _ in range(3):
        if cur.dep_ not in ("advcl", "xcomp", "conj", "ccomp") or cur.head.i == cur.i:
            return None
        cur = cur.head
        subjects = [c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return min(subjects, key=lambda c: abs(c.i - cur.i))
    return None


# -- spans ---------------------------------------------------------------------------------


def _subtree_span(tok: Any) -> Any:
    sub = list(tok.subtree)
    span = tok.doc[sub[0].i : sub[-1].i + 1]
    while len(span) > 1 and span[-1].is_punct and span[-1].text not in "”\"'’)":
        span = span[:-1]
    while len(span) > 1 and span[0].is_punct and span[0].text not in "“\"'‘(":
        span = span[1:]
    return span


def _source_span(subj: Any, verb: Any) -> Any:
    """The subject's phrase; if a mis-parse buried the real speaker in a modifier of the
    subject ("The tensions escalated after X warned …"), the noun phrase right before the cue."""
    span = _subtree_span(subj)
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


def _cue_span(tok: Any) -> tuple[int, int]:
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


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip spaces and clause punctuation; drop a final period unless a quote closes it."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if end > start and text[end - 1] == "." and not text[start:end].endswith("..."):
        end -= 1
    return start, end


def _extend_to_quotes(
    start: int, end: int, quotes: list[tuple[int, int]], blocked: list[tuple[int, int]]
) -> tuple[int, int]:
    """Grow a content span to whole quotations it cuts into (not over the cue/source)."""
    for qs, qe in quotes:
        if qs < end and start < qe and not any(qs < b[1] and b[0] < qe for b in blocked):
            start, end = min(start, qs), max(end, qe)
    return start, end


def _is_quote(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> bool:
    return any(qs <= start and end <= qe and (end - start) >= 0.8 * (qe - qs) for qs, qe in quotes)


# -- document-level passes ---------------------------------------------------------------


def _finish(cand: _Cand, doc: Any, tracker: SourceTracker, publisher: str | None) -> Attribution:
    """Resolve the candidate's source and build the record."""
    text = doc.text
    if cand.source is not None and len(cand.source) > 0:
        res = tracker.resolve(cand.source)
        src_text = cand.source.text
        s_start, s_end = cand.source.start_char, cand.source.end_char
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


def _is_self(mention: str, publisher: str) -> bool:
    """ "The Post" inside an article published by "New York Post"."""
    words = mention.strip().split()
    if words and words[0].lower() == "the":
        words = words[1:]
    name = " ".join(words).lower()
    return bool(name) and (publisher.lower() == name or publisher.lower().endswith(" " + name))


def _continuations(
    doc: Any, quotes: list[tuple[int, int]], atts: list[Attribution]
) -> list[Attribution]:
    """Quotes with no cue of their own that open a sentence go to the last speaker."""
    text = doc.text
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


def _set_parents(atts: list[Attribution]) -> None:
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

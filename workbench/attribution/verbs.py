"""Verb cues: "X said (that) …", "“…,” X said", "X called for …", "X was quoted by Y".

The cue verb's subject (or passive agent, or the subject of a governing verb) is the source;
the content is its clausal complement, the host clause of a parenthetical or "As X said"
clause, an adjacent quotation, or its object / prepositional object for frame cues.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.attribution.cues import (
    CUE_FORMS,
    EVENT_NOUNS,
    MEDIUM_NOUNS,
    PASSIVE_CUES,
    PASSIVE_HEDGE_VERBS,
    REPORT_NOUNS,
    REPORT_VERBS,
    WEAK_VERBS,
    WRITER_PARTICIPLES,
    is_cue,
    is_narrow_cue,
    verb_frame,
    verb_lemma,
)
from workbench.attribution.document import Cand, nested_stance
from workbench.attribution.spans import (
    cue_span,
    doc_text,
    extend_to_quotes,
    implicit_source,
    is_quote,
    source_span,
    subtree_span,
    trim,
)

_SUBJ = ("nsubj", "nsubjpass", "csubj")
_REPORT_PREPS = ("from", "by", "of", "in")
INFINITIVE_DEPS = ("xcomp",)
# Links from a subjectless cue up to the verb whose subject it shares; "pcomp" + "prep":
# "X soared in the polls by saying that …", "She followed that by saying, “…”".
_INHERIT_DEPS = ("advcl", "xcomp", "conj", "ccomp", "pcomp", "prep")
_GERUND_PREPS = ("by", "after", "before", "while", "without")


@dataclass(slots=True)
class _Source:
    """Who a verb cue's content is attributed to, and what that makes of the cue."""

    span: Any | None  # the source's token span, or None for an unnamed source
    kind: str = "indirect"
    hedged: bool = False
    cue: tuple[int, int] = (0, 0)
    cue_text: str | None = None


def _source_of(
    tok: Any,
    lemma: str,
    children: list[Any],
    subj: Any | None,
    passive: bool,
    bare_passive: bool,
    host: Any | None,
    cue: tuple[int, int],
) -> _Source | Cand | None:
    """The source of a verb cue: the agent of a passive ("… was reported by X"), the subject
    (or the outlet behind a report noun: "a report by X said"), nobody when the verb hangs off
    a noun, else a source inherited or implied from the context. None rejects the cue; a
    ``Cand`` is a bare passive resolved on its own."""
    if passive:
        agent = next((c for c in children if c.dep_ == "agent"), None)
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
        if pobj is not None:
            return _Source(subtree_span(pobj), cue=cue)
        if lemma in PASSIVE_HEDGE_VERBS:
            return _Source(None, "hedged", True, cue)
        if bare_passive:
            return _bare_passive(tok, lemma, subj, cue)
        return None
    if subj is not None:
        source = _cut_headline_verb(source_span(subj, tok))
        if not (subj.lower_ in REPORT_NOUNS and (lemma in REPORT_VERBS or lemma == "report")):
            return _Source(source, cue=cue)
        prep = next(
            (c for c in subj.children if c.dep_ == "prep" and c.lower_ in _REPORT_PREPS), None
        )
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None
        if pobj is None:
            return _Source(source, "nominal_report", cue=cue)
        cue_text = f"{subj.text} … {doc_text(tok.doc)[tok.idx : cue[1]]}"
        return _Source(subtree_span(pobj), "nominal_report", False, (subj.idx, cue[1]), cue_text)
    if host is not None:
        return _Source(None, cue=cue)  # the noun is often a medium ("ads attacking X")
    inherited = _inherited_subject(tok)
    source = implicit_source(tok, inherited)
    if source is not None and len(source) and _event_noun(source.root):
        return None  # "The collapse … has prompted …, …": the event is not the speaker
    if source is None:
        source = _stray_subject(tok)
        if source is None:
            return None
        source = source if len(source) else None
    return _Source(source, cue=cue)


def verb_cue(tok: Any, sent: Any, quotes: list[tuple[int, int]]) -> Cand | None:
    lemma = verb_lemma(tok.text)
    if lemma is None:
        return None
    children = list(tok.children)
    ccomp = next((c for c in children if c.dep_ == "ccomp"), None)
    subjects = [c for c in children if c.dep_ in _SUBJ]
    subj = min(subjects, key=lambda c: abs(c.i - tok.i)) if subjects else None
    passive = any(c.dep_ == "auxpass" for c in children) or (
        subj is None and tok.tag_ == "VBN" and any(c.dep_ == "agent" for c in children)
    )
    frame = verb_frame(tok)
    host = _acl_host(tok) if subj is None and frame in ("ccomp", "dobj") else None
    narrow = subj is not None and (is_narrow_cue(lemma, frame) or _calls_it(tok, lemma))
    bare_passive = passive and lemma in PASSIVE_CUES.get(frame, ()) and not _has_agent(tok)
    prep = _next_prep(tok) if frame == "prep" else None
    listed = is_cue(lemma, frame, prep.lower_ if prep is not None else None)
    if not (listed or narrow or bare_passive) or _bare_infinitive(tok, children):
        return None
    if nested_stance(tok, lemma) or _writer_participle(tok, lemma, subj):
        return None
    cue = _extend_cue(tok, cue_span(tok), frame)
    if subj is not None and subj.lower_ in ("it", "there") and passive:
        subj = None  # expletive: "it was reported that …"
    found = _source_of(tok, lemma, children, subj, passive, bare_passive, host, cue)
    if not isinstance(found, _Source):
        return found  # rejected, or a bare passive already resolved
    source, kind, hedged, cue, cue_text = (
        found.span, found.kind, found.hedged, found.cue, found.cue_text
    )  # fmt: skip
    if lemma == "report" and kind == "indirect":
        kind = "nominal_report"
    elif lemma == "tell":
        kind = "told"
    content = _content(tok, lemma, ccomp, source, cue, quotes, frame)
    if content is None and passive and source is not None:
        clause = _passive_clause(tok, subj, cue)  # "X was criticized by Y (for …)"
        content = (*clause, None) if clause is not None else None
    if content is None:
        return None
    start, end, ckind = content
    if (ckind and kind == "indirect") or ckind == "described_as":
        kind = ckind
    conf = 0.9 if lemma is not None and lemma not in WEAK_VERBS else 0.6
    return Cand(kind, cue, (start, end), source, hedged, conf, cue_text)


def _content(
    tok: Any,
    lemma: str | None,
    ccomp: Any | None,
    source: Any | None,
    cue: tuple[int, int],
    quotes: list[tuple[int, int]],
    frame: str,
) -> tuple[int, int, str | None] | None:
    """Content span of a verb cue and the attribution kind it implies (or None)."""
    doc = tok.doc
    text = doc_text(doc)
    blocked = [cue] + ([(source.start_char, source.end_char)] if source is not None else [])
    if ccomp is not None:
        span = subtree_span(ccomp)
        start, end = extend_to_quotes(span.start_char, span.end_char, quotes, blocked)
        start, end = trim(text, start, end)
        kind = "direct_quote" if is_quote(text, start, end, quotes) else None
        return start, end, kind
    obj = next((c for c in tok.children if c.dep_ in ("dobj", "obj")), None)
    near = [*tok.children, *(obj.children if obj is not None else ())]
    as_prep = next((c for c in near if c.dep_ in ("prep", "oprd") and c.lower_ == "as"), None)
    oprd = next((c for c in tok.children if c.dep_ in ("oprd", "xcomp", "ccomp")), None)
    if lemma == "call" and oprd is not None and (obj is not None or _calls_it(tok, lemma)):
        first = subtree_span(obj) if obj is not None else subtree_span(oprd)
        start, end = first.start_char, subtree_span(oprd).end_char
        start, end = extend_to_quotes(start, end, quotes, blocked)
        return (*trim(text, start, end), "described_as")
    if lemma in ("describe", "call", "label", "brand", "characterize") and as_prep is not None:
        first = obj if obj is not None and obj.tag_ not in ("WP", "WDT") else as_prep
        start = subtree_span(obj).start_char if first is obj else as_prep.idx + len(as_prep)
        end = subtree_span(as_prep).end_char
        start, end = extend_to_quotes(start, end, quotes, blocked)
        return (*trim(text, start, end), "described_as")
    if (
        (tok.dep_ == "parataxis" or (tok.dep_ == "ccomp" and tok.head.i < tok.i) or _as_clause(tok))
        and lemma is not None
        and obj is None
    ):
        head = subtree_span(tok.head)
        own = subtree_span(tok)
        parts = [(head.start_char, own.start_char), (own.end_char, head.end_char)]
        start, end = max(parts, key=lambda p: p[1] - p[0])
        start, end = extend_to_quotes(start, end, quotes, blocked)
        start, end = trim(text, start, end)
        if end - start > 3:
            return start, end, "direct_quote" if is_quote(text, start, end, quotes) else None
    if lemma not in WEAK_VERBS:
        quote = _adjacent_quote(text, quotes, blocked)
        if quote is not None:
            return (*quote, "direct_quote")
    xcomp = next((c for c in tok.children if c.dep_ == "xcomp"), None)
    if frame == "prep":
        prep = _next_prep(tok)
        pobj = (
            next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None) if prep else None
        )
        if pobj is None or pobj.idx < cue[1]:
            return None
        span = subtree_span(pobj)
        return (*trim(text, span.start_char, span.end_char), None)
    if frame == "dobj" and obj is not None:
        if _lone_pronoun(obj) and _relative_subject(tok):
            return None  # "networks that showed it": a description of the networks, no content
        first = subtree_span(obj)
        last = subtree_span(oprd) if oprd is not None and oprd.i > obj.i else first
        return (*trim(text, first.start_char, last.end_char), None)
    if frame == "xcomp" and xcomp is not None:
        first = subtree_span(obj) if obj is not None and obj.i < xcomp.i else subtree_span(xcomp)
        last = subtree_span(xcomp)
        return (*trim(text, first.start_char, last.end_char), None)
    return None


def _lone_pronoun(obj: Any) -> bool:
    """An object that is one pronoun ("it", "this", "them"): it refers back, so it is no content."""
    return obj.tag_ in ("PRP", "DT") and not any(True for _ in obj.children)


def _relative_subject(tok: Any) -> bool:
    """The verb heads a relative clause ("… that showed it", "… which reported it")."""
    return tok.dep_ == "relcl" or any(
        c.dep_ in _SUBJ and c.tag_ in ("WDT", "WP") for c in tok.children
    )


def _stray_subject(tok: Any) -> Any | None:
    """The speaker of a finite cue verb the parser left without a subject, which happens
    after an apposition ("…, her adviser, Jake Sullivan, said: …") or after a quote ("“…,”
    said Robin Maynard"): the noun phrase that ends at the comma before the verb, or the
    noun right after a verb that follows a quote. An empty span: a cue with no source."""
    if tok.dep_ != "ROOT" or tok.tag_ not in ("VBD", "VBZ", "VBP") or tok.i == 0:
        return None
    doc = tok.doc
    prev = doc[tok.i - 1]
    if prev.text in ("”", "’", "'", '"', "''") or (
        prev.text == "," and tok.i > 1 and doc[tok.i - 2].text in ("”", "’", "'", '"', "''")
    ):
        after = next(
            (c for c in tok.rights if c.pos_ in ("PROPN", "NOUN") and c.dep_ != "ccomp"), None
        )
        if after is None or after.i > tok.i + 4:
            return None
        return doc[after.left_edge.i : after.i + 1]
    if prev.text != "," or tok.i < 2:
        return None
    left = [
        c
        for c in tok.lefts
        if c.pos_ in ("PROPN", "NOUN") and c.dep_ not in ("prep", "advmod", "npadvmod")
    ]
    if left:  # "Trump, appearing at the forum, cited …": a noun the parser hung on the verb
        first = left[-1]
        ends = [first.i] + [c.right_edge.i for c in first.children if c.dep_ == "appos"]
        return doc[first.left_edge.i : max(ends) + 1]
    last = doc[tok.i - 2]
    if last.pos_ not in ("PROPN", "NOUN") or last.sent.start > last.left_edge.i:
        return None
    if last.dep_ == "pobj":  # "…, appearing at the forum, cited": a cue, speaker unknown
        return doc[tok.i : tok.i]
    return doc[last.left_edge.i : last.i + 1]


def _acl_host(tok: Any) -> Any | None:
    """ "a statement saying …", "voters saying they …", "a group backing X": the noun phrase
    a gerund cue modifies is its source (the noun and the words before it)."""
    head = tok.head
    if tok.dep_ != "acl" or tok.tag_ != "VBG" or head.pos_ not in ("NOUN", "PROPN", "PRON"):
        return None
    return tok.doc[head.left_edge.i : head.i + 1]


def _has_agent(tok: Any) -> bool:
    return any(c.dep_ == "agent" for c in tok.children)


def _bare_passive(tok: Any, lemma: str, subj: Any | None, cue: tuple[int, int]) -> Cand | None:
    """ "X was asked whether …" (content: the question), "X is seen as …", "X was charged
    with …" (content: the clause without its cue). No source: the asker / viewer is unsaid."""
    text = doc_text(tok.doc)
    comps = [c for c in tok.children if c.dep_ in ("ccomp", "xcomp", "dobj", "prep", "oprd")]
    comps = [c for c in comps if c.i > tok.i]
    if lemma == "ask":
        if not comps:
            return None
        start = subtree_span(comps[0]).start_char
        end = subtree_span(comps[-1]).end_char
        if comps[0].dep_ == "prep" and comps[0].lower_ in ("about", "on", "for"):
            cue = (cue[0], comps[0].idx + len(comps[0]))
            start = comps[0].idx + len(comps[0])
    else:
        clause = _passive_clause(tok, subj, cue)
        if clause is None:
            return None
        start, end = clause
    start, end = trim(text, start, end)
    if end - start < 3:
        return None
    return Cand("indirect", cue, (start, end), None, confidence=0.6)


def _passive_clause(tok: Any, subj: Any | None, cue: tuple[int, int]) -> tuple[int, int] | None:
    """Content of a passive cue: its subject through its last complement, agent left out
    when it comes last ("X was criticized by Y for Z" -> "X … for Z")."""
    comps = [
        c
        for c in tok.children
        if c.i > tok.i and c.dep_ in ("ccomp", "xcomp", "dobj", "prep", "oprd")
    ]
    first = subtree_span(subj).start_char if subj is not None else cue[1]
    last = subtree_span(comps[-1]).end_char if comps else tok.idx + len(tok)
    start, end = trim(doc_text(tok.doc), first, last)
    return (start, end) if end - start >= 3 else None


def _bare_infinitive(tok: Any, children: list[Any]) -> bool:
    """ "expected to show", "declined to comment": a to-infinitive under another verb is that
    verb's complement, not a cue of its own (PolNeAR train: ~300 false positives)."""
    return (
        tok.dep_ in INFINITIVE_DEPS
        and verb_lemma(tok.head.text) is not None
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in children)
    )


def _as_clause(tok: Any) -> bool:
    """ "As The Post reported, …" / "As reported by X, …": the host clause is the content."""
    return tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)


def _next_prep(tok: Any) -> Any | None:
    """The preposition right after a verb ("called for", "pointed to", "spoke out about")."""
    doc = tok.doc
    i = tok.i + 1
    while i < len(doc) and doc[i].dep_ in ("prt", "advmod") and doc[i].head.i == tok.i:
        i += 1
    if i < len(doc) and doc[i].dep_ == "prep" and doc[i].head.i == tok.i:
        return doc[i]
    return None


def _extend_cue(tok: Any, cue: tuple[int, int], frame: str) -> tuple[int, int]:
    """Grow a verb cue over its preposition ("called for") or medium ("said in a statement")."""
    prep = _next_prep(tok)
    if prep is None:
        return cue
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if prep.lower_ in ("in", "during") and pobj is not None and pobj.lower_ in MEDIUM_NOUNS:
        return cue[0], pobj.idx + len(pobj)
    if frame == "prep":
        return cue[0], prep.idx + len(prep)
    return cue


def _cut_headline_verb(span: Any) -> Any:
    """ "Haqqani Warns Pakistan" parsed as one noun phrase in a title-case headline: keep the
    words before the capitalised cue verb ("Haqqani")."""
    words = [t for t in span.sent if t.is_alpha and len(t) > 3]
    if not words or sum(t.is_title for t in words) < 0.8 * len(words):
        return span  # not a title-case headline
    for tok in span[1:]:
        if tok.is_title and tok.lower_ in CUE_FORMS:
            return span.doc[span.start : tok.i]
    return span


def _adjacent_quote(
    text: str, quotes: list[tuple[int, int]], blocked: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The quotation next to the cue and source ("“…,” X said" / "X said: “…”"), even when
    the sentence splitter put the quote in a sentence of its own."""
    lo, hi = min(b[0] for b in blocked), max(b[1] for b in blocked)
    best: tuple[int, int, int] | None = None
    for qs, qe in quotes:
        if qe - qs <= 12 or any(qs < b[1] and b[0] < qe for b in blocked):
            continue
        gap = text[qe:lo] if qe <= lo else text[hi:qs] if qs >= hi else None
        if gap is None or len(gap.split()) > 5:
            continue
        if "\n" in gap and not (qs >= hi and gap.strip() == ":"):  # "He declared:\n\n“…”"
            continue
        dist = len(gap)
        if best is None or dist < best[0]:
            best = (dist, qs, qe)
    return (best[1], best[2]) if best is not None else None


def _writer_participle(tok: Any, lemma: str, subj: Any | None) -> bool:
    """ "…, underscoring Islamabad's readiness": a subjectless participle of an interpretive
    verb, set off by a comma, with a noun-phrase object (no clause: "…, suggesting he was
    sabotaged" stays a speech act) comments on the writer's sentence; it is not a speech act
    of the noun before it."""
    if subj is not None or tok.tag_ != "VBG" or lemma not in WRITER_PARTICIPLES:
        return False
    if tok.dep_ not in ("advcl", "conj", "xcomp") or tok.i == 0 or tok.nbor(-1).text != ",":
        return False
    deps = {c.dep_ for c in tok.children}
    return "dobj" in deps and not deps & {"ccomp", "mark", "xcomp"}


def _event_noun(tok: Any) -> bool:
    """An abstract event noun ("the collapse of talks", "the strike"), not a named entity."""
    if tok.pos_ != "NOUN" or tok.ent_type_:
        return False
    word = tok.lower_  # the bundled pipeline has no lemmatizer: strip a plural by hand
    return (
        word in EVENT_NOUNS
        or (word.endswith("s") and word[:-1] in EVENT_NOUNS)
        or (word.endswith("es") and word[:-2] in EVENT_NOUNS)
    )


def _inherited_subject(tok: Any) -> Any | None:
    """Subject of the governing verb for "…, adding that …" or "X said … and warned …"."""
    cur = tok
    for _ in range(3):
        if cur.dep_ not in _INHERIT_DEPS or cur.head.i == cur.i:
            return None
        if cur.dep_ == "prep" and cur.lower_ not in _GERUND_PREPS:
            return None
        cur = cur.head
        subjects = [c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return min(subjects, key=lambda c: abs(c.i - cur.i))
    return None


def _calls_it(tok: Any, lemma: str) -> bool:
    """ "Clinton called the frontrunner “ISIS' best recruiter”" parsed with the object folded
    into the predicate noun (an ``oprd`` and no ``dobj``): still "call X Y"."""
    return (
        lemma == "call"
        and any(c.dep_ == "oprd" and c.i > tok.i for c in tok.children)
        and not any(c.dep_ in ("dobj", "obj", "ccomp", "xcomp") for c in tok.children)
    )

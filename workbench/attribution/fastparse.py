"""Selective parsing: run the spaCy pipeline only on sentences that can hold an attribution.

An article is cut into sentence-sized chunks that cover its text exactly. A chunk is a
candidate when it has a quote mark, a colon or dash that can introduce speech, or a word
from the cue lexicons ("said", "according", "reportedly" …); adjacent candidates of one
paragraph are merged so a quote split across sentences is parsed together. Candidates get
the full pipeline; the rest are only tokenized, get a flat one-sentence tree and cheap
PERSON entities from capitalised-name runs (the resolver needs people named earlier). The
chunk docs are joined with ``Doc.from_docs``, so every offset is an offset into the article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from workbench.attribution.cues import (
    CUE_FORMS,
    HEDGE_ADVERBS,
    NOUN_FORMS,
    ORG_DESCRIPTORS,
)
from workbench.text.lexicons import TITLES, word_set

PARSED_KEY = "_wb_parsed"  # doc.user_data: [(start_char, end_char)] of fully parsed chunks

_BOUNDARY = re.compile(r"(?<=[.!?])[”\"’')\]]*[ \t]+(?=[“\"‘(\[A-Z0-9])|\n\s*")
_WORD = re.compile(r"[A-Za-z]+")
_MARKS = re.compile(r"[“”\"«»―]|''|:(?=\s|[“\"])|—\s*$")
TRIGGERS: frozenset[str] = CUE_FORMS | HEDGE_ADVERBS | frozenset(NOUN_FORMS) | {"according"}
_ABBREV = word_set(
    """
    mr mrs ms dr rev rep reps sen sens gov lt gen col st jr sr sgt capt prof gov atty supt
    jan feb mar apr jun jul aug sep sept oct nov dec no vs corp inc co ltd ft mt
    """
)
_NAME_STOP = ORG_DESCRIPTORS | word_set(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday house street news times post
    party university county city state states republican republicans democrat democrats
    democratic new united national white
    """
)


def chunks(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_candidate) pieces covering ``text`` exactly, in order."""
    pieces: list[tuple[int, int, bool]] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        if "\n" not in m.group() and _abbreviation(text, m.start()):
            continue
        if m.end() > pos:
            pieces.append((pos, m.end(), "\n" in m.group()))
            pos = m.end()
    if pos < len(text):
        pieces.append((pos, len(text), True))
    out: list[tuple[int, int, bool]] = []
    para_break = True
    for start, end, ends_para in pieces:
        cand = _is_candidate(text[start:end])
        if cand and out and out[-1][2] and not para_break:
            out[-1] = (out[-1][0], end, True)
        else:
            out.append((start, end, cand))
        para_break = ends_para
    return out


def _abbreviation(text: str, dot: int) -> bool:
    """Whether the period before ``dot`` ends an initial or a title ("E.", "Sen.", "U.S.")."""
    word = text[max(0, dot - 8) : dot].split()[-1:] or [""]
    w = word[0].rstrip(".").lstrip('(“"')
    return len(w) <= 1 or "." in w or w.lower() in _ABBREV


def _is_candidate(piece: str) -> bool:
    if _MARKS.search(piece):
        return True
    return any(w.lower() in TRIGGERS for w in _WORD.findall(piece))


# Candidate chunks per spaCy batch. Batching by texts (16 articles) gave one-line records ~10
# chunks per model call; by chunks, a long article and a one-liner batch alike. The parse is
# the same whatever the batch; the CPU saved on the current-events items is within this VM's
# noise (bench/README.md, issue 14).
CHUNK_BATCH = 128
_GROUP_TEXTS = 1024  # texts per group at most, so a run of texts without candidates streams


def parse_selective(nlp: Any, texts: list[str], batch_size: int = CHUNK_BATCH) -> Iterator[Any]:
    """Docs for ``texts`` with only candidate chunks run through the full pipeline, about
    ``batch_size`` candidate chunks per spaCy batch however many texts hold them."""
    import numpy
    from spacy.tokens import Doc

    empty = numpy.zeros((0,), dtype="float32")  # chunk tensors differ in width: drop them
    for batch, plans in _groups(texts, batch_size):
        cand_texts = [t[s:e] for t, plan in zip(batch, plans, strict=True) for s, e, c in plan if c]
        parsed = iter(nlp.pipe(cand_texts, batch_size=batch_size))
        for text, plan in zip(batch, plans, strict=True):
            parts = []
            ranges = []
            for s, e, cand in plan:
                if cand:
                    doc = next(parsed)
                    doc.tensor = empty
                    ranges.append((s, e))
                else:
                    doc = _flat_doc(nlp, text[s:e])
                parts.append(doc)
            doc = Doc.from_docs(parts, ensure_whitespace=False) if parts else nlp.make_doc(text)
            doc.user_data[PARSED_KEY] = ranges
            yield doc


def _groups(texts: list[str], per_batch: int) -> Iterator[tuple[list[str], list[list]]]:
    """(texts, their chunk plans) in order, grouped to hold about ``per_batch`` candidates."""
    batch: list[str] = []
    plans: list[list[tuple[int, int, bool]]] = []
    count = 0
    for text in texts:
        plan = chunks(text)
        batch.append(text)
        plans.append(plan)
        count += sum(1 for *_, cand in plan if cand)
        if count >= per_batch or len(batch) >= _GROUP_TEXTS:
            yield batch, plans
            batch, plans, count = [], [], 0
    if batch:
        yield batch, plans


def _flat_doc(nlp: Any, text: str) -> Any:
    """A tokenized chunk as one sentence with regex PERSON entities and no other analysis."""
    from spacy.tokens import Doc

    toks = nlp.make_doc(text)
    words = [t.text for t in toks]
    spaces = [bool(t.whitespace_) for t in toks]
    n = len(words)
    return Doc(
        nlp.vocab,
        words=words,
        spaces=spaces,
        heads=[0] * n,
        deps=["ROOT"] + ["dep"] * (n - 1),
        ents=_name_tags(toks),
    )


def _name_tags(toks: Any) -> list[str]:
    """IOB PERSON tags for runs of capitalised words that look like a person's name: the
    last two or three words of a run, after any leading title ("Finance Minister …")."""
    tags = ["O"] * len(toks)
    # Title case capitalises function words too ("Any Act Of Aggression Against …"); in such a
    # headline, runs of capitalised words are not names.
    stops = [t for t in toks if t.is_alpha and t.is_stop and t.i > 0]
    if len(stops) >= 2 and sum(t.is_title for t in stops) >= 0.8 * len(stops):
        return tags
    i = 0
    while i < len(toks):
        j = i
        while j < len(toks) and _namey(toks[j]):
            j += 1
        if j == i:
            i += 1
            continue
        start = i
        while start < j and (
            j - start > 3 or toks[start].is_stop or toks[start].lower_.rstrip(".") in TITLES
        ):
            start += 1
        if j - start >= 2:
            tags[start] = "B-PERSON"
            for k in range(start + 1, j):
                tags[k] = "I-PERSON"
        i = j
    return tags


def _namey(tok: Any) -> bool:
    word = tok.text.rstrip(".")
    return (
        tok.is_title
        and word.isalpha()
        and (len(word) > 1 or tok.text.endswith("."))
        and tok.lower_ not in _NAME_STOP
    )

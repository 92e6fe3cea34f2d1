"""Rule-based attribution extraction over a spaCy dependency parse.

For each sentence the extractor looks for cues (speech/report verbs, "according to",
nominal reports, hedging adverbs, agentless passives), takes the source from the cue's
subject (or agent / prepositional object) and the content from its clausal complement, an
adjacent quotation or its object. Quotes with no cue of their own go to the last speaker,
and an attribution whose cue lies inside another's content gets that one as ``parent``.
Rules are general: nothing here knows any particular outlet, person or sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from workbench.attribution.cues import HEDGE_ADVERBS, NOUN_CUES, NOUN_FORMS, verb_lemma
from workbench.attribution.document import Cand, continuations, finish, set_parents
from workbench.attribution.fastparse import CHUNK_BATCH, PARSED_KEY, parse_selective
from workbench.attribution.model import load_nlp
from workbench.attribution.quotes import find_quotes
from workbench.attribution.resolve import SourceTracker
from workbench.attribution.spans import doc_text, subtree_span, trim
from workbench.attribution.verbs import verb_cue
from workbench.records import Attribution
from workbench.text.lexicons import word_set

OutletMatcher = Callable[[str], "str | None"]


def _default_matcher() -> OutletMatcher | None:
    """``OutletRegistry.load().match``, or None when the packaged registry cannot be read."""
    from workbench.outlets.registry import OutletRegistry

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
        selective: bool = True,
    ) -> None:
        self._nlp = nlp
        self.selective = selective
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
        return self.extract_doc(next(iter(self.parse_many([text]))), publisher)

    def parse_many(self, texts: Sequence[str], batch_size: int = CHUNK_BATCH) -> Iterable[Any]:
        """spaCy docs of ``texts``; only sentences that can hold an attribution are parsed
        (``batch_size``: docs per spaCy batch, candidate chunks when parsing selectively)."""
        if not self.selective:
            return self.nlp.pipe(texts, batch_size=batch_size)
        return parse_selective(self.nlp, list(texts), batch_size)

    def extract_many(
        self,
        texts: Iterable[str],
        publishers: Sequence[str | None] | None = None,
        batch_size: int = CHUNK_BATCH,
    ) -> list[list[Attribution]]:
        """``extract`` over many articles, parsing them with ``nlp.pipe`` in batches."""
        texts = list(texts)
        pubs = list(publishers) if publishers is not None else [None] * len(texts)
        docs = self.parse_many(texts, batch_size)
        return [self.extract_doc(doc, pub) for doc, pub in zip(docs, pubs, strict=True)]

    def extract_doc(self, doc: Any, publisher: str | None = None) -> list[Attribution]:
        """Attributions of an already parsed spaCy ``Doc``."""
        quotes = find_quotes(doc_text(doc))
        tracker = SourceTracker(self.outlet_matcher)
        out: list[Attribution] = []
        parsed = doc.user_data.get(PARSED_KEY)
        signed = dash_signatures(doc, quotes)
        speakers = transcript_speakers(doc_text(doc))
        for sent in doc.sents:
            cands = [c for c in signed if sent.start_char <= c.cue[0] < sent.end_char]
            if parsed is None or any(s <= sent.start_char < e for s, e in parsed):
                cands += _sentence_cands(sent, quotes, speakers)  # else tokenized only
            cands.sort(key=lambda c: c.cue[0])
            for cand in cands:
                out.append(finish(cand, doc, tracker, publisher))
        out.extend(continuations(doc, quotes, out))
        out.sort(key=lambda a: a.cue_start if a.cue_start is not None else a.content_start)
        set_parents(out)
        return out


# -- sentence rules -----------------------------------------------------------------------


def _sentence_cands(
    sent: Any, quotes: list[tuple[int, int]], speakers: dict[int, tuple[int, int]] | None = None
) -> list[Cand]:
    cands: list[Cand] = []
    in_quote = [q for q in quotes if q[0] < sent.end_char and q[1] > sent.start_char]
    speakers = speakers or {}
    for tok in sent:
        if tok.idx in speakers:
            cand = _speaker(tok, speakers[tok.idx])
            cands.extend([cand] if cand is not None else [])
            continue
        if any(q[0] < tok.idx < q[1] for q in in_quote):
            continue  # cues inside quoted speech belong to the quoted speaker's story
        low = tok.lower_
        if tok.text == ":" and not tok.is_space:
            cand = _colon(tok, sent, quotes, bool(speakers))
        elif low == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            cand = _according_to(tok, sent)
        elif low in HEDGE_ADVERBS:
            cand = _hedge_adverb(tok)
        elif tok.pos_ in ("VERB", "AUX") and tok.tag_.startswith("VB"):
            cand = verb_cue(tok, sent, quotes)
        elif tok.pos_ == "NOUN" and low in NOUN_FORMS:
            cand = _noun_cue(tok, NOUN_CUES[NOUN_FORMS[low]])
        else:
            cand = None
        if cand is not None and cand.content[1] > cand.content[0]:
            cands.append(cand)
    return cands


# "“…” ― Jane Roe" or a line "- Jane Roe." under a quoted paragraph: a dash before a short
# capitalised name signs the quote it follows. (An embedded tweet's "… — Jane Roe (@jroe)
# July 5, 2016" with no quote marks is not taken: PolNeAR train precision 0.36, 4 hits.)
_SIGN_DASH = re.compile(
    r"(?:(?<=[”\"’'])[ \t\u00a0]*|^[ \t\u00a0]*|(?<=\S)[ \t\u00a0]+)(―|—|–|--?)[ \t\u00a0]*"
    r"(?P<name>[A-Z][\w.’'-]*(?:[ \u00a0][A-Z][\w.’'-]*){0,4})"
    r"(?P<handle>[ \u00a0]*\(@\w+\))?",
    re.M,
)
_SIGN_END = re.compile(r"[ \t\u00a0]*(?:$|[.,](?:\s|$)|</)", re.M)


def dash_signatures(doc: Any, quotes: list[tuple[int, int]]) -> list[Cand]:
    """Quotes signed with a dash and a name: cue = the dash, source = the name, content =
    the quote that ends right before the dash, or at the end of the line before it."""
    text = doc_text(doc)
    out: list[Cand] = []
    for m in _SIGN_DASH.finditer(text):
        dash_s, dash_e = m.span(1)
        name_s, name_e = m.span("name")
        if m.group("handle") is None and not _SIGN_END.match(text, name_e):
            continue
        name = text[name_s:name_e].rstrip(".")
        if not name or name.split()[0].lower() in _NOT_NAMES:
            continue
        line_start = text.rfind("\n", 0, dash_s) + 1
        before = text[line_start:dash_s]
        if before.strip():
            quote = next((q for q in quotes if 0 <= dash_s - q[1] <= 2), None)
        else:  # the dash opens its line: it signs the quote that ends the line before
            prev = text[:line_start].rstrip()
            quote = next((q for q in quotes if q[1] == len(prev)), None)
        if quote is None or quote[1] - quote[0] < 8:
            continue
        source = doc.char_span(name_s, name_s + len(name), alignment_mode="expand")
        if source is None or not len(source):
            continue
        out.append(Cand("direct_quote", (dash_s, dash_e), quote, source, confidence=0.8))
    return out


_NOT_NAMES = word_set(
    """
    the a an and but or so if in on at for to of by with from as this that these those it
    he she they we i you his her their our my its update updated photo photos video
    """
)


def _noun_cue(tok: Any, frames: frozenset[str]) -> Cand | None:
    """ "his claim that …", "a promise to …": cue = the noun, content = its clause, source =
    the possessor (else none)."""
    comp = next(
        (c for c in tok.children if c.i > tok.i and c.dep_ in ("acl", "relcl", "ccomp")), None
    )
    if comp is None:
        return None
    marks = {c.lower_ for c in comp.children if c.dep_ in ("mark", "aux")}
    clause = "that" if "that" in marks else "to" if "to" in marks else None
    if clause not in frames:
        return None
    span = subtree_span(comp)
    content = trim(doc_text(tok.doc), span.start_char, span.end_char)
    if content[1] - content[0] < 3:
        return None
    poss = next((c for c in tok.children if c.dep_ == "poss"), None)
    source = subtree_span(poss) if poss is not None else None
    return Cand("indirect", (tok.idx, tok.idx + len(tok)), content, source, confidence=0.6)


def _according_to(tok: Any, sent: Any) -> Cand | None:
    to = tok.nbor()
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    src = subtree_span(pobj)
    phrase = (tok.idx, src.end_char)
    before = (sent.start_char, phrase[0])
    after = (phrase[1], sent.end_char)
    content = trim(
        doc_text(sent.doc), *(after if after[1] - after[0] >= before[1] - before[0] else before)
    )
    return Cand("according_to", (tok.idx, to.idx + len(to)), content, src)


# A transcript line: "TAPPER: …", "JAKE TAPPER: …", or '"PENCE: …' when a whole transcript
# is quoted one paragraph at a time.
_SPEAKER_LINE = re.compile(
    r"^[ \t]*[\"“]?([A-Z][A-Z.’'-]+(?: [A-Z][A-Z.’'-]+){0,3})(:)[ \t]*\S", re.M
)


def transcript_speakers(text: str) -> dict[int, tuple[int, int]]:
    """Colon offset -> (start, end) of the speaker label of each transcript line, when the
    article has at least three lines that open with an ALL-CAPS label (a transcript; a lone
    "UPDATE:" or "EXCLUSIVE:" is a kicker). The tagger often takes a capitalised surname for
    an adverb or a verb ("FALLIN:"), so the layout decides, not the part of speech."""
    lines = [m for m in _SPEAKER_LINE.finditer(text) if len(m.group(1).replace(".", "")) > 1]
    if len(lines) < 3:
        return {}
    return {m.start(2): m.span(1) for m in lines}


def _speaker(tok: Any, label: tuple[int, int]) -> Cand | None:
    doc = tok.doc
    text = doc_text(doc)
    source = doc.char_span(*label, alignment_mode="expand")
    end = text.find("\n", tok.idx)
    content = trim(text, tok.idx + 1, len(text) if end < 0 else end)
    if source is None or content[1] - content[0] < 2:
        return None
    return Cand("indirect", (tok.idx, tok.idx + 1), content, source, confidence=0.6)


def _colon(
    tok: Any, sent: Any, quotes: list[tuple[int, int]], transcript: bool = False
) -> Cand | None:
    """ "Name: content" headlines/transcripts and "… pollster Jane Roe: “quote”"."""
    doc = tok.doc
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, tok.idx) + 1
    before = doc.char_span(line_start, tok.idx, alignment_mode="contract")
    after_q = next((q for q in quotes if 0 <= q[0] - tok.idx - 1 <= 2), None)
    source = None
    if (
        before is not None
        and 0 < len(before) <= 6
        and all(
            t.pos_ in ("PROPN", "PUNCT", "DET", "PART") or t.is_title or t.is_upper for t in before
        )
    ):
        verbish = any(verb_lemma(t.text) or t.tag_ in ("VBZ", "VBD") for t in before)
        if (
            (any(t.pos_ == "PROPN" for t in before) or _label_word(before))
            and before[0].is_title | before[0].is_upper
            and (not verbish or _label_word(before))  # "X Warns Y, Says …" is a headline
        ):
            source = before
    elif after_q is not None and tok.i > 0 and doc[tok.i - 1].pos_ == "PROPN":
        prev = doc[tok.i - 1]
        source = doc[prev.left_edge.i : prev.i + 1]
    if source is None:
        return None
    label = [t for t in source if t.is_alpha]
    if not transcript and all(t.is_upper for t in label) and sum(len(t) for t in label) >= 4:
        return None  # "UPDATE:", "EXCLUSIVE:", "BOOM:": a kicker outside a transcript
    end = text.find("\n", tok.idx)
    end = len(text) if end < 0 else end
    if after_q is not None and source.start_char > line_start:
        end = after_q[1]
    content = trim(text, tok.idx + 1, end)
    if content[1] - content[0] < 8:
        return None
    if len(source) == 1 and len(text[content[0] : content[1]].split()) < 3:
        return None  # "Twitter: @handle", "Byline: Jane Roe": a field, not a statement
    return Cand("indirect", (tok.idx, tok.idx + 1), content, source, confidence=0.6)


def _label_word(before: Any) -> bool:
    """A one-word line label the tagger calls a noun or adjective: a speaker in a transcript
    ("MATTHEWS:", "Lopez:") or a reporting noun in a headline ("Poll:", "Report:"). Not
    a single letter ("Q:", "A:"), nor a participle or interjection ("Breaking:", "Wow:")."""
    return len(before) == 1 and len(before[0]) > 1 and before[0].tag_ in _LABEL_TAGS


_LABEL_TAGS = ("NN", "NNS", "NNP", "NNPS", "JJ")


def _hedge_adverb(tok: Any) -> Cand:
    head = tok.head
    scope = head.head if head.dep_ in ("acl", "relcl", "amod") else head
    span = subtree_span(scope)
    content = trim(doc_text(tok.doc), span.start_char, span.end_char)
    cue = (tok.idx, tok.idx + len(tok))
    return Cand("hedged", cue, content, None, hedged=True, confidence=0.8)

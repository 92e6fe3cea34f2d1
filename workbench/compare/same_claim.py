"""Is another claim the same statement as the focus claim, only the same event, or unrelated?

Why: Compare lists *versions* of a claim (tier "same"), *competing accounts* of its event
(tier "event": a fact added, dropped, changed or denied) and hides the rest. Embedding cosine
alone cannot tell a paraphrase from "the same story with another cause", so the decision is a
small logistic model over documented pair features (``workbench.compare.pair_features``):
cosines of three views of each claim, fact-slot conflicts, numbers, names, negation, hedges,
lengths and word overlaps. The weights and thresholds live in ``same_claim_weights.json`` next
to this module, fitted on MRPC *train* only (``workbench.evaluation.same_claim``); see
docs/comparison.md for every feature and how each threshold was chosen.

- ``p_same >= threshold`` -> "same" (the accuracy operating point);
- else relatedness (view cosine / shared key terms) above ``event_floor`` -> "event";
- else "unrelated".
``cluster_threshold`` is the precision operating point (precision >= 0.9 on MRPC), reported
by ``workbench eval same-claim``; clusters do not use the judge (docs/clusters.md says why).
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from workbench.compare.pair_features import FEATURES, pair_features, relatedness, view_texts
from workbench.compare.slot_conflicts import slot_conflicts
from workbench.compare.slots import SlotConflict, extract_slots_many

Tier = Literal["same", "event", "unrelated"]
WEIGHTS_PATH = Path(__file__).with_name("same_claim_weights.json")
VECTOR_CACHE_SIZE = 8192

Encoder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class PairDecision:
    """The tier of a pair, the model's probability that it is one statement, and the slot
    conflicts found between the two claims (focus first)."""

    tier: Tier
    p_same: float
    conflicts: tuple[SlotConflict, ...]


@dataclass(frozen=True)
class Weights:
    """A fitted logistic model: per-feature weights over standardised features."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    bias: float
    threshold: float
    cluster_threshold: float
    event_floor: float

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> Weights:
        data = json.loads(path.read_text(encoding="utf-8"))
        names = tuple(data["features"])
        unknown = [n for n in names if n not in FEATURES]
        if unknown:
            raise ValueError(f"{path}: unknown features {unknown}")
        return cls(
            names=names,
            mean=tuple(float(x) for x in data["mean"]),
            scale=tuple(float(x) for x in data["scale"]),
            coef=tuple(float(x) for x in data["coef"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            cluster_threshold=float(data["cluster_threshold"]),
            event_floor=float(data["event_floor"]),
        )

    def probability(self, feats: dict[str, float]) -> float:
        z = self.bias
        for n, m, s, c in zip(self.names, self.mean, self.scale, self.coef, strict=True):
            z += c * (feats[n] - m) / (s or 1.0)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class SameClaimJudge:
    """Decides the tier of claim pairs; see the module docstring.

    ``encode`` maps texts to L2-normalised vectors (default: the workbench's
    all-MiniLM-L6-v2 ``Embedder``, loaded on first use). Vectors are memoised per text.
    """

    def __init__(
        self,
        weights: Weights | None = None,
        encode: Encoder | None = None,
        cache_size: int = VECTOR_CACHE_SIZE,
    ) -> None:
        self.weights = weights or Weights.load()
        self._encode = encode
        self.cache_size = cache_size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def threshold(self) -> float:
        return self.weights.threshold

    @property
    def cluster_threshold(self) -> float:
        return self.weights.cluster_threshold

    def _encoder(self) -> Encoder:
        if self._encode is None:
            from workbench.retrieval.embed import Embedder

            self._encode = Embedder().encode
        return self._encode

    def vectors(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors of ``texts`` (memoised, LRU)."""
        with self._lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if todo:
            vecs = self._encoder()(todo)
            with self._lock:
                for t, v in zip(todo, vecs, strict=True):
                    self._vectors[t] = np.asarray(v, dtype=np.float32)
        with self._lock:
            out = {}
            for t in texts:
                self._vectors.move_to_end(t)
                out[t] = self._vectors[t]
            while len(self._vectors) > self.cache_size:
                self._vectors.popitem(last=False)
            return out

    def features(self, a: str, b: str, cosine: float | None = None) -> dict[str, float]:
        """The pair features of ``a`` and ``b`` (``cosine`` of the whole texts if known)."""
        return self.features_many(a, [b], None if cosine is None else [cosine])[0]

    def features_many(
        self, focus: str, others: Sequence[str], cosines: Sequence[float] | None = None
    ) -> list[dict[str, float]]:
        sa, *slots = extract_slots_many([focus, *others])
        texts = [*view_texts(sa), *(t for s in slots for t in view_texts(s))]
        vecs = self.vectors(texts)
        out = []
        for i, sb in enumerate(slots):
            cos = None if cosines is None else float(cosines[i])
            out.append(pair_features(sa, sb, vecs, cos))
        return out

    def decide(self, a: str, b: str, *, cosine: float | None = None) -> PairDecision:
        """The tier of claim ``b`` relative to claim ``a``."""
        return self.decide_many(a, [b], None if cosine is None else [cosine])[0]

    def decide_many(
        self, focus: str, others: Sequence[str], cosines: Sequence[float] | None = None
    ) -> list[PairDecision]:
        """``decide`` for many claims against one focus (one batched encode)."""
        if cosines is not None and len(cosines) != len(others):
            raise ValueError(f"cosines has {len(cosines)} values for {len(others)} claims")
        if not others:
            return []
        w = self.weights
        sa, *slots = extract_slots_many([focus, *others])
        out = []
        for feats, sb in zip(self.features_many(focus, others, cosines), slots, strict=True):
            p = w.probability(feats)
            conflicts = slot_conflicts(sa, sb)
            if p >= w.threshold:
                tier: Tier = "same"
            elif relatedness(feats) >= w.event_floor:
                tier = "event"
            else:
                tier = "unrelated"
            out.append(PairDecision(tier, round(p, 4), conflicts))
        return out


_JUDGE: dict[str, Any] = {}
_JUDGE_LOCK = threading.Lock()


def get_judge() -> SameClaimJudge:
    """The shared judge (weights loaded once per process, embedder on first use)."""
    if "judge" not in _JUDGE:
        with _JUDGE_LOCK:
            if "judge" not in _JUDGE:
                _JUDGE["judge"] = SameClaimJudge()
    return _JUDGE["judge"]

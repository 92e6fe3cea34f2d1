"""Second stage of the English ranking: the top candidates re-scored with each claim and its
headline encoded together.

Why (issues 14 and 15): ingest encodes a claim once, bare, and builds its search vector from
the bare claim and its headline (``with_headline``). That vector finds the candidates, but the
encoder reading the claim *with* its headline orders the best few better on CheckThat! 2021
dev (0.949 → 0.964 MAP@5, 2020 0.889 → 0.876; `bench/README.md`). So a lookup encodes "claim + headline" for the
titled candidates whose first-stage score reaches ``rerank_floor`` (two per query at the median
on CheckThat!, at most ``rerank_depth``), remembered per process, and ingest keeps its one
encode per claim.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from workbench.retrieval.embed import embed_key, embedding_text, headline_weight

CACHE_SIZE = 65_536  # joint vectors kept per process (1.5 KB each at 384 dimensions: ~100 MB)


class JointVectors:
    """Joint (claim + headline) vectors by text, least recently used dropped first; shared by
    every session of the process (thread-safe)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, embedder: Any, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts`` (rows in order); only texts not held are encoded, in one batch."""
        keys = [embed_key(t) for t in texts]
        with self._lock:
            held = {k: self._vectors[k] for k in keys if k in self._vectors}
            for k in held:
                self._vectors.move_to_end(k)
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in held}
        if todo:
            fresh = embedder.encode(list(todo.values()))
            with self._lock:
                for k, vec in zip(todo, fresh, strict=True):
                    held[k] = self._vectors[k] = np.asarray(vec, dtype=np.float32)
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        return np.stack([held[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)


_caches: dict[str, JointVectors] = {}
_caches_lock = threading.Lock()


def joint_vectors(model_name: str) -> JointVectors:
    """The process's joint-vector cache for one embedding model."""
    with _caches_lock:
        return _caches.setdefault(model_name, JointVectors())


def joint_cosines(
    embedder: Any,
    query_vec: np.ndarray,
    claims: Sequence[tuple[str, str | None]],
    context: str = "title",
) -> np.ndarray:
    """Cosine of the query with each (claim, headline) encoded as one text; NaN where the
    claim has no headline that counts (its search vector is its bare vector already)."""
    out = np.full(len(claims), np.nan, dtype=np.float64)
    titled = [i for i, (t, h) in enumerate(claims) if headline_weight(t, h, context) > 0]
    if titled:
        texts = [embedding_text(claims[i][0], claims[i][1], context) for i in titled]
        vecs = joint_vectors(getattr(embedder, "model_name", "")).get(embedder, texts)
        # in float64: a float32 product's last bits vary with how many rows share it, and a
        # claim's score must not depend on which other candidates were rescored beside it
        out[titled] = vecs.astype(np.float64) @ np.asarray(query_vec, dtype=np.float64).reshape(-1)
    return out


def rescore_top(
    final: np.ndarray,
    cosine: np.ndarray,
    floor: float,
    limit: int,
    joint: Callable[[np.ndarray], np.ndarray],
    rescore: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(final, penalties, cosines) after every candidate whose ``final`` reaches ``floor``
    (the best ``limit`` of them) takes the cosine ``joint(positions)`` gives (NaN keeps it) and
    all are scored again by ``rescore``; None when nothing changes.

    Chosen by its own first-stage score, not by rank, so a candidate's score still depends
    only on the query and itself, never on which other candidates a filter kept."""
    if limit <= 0 or not len(final):
        return None
    above = np.flatnonzero(final >= floor)
    top = above[np.argsort(-final[above], kind="stable")][:limit]
    if not len(top):
        return None
    new = np.asarray(joint(top), dtype=np.float64)
    use = ~np.isnan(new)
    if not use.any():
        return None
    cosine = np.array(cosine, dtype=np.float64, copy=True)
    cosine[top[use]] = new[use]
    final, penalties = rescore(cosine)
    return final, penalties, cosine

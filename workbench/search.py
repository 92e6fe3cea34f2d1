"""Similar-claim lookup: BM25 fused with the dense index, re-scored for key-term conflicts.

``mode="hybrid"`` (the default, ``settings.search_mode``) takes the best candidates of the
dense FAISS index and of the BM25 index over claim texts (``workbench.lexical``), and scores
each as ``w * cosine + (1 - w) * bm25 / max_bm25`` (cosine clipped to [0, 1], BM25 divided by
the best BM25 score among the candidates). ``mode="dense"`` is the cosine alone. In both modes
the best ``RESCORE_DEPTH`` candidates are then multiplied by ``1 - LAMBDA * penalty``, the
``key_term_conflict`` penalty between query and claim, so a claim that differs in a figure,
date or key entity ("12 killed" / "5 killed", "North Korea" / "South Korea") drops below one
that agrees. A hit's ``score`` is that final value, in [0, 1].

Filters (outlet, date range, own article left out, source type) are resolved to an allowed id
set in SQL and applied inside the FAISS search and to the BM25 candidates, so a filtered lookup
still returns ``k`` hits when ``k`` exist. Queries are cleaned first (``clean_query``: links,
handles, hashtags, tweet signatures). The weights were chosen on the CheckThat! train splits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from workbench.keyterms import extract_key_terms, key_term_conflict
from workbench.lexical import clean_query, lexical_index
from workbench.records import SearchHit

if TYPE_CHECKING:
    from workbench.api import Workbench

MODES = ("hybrid", "dense")
DENSE_WEIGHT = 0.6  # w in the fusion; chosen on the CheckThat! 2020 and 2021 train splits
LAMBDA = 0.5  # how much of the key-term penalty is taken off a candidate's score
RESCORE_DEPTH = 50  # candidates re-scored for key-term conflicts
MIN_CANDIDATES = 50  # candidates taken from each side before fusion


@dataclass(slots=True)
class Filters:
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    exclude_article: str | None = None
    source_type: str | None = None
    min_score: float | None = None
    mode: str | None = None  # "hybrid" or "dense"; None means settings.search_mode

    def any_sql(self) -> bool:
        return any(
            (self.outlet, self.date_from, self.date_to, self.exclude_article, self.source_type)
        )


@dataclass(slots=True)
class Scored:
    """One candidate's score parts: dense cosine, raw BM25, conflict penalty, final score."""

    claim_id: int
    cosine: float = 0.0
    bm25: float = 0.0
    penalty: float = 0.0
    score: float = 0.0


def dense_candidates(
    wb: Workbench, query_vec: np.ndarray, k: int, allowed: np.ndarray | None
) -> list[tuple[int, float]]:
    """(claim id, cosine) pairs from the vector index, best first."""
    if not len(wb.index):
        return []
    scores, ids = wb.index.search(query_vec.reshape(1, -1), k, allowed=allowed)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def fuse(cosine: np.ndarray, bm25: np.ndarray, dense_weight: float = DENSE_WEIGHT) -> np.ndarray:
    """Convex combination of clipped cosine and max-normalised BM25, in [0, 1]."""
    cos = np.clip(cosine, 0.0, 1.0)
    top = float(bm25.max()) if len(bm25) else 0.0
    lex = bm25 / top if top > 0 else np.zeros_like(bm25)
    return dense_weight * cos + (1.0 - dense_weight) * lex


def rescore(
    query: str,
    texts: list[str],
    scores: np.ndarray,
    depth: int = RESCORE_DEPTH,
    weight: float = LAMBDA,
) -> tuple[np.ndarray, np.ndarray]:
    """(new scores, penalties): the best ``depth`` scaled by ``1 - weight * conflict penalty``."""
    scores = np.asarray(scores, dtype=np.float64).copy()
    penalties = np.zeros(len(scores))
    if not len(scores) or weight <= 0:
        return scores, penalties
    terms = extract_key_terms(query)
    for i in np.argsort(-scores, kind="stable")[:depth]:
        penalties[i] = key_term_conflict(terms, extract_key_terms(texts[i])).penalty
    return scores * (1.0 - weight * penalties), penalties


def _cosines_for(wb: Workbench, vec: np.ndarray, ids: list[int]) -> dict[int, float]:
    """Exact cosines for claims the dense top list missed (a FAISS search limited to them)."""
    if not ids:
        return {}
    return dict(dense_candidates(wb, vec, len(ids), np.asarray(ids, dtype=np.int64)))


def rank(wb: Workbench, query: str, k: int, filters: Filters) -> list[Scored]:
    """Candidates for ``query`` with their score parts, best first (at most ``k``)."""
    mode = filters.mode or getattr(wb.settings, "search_mode", "hybrid") or "hybrid"
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
    query = clean_query(query)
    if not query or not len(wb.index):
        return []
    allowed = wb.store.filter_claim_ids(
        filters.outlet,
        filters.date_from,
        filters.date_to,
        filters.exclude_article,
        filters.source_type,
    )
    if allowed is not None and not len(allowed):
        return []
    depth = max(MIN_CANDIDATES, 2 * k)
    vec = wb.embedder.encode_query(query)
    cosine = dict(dense_candidates(wb, vec, depth, allowed))
    bm25: dict[int, float] = {}
    if mode == "hybrid":
        lexical = lexical_index(wb)
        every = lexical.scores(query)
        bm25 = dict(lexical.top_of(every, depth, allowed))
        cosine.update(_cosines_for(wb, vec, [c for c in bm25 if c not in cosine]))
        bm25.update(lexical.values_at(every, [c for c in cosine if c not in bm25]))
    ids = [c for c in cosine if c in bm25 or mode == "dense"]
    cos = np.array([cosine[c] for c in ids], dtype=np.float64)
    lex = np.array([bm25.get(c, 0.0) for c in ids], dtype=np.float64)
    fused = fuse(cos, lex, 1.0 if mode == "dense" else DENSE_WEIGHT)
    rows = wb.store.claims_by_ids(ids)
    texts = [rows[c][0].text if c in rows else "" for c in ids]
    final, penalties = rescore(query, texts, fused)
    order = np.argsort(-final, kind="stable")
    out = [
        Scored(
            ids[i],
            float(cos[i]),
            float(lex[i]),
            float(penalties[i]),
            float(np.clip(final[i], 0, 1)),
        )
        for i in order
        if ids[i] in rows
    ]
    if filters.min_score is not None:
        out = [s for s in out if s.score >= filters.min_score]
    return out[:k]


def hits_for(wb: Workbench, ranked: list[tuple[int, float]]) -> list[SearchHit]:
    """Turn ranked (claim id, score) pairs into hits with article fields and attributions."""
    ids = [cid for cid, _ in ranked]
    rows = wb.store.claims_by_ids(ids)
    atts = wb.store.attributions_for(ids)
    hits: list[SearchHit] = []
    for cid, score in ranked:
        if cid not in rows:
            continue  # index ahead of store: skip until repaired
        claim, row = rows[cid]
        hits.append(
            SearchHit(
                claim=claim,
                score=score,
                article_title=row["a_title"],
                outlet=row["a_outlet"],
                date=row["a_date"],
                url=row["a_url"],
                attributions=atts.get(cid, []),
            )
        )
    return hits


def search(
    wb: Workbench, query: str, k: int = 10, filters: Filters | None = None
) -> list[SearchHit]:
    """The ``k`` claims most similar to ``query`` that pass ``filters``.

    ``score`` is the fused, conflict-adjusted score in [0, 1]; :func:`rank` gives the same
    ranking with its parts (cosine, BM25, penalty) for display and debugging.
    """
    scored = rank(wb, query, k, filters or Filters())
    return hits_for(wb, [(s.claim_id, s.score) for s in scored])

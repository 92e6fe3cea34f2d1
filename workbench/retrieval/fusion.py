"""One fusion of dense and BM25 scores, and the key-term re-scoring, for live search and
evaluation alike.

``score_candidates`` is what both :func:`workbench.retrieval.search.rank` (over the live
index) and :func:`workbench.evaluation.retrieval.hybrid_ranker` (over an in-memory corpus)
apply to their candidates: ``fuse`` (score level: ``(cosine + BM25_WEIGHT * bm25 / best
bm25) / (1 + BM25_WEIGHT)``), ``fuse_rrf`` (the earlier reciprocal-rank fusion, kept for
comparison) or the cosine alone, then ``rescore`` (near-paraphrases that conflict with the
query in a figure, date or key entity are scaled by ``1 - LAMBDA * penalty``). See
:mod:`workbench.retrieval.search` for why these choices.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np

from workbench.errors import InvalidOption
from workbench.text.keyterms import KeyTerms, extract_key_terms, key_term_conflict

BM25_WEIGHT = 0.25  # weight of the relative BM25 score next to the cosine (chosen on train)
RRF_K = 60  # the usual reciprocal-rank constant, for ``fuse_rrf`` only
LAMBDA = 0.5  # how much of the key-term penalty is taken off a candidate's score
GATE = 0.85  # cosine from which a key-term conflict counts (near-paraphrases only)
RESCORE_DEPTH = 20  # candidates re-scored for key-term conflicts
FUSIONS = ("score", "rrf", "dense")


def _ranks(values: np.ndarray) -> np.ndarray:
    """0-based rank of each value, best (largest) first; ties keep input order."""
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(len(values))
    return ranks


def fuse(
    cosine: np.ndarray,
    bm25: np.ndarray,
    weight: float = BM25_WEIGHT,
    best: float | None = None,
) -> np.ndarray:
    """Score-level fusion in [0, 1]: ``(cosine + weight * bm25 / max bm25) / (1 + weight)``.

    ``cosine`` and ``bm25`` are aligned arrays over the candidates. BM25 is scaled by the best
    candidate's (or by ``best``, the query's best BM25 over the whole store, so that a filter
    that drops the best candidate does not change the other claims' scores), so it only
    reorders what the query's own words separate; the cosine keeps its margin (a clear dense
    winner is not overturned by a rank-1 BM25 hit).
    """
    if not len(cosine):
        return np.zeros(0)
    if best is None:
        best = float(bm25.max()) if len(bm25) else 0.0
    best = max(best, float(bm25.max()) if len(bm25) else 0.0)
    lex = bm25 / best if best > 0 else np.zeros(len(bm25))
    return (np.clip(cosine, 0.0, 1.0) + weight * lex) / (1.0 + weight)


def fuse_rrf(cosine: np.ndarray, bm25: np.ndarray, k: int = RRF_K) -> np.ndarray:
    """Reciprocal-rank fusion of the two sides, scaled into [0, 1] by the best cosine.

    ``cosine`` and ``bm25`` are aligned arrays over the candidates. The RRF sum is divided by
    its maximum, so the top of both lists gets 1; multiplying by the best clipped cosine
    (one number per query) keeps the order and makes a weak match look weak.
    """
    if not len(cosine):
        return np.zeros(0)
    rrf = 0.5 / (k + 1 + _ranks(cosine)) + 0.5 / (k + 1 + _ranks(bm25))
    return rrf * (k + 1) * float(np.clip(cosine.max(), 0.0, 1.0))


def rescore(
    query: str,
    texts: list[str],
    scores: np.ndarray,
    cosine: np.ndarray,
    depth: int = RESCORE_DEPTH,
    weight: float = LAMBDA,
    gate: float = GATE,
) -> tuple[np.ndarray, np.ndarray]:
    """(new scores, penalties): near-paraphrases in the top ``depth`` that conflict in a key
    term are scaled by ``1 - weight * penalty``."""
    scores = np.asarray(scores, dtype=np.float64).copy()
    penalties = np.zeros(len(scores))
    if not len(scores) or weight <= 0:
        return scores, penalties
    terms: KeyTerms | None = None
    for i in np.argsort(-scores, kind="stable")[:depth]:
        if cosine[i] < gate:
            continue
        terms = terms or _terms(query)
        penalties[i] = key_term_conflict(terms, _terms(texts[i])).penalty
    return scores * (1.0 - weight * penalties), penalties


@lru_cache(maxsize=20_000)
def _terms(text: str) -> KeyTerms:
    """Key terms of a text without negation, cached: candidates recur query after query."""
    return replace(extract_key_terms(text), negations=())


def score_candidates(
    query: str,
    texts: list[str],
    cosine: np.ndarray,
    bm25: np.ndarray,
    fusion: str = "score",
    bm25_weight: float = BM25_WEIGHT,
    penalty_weight: float = LAMBDA,
    bm25_max: float | None = None,
    rescore_depth: int | None = RESCORE_DEPTH,
) -> tuple[np.ndarray, np.ndarray]:
    """(final scores in [0, 1], key-term penalties) of candidates with aligned ``texts``,
    ``cosine`` and raw ``bm25`` scores: fused by ``fusion`` (``score``: :func:`fuse`,
    ``rrf``: :func:`fuse_rrf`, ``dense``: the cosine alone), then :func:`rescore`d.
    ``bm25_max``: the query's best BM25 over the unfiltered store (see :func:`fuse`).
    ``rescore_depth=None`` checks every candidate above the gate, so a candidate's score
    depends only on the query and itself, never on which other candidates a filter kept."""
    if fusion == "score":
        fused = fuse(cosine, bm25, bm25_weight, best=bm25_max)
    elif fusion == "rrf":
        fused = fuse_rrf(cosine, bm25)
    elif fusion == "dense":
        fused = np.clip(cosine, 0.0, 1.0)
    else:
        raise InvalidOption(f"unknown fusion {fusion!r}; use one of {', '.join(FUSIONS)}")
    depth = len(texts) if rescore_depth is None else rescore_depth
    final, penalties = rescore(query, texts, fused, cosine, depth=depth, weight=penalty_weight)
    return np.clip(final, 0.0, 1.0), penalties

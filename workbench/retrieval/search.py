"""Similar-claim lookup: BM25 fused with the dense index, re-scored for key-term conflicts.

``mode="hybrid"`` (the default, ``settings.search_mode``) takes the best candidates of the
dense FAISS index and of the BM25 index over claim texts (``workbench.retrieval.lexical``) and scores
each by ``cosine + BM25_WEIGHT * bm25 / best bm25`` (score-level fusion, one weight chosen
on the CheckThat! 2020 and 2021 train splits; it sits on a flat plateau from 0.2 to 0.3).
Reciprocal-rank fusion, used before, keeps only ranks and throws away the dense margin: with
the same candidates and ties broken fairly it scored 0.84 / 0.86 MAP@5 on the 2020 / 2021
train splits against 0.89 / 0.89 (its apparent lead on 2020 came from duplicate claims: RRF
turns their exact ties into rank gaps in corpus order). ``fuse_rrf`` is kept for that
comparison (``workbench eval retrieval --mode hybrid_rrf``). ``mode="dense"``
ranks by cosine alone.

In both modes, a candidate that the embedding already calls the same claim (cosine >=
``GATE``) but that conflicts with the query in a figure, date or key entity ("12 killed" /
"5 killed", "North Korea" / "South Korea") has its score multiplied by ``1 - LAMBDA *
penalty`` (``keyterms.key_term_conflict``), so it drops below a claim that agrees. Negation
is left out of that penalty: a denial of a claim is still about the same claim. Below the
gate the penalty is off; tweets carry figures and names the fact-checked claim lacks, and
there it misfired (CheckThat! train, see docs in the evaluation module).

A hit's ``score`` is in [0, 1]. Dense: the (penalised) cosine. Hybrid: ``(cosine + BM25_WEIGHT
* relative bm25) / (1 + BM25_WEIGHT)``, so an unrelated query still scores low; then the
penalty. Equal scores
(duplicate claims) keep the older claim, the lower id, first.

Filters (outlet, date range, own article left out, source type) are resolved to an allowed id
set in SQL and applied inside the FAISS search and to the BM25 candidates, so a filtered lookup
still returns ``k`` hits when ``k`` exist. Queries are cleaned first (``clean_query``: links,
handles, hashtags, tweet signatures).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from workbench.errors import InvalidOption
from workbench.records import ClaimInArticle, SearchHit
from workbench.retrieval.fusion import (  # noqa: F401  (fuse, fuse_rrf, rescore: kept importable here)
    BM25_WEIGHT,
    GATE,
    LAMBDA,
    RESCORE_DEPTH,
    RRF_K,
    fuse,
    fuse_rrf,
    rescore,
    score_candidates,
)
from workbench.retrieval.joint import joint_cosines, rescore_top
from workbench.retrieval.lexical import clean_query, lexical_index

if TYPE_CHECKING:
    from workbench.api import Workbench
    from workbench.retrieval.index import VectorIndex

MODES = ("hybrid", "dense")
MIN_CANDIDATES = 50  # candidates taken from each side before fusion


@dataclass(slots=True)
class Filters:
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    exclude_article: str | None = None
    source_type: str | None = None
    cited: str | None = None  # only articles whose record cites this outlet (sources: [...])
    min_score: float | None = None
    mode: str | None = None  # "hybrid" or "dense"; None means settings.search_mode
    language: str | None = None  # claims in this language only (workbench.text.language code)

    def any_sql(self) -> bool:
        return any(
            (
                self.outlet,
                self.date_from,
                self.date_to,
                self.exclude_article,
                self.source_type,
                self.language,
                self.cited,
            )
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
    index: VectorIndex, query_vec: np.ndarray, k: int, allowed: np.ndarray | None
) -> list[tuple[int, float]]:
    """(claim id, cosine) pairs from the vector index, best first."""
    if not len(index):
        return []
    scores, ids = index.search(query_vec.reshape(1, -1), k, allowed=allowed)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


@contextmanager
def _one_thread() -> Iterator[None]:
    """FAISS on one OpenMP thread for a single query: faster alone, far faster on a busy box."""
    try:
        import faiss
    except ImportError:
        yield
        return
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def _cosines_for(
    wb: Workbench, vec: np.ndarray, ids: list[int], rows: dict[int, ClaimInArticle]
) -> dict[int, float]:
    """Cosines for claims the dense top list missed: from the index's own vectors, else the
    embedding cache, else a restricted FAISS search."""
    out = wb.index.cosines(vec, ids)
    rest = [c for c in ids if c not in out]
    if rest:
        from workbench.retrieval.vectors import cached_search_vectors

        known = {c: (rows[c].claim.text, rows[c].title) for c in rest if c in rows}
        out.update({c: float(v @ vec) for c, v in cached_search_vectors(wb, known).items()})
        rest = [c for c in rest if c not in out]
    if rest:
        out.update(dense_candidates(wb.index, vec, len(rest), np.asarray(rest, dtype=np.int64)))
    return out


def rank(wb: Workbench, query: str, k: int, filters: Filters) -> list[Scored]:
    """Candidates for ``query`` with their score parts, best first (at most ``k``).

    Equal scores (duplicate claims) keep the older claim, the lower id, first.
    """
    mode = filters.mode or getattr(wb.settings, "search_mode", "hybrid") or "hybrid"
    if mode not in MODES:
        raise InvalidOption(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
    query = clean_query(query)
    if not query or not len(wb.index):
        return []
    only_exclude = filters.exclude_article and not any(
        (
            filters.outlet,
            filters.date_from,
            filters.date_to,
            filters.source_type,
            filters.cited,
            filters.language,
        )
    )
    # Leaving one article out keeps almost every claim: over-fetch and drop its claims
    # rather than hand FAISS an allow-list of the whole store.
    excluded: set[int] = set()
    if only_exclude:
        excluded = {c.id for c in wb.store.claims_of(str(filters.exclude_article))}
        allowed = None
    else:
        allowed = wb.store.filter_claim_ids(
            filters.outlet,
            filters.date_from,
            filters.date_to,
            filters.exclude_article,
            filters.source_type,
            cited=filters.cited,
            language=filters.language,
        )
    if allowed is not None and not len(allowed):
        return []
    multilingual = getattr(wb, "multilingual", None)
    if multilingual is not None and multilingual() is not None:
        from workbench.retrieval.crosslingual import rank_across

        return rank_across(
            wb,
            query,
            k,
            filters,
            allowed,
            excluded,
            lambda depth: _hybrid_rank(wb, query, depth, filters, mode, allowed, excluded),
        )
    return _hybrid_rank(wb, query, k, filters, mode, allowed, excluded)


def _hybrid_rank(
    wb: Workbench,
    query: str,
    k: int,
    filters: Filters,
    mode: str,
    allowed: np.ndarray | None,
    excluded: set[int],
) -> list[Scored]:
    """The English ranking: dense MiniLM cosine fused with BM25, then the key-term penalty."""
    depth = max(MIN_CANDIDATES, 2 * k) + len(excluded)
    vec = wb.embedder.encode_query(query)
    with _one_thread():
        cosine = dict(dense_candidates(wb.index, vec, depth, allowed))
    bm25: dict[int, float] = {}
    bm25_max: float | None = None
    if mode == "hybrid":
        lexical = lexical_index(wb)
        every = lexical.scores(query)
        # scale BM25 by the query's best over the whole store: a filter (source type, one
        # article left out) must not change the scores of the claims it keeps
        bm25_max = float(every.max()) if len(every) else 0.0
        bm25 = dict(lexical.top_of(every, depth, allowed))
        bm25.update(lexical.values_at(every, [c for c in cosine if c not in bm25]))
    ids = sorted((set(cosine) | set(bm25)) - excluded)
    rows = wb.store.claims_by_ids(ids)
    ids = [c for c in ids if c in rows]  # index ahead of store: skip until repaired
    with _one_thread():
        cosine.update(_cosines_for(wb, vec, [c for c in ids if c not in cosine], rows))
    cos = np.array([cosine.get(c, 0.0) for c in ids], dtype=np.float64)
    lex = np.array([bm25.get(c, 0.0) for c in ids], dtype=np.float64)
    texts = [rows[c].claim.text for c in ids]
    # every candidate above the gate is checked for key-term conflicts, not only the top
    # RESCORE_DEPTH: a filter that lifts a claim into the top would otherwise penalise it
    fusion = "dense" if mode == "dense" else "score"

    def scored(cosines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return score_candidates(
            query, texts, cosines, lex, fusion, bm25_max=bm25_max, rescore_depth=None
        )

    final, penalties = scored(cos)
    # the best few again, each claim read with its headline by the encoder (retrieval/joint.py)
    second = rescore_top(
        final,
        cos,
        wb.settings.rerank_floor,
        wb.settings.rerank_depth,
        lambda top: joint_cosines(
            wb.embedder,
            vec,
            [(texts[i], rows[ids[i]].title) for i in top],
            wb.settings.embed_context,
        ),
        scored,
    )
    if second is not None:
        final, penalties, cos = second
    order = np.lexsort((np.asarray(ids), -final))
    out = [
        Scored(ids[i], float(cos[i]), float(lex[i]), float(penalties[i]), float(final[i]))
        for i in order
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
        row = rows[cid]
        hits.append(
            SearchHit(
                claim=row.claim,
                score=score,
                article_title=row.title,
                outlet=row.outlet,
                date=row.date,
                url=row.url,
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
    hits = hits_for(wb, [(s.claim_id, s.score) for s in scored])
    parts = {s.claim_id: s for s in scored}
    for hit in hits:
        p = parts[hit.claim.id]
        hit.parts = {"cosine": p.cosine, "bm25": p.bm25, "penalty": p.penalty}
    return hits

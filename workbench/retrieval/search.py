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

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.errors import InvalidOption
from workbench.records import ClaimInArticle, SearchHit
from workbench.retrieval.embed import embed_key
from workbench.retrieval.lexical import clean_query, lexical_index
from workbench.text.keyterms import KeyTerms, extract_key_terms, key_term_conflict

if TYPE_CHECKING:
    from workbench.api import Workbench

MODES = ("hybrid", "dense")
BM25_WEIGHT = 0.25  # weight of the relative BM25 score next to the cosine (chosen on train)
RRF_K = 60  # the usual reciprocal-rank constant, for ``fuse_rrf`` only
LAMBDA = 0.5  # how much of the key-term penalty is taken off a candidate's score
GATE = 0.85  # cosine from which a key-term conflict counts (near-paraphrases only)
RESCORE_DEPTH = 20  # candidates re-scored for key-term conflicts
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
    wb: Workbench, query_vec: np.ndarray, k: int, allowed: np.ndarray | None
) -> list[tuple[int, float]]:
    """(claim id, cosine) pairs from the vector index, best first."""
    if not len(wb.index):
        return []
    scores, ids = wb.index.search(query_vec.reshape(1, -1), k, allowed=allowed)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def _ranks(values: np.ndarray) -> np.ndarray:
    """0-based rank of each value, best (largest) first; ties keep input order."""
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(len(values))
    return ranks


def fuse(cosine: np.ndarray, bm25: np.ndarray, weight: float = BM25_WEIGHT) -> np.ndarray:
    """Score-level fusion in [0, 1]: ``(cosine + weight * bm25 / max bm25) / (1 + weight)``.

    ``cosine`` and ``bm25`` are aligned arrays over the candidates. BM25 is scaled by the best
    candidate's, so it only reorders what the query's own words separate; the cosine keeps
    its margin (a clear dense winner is not overturned by a rank-1 BM25 hit).
    """
    if not len(cosine):
        return np.zeros(0)
    best = float(bm25.max()) if len(bm25) else 0.0
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


_POSITIONS: weakref.WeakKeyDictionary[Any, tuple[np.ndarray, np.ndarray, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)


def _stored_cosines(index: Any, vec: np.ndarray, ids: list[int]) -> dict[int, float]:
    """Cosines read straight off a flat/HNSW FAISS index's stored vectors (no second scan).

    The id -> position map is sorted once per index state (the index drops its id-map cache
    whenever it changes); tombstoned or unknown ids are left to the caller.
    """
    id_map_of = getattr(index, "_id_map", None)
    stored_of = getattr(index, "_stored", None)
    if not ids or not callable(id_map_of) or not callable(stored_of):
        return {}
    try:
        id_map = id_map_of()
        cached = _POSITIONS.get(index)
        if cached is None or cached[0] is not id_map:
            order = np.argsort(id_map, kind="stable")
            cached = (id_map, order, id_map[order])
            _POSITIONS[index] = cached
        _, order, sorted_ids = cached
        want = np.asarray(ids, dtype=np.int64)
        at = np.clip(np.searchsorted(sorted_ids, want), 0, max(len(sorted_ids) - 1, 0))
        found = (sorted_ids[at] == want) if len(sorted_ids) else np.zeros(len(want), bool)
        dead = getattr(index, "tombstones", None)
        if dead:
            found &= ~np.isin(want, np.fromiter(dead, dtype=np.int64))
        if not found.any():
            return {}
        cos = stored_of()[order[at[found]]] @ np.asarray(vec, dtype=np.float32).reshape(-1)
    except Exception:  # an index without readable vectors: use the slower paths
        return {}
    return dict(zip(want[found].tolist(), cos.astype(np.float64).tolist(), strict=True))


def _cosines_for(
    wb: Workbench, vec: np.ndarray, ids: list[int], rows: dict[int, ClaimInArticle]
) -> dict[int, float]:
    """Cosines for claims the dense top list missed: from the index's own vectors, else the
    embedding cache, else a restricted FAISS search."""
    out = _stored_cosines(wb.index, vec, ids)
    rest = [c for c in ids if c not in out]
    if rest:
        hashes = {
            c: embed_key(wb.claim_input(rows[c].claim.text, rows[c].title))
            for c in rest
            if c in rows
        }
        cached = wb.store.get_embeddings(wb.embedder.model_name, list(hashes.values()))
        out.update({c: float(cached[h] @ vec) for c, h in hashes.items() if h in cached})
        rest = [c for c in rest if c not in out]
    if rest:
        out.update(dense_candidates(wb, vec, len(rest), np.asarray(rest, dtype=np.int64)))
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
        (filters.outlet, filters.date_from, filters.date_to, filters.source_type, filters.language)
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
            filters.language,
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
        cosine = dict(dense_candidates(wb, vec, depth, allowed))
    bm25: dict[int, float] = {}
    if mode == "hybrid":
        lexical = lexical_index(wb)
        every = lexical.scores(query)
        bm25 = dict(lexical.top_of(every, depth, allowed))
        bm25.update(lexical.values_at(every, [c for c in cosine if c not in bm25]))
    ids = sorted((set(cosine) | set(bm25)) - excluded)
    rows = wb.store.claims_by_ids(ids)
    ids = [c for c in ids if c in rows]  # index ahead of store: skip until repaired
    with _one_thread():
        cosine.update(_cosines_for(wb, vec, [c for c in ids if c not in cosine], rows))
    cos = np.array([cosine.get(c, 0.0) for c in ids], dtype=np.float64)
    lex = np.array([bm25.get(c, 0.0) for c in ids], dtype=np.float64)
    fused = np.clip(cos, 0.0, 1.0) if mode == "dense" else fuse(cos, lex)
    final, penalties = rescore(query, [rows[c].claim.text for c in ids], fused, cos)
    final = np.clip(final, 0.0, 1.0)
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

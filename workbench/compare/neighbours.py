"""Nearest neighbours for the cluster update, at a cost per claim that does not grow with the store.

Why (issue 14): the cluster update looked up each new claim's neighbours in the search index.
While that index is flat (up to ``flat_max`` claims) every lookup scanned every stored vector,
so a chunk of new claims cost O(store), and 50k one-line records slowed down as they went in.
:class:`Neighbours` keeps the claims' *bare* vectors (what clusters compare) in memory beside
the search index:

- searched exactly while there are at most ``EXACT_MAX`` of them;
- then through an inverted file (``nlist`` ≈ sqrt(N), half the search index's policy, centres
  from faiss's k-means on a sample), retrained whenever the count has grown ``GROWTH``-fold,
  so training is amortised. Each query probes its closest lists until they hold ``SCAN``
  vectors (at least ``MIN_PROBE`` lists), so it scores about the same number of vectors at
  any size however unevenly the lists fill. The lists are kept here and each probed list is
  scored against all the chunk's queries that probe it in one matrix product on one BLAS
  thread (faiss's IVF scanned query by query at a fifth of the speed: 0.39 s vs 0.22 s per
  chunk of 256 queries at 50k, loaded box).
- the cluster update asks only for neighbours at or above its threshold (``floor``), which
  replaces a top-k over every scored vector by a pick among the few that qualify.

Its scores are bare-vector cosines, so the update no longer reads the neighbours' vectors
back from the embedding cache. It is kept whatever the search index's kind, up to the
``neighbour_max`` setting (1.5 KB of memory per claim): past ``flat_max`` the search index is
an IVF whose scan per query grows as sqrt(N) (fixed nprobe over ~2·sqrt(N) lists), and taking
neighbours from it meant reading each one's text, article, day and bare vector from the store,
which made a chunk past 50k cost 1.6× one at 50k. Only above ``neighbour_max`` is the search
index searched instead, so the vectors are not held twice in a very large store.

It is a cache of the store, tied to one search-index object: it follows that index through a
conversion (the switch to IVF, a retrain: same ids), and is dropped when the index is replaced
otherwise (reloaded, rebuilt), changed outside an ingest (a repair, a delete), or its size
stops matching; and rebuilt from the embedding cache only once the ingests that need
it add ``REBUILD_AFTER`` claims (so a one-article ingest into a big store does not pay for a
rebuild that a few flat scans beat).

Beside each vector it keeps the claim's article (as a small code) and its article's day, so the
update drops neighbours from the same article or dated more than ``MAX_DAYS_APART`` apart
without reading them from the store, and the key terms of claims it has compared (by claim id,
at most ``TERMS_MAX``: the compact record, not the text), so a neighbour's text is read and
scanned once, not again whenever a later claim meets it (the text-keyed cache in
``extract_key_terms`` holds 16k texts and stopped holding them past 16k claims).
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from workbench.api import Workbench
    from workbench.text.keyterms import KeyTerms

EXACT_MAX = 8_192  # exact search up to this many vectors, IVF beyond
GROWTH = 4  # retrain the IVF once the count has grown this many times since training
SCAN = 4_096  # vectors a query scores in the IVF (the lists probed hold about this many)
MIN_PROBE = 16  # lists probed at least
TRAIN_PER_LIST = 50  # k-means sample: at most this many vectors per list
# Lists: the search index's count (≈ 2·sqrt(N)) divided by this. Coarser lists cost a quarter
# of the k-means (sample and centres both halve) and half the list assignment, and a query
# still scores ~SCAN vectors, in fewer, larger matrix products (issue 13: 256 queries at 50k
# hashed one-liners 68 → 50 ms CPU, the two retrains 5.0 → 1.5 s, recall of the >= 0.7
# neighbours among the exact top 21 unchanged at 5 366 of 5 367)
LIST_SHARE = 2
REBUILD_AFTER = 64  # new claims that justify rebuilding a dropped cache (one read of the store)
READ_CHUNK = 4_096  # claims read per step while rebuilding (bounded memory)
TERMS_MAX = 65_536  # key-term records kept by claim id (~1 KB each for a one-line claim)
NO_DAY = np.iinfo(np.int32).min  # "date unknown" in the day column
Fact = tuple[str | None, int | None]  # (article id, day number) of one claim


_blas: Any = None


def one_blas_thread() -> Any:
    """A context in which numpy's BLAS runs on one thread. The update's products are small
    (a chunk's 256 queries against a list of ~100 vectors, or 8k at most): OpenBLAS waking its
    threads for each cost 5x the arithmetic on the shared 2-core machine (1.5 s vs 0.23 s per
    chunk of 256 queries at 50k claims)."""
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


def day_number(date: str | None) -> int | None:
    """An article date ("2025-10-28", or a longer ISO stamp) as a day number; None if unknown."""
    if not date or len(date) < 10:
        return None
    try:
        return datetime.date.fromisoformat(date[:10]).toordinal()
    except ValueError:
        return None


class Neighbours:
    """Bare claim vectors by claim id, with top-k inner-product search."""

    def __init__(self, dimension: int, source: object = None) -> None:
        self.dimension = dimension
        self.source = source  # the search-index object this mirrors
        # vectors by row while the search is exact; once the inverted file is trained they
        # live in its lists instead (contiguous per list, see ``_lists``) and this is empty
        self._vecs = np.zeros((0, dimension), dtype=np.float32)
        self._ids = np.zeros(0, dtype=np.int64)
        self._row: dict[int, int] = {}
        self._days = np.zeros(0, dtype=np.int32)  # article day per row (NO_DAY: unknown)
        self._arts = np.zeros(0, dtype=np.int32)  # article code per row (-1: unknown)
        self._art_code: dict[str, int] = {}
        self.terms: OrderedDict[int, KeyTerms] = OrderedDict()  # LRU by claim id
        self.count = 0
        self.mirrored = 0  # the search index's size this cache corresponds to
        self.centroids: np.ndarray | None = None  # the inverted file's list centres, once trained
        self._members: list[np.ndarray] = []  # rows of each list (grown by doubling)
        self._lists: list[np.ndarray] = []  # vectors of each list, contiguous, as _members
        self._fill = np.zeros(0, dtype=np.int64)  # rows used in each list
        self._list_of = np.zeros(0, dtype=np.int32)  # list of each row, once trained
        self._slot_of = np.zeros(0, dtype=np.int64)  # its place in that list
        self.trained_on = 0
        self.scanned = 0  # vectors scored by searches so far (tests read it)

    def __len__(self) -> int:
        return self.count

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._row

    def add(
        self,
        ids: Sequence[int] | np.ndarray,
        vectors: np.ndarray,
        facts: Sequence[Fact] | None = None,
    ) -> int:
        """Add the ids not held yet, with their (article id, day) ``facts`` when known;
        returns how many were new."""
        keep: list[int] = []
        seen: set[int] = set()
        for n, i in enumerate(np.asarray(ids, dtype=np.int64).tolist()):
            if i not in self._row and i not in seen:
                seen.add(i)
                keep.append(n)
        if not keep:
            return 0
        new_ids = np.asarray(ids, dtype=np.int64)[keep]
        new_vecs = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32)[keep])
        end = self.count + len(keep)
        if end > len(self._ids):  # grow by doubling: amortised O(1) per claim
            size = max(end, 2 * len(self._ids), 1024)
            self._ids = _grown(self._ids, size, 0, self.count)
            self._days = _grown(self._days, size, NO_DAY, self.count)
            self._arts = _grown(self._arts, size, -1, self.count)
            self._list_of = _grown(self._list_of, size, -1, self.count)
            self._slot_of = _grown(self._slot_of, size, -1, self.count)
        if self.centroids is None:
            if end > len(self._vecs):
                self._vecs = _grown(self._vecs, len(self._ids), 0, self.count)
            self._vecs[self.count : end] = new_vecs
        self._ids[self.count : end] = new_ids
        if facts is not None:
            for row, n in enumerate(keep, self.count):
                article, day = facts[n]
                self._days[row] = NO_DAY if day is None else day
                if article is not None:
                    self._arts[row] = self._art_code.setdefault(article, len(self._art_code))
        for n, i in enumerate(new_ids.tolist()):
            self._row[i] = self.count + n
        self.count = end
        if self.centroids is not None:
            with one_blas_thread():
                self._file(np.arange(end - len(keep), end), new_vecs)
            if end >= GROWTH * self.trained_on:
                self._train()
        elif end > EXACT_MAX:
            self._train()
        return len(keep)

    def _file(self, rows: np.ndarray, vecs: np.ndarray) -> None:
        """Append ``rows`` and their vectors to the lists whose centres they are closest to.
        Each list keeps its vectors contiguous, so a search scores a list in place: gathering
        them from a row-ordered array cost a copy of nearly the whole store per chunk, since a
        chunk's queries together probe most lists (issue 13: 0.1 s per chunk at 50k)."""
        assert self.centroids is not None
        for start in range(0, len(rows), READ_CHUNK):  # bounded scratch memory
            part = rows[start : start + READ_CHUNK]
            block = vecs[start : start + READ_CHUNK]
            lists = np.argmax(block @ self.centroids.T, axis=1)
            order = np.argsort(lists, kind="stable")
            found, first = np.unique(lists[order], return_index=True)
            for lst, lo, hi in zip(
                found.tolist(), first.tolist(), [*first[1:].tolist(), len(order)], strict=True
            ):
                take = order[lo:hi]
                have, room = int(self._fill[lst]), len(self._members[lst])
                if have + len(take) > room:
                    size = max(have + len(take), 2 * room, 16)
                    self._members[lst] = _grown(self._members[lst], size, -1, have)
                    self._lists[lst] = _grown(self._lists[lst], size, 0, have)
                end = have + len(take)
                self._members[lst][have:end] = part[take]
                self._lists[lst][have:end] = block[take]
                self._list_of[part[take]] = lst
                self._slot_of[part[take]] = np.arange(have, end)
                self._fill[lst] = end

    def _vector(self, row: int) -> np.ndarray:
        """The vector of one row, wherever it is kept."""
        if self.centroids is None:
            return self._vecs[row]
        return self._lists[int(self._list_of[row])][int(self._slot_of[row])]

    def _all_vectors(self) -> np.ndarray:
        """Every held vector by row (a copy once they live in the lists)."""
        if self.centroids is None:
            return self._vecs[: self.count]
        out = np.empty((self.count, self.dimension), dtype=np.float32)
        for lst, rows in enumerate(self._members):
            fill = int(self._fill[lst])
            out[rows[:fill]] = self._lists[lst][:fill]
        return out

    def vectors(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        """The held vectors of those ``ids`` that are held."""
        return {int(i): self._vector(self._row[int(i)]) for i in ids if int(i) in self._row}

    def article_day(self, claim_id: int) -> tuple[int, int | None] | None:
        """(article code, day or None) of a held claim, None when not held or its article is
        unknown (codes compare equal exactly when the article ids do)."""
        row = self._row.get(claim_id)
        if row is None or self._arts[row] < 0:
            return None
        day = int(self._days[row])
        return int(self._arts[row]), None if day == NO_DAY else day

    def facts(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(article codes, days) of an array of claim ids, shaped like it: -1 and NO_DAY
        where a claim is not held or that fact is unknown."""
        flat = np.asarray(ids, dtype=np.int64).ravel().tolist()
        rows = np.fromiter((self._row.get(i, -1) for i in flat), dtype=np.int64, count=len(flat))
        held = rows >= 0
        arts = np.where(held, self._arts[np.where(held, rows, 0)], -1) if len(self._arts) else rows
        days = (
            np.where(held, self._days[np.where(held, rows, 0)], NO_DAY) if len(self._days) else rows
        )
        shape = np.shape(ids)
        return arts.reshape(shape), days.reshape(shape)

    def key_terms(self, claim_id: int) -> KeyTerms | None:
        """The cached key terms of a claim, or None."""
        got = self.terms.get(claim_id)
        if got is not None:
            self.terms.move_to_end(claim_id)
        return got

    def keep_terms(self, claim_id: int, terms: KeyTerms) -> None:
        """Cache a held claim's key terms, evicting the least recently used past TERMS_MAX."""
        if claim_id not in self._row:
            return
        self.terms[claim_id] = terms
        if len(self.terms) > TERMS_MAX:
            self.terms.popitem(last=False)

    def _train(self) -> None:
        """(Re)build the IVF over every held vector; called at geometric intervals only."""
        from workbench.retrieval.index_policy import (
            faiss_module,
            ivf_nlist,
            omp_threads,
        )

        faiss = faiss_module()
        omp_threads(small=True)
        nlist = max(1, ivf_nlist(self.count) // LIST_SHARE)
        quantizer = faiss.IndexFlatIP(self.dimension)
        ivf = faiss.IndexIVFFlat(quantizer, self.dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(self.count)
        take = min(self.count, TRAIN_PER_LIST * nlist)
        every = self._all_vectors()
        sample = every[np.sort(rng.choice(self.count, take, replace=False))]
        ivf.train(sample)  # faiss's k-means; the lists themselves are kept and scanned here
        self.centroids = np.ascontiguousarray(quantizer.reconstruct_n(0, nlist), np.float32)
        self._members = [np.zeros(0, dtype=np.int64) for _ in range(nlist)]
        self._lists = [np.zeros((0, self.dimension), dtype=np.float32) for _ in range(nlist)]
        self._fill = np.zeros(nlist, dtype=np.int64)
        self._vecs = np.zeros((0, self.dimension), dtype=np.float32)  # the lists hold them now
        with one_blas_thread():
            self._file(np.arange(self.count), every)
        self.trained_on = self.count

    def search(
        self, queries: np.ndarray, k: int, floor: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """See ``_search``; on one BLAS thread."""
        with one_blas_thread():
            return self._search(queries, k, floor)

    def _search(
        self, queries: np.ndarray, k: int, floor: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (inner products, claim ids) per query row, padded with id -1; with a
        ``floor``, only those scoring at least that (the cluster update uses no others, and
        selecting among a few is cheaper than a top-k over every scanned vector)."""
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dimension)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        found = np.full((len(queries), k), -1, dtype=np.int64)
        if not self.count or not len(queries):
            return scores, found
        if self.centroids is not None:
            return self._top(*self._scan_lists(queries, k, floor), scores, found)
        sims = queries @ self._vecs[: self.count].T
        self.scanned += sims.size
        if floor is not None:
            hits = _pick(np.arange(len(queries)), np.arange(self.count), sims, k, floor)
            return self._top(*hits, scores, found)
        top = min(k, self.count)
        part = np.argpartition(-sims, top - 1, axis=1)[:, :top]
        order = np.argsort(-np.take_along_axis(sims, part, axis=1), axis=1, kind="stable")
        part = np.take_along_axis(part, order, axis=1)
        scores[:, :top] = np.take_along_axis(sims, part, axis=1)
        found[:, :top] = self._ids[part]
        return scores, found

    def _scan_lists(
        self, queries: np.ndarray, k: int, floor: float | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query, row, score) candidates from the inverted file: each query probes its
        closest lists until they hold ``SCAN`` vectors (at least ``MIN_PROBE`` lists), so it
        scores about SCAN vectors at any size, however unevenly the lists fill. Each probed
        list is scored against all the queries that probe it in one matrix product (BLAS,
        several times faster than scanning query by query)."""
        assert self.centroids is not None
        nq, nlist = len(queries), len(self.centroids)
        order = np.argsort(-(queries @ self.centroids.T), axis=1, kind="stable")
        held = np.cumsum(self._fill[order], axis=1)
        probes = np.minimum(nlist, np.maximum(MIN_PROBE, (held < SCAN).sum(axis=1) + 1))
        self.scanned += int(held[np.arange(nq), probes - 1].sum())
        q_of = np.repeat(np.arange(nq), probes)
        l_of = order[np.arange(nlist)[None, :] < probes[:, None]]  # row-major, as q_of
        by_list = np.argsort(l_of, kind="stable")
        lists, first = np.unique(l_of[by_list], return_index=True)
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for lst, lo, hi in zip(
            lists.tolist(), first.tolist(), [*first[1:].tolist(), len(by_list)], strict=True
        ):
            fill = int(self._fill[lst])
            if fill:
                qs = q_of[by_list[lo:hi]]
                sims = queries[qs] @ self._lists[lst][:fill].T
                parts.append(_pick(qs, self._members[lst][:fill], sims, k, floor))
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        q, r, v = zip(*parts, strict=True)
        return np.concatenate(q), np.concatenate(r), np.concatenate(v)

    def _top(
        self,
        q: np.ndarray,
        rows: np.ndarray,
        vals: np.ndarray,
        scores: np.ndarray,
        found: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The best ``k`` candidates per query, by score, into the padded outputs."""
        k = scores.shape[1]
        # by query, then by descending score, ties in candidate order (np.lexsort((-vals, q))
        # in one stable sort of a float64 key, which holds both exactly: a third of the time)
        gap = 2.0 * float(np.abs(vals).max(initial=0.0)) + 1.0
        order = np.argsort(q * gap - vals.astype(np.float64), kind="stable")
        q, rows, vals = q[order], rows[order], vals[order]
        rank = np.arange(len(q)) - np.searchsorted(q, q, side="left")
        keep = rank < k
        scores[q[keep], rank[keep]] = vals[keep]
        found[q[keep], rank[keep]] = self._ids[rows[keep]]
        return scores, found


def _grown(old: np.ndarray, size: int, fill: float, used: int) -> np.ndarray:
    """``old`` reallocated to ``size`` rows (its first ``used`` kept, the rest ``fill``)."""
    new = np.full((size, *old.shape[1:]), fill, dtype=old.dtype)
    new[:used] = old[:used]
    return new


def _pick(
    qs: np.ndarray, rows: np.ndarray, sims: np.ndarray, k: int, floor: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query, row, score) of a block's candidates: those at or above ``floor`` when they are
    few, else each query's top ``k`` of the block (above the floor, when given)."""
    if floor is not None:
        mask = sims >= floor
        if int(mask.sum()) <= 4 * k * len(qs):
            r, c = np.nonzero(mask)
            return qs[r], rows[c], sims[r, c]
    top = min(k, sims.shape[1])
    if sims.shape[1] > top:
        part = np.argpartition(-sims, top - 1, axis=1)[:, :top]
    else:
        part = np.broadcast_to(np.arange(top), (len(qs), top))
    vals = np.take_along_axis(sims, part, axis=1).ravel()
    q, r = np.repeat(qs, top), rows[part].ravel()
    if floor is not None:
        keep = vals >= floor
        q, r, vals = q[keep], r[keep], vals[keep]
    return q, r, vals


def neighbour_index(
    wb: Workbench, ids: Sequence[int], vectors: np.ndarray, facts: Sequence[Fact] | None = None
) -> Neighbours | None:
    """The workbench's :class:`Neighbours`, holding every indexed claim (``ids``, the new
    ones with their bare ``vectors`` and (article id, day) ``facts``, included), or None when
    the search index should be searched instead: above ``neighbour_max`` claims, or while a
    dropped cache is not yet worth rebuilding."""
    index = wb.index
    state: NeighbourState = wb.neighbour_state
    if len(index) > wb.settings.neighbour_max:
        state.drop()
        return None
    held = state.held
    if held is not None and held.source is index:
        held.mirrored += held.add(ids, vectors, facts)
        if held.mirrored == len(index):
            return held
    state.drop()
    state.debt += len(ids)
    if state.debt < REBUILD_AFTER and len(index) > len(ids):
        return None
    state.held = _rebuild(wb, ids, vectors, facts)
    state.debt = 0
    state.rebuilds += 1
    return state.held


def _rebuild(
    wb: Workbench, ids: Sequence[int], vectors: np.ndarray, facts: Sequence[Fact] | None
) -> Neighbours:
    """Every indexed claim's bare vector, from the embedding cache (nothing cached is encoded),
    with its article and day."""
    index = wb.index
    held = Neighbours(wb.dimension, source=index)
    held.add(ids, vectors, facts)
    older = [int(i) for i in index.ids().tolist() if int(i) not in held]
    for start in range(0, len(older), READ_CHUNK):
        part = older[start : start + READ_CHUNK]
        rows = wb.store.claim_facts(part)
        got = [i for i in part if i in rows]
        if got:
            held.add(
                got,
                wb.vectors_for([rows[i].text for i in got]),
                [(rows[i].article_id, day_number(rows[i].date)) for i in got],
            )
    held.mirrored = len(index)  # ids the store no longer has (repair drops them) stay out
    return held


class NeighbourState:
    """What a workbench keeps between cluster updates: the cache and the claims added while
    it was dropped (see ``REBUILD_AFTER``)."""

    def __init__(self) -> None:
        self.held: Neighbours | None = None
        self.debt = 0
        self.rebuilds = 0  # tests read it

    def drop(self) -> None:
        """Forget the cache (the search index changed other than by an ingest)."""
        self.held = None

    def follow(self, old: object, new: Any) -> None:
        """Tie the cache to ``new``, a conversion of ``old`` (same ids, another kind or a
        retrain), when it mirrors all of ``old``: rebuilding it from the store would read
        every claim again for nothing (12 s at the 50k switch to IVF)."""
        held = self.held
        if held is not None and held.source is old and held.mirrored == len(new):
            held.source = new

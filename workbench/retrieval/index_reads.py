"""The read side of :class:`~workbench.retrieval.index.FaissIndex`: copying ids and vectors
out of the FAISS structures, top-k search (with id filters and tombstones), and cosines of a
query against given ids read straight off the stored vectors.

A mixin, so ``FaissIndex`` stays one class while construction/persistence
(``retrieval/index.py``) and reads live in modules of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from workbench.retrieval.index_policy import SMALL_BATCH, ivf_nprobe
from workbench.retrieval.index_policy import faiss_module as _faiss
from workbench.retrieval.index_policy import omp_threads as _threads

CHUNK = 50_000
EXACT_ALLOWED_MAX = 20_000  # an ``allowed`` set this small is searched exactly, whatever the kind


class IndexReads:
    """Reads of a FAISS index of kind flat, ivf or hnsw (state set by ``FaissIndex``)."""

    dimension: int
    kind: str
    params: dict[str, int]
    tombstones: set[int]
    _index: Any
    _idmap_cache: np.ndarray | None
    _positions: tuple[np.ndarray, np.ndarray, np.ndarray] | None

    def _ntotal(self) -> int:
        return int(self._index.ntotal) if self._index is not None else 0

    def __len__(self) -> int:
        return self._ntotal() - len(self.tombstones)

    def _id_map(self) -> np.ndarray:
        """Ids by internal position, tombstones included (cached until the index changes).

        For IVF the position is list by list, in list order."""
        if self._idmap_cache is None:
            if self._index is None:
                self._idmap_cache = np.zeros(0, dtype=np.int64)
            elif self.kind == "ivf":
                parts = [ids for ids, _ in self._ivf_lists(vectors=False)]
                self._idmap_cache = np.concatenate(parts) if parts else np.zeros(0, np.int64)
            else:
                self._idmap_cache = _faiss().vector_to_array(self._index.id_map).astype(np.int64)
        return self._idmap_cache

    def _ivf_lists(self, vectors: bool = True) -> Iterable[tuple[np.ndarray, np.ndarray | None]]:
        """(ids, vectors or None) of each non-empty IVF list, copied out."""
        faiss = _faiss()
        invlists = self._index.invlists
        d = self.dimension
        for lst in range(self._index.nlist):
            n = int(invlists.list_size(lst))
            if not n:
                continue
            ids = faiss.rev_swig_ptr(invlists.get_ids(lst), n).astype(np.int64)
            vecs = None
            if vectors:
                codes = faiss.rev_swig_ptr(invlists.get_codes(lst), n * d * 4)
                vecs = np.frombuffer(codes.tobytes(), dtype=np.float32).reshape(n, d)
            yield ids, vecs

    def chunks(self, size: int = CHUNK) -> Iterable[tuple[np.ndarray, np.ndarray]]:
        """(ids, vectors) of every live entry, copied out ~``size`` at a time."""
        if self._index is None or not self._ntotal():
            return
        if self.kind == "ivf":
            ids_buf: list[np.ndarray] = []
            vec_buf: list[np.ndarray] = []
            held = 0
            for ids, vecs in self._ivf_lists():
                ids_buf.append(ids)
                vec_buf.append(vecs)
                held += len(ids)
                if held >= size:
                    yield np.concatenate(ids_buf), np.concatenate(vec_buf)
                    ids_buf, vec_buf, held = [], [], 0
            if held:
                yield np.concatenate(ids_buf), np.concatenate(vec_buf)
            return
        id_map, stored = self._id_map(), self._stored()
        dead = np.fromiter(self.tombstones, dtype=np.int64) if self.tombstones else None
        for start in range(0, len(id_map), size):
            ids = id_map[start : start + size]
            vecs = stored[start : start + size]
            if dead is not None:
                keep = ~np.isin(ids, dead)
                ids, vecs = ids[keep], vecs[keep]
            yield ids.copy(), np.array(vecs, dtype=np.float32)

    def _stored(self) -> np.ndarray:
        """A read-only (ntotal, d) view of every stored vector, by internal position."""
        faiss = _faiss()
        inner = faiss.downcast_index(self._index.index)
        flat = faiss.downcast_index(inner.storage) if self.kind == "hnsw" else inner
        n = int(flat.ntotal)
        if n == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return faiss.rev_swig_ptr(flat.get_xb(), n * self.dimension).reshape(n, self.dimension)

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of every live entry, copied out of the index."""
        if self.kind == "ivf" or self._index is None:
            parts = list(self.chunks())
            if not parts:
                return np.zeros(0, np.int64), np.zeros((0, self.dimension), np.float32)
            return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        ids = self._id_map()
        stored = self._stored()
        if not self.tombstones:
            return ids.copy(), np.array(stored, dtype=np.float32)
        keep = ~np.isin(ids, np.fromiter(self.tombstones, dtype=np.int64))
        return ids[keep], np.array(stored[keep], dtype=np.float32)

    def ids(self) -> np.ndarray:
        ids = self._id_map()
        if self.tombstones:
            ids = ids[~np.isin(ids, np.fromiter(self.tombstones, dtype=np.int64))]
        return ids.copy()

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, ids) per query row; ``allowed`` restricts hits to those ids.

        Rows are padded with id -1 when fewer hits exist, as FAISS does.
        """
        faiss = _faiss()
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dimension)
        k = max(1, min(int(k), len(self) or 1))
        if self._index is None or not self._ntotal():
            return (
                np.full((len(queries), k), -np.inf, dtype=np.float32),
                np.full((len(queries), k), -1, dtype=np.int64),
            )
        _threads(small=len(queries) <= SMALL_BATCH)
        if allowed is not None:
            allowed = np.ascontiguousarray(allowed, dtype=np.int64).reshape(-1)
            if self.tombstones:
                allowed = allowed[~np.isin(allowed, np.fromiter(self.tombstones, dtype=np.int64))]
            if not len(allowed):
                empty = np.zeros((len(queries), 0))
                return empty.astype(np.float32), empty.astype(np.int64)
            if self.kind == "hnsw" and len(allowed) <= max(
                EXACT_ALLOWED_MAX, self._index.ntotal // 20
            ):
                return self._exact_subset(queries, k, allowed)
            sel = faiss.IDSelectorBatch(allowed)
        elif self.tombstones:
            sel = faiss.IDSelectorNot(
                faiss.IDSelectorBatch(np.fromiter(self.tombstones, dtype=np.int64))
            )
        else:
            sel = None
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(int(self.params["ef_search"]), k))
            if sel is not None:
                params.sel = sel
        elif self.kind == "ivf":
            nlist = int(self._index.nlist)
            nprobe = int(self.params.get("nprobe") or ivf_nprobe(nlist))
            if allowed is not None:
                # a filter keeping a share f of the entries needs ~1/f more lists for k hits;
                # a small filter thus scans every list, exactly (the selector is checked first)
                nprobe = int(np.ceil(nprobe * self._ntotal() / len(allowed)))
            params = faiss.SearchParametersIVF(nprobe=min(nlist, nprobe))
            if sel is not None:
                params.sel = sel
        else:
            params = faiss.SearchParameters(sel=sel) if sel is not None else None
        return (
            self._index.search(queries, k, params=params)
            if params is not None
            else self._index.search(queries, k)
        )

    def cosines(self, vector: np.ndarray, ids: Sequence[int]) -> dict[int, float]:
        """Inner products of ``vector`` with the stored vectors of ``ids`` (no second scan).

        Read straight off a flat or HNSW index's vectors; ids that are not held (unknown or
        deleted) are left out, and so is every id of an IVF index, whose vectors are not
        addressable by position: the caller falls back to the embedding cache for those.
        The id -> position order is sorted once per index state.
        """
        if not len(ids) or self.kind == "ivf" or self._index is None:
            return {}
        id_map = self._id_map()
        if self._positions is None or self._positions[0] is not id_map:
            order = np.argsort(id_map, kind="stable")
            self._positions = (id_map, order, id_map[order])
        _, order, sorted_ids = self._positions
        want = np.asarray(ids, dtype=np.int64)
        at = np.clip(np.searchsorted(sorted_ids, want), 0, max(len(sorted_ids) - 1, 0))
        found = (sorted_ids[at] == want) if len(sorted_ids) else np.zeros(len(want), bool)
        if self.tombstones:
            found &= ~np.isin(want, np.fromiter(self.tombstones, dtype=np.int64))
        if not found.any():
            return {}
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        cos = self._stored()[order[at[found]]] @ query
        return dict(zip(want[found].tolist(), cos.astype(np.float64).tolist(), strict=True))

    def _exact_subset(
        self, queries: np.ndarray, k: int, allowed: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Brute force over the allowed ids only: exact, and fast while the set is small."""
        id_map = self._id_map()
        pos = np.flatnonzero(np.isin(id_map, allowed))
        scores = queries @ self._stored()[pos].T
        k = min(k, len(pos))
        top = np.argsort(-scores, axis=1)[:, :k]
        return np.take_along_axis(scores, top, axis=1).astype(np.float32), id_map[pos][top]

"""The vector index behind a small interface, with FAISS as the backend.

Vectors are L2-normalised and compared by inner product; ids are int64 and equal the claim
ids in the store, so a hit maps straight back to its claim. Three kinds share one class:

* ``flat``: exact search (``IndexIDMap2(IndexFlatIP)``); removal is native.
* ``ivf``: approximate inverted-file search (``IndexIVFFlat`` over an inner-product k-means
  quantizer, ``nlist`` ≈ 2·sqrt(N) lists trained on at most 50·nlist sampled vectors, ``nprobe``
  lists scanned per query). The lists store the claim ids themselves (no id map) and removal is
  native. It is what ``auto`` picks above ``flat_max``: it builds in seconds where HNSW takes
  minutes, and the vectors are added chunk by chunk into lists sized up front, so a 1M build
  does not hold two copies of the vectors.
* ``hnsw``: approximate graph search (``IndexIDMap2(IndexHNSWFlat)``) for large indexes. HNSW
  cannot delete, so removed ids become *tombstones*: persisted in a sidecar file, excluded
  from every search by an id selector, and dropped for good by :meth:`FaissIndex.compact`
  (a rebuild from the vectors the index itself stores) once they pass ``COMPACT_FRACTION``.

``save`` writes the index, the tombstones and a JSON manifest (model, dimension, count, kind,
params, build time) atomically beside the store; ``load`` restores whichever kind it finds.

This module holds construction, updates and persistence; the reads (copying vectors out,
search, cosines) are the :class:`~workbench.retrieval.index_reads.IndexReads` mixin, and the
sizing policy and file helpers are in ``index_policy``. Every old import from here still works.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from workbench.errors import WorkbenchError
from workbench.retrieval.index_policy import (
    KINDS,
    MANIFEST_FILE,
    SMALL_BATCH,
    ivf_nlist,
    ivf_nprobe,
    read_manifest,
    write_json_atomic,
    write_tombstones,
)
from workbench.retrieval.index_policy import faiss_module as _faiss
from workbench.retrieval.index_policy import omp_threads as _threads
from workbench.retrieval.index_reads import CHUNK, EXACT_ALLOWED_MAX, IndexReads

INDEX_FILE = "claims.faiss"
TOMBSTONE_FILE = "claims.tombstones.npy"
HNSW_DEFAULTS: dict[str, int] = {"M": 32, "ef_construction": 64, "ef_search": 96}
IVF_TRAIN_PER_LIST = 50  # k-means sample: at most this many vectors per list
IVF_RETRAIN_GROWTH = 8  # retrain (on save) once the index holds this many times its training size
COMPACT_FRACTION = 0.2  # rebuild an HNSW index once this share of its entries is deleted


class VectorIndex(Protocol):
    """What the workbench needs from a vector index."""

    dimension: int

    def build(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...
    def remove(self, ids: Iterable[int]) -> int: ...
    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]: ...
    def ids(self) -> np.ndarray: ...
    def cosines(self, vector: np.ndarray, ids: Sequence[int]) -> dict[int, float]: ...
    def save(self, directory: Path) -> None: ...
    def __len__(self) -> int: ...


class FaissIndex(IndexReads):
    """Inner-product search over an id-mapped FAISS index: exact (flat) or approximate (HNSW)."""

    def __init__(
        self,
        dimension: int,
        model: str = "",
        index: Any = None,
        manifest: dict | None = None,
        kind: str = "flat",
        params: dict[str, int] | None = None,
        tombstones: Iterable[int] = (),
    ) -> None:
        if kind not in KINDS:
            raise WorkbenchError(f"unknown index kind {kind!r} (known: {', '.join(KINDS)})")
        self.dimension = dimension
        self.model = model
        self.kind = kind
        if kind == "hnsw":
            self.params: dict[str, int] = {**HNSW_DEFAULTS, **(params or {})}
        elif kind == "ivf":
            self.params = {"nlist": 0, "nprobe": 0, "trained_on": 0, **(params or {})}
        else:
            self.params = {}
        self._index = index if index is not None else self._empty()
        if kind == "ivf" and index is not None:
            self.params["nlist"] = int(_faiss().extract_index_ivf(index).nlist)
        self.manifest: dict[str, Any] = dict(manifest or {})
        self.tombstones: set[int] = {int(i) for i in tombstones}
        self._idmap_cache: np.ndarray | None = None
        # (id map it was built from, positions sorting it, ids in that order), for ``cosines``
        self._positions: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    # --- construction ------------------------------------------------------------------------

    def _empty(self) -> Any:
        faiss = _faiss()
        if self.kind == "ivf":
            return None  # created by ``train``, once the number of lists is known
        if self.kind == "hnsw":
            inner = faiss.IndexHNSWFlat(
                self.dimension, int(self.params["M"]), faiss.METRIC_INNER_PRODUCT
            )
            inner.hnsw.efConstruction = int(self.params["ef_construction"])
            inner.hnsw.efSearch = int(self.params["ef_search"])
        else:
            inner = faiss.IndexFlatIP(self.dimension)
        return faiss.IndexIDMap2(inner)

    def train(self, sample: np.ndarray, count: int | None = None) -> None:
        """IVF only: create the lists for ``count`` vectors (default: the sample's size) and run
        k-means on at most 50 sample vectors per list. A no-op for the other kinds."""
        if self.kind != "ivf":
            return
        faiss = _faiss()
        sample = np.ascontiguousarray(sample, dtype=np.float32)
        count = max(int(count or 0), len(sample))
        nlist = self.params.get("nlist") or ivf_nlist(count)
        nlist = int(max(1, min(nlist, len(sample))))
        if len(sample) > IVF_TRAIN_PER_LIST * nlist:
            rng = np.random.default_rng(0)
            pick = np.sort(rng.choice(len(sample), IVF_TRAIN_PER_LIST * nlist, replace=False))
            sample = np.ascontiguousarray(sample[pick])
        quantizer = faiss.IndexFlatIP(self.dimension)
        index = faiss.IndexIVFFlat(quantizer, self.dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        index.cp.niter = 10  # fewer k-means rounds: lists barely change after ~10 on embeddings
        _threads(small=False)
        index.train(sample)
        self._index = index
        self._idmap_cache = None
        self.params.update(
            nlist=nlist,
            nprobe=self.params.get("nprobe") or ivf_nprobe(nlist),
            trained_on=count,
        )

    def reserve(self, vectors: Iterable[np.ndarray]) -> None:
        """IVF only: size each list for the vectors still to come, so adding them grows no list
        by reallocation (which would briefly hold up to twice the vectors). Optional."""
        if self.kind != "ivf" or self._index is None:
            return
        counts = np.zeros(self._index.nlist, dtype=np.int64)
        for chunk in vectors:
            _threads(small=False)
            _, assign = self._index.quantizer.search(
                np.ascontiguousarray(chunk, dtype=np.float32), 1
            )
            counts += np.bincount(assign.ravel(), minlength=len(counts))
        invlists = self._index.invlists
        for lst in np.flatnonzero(counts).tolist():
            size = int(invlists.list_size(lst))
            invlists.resize(lst, size + int(counts[lst]))  # exact capacity ...
            invlists.resize(lst, size)  # ... kept when the size goes back

    def needs_retrain(self) -> bool:
        """IVF whose lists were trained for far fewer vectors than it now holds."""
        trained = int(self.params.get("trained_on") or 0)
        return self.kind == "ivf" and len(self) > IVF_RETRAIN_GROWTH * max(trained, 1)

    def _check(self, ids: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            raise WorkbenchError(
                f"vectors have shape {vectors.shape}, the index holds {self.dimension}-d vectors"
            )
        if len(ids) != len(vectors):
            raise WorkbenchError(f"{len(ids)} ids for {len(vectors)} vectors")
        return ids, vectors

    def build(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        ids, vectors = self._check(ids, vectors)
        self._index = self._empty()
        self.tombstones = set()
        self._idmap_cache = None
        if self.kind == "ivf" and len(ids):
            self.params["nlist"] = 0  # sized for this build
            self.train(vectors)
            self.reserve(vectors[s : s + CHUNK] for s in range(0, len(vectors), CHUNK))
        for start in range(0, len(ids), CHUNK):
            self.add(ids[start : start + CHUNK], vectors[start : start + CHUNK])

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors; re-adding a deleted id (an update) first compacts its old vector away."""
        ids, vectors = self._check(ids, vectors)
        if not len(ids):
            return
        if self.tombstones and not self.tombstones.isdisjoint(ids.tolist()):
            self.compact()
        if self._index is None:  # an untrained IVF: its first vectors train it
            self.train(vectors)
        _threads(small=False)
        self._index.add_with_ids(vectors, ids)
        self._idmap_cache = None

    def remove(self, ids: Iterable[int]) -> int:
        """Delete ids; returns how many were in the index."""
        arr = np.unique(np.fromiter((int(i) for i in ids), dtype=np.int64))
        if not len(arr):
            return 0
        if self._index is None:
            return 0
        if self.kind != "hnsw":
            self._idmap_cache = None
            return int(self._index.remove_ids(_faiss().IDSelectorBatch(arr)))
        present = arr[np.isin(arr, self._id_map())]
        fresh = [i for i in present.tolist() if i not in self.tombstones]
        self.tombstones.update(fresh)
        if self.tombstones and len(self.tombstones) > COMPACT_FRACTION * self._index.ntotal:
            self.compact()
        return len(fresh)

    def compact(self) -> int:
        """Rebuild without tombstoned entries (from the stored vectors); returns how many went."""
        if not self.tombstones:
            return 0
        ids, vectors = self.vectors()
        dropped = len(self.tombstones)
        self._index = self._empty()
        self.tombstones = set()
        self._idmap_cache = None
        _threads(small=False)
        for start in range(0, len(ids), CHUNK):
            self._index.add_with_ids(
                np.ascontiguousarray(vectors[start : start + CHUNK]), ids[start : start + CHUNK]
            )
        return dropped

    def converted(self, kind: str, params: dict[str, int] | None = None) -> FaissIndex:
        """The same live ids and vectors in an index of another kind (or a retrained IVF).

        Vectors are copied out chunk by chunk, so the conversion holds the old index, the new
        one and one chunk — never a third full copy.
        """
        other = FaissIndex(
            self.dimension, self.model, manifest=self.manifest, kind=kind, params=params
        )
        if kind == "ivf":
            count = len(self)
            other.train(self._sample(IVF_TRAIN_PER_LIST * ivf_nlist(count)), count)
            other.reserve(v for _, v in self.chunks())
        for ids, vectors in self.chunks():
            other.add(ids, vectors)
        return other

    def _sample(self, n: int) -> np.ndarray:
        """Up to ``n`` live vectors drawn evenly from every chunk (k-means training input)."""
        total = max(len(self), 1)
        parts = []
        rng = np.random.default_rng(0)
        for _, vectors in self.chunks():
            take = min(len(vectors), int(np.ceil(n * len(vectors) / total)))
            parts.append(vectors[np.sort(rng.choice(len(vectors), take, replace=False))])
        return np.concatenate(parts) if parts else np.zeros((0, self.dimension), np.float32)

    # --- persistence -------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write index, tombstones, then manifest, each via a temp file and an atomic rename."""
        faiss = _faiss()
        if self._index is None:  # an empty, untrained IVF: saved as an empty flat index
            self.kind, self.params = "flat", {}
            self._index = self._empty()
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".claims.", suffix=".faiss.tmp", dir=directory)
        os.close(fd)
        try:
            faiss.write_index(self._index, tmp)
            os.replace(tmp, directory / INDEX_FILE)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        write_tombstones(directory / TOMBSTONE_FILE, self.tombstones)
        ids = self.ids()
        self.manifest.update(
            {
                "model": self.model,
                "dimension": self.dimension,
                "count": len(self),
                "kind": self.kind,
                "params": self.params,
                "tombstones": len(self.tombstones),
                "metric": "inner_product",
                "normalized": True,
                "id_sum": int(ids.sum()) if len(ids) else 0,
                "build_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
        )
        write_json_atomic(directory / MANIFEST_FILE, self.manifest)

    @classmethod
    def load(cls, directory: Path) -> FaissIndex:
        """Load whichever kind the manifest names (``flat`` when it names none)."""
        faiss = _faiss()
        manifest = read_manifest(directory)
        path = directory / INDEX_FILE
        if manifest is None or not path.exists():
            raise WorkbenchError(f"no index in {directory}")
        index = faiss.read_index(str(path))
        kind = manifest.get("kind") or "flat"
        tombstones: Iterable[int] = ()
        if kind == "hnsw" and (directory / TOMBSTONE_FILE).exists():
            tombstones = np.load(directory / TOMBSTONE_FILE).tolist()
        return cls(
            int(manifest["dimension"]),
            manifest.get("model", ""),
            index=index,
            manifest=manifest,
            kind=kind,
            params=manifest.get("params") or None,
            tombstones=tombstones,
        )


__all__ = [
    "CHUNK",
    "COMPACT_FRACTION",
    "EXACT_ALLOWED_MAX",
    "HNSW_DEFAULTS",
    "INDEX_FILE",
    "IVF_RETRAIN_GROWTH",
    "IVF_TRAIN_PER_LIST",
    "KINDS",
    "MANIFEST_FILE",
    "SMALL_BATCH",
    "TOMBSTONE_FILE",
    "FaissIndex",
    "VectorIndex",
    "ivf_nlist",
    "ivf_nprobe",
]

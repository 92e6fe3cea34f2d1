"""The vector index behind a small interface, with FAISS as the backend.

Vectors are L2-normalised and compared by inner product; ids are int64 and equal the claim
ids in the store, so a hit maps straight back to its claim. ``save`` writes the index and a
JSON manifest (model, dimension, count, build time, kind) atomically beside the store.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from workbench.errors import MissingDependency, WorkbenchError

INDEX_FILE = "claims.faiss"
MANIFEST_FILE = "claims.manifest.json"


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as exc:
        raise MissingDependency("the vector index", "faiss-cpu") from exc
    return faiss


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
    def save(self, directory: Path) -> None: ...
    def __len__(self) -> int: ...


class FaissIndex:
    """Exact inner-product search over an id-mapped flat FAISS index."""

    kind = "flat"

    def __init__(self, dimension: int, model: str = "", index: Any = None, manifest: dict | None = None) -> None:
        faiss = _faiss()
        self.dimension = dimension
        self.model = model
        self._index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        self.manifest: dict[str, Any] = dict(manifest or {})

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def _check(self, ids: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            raise WorkbenchError(f"vectors have shape {vectors.shape}, the index holds {self.dimension}-d vectors")
        if len(ids) != len(vectors):
            raise WorkbenchError(f"{len(ids)} ids for {len(vectors)} vectors")
        return ids, vectors

    def build(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        faiss = _faiss()
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dimension))
        self.add(ids, vectors)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        ids, vectors = self._check(ids, vectors)
        if len(ids):
            self._index.add_with_ids(vectors, ids)

    def remove(self, ids: Iterable[int]) -> int:
        arr = np.fromiter((int(i) for i in ids), dtype=np.int64)
        if not len(arr):
            return 0
        return int(self._index.remove_ids(_faiss().IDSelectorBatch(arr)))

    def ids(self) -> np.ndarray:
        return _faiss().vector_to_array(self._index.id_map).astype(np.int64)

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, ids) per query row; ``allowed`` restricts hits to those ids."""
        faiss = _faiss()
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dimension)
        k = max(1, min(int(k), len(self) or 1))
        if allowed is not None:
            allowed = np.ascontiguousarray(allowed, dtype=np.int64)
            if not len(allowed):
                empty = np.zeros((len(queries), 0))
                return empty.astype(np.float32), empty.astype(np.int64)
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
            scores, ids = self._index.search(queries, k, params=params)
        else:
            scores, ids = self._index.search(queries, k)
        return scores, ids

    def save(self, directory: Path) -> None:
        """Write index then manifest, each via a temp file and an atomic rename."""
        faiss = _faiss()
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".claims.", suffix=".faiss.tmp", dir=directory)
        os.close(fd)
        try:
            faiss.write_index(self._index, tmp)
            os.replace(tmp, directory / INDEX_FILE)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        ids = self.ids()
        self.manifest.update(
            {
                "model": self.model,
                "dimension": self.dimension,
                "count": len(self),
                "kind": self.kind,
                "metric": "inner_product",
                "normalized": True,
                "id_sum": int(ids.sum()) if len(ids) else 0,
                "build_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
        )
        write_json_atomic(directory / MANIFEST_FILE, self.manifest)

    @classmethod
    def load(cls, directory: Path) -> FaissIndex:
        faiss = _faiss()
        manifest = read_manifest(directory)
        path = directory / INDEX_FILE
        if manifest is None or not path.exists():
            raise WorkbenchError(f"no index in {directory}")
        index = faiss.read_index(str(path))
        return cls(int(manifest["dimension"]), manifest.get("model", ""), index=index, manifest=manifest)


def read_manifest(directory: Path) -> dict[str, Any] | None:
    path = directory / MANIFEST_FILE
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def write_json_atomic(path: Path, data: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)

"""Sizing policy and file helpers of the vector index: which kind for how many claims, how
many IVF lists and probes, and the atomic writes of the manifest and tombstones."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from workbench.errors import MissingDependency, WorkbenchError

MANIFEST_FILE = "claims.manifest.json"
KINDS = ("flat", "ivf", "hnsw")
IVF_MIN_PER_LIST = 39  # FAISS's own floor: fewer training points per list than this → fewer lists


def choose_kind(setting: str, count: int, flat_max: int, current: str | None = None) -> str:
    """The index kind for ``count`` claims: the setting, or under ``auto`` flat up to ``flat_max``
    and IVF above it.

    Going back from IVF to flat under ``auto`` waits until the count falls below half of
    ``flat_max``, so an index near the threshold does not flip on every ingest.
    """
    if setting in KINDS:
        return setting
    if setting != "auto":
        raise WorkbenchError(f"index_kind must be auto, {', '.join(KINDS)}; not {setting!r}")
    if current == "ivf" and count >= flat_max // 2:
        return "ivf"
    return "flat" if count <= flat_max else "ivf"


def ivf_nlist(count: int) -> int:
    """Lists for ``count`` vectors: ≈ 2·sqrt(N), but at least 39 training points per list.

    4·sqrt(N) (4000 lists at 1M) spent 156 s in k-means alone on the loaded 2-core bench
    machine; k-means and list assignment cost grow with nlist, search cost with N/nlist·nprobe,
    which stays far below the 20 ms target at 2·sqrt(N)."""
    return int(max(1, min(round(2 * np.sqrt(max(count, 1))), count // IVF_MIN_PER_LIST)))


def ivf_nprobe(nlist: int) -> int:
    """Lists scanned per query: recall@10 ≥ 0.95 on perturbed real claim embeddings (bench;
    16 of 632 lists gave 0.948 at 100k)."""
    return int(min(nlist, max(32, nlist // 32)))


def write_tombstones(path: Path, tombstones: set[int]) -> None:
    if not tombstones:
        if path.exists():
            path.unlink()
        return
    fd, tmp = tempfile.mkstemp(prefix=".claims.", suffix=".npy.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, np.array(sorted(tombstones), dtype=np.int64))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


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


SMALL_BATCH = 16  # up to this many queries run on one OpenMP thread
_omp_default: int | None = None


def faiss_module() -> Any:
    try:
        import faiss
    except ImportError as exc:
        raise MissingDependency("the vector index", "faiss-cpu") from exc
    return faiss


def omp_threads(small: bool) -> None:
    """One OpenMP thread for a few queries, all of them for bulk work.

    A single query gains nothing from threads, and OpenMP's spin-waiting on a busy machine
    made one 10k-vector flat search take ~100 ms on two threads vs ~0.4 ms on one.
    """
    global _omp_default
    faiss = faiss_module()
    if _omp_default is None:
        _omp_default = max(1, int(faiss.omp_get_max_threads()))
    want = 1 if small else _omp_default
    if faiss.omp_get_max_threads() != want:
        faiss.omp_set_num_threads(want)

"""Shared helpers for the benchmarks: timing stats, machine facts, data paths, result files."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SHARED = ROOT.parent / "shared" / "data"
WIKINEWS = SHARED / "wikinews-2019-2020"
EVENTS = SHARED / "wikipedia-current-events-2025-2026" / "items.jsonl"
EVENTS_QUICK = SHARED / "wikipedia-current-events-2025-2026" / "items_afghanistan_pakistan.jsonl"


class Skip(Exception):
    """A benchmark cannot run here (e.g. ../shared/data is absent); the message says why."""


def machine() -> dict[str, Any]:
    """nproc, CPU model, memory and library versions: what a number depends on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import faiss
    import torch

    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem, 1),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "faiss": faiss.__version__,
    }


def median_of(fn: Callable[[], float], runs: int) -> dict[str, float]:
    """Run ``fn`` (returning a value, e.g. a rate) ``runs`` times: median, min, max."""
    values = [fn() for _ in range(runs)]
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": runs,
    }


def percentiles_ms(seconds: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(seconds) * 1000
    return {
        "p50_ms": float(np.percentile(arr, 50)),
        "p99_ms": float(np.percentile(arr, 99)),
        "n": len(arr),
    }


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(module: str, args: list[str], timeout: float = 7200) -> dict[str, Any]:
    """Run ``python -m module args`` in a fresh process; it prints one JSON object last."""
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def write_result(name: str, data: dict[str, Any]) -> Path:
    """``bench/results/<name>-<timestamp>.json`` and ``<name>-latest.json``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    from workbench.retrieval.embed import default_backend

    backend = default_backend()  # the setting as resolved (environment or default)
    payload = {"benchmark": name, "machine": machine(), "embed_backend": backend, **data}
    text = json.dumps(payload, indent=2, default=str)
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(text)
    (RESULTS / f"{name}-latest.json").write_text(text)
    return path


def clustered(
    n: int, seed: int = 0, dim: int = 384, centers: int = 1000, latent: int = 64
) -> np.ndarray:
    """Synthetic normalised vectors shaped like sentence embeddings (topics on a subspace).

    Same family as tests/test_index_kinds.py; top-1 neighbour cosine ~0.7 like real claims.
    """
    rng = np.random.default_rng(seed)
    basis = np.random.default_rng(1234).normal(size=(latent, dim)).astype(np.float32) / np.sqrt(
        latent
    )
    topics = np.random.default_rng(99).normal(size=(centers, latent)).astype(np.float32)
    z = topics[rng.integers(0, centers, n)] + 0.6 * rng.normal(size=(n, latent)).astype(np.float32)
    x = z @ basis + 0.6 * rng.normal(size=(n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


def claim_texts(limit: int | None = None) -> list[str]:
    """Claim sentences from the shared Wikinews + current-events data (segmented as ingest does)."""
    import csv
    import json as _json

    from workbench.ingest import segment

    if not SHARED.exists():
        raise Skip(f"{SHARED} is absent")
    csv.field_size_limit(1 << 30)
    texts: list[str] = []
    with EVENTS.open(encoding="utf-8") as fh:
        for line in fh:
            texts += [s.text for s in segment.segment(_json.loads(line)["text"], None, "en", 4)]
            if limit and len(texts) >= limit:
                return texts[:limit]
    for path in sorted(WIKINEWS.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                texts += [s.text for s in segment.segment(row["text"], None, "en", 4)]
                if limit and len(texts) >= limit:
                    return texts[:limit]
    return texts

"""Search latency, recall and memory at 10k / 100k / 1M claims, one subprocess per size and kind.

The index holds **real claim embeddings, perturbed**: ``BASES`` claim sentences from the shared
data are embedded once (the default backend; cached in ``bench/results/``), and vector ``i`` is
base ``i mod BASES`` plus Gaussian noise (σ = ``SIGMA`` per dimension, cosine ≈ 0.85 to its
base), re-normalised. The queries are ``QUERIES`` further real claims, held out and unperturbed,
so neighbourhoods are shaped like real ones (uniform random vectors are not representative).
Vectors are generated chunk by chunk from their ids, so the process holds them only inside the
index. Query embedding (the bundled model, on real claim sentences) and vector search are timed
separately. Recall@10 is against an exact brute-force numpy scan over the same chunks. Peak RSS
is the child's own ``ru_maxrss`` with model and index loaded, build included.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import RESULTS, claim_texts, peak_rss_mb, percentiles_ms, run_child

CHUNK = 50_000
BASES = 4000
QUERIES = 200
SIGMA = 0.03
EMBED_TIMED = 100  # query-embedding latency sample


def real_vectors() -> Path:
    """Embeddings of BASES + QUERIES distinct claim sentences, cached as .npy."""
    path = RESULTS / f"real-claims-{BASES}+{QUERIES}.npy"
    if path.exists():
        return path
    from workbench.retrieval.embed import Embedder

    texts = list(dict.fromkeys(claim_texts(2 * (BASES + QUERIES))))[: BASES + QUERIES]
    vectors = Embedder(device="cpu").encode(texts).astype(np.float32)
    RESULTS.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return path


def chunks(bases: np.ndarray, size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(ids, vectors) of the perturbed set, CHUNK at a time; the same on every pass."""
    for start in range(0, size, CHUNK):
        n = min(CHUNK, size - start)
        ids = np.arange(start, start + n, dtype=np.int64)
        rng = np.random.default_rng(start)
        x = bases[ids % len(bases)] + SIGMA * rng.standard_normal((n, bases.shape[1]), np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        yield ids, x


def child(size: int, kind: str, flat_max: int, vectors: Path) -> dict[str, Any]:
    from workbench.retrieval.embed import Embedder
    from workbench.retrieval.index import IVF_TRAIN_PER_LIST, FaissIndex
    from workbench.retrieval.index_policy import choose_kind, ivf_nlist

    real = np.load(vectors)
    bases, qv = real[:BASES], np.ascontiguousarray(real[BASES : BASES + QUERIES])

    embedder = Embedder(device="cpu")
    texts = claim_texts(2 * (BASES + QUERIES))[-EMBED_TIMED:]
    embedder.encode_query("warm up")
    embed_times = []
    for t in texts:
        began = time.perf_counter()
        embedder.encode_query(t)
        embed_times.append(time.perf_counter() - began)

    auto = choose_kind("auto", size, flat_max)
    index = FaissIndex(384, "all-MiniLM-L6-v2", kind=auto if kind == "auto" else kind)
    began = time.perf_counter()
    if index.kind == "ivf":  # as FaissIndex.build/converted do: train on a sample, size lists
        want = IVF_TRAIN_PER_LIST * ivf_nlist(size)
        keep = np.random.default_rng(0).random(size) < want / size
        sample = np.concatenate([x[keep[ids]] for ids, x in chunks(bases, size)])
        index.train(sample, size)
        del sample
        index.reserve(x for _, x in chunks(bases, size))
    train_s = time.perf_counter() - began
    for ids, x in chunks(bases, size):
        index.add(ids, x)
    build_s = time.perf_counter() - began

    index.search(qv[:1], 10)
    times, found = [], []
    for q in qv:
        began = time.perf_counter()
        _, ids = index.search(q[None, :], 10)
        times.append(time.perf_counter() - began)
        found.append(ids[0])
    truth = _exact(qv, bases, size)
    recall = _recall(truth, found)
    sweep = []
    if index.kind == "ivf":  # what other nprobe values would give
        default = index.params["nprobe"]
        for nprobe in (8, 16, 32, 64, 128):
            index.params["nprobe"] = nprobe
            t2, f2 = [], []
            for q in qv:
                began = time.perf_counter()
                f2.append(index.search(q[None, :], 10)[1][0])
                t2.append(time.perf_counter() - began)
            sweep.append(
                {
                    "nprobe": nprobe,
                    "p50_ms": percentiles_ms(t2)["p50_ms"],
                    "recall": _recall(truth, f2),
                }
            )
        index.params["nprobe"] = default
    with tempfile.TemporaryDirectory() as tmp:
        index.save(Path(tmp))
        disk = sum(p.stat().st_size for p in Path(tmp).iterdir())
    return {
        "size": size,
        "kind": index.kind,
        "auto_kind": auto,
        "params": index.params,
        "train_s": train_s,
        "build_s": build_s,
        "search": percentiles_ms(times),
        "query_embed": percentiles_ms(embed_times),
        "recall_at_10": recall,
        "nprobe_sweep": sweep,
        "peak_rss_mb": peak_rss_mb(),
        "index_disk_mb": disk / 2**20,
        "vectors": f"{BASES} real claim embeddings + N(0, {SIGMA}²) per dim, re-normalised; "
        f"{QUERIES} held-out real claims as queries",
    }


def _recall(truth: np.ndarray, found: list[np.ndarray]) -> float:
    return float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)]))


def _exact(queries: np.ndarray, bases: np.ndarray, size: int) -> np.ndarray:
    """Top-10 ids by brute force, chunk by chunk."""
    best_s = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), 0), dtype=np.int64)
    for ids, x in chunks(bases, size):
        scores = queries @ x.T
        s = np.concatenate([best_s, scores], axis=1)
        i = np.concatenate([best_i, np.broadcast_to(ids, scores.shape)], axis=1)
        top = np.argpartition(-s, 9, axis=1)[:, :10]
        best_s, best_i = np.take_along_axis(s, top, 1), np.take_along_axis(i, top, 1)
    return best_i


def run(sizes: list[int], flat_max: int | None = None, compare_flat: bool = True) -> dict[str, Any]:
    """The kind ``auto`` picks per size, plus flat at 100k; rows print as they end."""
    from workbench.settings import Settings

    flat_max = Settings().flat_max if flat_max is None else flat_max
    vectors = real_vectors()
    rows: list[dict[str, Any]] = []
    out = {"queries": QUERIES, "k": 10, "flat_max": flat_max, "rows": rows}
    for size in sizes:
        kinds = ["auto"] + (["flat"] if compare_flat and size == 100_000 else [])
        for kind in kinds:
            print(f"  search: {size:,} claims, {kind} …", flush=True)
            args = ["--size", str(size), "--kind", kind, "--flat-max", str(flat_max)]
            try:
                rows.append(
                    run_child("bench.search_bench", [*args, "--vectors", str(vectors)], 1200)
                )
            except Exception as exc:
                print(f"    failed: {str(exc)[-300:]}", flush=True)
                continue
            print(summary({**out, "rows": rows[-1:]})[-1], flush=True)
    return out


def summary(r: dict[str, Any]) -> list[str]:
    lines = [
        f"search (k=10, {r['queries']} queries, perturbed real embeddings; "
        f"auto: flat up to {r['flat_max']:,}, then IVF):",
        "  size       kind  auto  search p50/p99 ms  embed p50/p99 ms  recall@10  "
        "peak RSS MB  disk MB  build s",
    ]
    for x in r["rows"]:
        lines.append(
            f"  {x['size']:>9,} {x['kind']:>5} {x['auto_kind']:>5}  "
            f"{x['search']['p50_ms']:7.2f}/{x['search']['p99_ms']:<7.2f}"
            f"   {x['query_embed']['p50_ms']:6.1f}/{x['query_embed']['p99_ms']:<6.1f}"
            f"    {x['recall_at_10']:.3f}   {x['peak_rss_mb']:9.0f}  {x['index_disk_mb']:7.0f}"
            f"  {x['build_s']:7.1f}  {x['params']}"
        )
    return lines


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--kind", default="auto")
    ap.add_argument("--flat-max", type=int, required=True)
    ap.add_argument("--vectors", type=Path, required=True)
    a = ap.parse_args()
    print(json.dumps(child(a.size, a.kind, a.flat_max, a.vectors)))

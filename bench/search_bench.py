"""Search latency, recall and memory at 10k / 100k / 1M claims, one subprocess per size and kind.

The index part uses synthetic vectors shaped like sentence embeddings (``clustered``), added in
chunks so the process holds them only inside the index. Query embedding (the bundled model, on
real claim sentences) and vector search are timed separately. Recall@10 is measured against an
exact brute-force scan. Peak RSS is the child's own ``ru_maxrss`` with model and index loaded.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import clustered, peak_rss_mb, percentiles_ms, run_child

CHUNK = 50_000


def child(size: int, kind: str, queries: int, flat_max: int) -> dict[str, Any]:
    from workbench.embed import Embedder
    from workbench.index import FaissIndex, choose_kind

    embedder = Embedder(device="cpu")
    texts = [
        f"Officials said {n} people were killed in the attack on the market."
        for n in range(queries)
    ]
    try:
        from bench.common import claim_texts

        texts = claim_texts(queries)
    except Exception:
        pass
    embedder.encode_query("warm up")
    embed_times = []
    for t in texts:
        began = time.perf_counter()
        embedder.encode_query(t)
        embed_times.append(time.perf_counter() - began)
    auto = choose_kind("auto", size, flat_max)
    index = FaissIndex(384, "all-MiniLM-L6-v2", kind=auto if kind == "auto" else kind)
    began = time.perf_counter()
    for start in range(0, size, CHUNK):
        n = min(CHUNK, size - start)
        index.add(np.arange(start, start + n, dtype=np.int64), clustered(n, seed=start))
    build_s = time.perf_counter() - began
    qv = clustered(queries, seed=10**9)
    index.search(qv[:1], 10)
    times = []
    found = []
    for q in qv:
        began = time.perf_counter()
        _, ids = index.search(q[None, :], 10)
        times.append(time.perf_counter() - began)
        found.append(ids[0])
    recall = _recall(qv[:100], np.array(found[:100]), size)
    with tempfile.TemporaryDirectory() as tmp:
        index.save(Path(tmp))
        disk = sum(p.stat().st_size for p in Path(tmp).iterdir())
    return {
        "size": size,
        "kind": index.kind,
        "auto_kind": auto,
        "params": index.params,
        "build_s": build_s,
        "search": percentiles_ms(times),
        "query_embed": percentiles_ms(embed_times),
        "recall_at_10": recall,
        "peak_rss_mb": peak_rss_mb(),
        "index_disk_mb": disk / 2**20,
        "vectors": "synthetic clustered 384-d (bench.common.clustered); query texts real",
    }


def _recall(queries: np.ndarray, found: np.ndarray, size: int) -> float:
    """Recall@10 against an exact scan over the same (regenerated) chunks."""
    best_s = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, size, CHUNK):
        n = min(CHUNK, size - start)
        scores = queries @ clustered(n, seed=start).T
        s = np.concatenate([best_s, scores], axis=1)
        i = np.concatenate(
            [best_i, np.broadcast_to(np.arange(start, start + n), scores.shape)], axis=1
        )
        top = np.argsort(-s, axis=1)[:, :10]
        best_s, best_i = np.take_along_axis(s, top, 1), np.take_along_axis(i, top, 1)
    return float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(best_i, found, strict=True)]))


def run(
    sizes: list[int], queries: int = 200, flat_max: int = 200_000, both: bool = True
) -> dict[str, Any]:
    """Flat and HNSW from 50k claims up (auto picks one), auto only below; rows print as they end."""
    rows: list[dict[str, Any]] = []
    out = {"queries": queries, "k": 10, "flat_max": flat_max, "rows": rows}
    for size in sizes:
        kinds = ["flat", "hnsw"] if both and size >= 50_000 else ["auto"]
        for kind in kinds:
            print(f"  search: {size:,} claims, {kind} …", flush=True)
            args = [
                "--size",
                str(size),
                "--kind",
                kind,
                "--queries",
                str(queries),
                "--flat-max",
                str(flat_max),
            ]
            try:
                rows.append(run_child("bench.search_bench", args))
            except Exception as exc:
                print(f"    failed: {str(exc)[-300:]}", flush=True)
                continue
            print(summary({**out, "rows": rows[-1:]})[-1], flush=True)
    return out


def summary(r: dict[str, Any]) -> list[str]:
    lines = [
        f"search (k=10, {r['queries']} queries, synthetic vectors; auto switches above {r['flat_max']:,}):"
    ]
    lines.append(
        "  size       kind  auto  search p50/p99 ms  embed p50/p99 ms  recall@10  peak RSS MB  disk MB  build s"
    )
    for x in r["rows"]:
        lines.append(
            f"  {x['size']:>9,} {x['kind']:>5} {x['auto_kind']:>5}  {x['search']['p50_ms']:7.2f}/{x['search']['p99_ms']:<7.2f}"
            f"   {x['query_embed']['p50_ms']:6.1f}/{x['query_embed']['p99_ms']:<6.1f}    {x['recall_at_10']:.3f}"
            f"   {x['peak_rss_mb']:9.0f}  {x['index_disk_mb']:7.0f}  {x['build_s']:7.1f}"
        )
    return lines


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--kind", default="auto")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--flat-max", type=int, default=200_000)
    a = ap.parse_args()
    print(json.dumps(child(a.size, a.kind, a.queries, a.flat_max)))

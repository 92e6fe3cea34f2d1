"""Embedding throughput: the workbench path (each backend) vs plain ``SentenceTransformer.encode``.

All runtimes encode the same texts in the same process, interleaved run by run, so the ratio
is fair on a noisy machine. Quality: cosine agreement of each backend with torch. Cache: the
SQLite embedding cache makes re-embedding within one data directory free, and a new data
directory shares nothing.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from typing import Any

import numpy as np

from bench.common import claim_texts


def _rate(encode: Any, texts: list[str]) -> tuple[float, np.ndarray]:
    began = time.perf_counter()
    vecs = np.asarray(encode(texts), dtype=np.float32)
    return len(texts) / (time.perf_counter() - began), vecs


def run(
    quick: bool = False, runs: int = 3, backends: tuple[str, ...] = ("torch", "torch-int8", "onnx")
) -> dict[str, Any]:
    import torch
    from sentence_transformers import SentenceTransformer

    from workbench.retrieval.embed import Embedder, resolve_model_path

    texts = claim_texts(800 if quick else 3000)
    plain = SentenceTransformer(str(resolve_model_path("all-MiniLM-L6-v2")), device="cpu")
    embedders: dict[str, Embedder] = {}
    for b in backends:
        try:
            e = Embedder(device="cpu", backend=b)
            e.encode(texts[:8])  # load (and for onnx, export once) outside the timing
            embedders[b] = e
        except Exception as exc:
            print(f"  embed: backend {b} unavailable: {exc}")
    plain.encode(texts[:8])
    rates: dict[str, list[float]] = {"plain": [], **{b: [] for b in embedders}}
    ratios: dict[str, list[float]] = {b: [] for b in embedders}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(runs):
        p_rate, vectors["plain"] = _rate(
            lambda t: plain.encode(
                t, batch_size=64, normalize_embeddings=True, convert_to_numpy=True
            ),
            texts,
        )
        rates["plain"].append(p_rate)
        for b, e in embedders.items():
            r, vectors[b] = _rate(e.encode, texts)
            rates[b].append(r)
            ratios[b].append(r / p_rate)
    ref = vectors["plain"]
    result: dict[str, Any] = {
        "texts": len(texts),
        "mean_chars": float(np.mean([len(t) for t in texts])),
        "torch_threads": torch.get_num_threads(),
        "batch_size": 64,
        "runs": runs,
        "rate_texts_per_s": {
            k: {"median": statistics.median(v), "all": v} for k, v in rates.items()
        },
        "ratio_vs_plain": {b: statistics.median(v) for b, v in ratios.items()},
        "cosine_vs_torch": {},
        "length_sorting": "sentence-transformers sorts each encode() call by -len(text) before batching "
        "(SentenceTransformer.encode: np.argsort(-_input_length)); the onnx backend does the same",
    }
    for b in embedders:
        cos = np.sum(vectors[b] * ref, axis=1)
        result["cosine_vs_torch"][b] = {"mean": float(cos.mean()), "min": float(cos.min())}
    result["cache"] = cache_check(texts[:400])
    return result


def cache_check(texts: list[str]) -> dict[str, Any]:
    """Seconds to embed via Workbench.vectors_for: fresh dir, same dir again, a second fresh dir."""
    from workbench.api import Workbench
    from workbench.settings import Settings

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        wb = Workbench(Settings.from_env(data=a, embed_backend="torch"))
        wb.embedder.encode(texts[:4])
        for label, target in (("fresh_dir_s", wb), ("same_dir_again_s", wb)):
            began = time.perf_counter()
            target.vectors_for(texts)
            out[label] = time.perf_counter() - began
        other = Workbench(Settings.from_env(data=b, embed_backend="torch"), embedder=wb.embedder)
        began = time.perf_counter()
        other.vectors_for(texts)
        out["second_fresh_dir_s"] = time.perf_counter() - began
        wb.close()
        other.close()
    out["texts"] = len(texts)
    return out


def summary(r: dict[str, Any]) -> list[str]:
    lines = [
        f"embedding {r['texts']} claims, {r['runs']} runs, torch threads {r['torch_threads']}:"
    ]
    for k, v in r["rate_texts_per_s"].items():
        ratio = r["ratio_vs_plain"].get(k)
        cos = r["cosine_vs_torch"].get(k)
        extra = f"  ×{ratio:.2f} plain" if ratio else ""
        extra += f"  cos mean {cos['mean']:.4f} min {cos['min']:.4f}" if cos else ""
        lines.append(f"  {k:<11} {v['median']:8.1f} texts/s{extra}")
    c = r["cache"]
    lines.append(
        f"  cache ({c['texts']} texts): fresh dir {c['fresh_dir_s']:.2f}s, same dir again "
        f"{c['same_dir_again_s']:.3f}s, another fresh dir {c['second_fresh_dir_s']:.2f}s"
    )
    return lines

"""Ingest throughput end to end and stage by stage, against plain encode of the same claims.

Each run ingests the inputs into a fresh data directory (nothing cached), then encodes the
stored claim texts with plain ``SentenceTransformer.encode`` in the same process: the ratio of
the two rates is the "everything but embedding costs" figure. Then the same inputs are ingested
again into the same directory (resume: every record is already stored) and the index is
rebuilt from the embedding cache (re-embedding within one directory is free).
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import EVENTS, EVENTS_QUICK, RESULTS, SHARED, WIKINEWS, Skip


def inputs(quick: bool) -> dict[str, list[Path]]:
    if not SHARED.exists():
        raise Skip(
            f"{SHARED} is absent; the ingest benchmark needs the shared Wikinews/current-events data"
        )
    if quick:
        return {"events-afpak": [EVENTS_QUICK]}
    return {"events": [EVENTS], "wikinews": sorted(WIKINEWS.glob("*.csv"))}


def one_run(targets: list[Path], attribution: bool, keep: Path | None = None) -> dict[str, Any]:
    from sentence_transformers import SentenceTransformer

    from workbench.api import Workbench
    from workbench.ingest.pipeline import Pipeline
    from workbench.ingest.readers import iter_inputs
    from workbench.retrieval.embed import resolve_model_path
    from workbench.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        wb = Workbench(Settings.from_env(data=tmp, attribution=attribution))
        wb.embedder.encode(["warm up the model"])
        if attribution and wb.attributor() is not None:
            wb.attributor().extract_many(["Officials said the warm-up worked."])
        pipe = Pipeline(wb)
        report = pipe.run(iter_inputs(targets))
        texts = [c.text for a in wb.articles() for c in wb.claims(a.id)]
        plain = SentenceTransformer(str(resolve_model_path(wb.embedder.model_name)), device="cpu")
        began = time.perf_counter()
        plain.encode(texts, batch_size=wb.settings.batch_size, normalize_embeddings=True)
        plain_rate = len(texts) / (time.perf_counter() - began)
        resume = Pipeline(wb)
        began = time.perf_counter()
        again = resume.run(iter_inputs(targets))
        resume_s = time.perf_counter() - began
        began = time.perf_counter()
        wb.rebuild_index()
        rebuild_s = time.perf_counter() - began
        wb.close()
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(tmp, keep)
        seconds = report.seconds
        return {
            "articles": report.ingested,
            "inputs": len(report.results),
            "claims": report.claims,
            "seconds": seconds,
            "articles_per_s": report.ingested / seconds,
            "claims_per_s": report.claims / seconds,
            "plain_encode_claims_per_s": plain_rate,
            "e2e_vs_plain_encode": (report.claims / seconds) / plain_rate,
            "stages_s": dict(pipe.timings),
            "resume_records": len(again.results),
            "resume_s": resume_s,
            "resume_ms_per_record": 1000 * resume_s / max(1, len(again.results)),
            "resume_skipped": again.to_dict().get(
                "duplicates", sum(r.status == "duplicate" for r in again.results)
            ),
            "rebuild_from_cache_s": rebuild_s,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(
    quick: bool = False, runs: int = 3, attribution: tuple[bool, ...] = (True, False)
) -> dict[str, Any]:
    out: dict[str, Any] = {"sets": {}}
    for name, targets in inputs(quick).items():
        for attr in attribution:
            label = f"{name}{'' if attr else ' (no attribution)'}"
            print(f"  ingest: {label} × {runs} …", flush=True)
            keep = RESULTS / f"data-{name}" if not attr else None
            rows = [one_run(targets, attr, keep if i == runs - 1 else None) for i in range(runs)]
            med = {
                k: statistics.median(r[k] for r in rows)
                for k in rows[0]
                if isinstance(rows[0][k], (int, float))
            }
            med["stages_s"] = {
                s: statistics.median(r["stages_s"].get(s, 0.0) for r in rows)
                for s in rows[0]["stages_s"]
            }
            out["sets"][label] = {
                "targets": [str(t) for t in targets],
                "attribution": attr,
                "median": med,
                "runs": rows,
            }
    return out


def summary(r: dict[str, Any]) -> list[str]:
    lines = ["ingest (fresh data dir per run; medians):"]
    for label, s in r["sets"].items():
        m = s["median"]
        total = sum(m["stages_s"].values()) or 1.0
        stages = ", ".join(
            f"{k} {v:.1f}s ({100 * v / total:.0f}%)" for k, v in m["stages_s"].items()
        )
        lines.append(
            f"  {label}: {m['articles']:.0f} articles, {m['claims']:.0f} claims in {m['seconds']:.1f}s → "
            f"{m['articles_per_s']:.1f} articles/s, {m['claims_per_s']:.1f} claims/s; plain encode "
            f"{m['plain_encode_claims_per_s']:.1f}/s → e2e {100 * m['e2e_vs_plain_encode']:.0f}% of plain"
        )
        lines.append(f"    stages: {stages}")
        lines.append(
            f"    resume over {m['resume_records']:.0f} stored records: {m['resume_s']:.2f}s "
            f"({m['resume_ms_per_record']:.2f} ms/record); rebuild from cache {m['rebuild_from_cache_s']:.2f}s"
        )
    return lines

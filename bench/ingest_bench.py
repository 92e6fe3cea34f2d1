"""Ingest at the speed of one encode (issue 14): end-to-end claims/s against the workbench's own
encode of the same claims, per input shape, with stage seconds and peak RSS, in one run.

Cases, each in a fresh data directory in its own child process (so peak RSS is its own):

* ``wikinews`` — the 295 Wikinews articles (two CSVs), attribution on;
* ``long`` — up to 300 long articles (~700 words) cut from the Wikinews paragraphs in order
  (``long_articles``; each paragraph used once, so as many as the text allows);
* ``events`` — the current-events items.jsonl (10,554 one-paragraph items), attribution on;
* ``tiny`` — 1k / 10k / 50k one-line records (``bench.tiny_bench``): records/s at each size
  over records/s at 1k (``--quick``: 1k and 5k, said so in the output);
* GPU rows (wikinews, long with ``device=cuda``) when torch sees CUDA, else "skipped: no CUDA".

"encode" = ``wb.embedder.encode`` of the stored bare claim texts, one pass, in the same child
after the ingest (same runtime, same threads, no cache). The ingest time includes the BM25
build that ends every ingest (``Workbench._finish_ingest``), shown as stage ``bm25``. Then the
same inputs are ingested again (resume: all skipped) and the index is rebuilt from the cache.
Each row also has the child's CPU seconds (all threads) for the ingest and for the encode, and
the load average at start and end: on a shared box the wall-clock ratio moves with the load,
the CPU seconds much less.
"""

from __future__ import annotations

import csv
import json
import multiprocessing as mp
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import EVENTS, EVENTS_QUICK, SHARED, WIKINEWS, Skip

TARGETS = {"wikinews": 0.80, "long": 0.80, "events": 0.90}
LONG_WORDS = 700


def long_articles(path: Path, n: int = 300, words: int = LONG_WORDS) -> Path:
    """``n`` articles of about ``words`` words, as JSONL: the paragraphs of all Wikinews
    articles in order, cut into pieces of ``words`` words, each under the headline and date of
    the article its first paragraph comes from. Every paragraph is used at most once, so no
    claim repeats (repeats would hit the embedding cache and flatter the ratio)."""
    csv.field_size_limit(10**8)
    rows: list[dict[str, str]] = []
    for f in sorted(WIKINEWS.glob("*.csv")):
        with f.open(encoding="utf-8", newline="") as fh:
            rows += [r for r in csv.DictReader(fh) if r.get("text")]
    out: list[dict[str, str]] = []
    paras: list[str] = []
    head: dict[str, str] = {}
    count = 0
    seen: set[str] = set()
    for row in rows:
        for para in (p.strip() for p in row["text"].split("\n")):
            if not para or para in seen:
                continue
            seen.add(para)
            if not paras:
                head = row
            paras.append(para)
            count += len(para.split())
            if count >= words:
                out.append({"title": head["title"], "date": head["date"], "outlet": "Wikinews",
                            "text": "\n\n".join(paras)})  # fmt: skip
                paras, count = [], 0
                if len(out) == n:
                    break
        if len(out) == n:
            break
    path.write_text("".join(json.dumps(r) + "\n" for r in out), encoding="utf-8")
    return path


def _case(name: str, targets: list[str], attribution: bool, device: str, queue: Any) -> None:
    from workbench.api import Workbench
    from workbench.ingest.pipeline import Pipeline
    from workbench.ingest.readers import iter_inputs
    from workbench.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        settings = Settings.from_env(data=tmp / "data", attribution=attribution, device=device)
        wb = Workbench(settings)
        wb.embedder.encode(["warm up the model", "and its threads"] * 4)
        if attribution and wb.attributor() is not None:
            wb.attributor().extract_many(["Officials said the warm-up worked."])
        pipe = Pipeline(wb)
        load = os.getloadavg()[0]
        cpu0 = time.process_time()
        began = time.perf_counter()
        with wb.writing():
            report = pipe.run(iter_inputs([Path(t) for t in targets]))
            t0 = time.perf_counter()
            wb._finish_ingest(report)
            bm25 = time.perf_counter() - t0
        seconds = time.perf_counter() - began
        cpu = time.process_time() - cpu0
        texts = [r[1] for r in wb.store.claim_texts()]
        cpu0 = time.process_time()
        began = time.perf_counter()
        wb.embedder.encode(texts)
        encode_rate = len(texts) / (time.perf_counter() - began)
        encode_cpu = time.process_time() - cpu0
        load = (load, os.getloadavg()[0])
        began = time.perf_counter()
        with wb.writing():
            again = Pipeline(wb).run(iter_inputs([Path(t) for t in targets]))
        resume_s = time.perf_counter() - began
        began = time.perf_counter()
        wb.rebuild_index()
        rebuild_s = time.perf_counter() - began
        wb.close()
        rate = report.claims / seconds
        queue.put({
            "case": name, "device": device, "attribution": attribution,
            "articles": report.ingested, "claims": report.claims, "seconds": seconds,
            "claims_per_s": rate, "encode_claims_per_s": encode_rate,
            "ratio": rate / encode_rate, "stages_s": {**pipe.timings, "bm25": bm25},
            "cpu_s": cpu, "encode_cpu_s": encode_cpu, "cpu_ratio": encode_cpu / cpu, "load": load,
            "workers": getattr(pipe, "workers", 1),
            "resume_ms_per_record": 1000 * resume_s / max(1, len(again.results)),
            "rebuild_from_cache_s": rebuild_s,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        })  # fmt: skip
    except Exception as exc:  # reported, not hung on
        queue.put({"case": name, "device": device, "error": f"{type(exc).__name__}: {exc}"})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def one_case(name: str, targets: list[Path], attribution: bool = True, device: str = "cpu") -> dict:
    """One case in a fresh spawned child (its own peak RSS)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_case, args=(name, [str(t) for t in targets], attribution, device, queue))  # fmt: skip
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _cuda() -> bool:
    try:
        import torch

        return bool(torch.cuda.is_available())
    except Exception:
        return False


def run(quick: bool = False, runs: int = 1, only: tuple[str, ...] = ()) -> dict[str, Any]:
    """All cases (``only``: a subset by name), each printed as it finishes."""
    from bench import tiny_bench

    if not SHARED.exists():
        raise Skip(f"{SHARED} is absent; the ingest benchmark needs the shared data")
    work = Path(tempfile.mkdtemp(prefix="bench-inputs-"))
    wiki = sorted(WIKINEWS.glob("*.csv"))
    long = long_articles(work / "long.jsonl", 60 if quick else 300)
    cases = {"wikinews": wiki, "long": [long], "events": [EVENTS_QUICK if quick else EVENTS]}
    out: dict[str, Any] = {"quick": quick, "rows": [], "gpu": None, "tiny": None}
    try:
        for name, targets in cases.items():
            if only and name not in only:
                continue
            for _ in range(runs):
                print(f"  ingest: {name} …", flush=True)
                out["rows"].append(one_case(name, targets))
                print(f"    {json.dumps(out['rows'][-1])}", flush=True)
        if not only or "gpu" in only:
            if _cuda():
                out["gpu"] = [one_case(n, cases[n], device="cuda") for n in ("wikinews", "long")]
            else:
                out["gpu"] = "skipped: no CUDA"
        if not only or "tiny" in only:
            sizes = (1_000, 5_000) if quick else tiny_bench.SIZES
            out["tiny"] = tiny_bench.run(sizes)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _row(r: dict[str, Any]) -> str:
    if "error" in r:
        return f"| {r['case']} ({r['device']}) | error: {r['error']} |"
    st = r["stages_s"]
    stages = ", ".join(f"{k} {v:.1f}" for k, v in st.items() if v >= 0.05)
    target = TARGETS.get(r["case"])
    mark = "" if target is None else (" ✓" if r["ratio"] >= target else f" ✗ (target {target:.2f})")
    return (
        f"| {r['case']}{'' if r['device'] == 'cpu' else ' (' + r['device'] + ')'} | "
        f"{r['articles']:,} | {r['claims']:,} | {r['seconds']:.1f} | {r['claims_per_s']:.1f} | "
        f"{r['encode_claims_per_s']:.1f} | **{r['ratio']:.2f}**{mark} | {stages} | "
        f"{r['peak_rss_mb']:.0f} | {r.get('cpu_s', 0):.0f} / {r.get('encode_cpu_s', 0):.0f} | "
        f"{'–'.join(f'{x:.1f}' for x in r.get('load', ()))} |"
    )


def summary(r: dict[str, Any]) -> list[str]:
    lines = [
        "ingest vs the workbench's own encode of the same claims (attribution on; stage seconds"
        " overlap when ingest_workers >= 2):",
        "| input | articles | claims | s | claims/s | encode claims/s | ratio | stages s |"
        " peak RSS MB | CPU s ingest / encode | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row(row) for row in r["rows"]]
    gpu = r.get("gpu")
    if isinstance(gpu, list):
        lines += [_row(row) for row in gpu]
    elif gpu:
        lines.append(f"| GPU rows | {gpu} |")
    if r.get("tiny"):
        from bench import tiny_bench

        tiny = r["tiny"]["rows"]
        last = tiny[-1]
        ok = "✓" if last["ratio_to_first"] >= 0.9 else "✗ (target 0.90)"
        note = " (--quick: 5k instead of 50k)" if r.get("quick") else ""
        lines += tiny_bench.summary(r["tiny"])
        lines.append(
            f"  tiny ratio {last['records']:,}/{tiny[0]['records']:,}{note}: "
            f"**{last['ratio_to_first']:.2f}** {ok}; peak RSS {last['peak_rss_mb']:.0f} MB"
        )
    return lines

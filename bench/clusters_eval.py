"""Pairwise precision/recall/F1 of claim clusters at several thresholds, on labelled item pairs.

``bench/data/cluster_pairs.jsonl`` holds ids of Wikipedia current-events items and a label
(no text): 2 = the two items state the same thing (figures may differ), 1 = same event but a
different statement, 0 = different events. The items are read from
``../shared/data/wikipedia-current-events-2025-2026/items.jsonl`` and ingested into a
temporary workbench; for each threshold the clusters are rebuilt with the production code and
a pair counts as predicted-same when any claim of one item shares a cluster with any claim of
the other. Strict scoring takes label 2 as positive; lenient takes labels 1 and 2.

    .venv/bin/python bench/clusters_eval.py [--thresholds 0.6,0.65,...] [--out bench/results/clusters_eval.json]

Skips (exit 0) when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ITEMS = ROOT.parent / "shared" / "data" / "wikipedia-current-events-2025-2026" / "items.jsonl"
PAIRS = ROOT / "bench" / "data" / "cluster_pairs.jsonl"
THRESHOLDS = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def scores(pred: list[bool], gold: list[bool]) -> dict[str, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def _same(cluster: dict[int, int | None], claims_of: dict[str, list[int]], a: str, b: str) -> bool:
    """Any claim of item ``a`` in a cluster with any claim of item ``b``."""
    ca = {cluster[c] for c in claims_of.get(a, []) if cluster[c] is not None}
    return bool(ca & {cluster[c] for c in claims_of.get(b, [])})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--thresholds", default=",".join(map(str, THRESHOLDS)))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "clusters_eval.json")
    ap.add_argument(
        "--data", type=Path, help="keep the ingested workbench here and reuse it on the next run"
    )
    args = ap.parse_args()
    if not ITEMS.exists():
        print(f"skipped: {ITEMS} is absent")
        return 0
    from workbench.api import Workbench
    from workbench.compare.clusters import cluster_of, clusters, rebuild
    from workbench.records import ArticleDraft

    pairs = [
        json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    wanted = {p["a"] for p in pairs} | {p["b"] for p in pairs}
    items = {}
    with ITEMS.open(encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            if item["id"] in wanted:
                items[item["id"]] = item
    order = sorted(items)
    with (
        tempfile.TemporaryDirectory() as tmp,
        Workbench.open(args.data or Path(tmp), attribution=False) as wb,
    ):
        drafts = [
            ArticleDraft(
                text=items[i]["text"],
                outlet=items[i].get("publisher"),
                date=items[i]["date"],
                origin=i,
            )
            for i in order
        ]
        known = {a.origin: a.id for a in wb.articles()}
        if all(i in known for i in order):
            article_of = {i: known[i] for i in order}
        else:
            report = wb.ingest_drafts(drafts)
            article_of = {i: r.article_id for i, r in zip(order, report.results, strict=True)}
        claims_of = {i: [c.id for c in wb.claims(a)] for i, a in article_of.items() if a}
        out: dict[str, object] = {"pairs": len(pairs), "items": len(items), "by_threshold": {}}
        print(f"{len(pairs)} pairs over {len(items)} items; strict = label 2, lenient = labels 1-2")
        print("threshold  strict P / R / F1        lenient P / R / F1     clusters  largest")
        for t in (float(x) for x in args.thresholds.split(",")):
            rebuild(wb, threshold=t)
            sizes = [c.size for c in clusters(wb)]
            cluster = {c: cluster_of(wb, c) for ids in claims_of.values() for c in ids}

            pred = [_same(cluster, claims_of, p["a"], p["b"]) for p in pairs]
            strict = scores(pred, [p["label"] == 2 for p in pairs])
            lenient = scores(pred, [p["label"] >= 1 for p in pairs])
            strata = {
                s: scores(
                    [x for x, p in zip(pred, pairs, strict=True) if p["stratum"] == s],
                    [p["label"] == 2 for p in pairs if p["stratum"] == s],
                )
                for s in sorted({p["stratum"] for p in pairs})
            }
            out["by_threshold"][str(t)] = {
                "strict": strict,
                "lenient": lenient,
                "strict_by_stratum": strata,
                "clusters": len(sizes),
                "largest": max(sizes, default=0),
            }
            print(
                f"{t:9.2f}  {strict['precision']:.3f} / {strict['recall']:.3f} / {strict['f1']:.3f}"
                f"      {lenient['precision']:.3f} / {lenient['recall']:.3f} / {lenient['f1']:.3f}"
                f"     {len(sizes):8d}  {max(sizes, default=0):7d}"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

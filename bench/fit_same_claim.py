"""Fit the same-statement model on MRPC train and write workbench/compare/same_claim_weights.json.

Features: every one of ``pair_features.FEATURES`` (48: the 34 slot/cosine/overlap features
and the 14 text-only ``LEXICAL_FEATURES``). Everything is chosen on ``train.tsv``: the logistic
weights (all pairs), the decision threshold (best accuracy of 5-fold out-of-fold probabilities, fixed seed), the cluster threshold (lowest
out-of-fold threshold keeping precision >= ``--precision``), and the event floor (the
relatedness that best separates MRPC pairs, all same-story, from shuffled cross-story pairs).
``dev.tsv`` is only scored, after the fit.

    .venv/bin/python bench/fit_same_claim.py [--cache DIR] [--l2 1.0] [--precision 0.93]

Skips (exit 0) when ../shared/data is absent. Results: bench/results/same_claim_fit.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MRPC = ROOT.parent / "shared" / "data" / "mrpc"
OUT = ROOT / "workbench" / "compare" / "same_claim_weights.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache file (.npz)")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--precision", type=float, default=0.93)
    parser.add_argument("--features", default="", help="comma-separated subset (default: all)")
    parser.add_argument("--write", action="store_true", help="write the weights JSON")
    parser.add_argument("--results", type=Path, default=ROOT / "bench/results/same_claim_fit.json")
    args = parser.parse_args()
    if not (MRPC / "train.tsv").is_file():
        print(f"skip: {MRPC} is absent")
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from workbench.compare.pair_features import FEATURES, relatedness
    from workbench.compare.same_claim import SameClaimJudge, Weights
    from workbench.evaluation import same_claim as ev
    from workbench.retrieval.embed import Embedder

    names = [n for n in args.features.split(",") if n] or list(FEATURES)
    encode = ev.DiskVectors(Embedder().encode, args.cache)
    judge = SameClaimJudge(encode=encode, cache_size=200_000)
    train, dev = ev.read_mrpc(MRPC / "train.tsv"), ev.read_mrpc(MRPC / "dev.tsv")
    xt_all = ev.feature_matrix(judge, [(p.a, p.b) for p in train])
    xd_all = ev.feature_matrix(judge, [(p.a, p.b) for p in dev])
    idx = [list(FEATURES).index(n) for n in names]
    xt, xd = xt_all[:, idx], xd_all[:, idx]
    yt = np.array([p.label for p in train])
    yd = np.array([p.label for p in dev])

    oof = ev.cross_val_probs(xt, yt, l2=args.l2)
    thr = ev.best_accuracy_threshold(oof, yt)
    cthr = ev.precision_threshold(oof, yt, args.precision)
    params = ev.fit_logistic(xt, yt, l2=args.l2)

    rand = ev.random_pairs(train)
    xr = ev.feature_matrix(judge, rand)
    rel_t = np.array([relatedness(dict(zip(FEATURES, r, strict=True))) for r in xt_all])
    rel_r = np.array([relatedness(dict(zip(FEATURES, r, strict=True))) for r in xr])
    floor = ev.balanced_floor(rel_t, rel_r)

    data = ev.weights_json(
        names,
        params,
        thr,
        cthr,
        floor,
        "fitted by bench/fit_same_claim.py on MRPC train.tsv only; see docs/comparison.md",
    )
    fit_p = ev.predict(xt, *params)
    dev_p = ev.predict(xd, *params)
    cos = list(FEATURES).index("cos_whole")
    cos_thr = ev.best_accuracy_threshold(xt_all[:, cos], yt)
    rel_d = np.array([relatedness(dict(zip(FEATURES, r, strict=True))) for r in xd_all])
    result = {
        "features": names,
        "l2": args.l2,
        "train_cv": {
            "decision": ev.scores(oof, yt, thr),
            "cluster_point": ev.scores(oof, yt, cthr),
        },
        "train_fit": {
            "decision": ev.scores(fit_p, yt, thr),
            "cluster_point": ev.scores(fit_p, yt, cthr),
        },
        "dev": {"decision": ev.scores(dev_p, yd, thr), "cluster_point": ev.scores(dev_p, yd, cthr)},
        "cosine_reference": {
            "train": ev.scores(xt_all[:, cos], yt, cos_thr),
            "dev": ev.scores(xd_all[:, cos], yd, cos_thr),
        },
        "event_floor": {
            "floor": floor,
            "train_same_story_above": round(float((rel_t >= floor).mean()), 4),
            "train_random_below": round(float((rel_r < floor).mean()), 4),
            "dev_same_story_above": round(float((rel_d >= floor).mean()), 4),
        },
        "weights": {n: round(float(c), 3) for n, c in zip(names, params[2], strict=True)},
    }
    print(json.dumps({k: v for k, v in result.items() if k != "weights"}, indent=1))
    print(json.dumps(result["weights"]))
    if args.write:
        OUT.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        Weights.load(OUT)
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {OUT} and {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

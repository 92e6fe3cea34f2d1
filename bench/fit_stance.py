"""Fit the article-stance model on an FNC-1 train split and write
workbench/compare/stance_weights.json.

Split: by Body ID (``workbench.evaluation.stance.split_bodies``: fixed seed, 20 % of bodies to
dev; no body on both sides). On train only: the relatedness floor (the best cosine between the
headline and a claim of the body that best separates related from unrelated pairs, highest
accuracy), then a softmax model over ``ARTICLE_FEATURES`` for the pairs above the floor, with
class weights (inverse class frequency to the power ``--balance``) picked by 5-fold
cross-validated macro-F1 on train (folds by Body ID; ``top_same`` is not used). Dev is only
scored afterwards.

    .venv/bin/python bench/fit_stance.py [--cache FILE] [--write]

Skips (exit 0) when ../shared/data is absent. Results: bench/results/stance_fit.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FNC = ROOT.parent / "shared" / "data" / "fnc1"
OUT = ROOT / "workbench" / "compare" / "stance_weights.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache file (.npz)")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--balance", default="0,0.25,0.5,0.75,1")
    parser.add_argument("--train-limit", type=int, default=0, help="only N train bodies")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT, help="where --write puts the weights")
    parser.add_argument("--results", type=Path, default=ROOT / "bench/results/stance_fit.json")
    args = parser.parse_args()
    if not (FNC / "train_stances.csv").is_file():
        print(f"skip: {FNC} is absent")
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from workbench.compare.article_stance import ARTICLE_FEATURES, STANCES, StanceWeights
    from workbench.compare.same_claim import SameClaimJudge
    from workbench.evaluation import stance as ev
    from workbench.evaluation.same_claim import DiskVectors
    from workbench.retrieval.embed import Embedder

    t0 = time.time()
    encode = DiskVectors(Embedder().encode, args.cache)
    judge = SameClaimJudge(encode=encode, cache_size=300_000)
    bodies, pairs = ev.read_fnc(FNC)
    train, dev = ev.split_bodies(pairs)
    if args.train_limit:
        keep = sorted({p.body_id for p in train})[: args.train_limit]
        train = [p for p in train if p.body_id in set(keep)]
    corpus = ev.Corpus(bodies, encode)
    corpus.prepare([p.body_id for p in train + dev], [p.headline for p in train + dev])
    print(f"encoded in {time.time() - t0:.0f}s", flush=True)

    rel = np.array([float(corpus.cosines(p.headline, p.body_id).max()) for p in train])
    related = np.array([p.label != "unrelated" for p in train])
    cands = np.unique(np.round(rel, 3))
    accs = [((rel >= t) == related).mean() for t in cands]
    floor = float(cands[int(np.argmax(accs))])
    # keep a margin: the floor only removes pairs that are clearly unrelated (at most 2 % of
    # the related ones); the model decides the rest (it sees rel_max too)
    floor = min(floor, round(float(np.quantile(rel[related], 0.02)), 3))
    above = [p for p, r in zip(train, rel, strict=True) if r >= floor]
    # top_same is left out: it would tie this model to the same-claim weights (docs/comparison.md)
    names = tuple(n for n in ARTICLE_FEATURES if n != "top_same")
    x = ev.feature_rows(judge, corpus, above, names)
    y = np.array([STANCES.index(p.label) for p in above])
    print(
        f"train features in {time.time() - t0:.0f}s ({len(above)} pairs above {floor})", flush=True
    )

    counts = np.bincount(y, minlength=len(STANCES)).astype(float)
    below = [p for p, r in zip(train, rel, strict=True) if r < floor]
    best = None
    # folds by Body ID: a body's pairs never sit on both sides of a fold
    ids = sorted({p.body_id for p in above})
    fold_of = {b: i % 5 for i, b in enumerate(np.random.default_rng(0).permutation(ids))}
    fold = np.array([fold_of[p.body_id] for p in above])
    for b in (float(v) for v in args.balance.split(",")):
        cw = (counts.sum() / np.maximum(counts, 1)) ** b
        oof = np.zeros(len(y), dtype=int)
        for k in range(5):
            te = np.flatnonzero(fold == k)
            tr = np.flatnonzero(fold != k)
            params = ev.fit_softmax(x[tr], y[tr], len(STANCES), args.l2, cw)
            oof[te] = ev.predict_softmax(x[te], *params).argmax(axis=1)
        pred = [STANCES[i] for i in oof] + ["unrelated"] * len(below)
        gold = [STANCES[i] for i in y] + [p.label for p in below]
        sc = ev.stance_scores(gold, pred)
        print(
            f"balance {b}: train CV {json.dumps({k: sc[k] for k in ('macro_f1', 'f1', 'fnc_score')})}",
            flush=True,
        )
        if best is None or sc["macro_f1"] > best[1]["macro_f1"]:
            best = (b, sc, cw)
    assert best is not None
    b, cv_scores, cw = best
    mean, scale, coef, bias = ev.fit_softmax(x, y, len(STANCES), args.l2, cw)
    weights = StanceWeights(names, mean, scale, coef, bias, floor)
    fit_pred = ev.predict_labels(x, names, weights) + ["unrelated"] * len(below)
    fit_scores = ev.stance_scores([p.label for p in above] + [p.label for p in below], fit_pred)

    xd = ev.feature_rows(judge, corpus, dev, names, floor)
    dev_scores = ev.stance_scores([p.label for p in dev], ev.predict_labels(xd, names, weights))
    result = {
        "split": f"Body IDs sorted, shuffled with seed {ev.SPLIT_SEED}, {ev.DEV_FRACTION:.0%} to dev",
        "train_pairs": len(train),
        "dev_pairs": len(dev),
        "related_floor": floor,
        "balance": b,
        "l2": args.l2,
        "train_cv": cv_scores,
        "train_fit": fit_scores,
        "dev": dev_scores,
        "seconds": round(time.time() - t0),
        "coef": {
            s: {n: round(float(c), 3) for n, c in zip(names, row, strict=True)}
            for s, row in zip(STANCES, coef, strict=True)
        },
    }
    print(json.dumps({k: v for k, v in result.items() if k != "coef"}, indent=1))
    if args.write:
        data = {
            "note": "fitted by bench/fit_stance.py on the FNC-1 train split (by Body ID) only; "
            "see docs/comparison.md",
            "classes": list(STANCES),
            "features": list(names),
            "mean": [round(float(v), 6) for v in mean],
            "scale": [round(float(v), 6) for v in scale],
            "coef": [[round(float(v), 6) for v in row] for row in coef],
            "bias": [round(float(v), 6) for v in bias],
            "related_floor": round(floor, 4),
        }
        args.out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        StanceWeights.load(args.out)
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out} and {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

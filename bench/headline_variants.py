"""How a claim's headline enters its search vector, one encode per claim: variants on the
CheckThat! splits (quality, not speed; run alone; issues 14 and 15).

``python -m bench.headline_variants [--splits ...] [--variants sum:1,text,none,...]``

Every variant ranks with the live hybrid scoring (BM25 over claim + headline, fused with the
dense cosine by ``score_candidates``, candidates the union of both sides' top 100); only the
dense cosine of a query with a titled claim differs. ``b``: bare claim vector, ``h``: its
headline's vector, ``w``: the headline's word share (``headline_weight``):

* ``text``: the claim and headline encoded as one text (two encodes per claim; the way before
  issue 14, the "before" of the dev numbers);
* ``none``: the bare claim alone;
* ``sum:s``: normalise(b + s·w·h), the current index (``with_headline``);
* ``convex:s``: (cos b + s·w·cos h) / (1 + s·w): score fusion of the two cosines at query time
  (a different normalisation of the same sum; one vector per claim still holds it);
* ``cconst:c``: the same with a constant headline weight c;
* ``maxsum:s`` / ``maxconvex:s``: per query and claim, the better of bare and combined;
* ``psum:p``: the sum divided by its norm to the power p (p=1: ``sum``; p=0: ``convex``);
* ``rerank:k``: ``sum:1``, then the top k scored again with the ``text`` cosine (claim +
  headline encoded at query time; by rank, so a filter could change a score);
* ``rerankt:f``: the same for every candidate whose first-stage score reaches f (the live
  lookup's second stage, ``rerank_floor``);
* ``sumbw:x``: ``sum:1`` with BM25 weight x instead of ``BM25_WEIGHT`` (how much BM25 over
  claim + headline is worth next to the new vectors).

Prints official MAP@5 and the duplicate-aware MAP@5 of ``bench/retrieval_eval.py``. With
``--paired A,B`` it also counts, per split, the queries whose AP@5 differs between two variants
and gives the exact two-sided sign test: a MAP gap carried by a handful of queries on a 200-query
dev split is told apart from a real difference. Vectors
come from ``workbench.evaluation.retrieval.cached_embed`` (``$WORKBENCH_DATA/cache``, default
/tmp/wb-eval/cache), so after the first run a variant costs only its scoring.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.retrieval_eval import SHARED, SPLITS, dedup_map5, load_split  # noqa: E402

DEFAULT = "text,none,sum:1,convex:1,convex:2,cconst:0.3,maxsum:1,psum:0.5,sumbw:0.3"


def sign_test(wins: int, losses: int) -> float:
    """Exact two-sided sign-test p-value for wins against losses (ties left out)."""
    n = wins + losses
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(max(wins, losses), n + 1)) / 2**n
    return min(1.0, 2 * tail)


def paired(per_query: dict[str, dict[str, float]], a: str, b: str) -> dict[str, float]:
    """Queries where variant ``a`` beats ``b`` on AP@5 and the reverse, with the sign test."""
    qa, qb = per_query[a], per_query[b]
    wins = sum(qa[q] > qb[q] + 1e-9 for q in qa)
    losses = sum(qb[q] > qa[q] + 1e-9 for q in qa)
    return {"queries": len(qa), "a_better": wins, "b_better": losses,
            "sign_test_p": round(sign_test(wins, losses), 4)}  # fmt: skip


def dense_scores(name: str, arg: float, parts: dict[str, np.ndarray]) -> np.ndarray:
    """(queries × claims) dense cosines of one variant (see the module docstring)."""
    cb, ch, cbh, share, has = (parts[k] for k in ("cb", "ch", "cbh", "share", "has"))

    def summed(scale: float, power: float = 1.0) -> np.ndarray:
        w = share * scale
        norm = np.sqrt(1 + w * w + 2 * w * cbh)
        return np.where(has, (cb + w * ch) / (norm**power * (1 + w) ** (1 - power)), cb)

    def convex(w: np.ndarray) -> np.ndarray:
        w = w * has
        return (cb + w * ch) / (1 + w)

    table = {
        "text": lambda: parts["ct"],
        "none": lambda: cb,
        "sum": lambda: summed(arg),
        "sumbw": lambda: summed(1.0),
        "convex": lambda: convex(share * arg),
        "cconst": lambda: convex(np.full_like(share, arg)),
        "maxsum": lambda: np.maximum(cb, summed(arg)),
        "maxconvex": lambda: np.maximum(cb, convex(share * arg)),
        "psum": lambda: summed(1.0, arg),
        "rerank": lambda: summed(1.0),
        "rerankt": lambda: summed(1.0),
    }
    if name not in table:
        raise SystemExit(f"unknown variant {name!r} (known: {', '.join(table)})")
    return table[name]()


def run_split(
    split: str, variants: list[str], embed, cache: Path, pair: tuple[str, str] | None = None
) -> dict[str, dict]:
    from workbench.evaluation.retrieval import (
        _raw_field,
        _top,
        average_precision,
        cached_embed,
        score_rankings,
    )
    from workbench.retrieval.embed import embedding_text, headline_weight
    from workbench.retrieval.fusion import BM25_WEIGHT, score_candidates
    from workbench.retrieval.lexical import BM25Index, clean_query
    from workbench.retrieval.search import MIN_CANDIDATES

    qrels, corpus, queries = load_split(split)
    claims = _raw_field(corpus, "vclaim") or corpus.texts
    heads = _raw_field(corpus, "title") or [""] * len(corpus.ids)
    claim_of = dict(zip(corpus.ids, [c.strip() for c in claims], strict=True))
    docs = [
        embedding_text(c.strip(), h.strip(), "title") for c, h in zip(claims, heads, strict=True)
    ]
    bare = cached_embed(embed, [c.strip() for c in claims], cache)
    titles = sorted({h.strip() for h in heads if h.strip()}) or [""]
    tvecs = cached_embed(embed, titles, cache)
    where = {t: i for i, t in enumerate(titles)}
    head = np.stack([tvecs[where.get(h.strip(), 0)] for h in heads])
    share = np.array(
        [headline_weight(c.strip(), h, "title") for c, h in zip(claims, heads, strict=True)]
    )
    cleaned = [clean_query(q) for q in queries.texts]
    qv = cached_embed(embed, cleaned, cache)
    parts = {"cb": qv @ bare.T, "ch": qv @ head.T, "cbh": np.sum(bare * head, axis=1),
             "share": share, "has": share > 0}  # fmt: skip
    if any(v.split(":")[0] in ("text", "rerank", "rerankt") for v in variants):
        parts["ct"] = qv @ cached_embed(embed, docs, cache).T
    bm25 = BM25Index.build(np.arange(len(corpus.ids)), docs)
    lexical = [bm25.scores(q) for q in cleaned]
    depth = max(MIN_CANDIDATES, 100)
    tie = np.random.default_rng(0).permutation(len(corpus.ids))
    out: dict[str, dict] = {}
    per_query: dict[str, dict[str, float]] = {}
    for variant in variants:
        name, _, arg = variant.partition(":")
        cos = dense_scores(name, float(arg) if arg else 1.0, parts)
        weight = float(arg) if name == "sumbw" else BM25_WEIGHT
        row = {}
        for fair in (False, True):
            rankings = {}
            for qi, (qid, query) in enumerate(zip(queries.ids, cleaned, strict=True)):
                c, b = cos[qi], lexical[qi]
                cand = np.union1d(_top(c, depth), _top(b, depth))
                if fair:
                    cand = cand[np.argsort(tie[cand])]
                texts = [claims[j].strip() for j in cand]
                final, _ = score_candidates(query, texts, c[cand], b[cand], "score", weight)
                if name in ("rerank", "rerankt"):  # a lookup's second stage (retrieval/joint.py)
                    top = (
                        np.argsort(-final, kind="stable")[: int(arg)]
                        if name == "rerank"
                        else np.flatnonzero(final >= float(arg))
                    )
                    c2 = c[cand].copy()
                    c2[top] = parts["ct"][qi, cand[top]]
                    final, _ = score_candidates(query, texts, c2, b[cand], "score", weight)
                order = cand[np.argsort(-final, kind="stable")][:100]
                rankings[qid] = [corpus.ids[j] for j in order]
            if fair:
                row["dedup"] = round(dedup_map5(rankings, qrels, claim_of), 4)
            else:
                row["official"] = round(score_rankings(rankings, qrels)["map@5"], 4)
                per_query[variant] = {
                    q: average_precision(r, qrels.get(q, set()), 5) for q, r in rankings.items()
                }
        out[variant] = row
        print(f"{split:11} {variant:13} {row['official']:9.4f} {row['dedup']:7.4f}", flush=True)
    if pair:
        out["paired"] = {f"{pair[0]} vs {pair[1]}": paired(per_query, *pair)}
        print(f"{split:11} {pair[0]} vs {pair[1]}: {out['paired']}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splits", default=",".join(SPLITS))
    ap.add_argument("--variants", default=DEFAULT)
    ap.add_argument("--paired", help="two variants A,B to compare per query (sign test)")
    ap.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "results" / "headline_variants.json"
    )
    args = ap.parse_args(argv)
    if not SHARED.exists():
        print(f"skipped: {SHARED} not found")
        return 0
    from workbench.evaluation.retrieval import _model_embed
    from workbench.retrieval.embed import Embedder

    cache = Path(os.environ.get("WORKBENCH_DATA", "/tmp/wb-eval")) / "cache"
    embed = _model_embed(Embedder())
    print(f"{'split':11} {'variant':13} {'official':>9} {'dedup':>7}")
    variants = args.variants.split(",")
    pair = None
    if args.paired:
        a, _, b = args.paired.partition(",")
        pair = (a, b)
        variants += [v for v in pair if v not in variants]
    results = {s: run_split(s, variants, embed, cache, pair) for s in args.splits.split(",")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

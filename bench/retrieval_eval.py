"""MAP@5 of the hybrid lookup on the CheckThat! splits, three ways, per ``embed_context``.

``workbench eval retrieval`` reports the official metric: a query's AP counts only the
judged claim id. Both CheckThat! corpora hold duplicate claims (2020: the same sentence with
"double" and 'single' quotes, ids far apart), and the judged one is not always the first, so
the official number partly measures how ties between duplicates break. This script prints,
for each split and each ``embed_context`` (``title``, ``none``):

* ``official`` — as ``workbench eval retrieval`` (equal scores: corpus order, as the live
  search keeps the older claim first);
* ``fair ties`` — equal scores broken by a fixed pseudo-random order instead;
* ``dedup`` — fair ties, and claims whose wording is the same (letters and digits only,
  lower-cased) count as one document: a duplicate of the judged claim is a hit, and later
  copies are dropped from the ranking. This is the number to compare settings by.

    .venv/bin/python bench/retrieval_eval.py [--splits 2020-train,2020-dev,2021-train,2021-dev]

Corpus embeddings are cached in ``$WORKBENCH_DATA/cache`` (default /tmp/wb-eval/cache).
Skips (exit 0) when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
C20 = SHARED / "checkthat2020-task2" / "v3.0"
C21 = SHARED / "checkthat2021-task2a-english"
SPLITS = {
    "2020-train": (
        C20 / "verified_claims.docs.tsv",
        C20 / "train" / "tweets.queries.tsv",
        C20 / "train" / "tweet-vclaim-pairs.qrels",
    ),
    "2020-dev": (
        C20 / "verified_claims.docs.tsv",
        C20 / "dev" / "tweets.queries.tsv",
        C20 / "dev" / "tweet-vclaim-pairs.qrels",
    ),
    "2021-train": (C21 / "vclaims.tar.gz", C21 / "tweets-train-dev.tsv", C21 / "qrels-train.tsv"),
    "2021-dev": (C21 / "vclaims.tar.gz", C21 / "tweets-train-dev.tsv", C21 / "qrels-dev.tsv"),
}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def dedup_map5(
    rankings: dict[str, list[str]], qrels: dict[str, set[str]], text_of: dict[str, str]
) -> float:
    """MAP@5 over distinct wordings (see the module docstring)."""
    from workbench.evaluation.retrieval import score_rankings

    keyed: dict[str, list[str]] = {}
    for qid, ranked in rankings.items():
        seen: list[str] = []
        for doc in ranked:
            k = _key(text_of[doc])
            if k not in seen:
                seen.append(k)
        keyed[qid] = seen
    gold = {q: {_key(text_of[d]) for d in docs} for q, docs in qrels.items()}
    return score_rankings(keyed, gold)["map@5"]


def load_split(split: str) -> tuple[dict, Any, Any]:
    """(qrels, corpus, the queries that have qrels) of a CheckThat! split."""
    from workbench.evaluation.retrieval import Collection, read_corpus, read_qrels, read_tsv

    corpus_path, queries_path, qrels_path = SPLITS[split]
    qrels = read_qrels(qrels_path)
    corpus = read_corpus(corpus_path)
    queries = read_tsv(queries_path, known_ids=set(qrels))
    keep = [i for i, q in enumerate(queries.ids) if q in qrels]
    queries = Collection([queries.ids[i] for i in keep], [queries.texts[i] for i in keep])
    return qrels, corpus, queries


def run(split: str, contexts: list[str], embedder, cache: Path) -> dict[str, dict[str, float]]:
    from workbench.evaluation.retrieval import (
        hybrid_ranker,
        score_rankings,
    )

    qrels, corpus, queries = load_split(split)
    claim_of = {
        d: (f.get("vclaim") or t)
        for d, f, t in zip(
            corpus.ids, corpus.fields or [{}] * len(corpus.ids), corpus.texts, strict=True
        )
    }
    out: dict[str, dict[str, float]] = {}
    for label in contexts:
        # "title" (headline summed in, default scale), "title:text" (concatenated text, the
        # pre-issue-14 way), "title:0.5" (summed, scale 0.5), "none"
        context, _, how = label.partition(":")
        headline = "text" if how == "text" else "sum"
        scale = float(how) if how and how != "text" else None
        row: dict[str, float] = {}
        for fair in (False, True):
            ranked = hybrid_ranker(
                embedder,
                cache,
                context=context,
                fair_ties=fair,
                headline=headline,
                headline_scale=scale,
            )(corpus, queries, 100)
            rankings = dict(zip(queries.ids, ranked, strict=True))
            if not fair:
                row["official"] = round(score_rankings(rankings, qrels)["map@5"], 4)
            else:
                row["fair ties"] = round(score_rankings(rankings, qrels)["map@5"], 4)
                row["dedup"] = round(dedup_map5(rankings, qrels, claim_of), 4)
        out[label] = row
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splits", default=",".join(SPLITS))
    ap.add_argument("--contexts", default="title,none")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "retrieval_eval.json")
    args = ap.parse_args()
    if not SHARED.exists():
        print(f"skipped: {SHARED} not found")
        return 0
    from workbench.retrieval.embed import Embedder

    cache = Path(os.environ.get("WORKBENCH_DATA", "/tmp/wb-eval")) / "cache"
    embedder = Embedder()
    results = {}
    contexts = args.contexts.split(",")
    print(f"{'split':11} {'context':10} {'official':>9} {'fair ties':>9} {'dedup':>7}")
    for split in args.splits.split(","):
        results[split] = run(split, contexts, embedder, cache)
        for context, row in results[split].items():
            print(
                f"{split:11} {context:10} {row['official']:9.4f} {row['fair ties']:9.4f} {row['dedup']:7.4f}",
                flush=True,
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

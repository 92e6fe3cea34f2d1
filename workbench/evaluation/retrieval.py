"""Claim-retrieval evaluation in the CLEF CheckThat! format: MAP@k and MRR.

Corpus and queries are TSV files (first column the id, the other columns joined are the text;
a header row is expected, and detected when absent), or for the corpus a folder or ``.tar.gz``
of JSON claims (``vclaim_id``/``vclaim``/``title`` as in CheckThat! 2021). Qrels lines read
``qid 0 docid 1``. AP@k follows the official scorer: the precisions at each relevant hit in the
top k, summed and divided by the number of relevant documents.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from workbench.errors import InputError
from workbench.evaluation.checkthat_files import (  # noqa: F401  (importable here)
    Collection,
    read_corpus,
    read_json_claims,
    read_qrels,
    read_tsv,
)

KS = (1, 3, 5, 10, 20)
# Second-stage overlap bonus of the experimental ``hybrid_rerank`` / ``hybrid_rerankent``,
# the best of 0.02-0.2 on the 2020 + 2021 train splits. Not adopted: MAP@5 moves by <= 0.001
# on train (.8879/.8926 and .8877/.8934 vs .8873/.8929) and drops on dev (2020 .863 -> .858).
RERANK_WEIGHT = 0.05


def average_precision(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:k]):
        if doc in relevant:
            hits += 1
            total += hits / (i + 1)
    return total / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    for i, doc in enumerate(ranked):
        if doc in relevant:
            return 1.0 / (i + 1)
    return 0.0


def score_rankings(rankings: dict[str, list[str]], qrels: dict[str, set[str]]) -> dict[str, float]:
    qids = [q for q in qrels if q in rankings]
    out: dict[str, float] = {}
    for k in KS:
        out[f"map@{k}"] = (
            float(np.mean([average_precision(rankings[q], qrels[q], k) for q in qids]))
            if qids
            else 0.0
        )
    out["mrr"] = (
        float(np.mean([reciprocal_rank(rankings[q], qrels[q]) for q in qids])) if qids else 0.0
    )
    out["queries"] = len(qids)
    return out


Ranker = Callable[[Collection, Collection, int], list[list[str]]]


def dense_ranker(embed: Callable[[list[str]], np.ndarray], cache_dir: Path | None = None) -> Ranker:
    """Exact inner-product search over normalised embeddings (the plain baseline)."""

    def rank(corpus: Collection, queries: Collection, depth: int) -> list[list[str]]:
        docs = cached_embed(embed, corpus.texts, cache_dir)
        q = embed(queries.texts)
        scores = q @ docs.T
        top = np.argsort(-scores, axis=1)[:, :depth]
        return [[corpus.ids[j] for j in row] for row in top]

    return rank


def cached_embed(
    embed: Callable[[list[str]], np.ndarray], texts: list[str], cache_dir: Path | None
) -> np.ndarray:
    """Embed a corpus once per (texts, embedder) and keep the matrix on disk for reruns."""
    if cache_dir is None:
        return embed(texts)
    key = hashlib.sha1(
        ("\x1e".join(texts) + repr(getattr(embed, "__qualname__", ""))).encode()
    ).hexdigest()[:16]
    path = cache_dir / f"eval-{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = embed(texts)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def evaluate_retrieval(
    corpus_path: Path,
    queries_path: Path,
    qrels_path: Path,
    ranker: Ranker,
    depth: int = 100,
) -> dict[str, Any]:
    """Rank the corpus for each query that has judgements and score the rankings."""
    started = time.perf_counter()
    for p in (corpus_path, queries_path, qrels_path):
        if not p.exists():
            raise InputError(str(p), "no such file")
    qrels = read_qrels(qrels_path)
    corpus = read_corpus(corpus_path)
    queries = read_tsv(queries_path, known_ids=set(qrels))
    keep = [i for i, q in enumerate(queries.ids) if q in qrels]
    queries = Collection([queries.ids[i] for i in keep], [queries.texts[i] for i in keep])
    if not queries.ids:
        raise InputError(str(queries_path), "no query id appears in the qrels")
    ranked = ranker(corpus, queries, depth)
    result: dict[str, Any] = score_rankings(dict(zip(queries.ids, ranked, strict=True)), qrels)
    result.update(
        {
            "documents": len(corpus.ids),
            "seconds": round(time.perf_counter() - started, 2),
            "corpus": str(corpus_path),
            "queries_file": str(queries_path),
            "qrels": str(qrels_path),
        }
    )
    return result


def format_report(result: dict[str, Any]) -> str:
    lines = [
        f"{result['queries']} queries over {result['documents']} documents ({result['seconds']} s)"
    ]
    for key in ("map@1", "map@5", "map@10", "mrr"):
        lines.append(f"  {key.upper():7} {result[key]:.4f}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- hybrid rankers


def _model_embed(embedder: Any) -> Callable[[list[str]], np.ndarray]:
    """The embedder as a plain function, named so its cache files match ``dense`` mode's."""

    from workbench.retrieval.embed import EMBED_INPUT_VERSION

    def embed(texts: list[str]) -> np.ndarray:
        return embedder.encode(texts)

    embed.__qualname__ = f"dense:{embedder.model_name}:v{EMBED_INPUT_VERSION}"
    return embed


def _field(corpus: Collection, name: str) -> list[str] | None:
    """One field of every document (e.g. ``title``), or None when the corpus lacks it."""
    if not corpus.fields or not all(f.get(name) for f in corpus.fields):
        return None
    return [f[name].strip() for f in corpus.fields]


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    n = min(n, len(scores))
    part = np.argpartition(-scores, n - 1)[:n]
    return part[np.argsort(-scores[part], kind="stable")]


def bm25_ranker(embedder: Any = None, cache_dir: Path | None = None) -> Ranker:
    """BM25 alone (bm25s, the workbench tokenizer) over claim + title, on cleaned queries."""
    from workbench.retrieval.lexical import BM25Index, clean_query

    def rank(corpus: Collection, queries: Collection, depth: int) -> list[list[str]]:
        index = BM25Index.build(np.arange(len(corpus.ids)), corpus.texts)
        return [
            [corpus.ids[j] for j in _top(index.scores(clean_query(q)), depth)]
            for q in queries.texts
        ]

    return rank


def _raw_field(corpus: Collection, name: str) -> list[str] | None:
    """One field of every document as stored (unstripped, so cached embeddings match)."""
    if not corpus.fields or not all(f.get(name) for f in corpus.fields):
        return None
    return [f[name] for f in corpus.fields]


def _summed(
    embed: Callable[[list[str]], np.ndarray],
    claims: list[str],
    heads: list[str],
    scale: float,
    cache_dir: Path | None,
) -> np.ndarray:
    """Search vectors as the index builds them: bare claims and each distinct title encoded
    once, combined by ``with_headline``."""
    from workbench.retrieval.embed import headline_weight, with_headline

    bare = cached_embed(embed, [c.strip() for c in claims], cache_dir)
    titles = sorted({h.strip() for h in heads if h.strip()})
    if not titles:
        return bare
    tvecs = cached_embed(embed, titles, cache_dir)
    where = {t: i for i, t in enumerate(titles)}
    rows = np.stack([tvecs[where[h.strip()]] if h.strip() else tvecs[0] for h in heads])
    weights = np.array(
        [headline_weight(c.strip(), h, "title", scale) for c, h in zip(claims, heads, strict=True)]
    )
    return with_headline(bare, rows, weights)


def hybrid_ranker(
    embedder: Any,
    cache_dir: Path | None = None,
    penalty_weight: float | None = None,
    titles: bool = False,
    fair_ties: bool = False,
    fusion: str = "score",
    context: str | None = None,
    bm25_weight: float | None = None,
    rerank_weight: float = 0.0,
    rerank_entities: bool = False,
    headline: str | None = None,
    headline_scale: float | None = None,
    joint_depth: int | None = None,
) -> Ranker:
    """The live search's scoring on a CheckThat! set: BM25 and dense fused, then re-scored.

    The dense side embeds a document as the live index does: with ``headline="sum"`` (the
    default, ``HEADLINE_MODE``) the bare claim and its title are encoded apart and combined
    (``with_headline``, weight times ``headline_scale``); ``headline="text"`` encodes the
    concatenated text instead (the pre-issue-14 way, for comparison).

    Queries are cleaned (``clean_query``). Each document is a claim (``vclaim``) under a
    headline (``title``), and both sides see what the live search sees for a claim in an
    article: ``embedding_text`` with the ``embed_context`` setting (``context`` overrides it),
    i.e. claim + title, or the claim alone with ``"none"``. A corpus without those fields
    (plain TSV) is used whole. With ``titles``, the dense side takes the better cosine of that
    view and the title alone. Fusion is
    ``workbench.retrieval.fusion.score_candidates`` (``fusion="score"``, or ``"rrf"``) over the
    union of both sides' top candidates, the same call the live search makes; equal
    scores keep corpus order, like ``dense_ranker`` and the live search (older claim first).
    With ``fair_ties`` they are broken by a fixed pseudo-random order instead: CheckThat! 2020
    has duplicate claims and all its judged claims sit in the first 1,000 of 10,375, so
    corpus order alone wins ties for the gold claim.

    As the live search does, the candidates whose score reaches the ``rerank_floor`` setting
    (at most ``joint_depth``, the ``rerank_depth`` setting when None) are then scored again with each claim and its title encoded as one text
    (``workbench.retrieval.joint``), when documents carry titles and ``headline="sum"``.

    With ``rerank_weight`` > 0 the top ``RESCORE_DEPTH`` after re-scoring get a second-stage
    bonus ``rerank_weight * overlap`` (``rerank_overlap``: the IDF-weighted share of the
    query's words found in the claim text; with ``rerank_entities`` averaged with the share of
    the query's numbers and entities the claim agrees on).
    """
    from workbench.retrieval.embed import (
        HEADLINE_MODE,
        HEADLINE_SCALE,
        embedding_text,
        headline_weight,
    )
    from workbench.retrieval.fusion import BM25_WEIGHT, LAMBDA, RESCORE_DEPTH, score_candidates
    from workbench.retrieval.joint import rescore_top
    from workbench.retrieval.lexical import BM25Index, clean_query, tokenize
    from workbench.retrieval.search import MIN_CANDIDATES
    from workbench.settings import Settings

    embed = _model_embed(embedder)
    lam = LAMBDA if penalty_weight is None else penalty_weight
    weight = BM25_WEIGHT if bm25_weight is None else bm25_weight
    ctx = context or Settings.from_env().embed_context
    mode = headline or HEADLINE_MODE
    scale = HEADLINE_SCALE if headline_scale is None else headline_scale
    settings = Settings.from_env()
    joint_k = settings.rerank_depth if joint_depth is None else joint_depth

    def rank(corpus: Collection, queries: Collection, depth: int) -> list[list[str]]:
        claims = _raw_field(corpus, "vclaim")
        heads = _raw_field(corpus, "title") or [""] * len(corpus.ids)
        docs = (
            [embedding_text(c.strip(), h.strip(), ctx) for c, h in zip(claims, heads, strict=True)]
            if claims is not None
            else corpus.texts
        )
        joint = None
        if claims is not None and ctx == "title" and mode == "sum":
            views = [_summed(embed, claims, heads, scale, cache_dir)]
            if joint_k > 0:
                titled = np.array(
                    [
                        headline_weight(c.strip(), h, ctx) > 0
                        for c, h in zip(claims, heads, strict=True)
                    ]
                )
                joint = (cached_embed(embed, docs, cache_dir), titled)
        else:
            views = [cached_embed(embed, docs, cache_dir)]
        title = _field(corpus, "title") if titles else None
        if title is not None:
            views.append(cached_embed(embed, title, cache_dir))
        cleaned = [clean_query(q) for q in queries.texts]
        qvecs = cached_embed(embed, cleaned, cache_dir)
        index = BM25Index.build(np.arange(len(corpus.ids)), docs)
        claim_texts = [c.strip() for c in claims] if claims is not None else corpus.texts
        n = max(MIN_CANDIDATES, depth)
        tie = np.random.default_rng(0).permutation(len(corpus.ids)) if fair_ties else None
        idf: dict[str, float] = {}
        doc_tokens: list[set[str]] = []
        if rerank_weight > 0:
            doc_tokens = [set(tokenize(t)) for t in claim_texts]
            df: dict[str, int] = {}
            for toks in doc_tokens:
                for t in toks:
                    df[t] = df.get(t, 0) + 1
            idf = {t: float(np.log((len(doc_tokens) + 1) / (d + 0.5))) for t, d in df.items()}
        out: list[list[str]] = []
        for query, qvec in zip(cleaned, qvecs, strict=True):
            cos = np.max(np.stack([v @ qvec for v in views]), axis=0)
            bm25 = index.scores(query)
            cand = np.union1d(_top(cos, n), _top(bm25, n))
            if tie is not None:
                cand = cand[np.argsort(tie[cand])]
            texts = [claim_texts[j] for j in cand]
            final, _ = score_candidates(query, texts, cos[cand], bm25[cand], fusion, weight, lam)
            if joint is not None:
                second = rescore_top(
                    final, cos[cand], settings.rerank_floor, joint_k,
                    partial(_joint_cos, joint, cand, qvec),
                    partial(_fused, query, texts, bm25[cand], fusion, weight, lam),
                )  # fmt: skip
                if second is not None:
                    final = second[0]
            if rerank_weight > 0:
                top = np.argsort(-final, kind="stable")[:RESCORE_DEPTH]
                bonus = rerank_overlap(
                    query,
                    [doc_tokens[j] for j in cand[top]],
                    [claim_texts[j] for j in cand[top]],
                    idf,
                    rerank_entities,
                )
                final = final.copy()
                final[top] += rerank_weight * bonus
            order = cand[np.argsort(-final, kind="stable")][:depth]
            out.append([corpus.ids[j] for j in order])
        return out

    return rank


def _joint_cos(
    joint: tuple[np.ndarray, np.ndarray], cand: np.ndarray, qvec: np.ndarray, top: np.ndarray
) -> np.ndarray:
    """Cosines of the query with the joint (claim + title) vectors of ``cand[top]``; NaN for
    untitled documents (see ``workbench.retrieval.joint.rescore_top``)."""
    vectors, titled = joint
    rows = cand[top]
    return np.where(titled[rows], vectors[rows] @ qvec, np.nan)


def _fused(
    query: str,
    texts: list[str],
    bm25: np.ndarray,
    fusion: str,
    weight: float,
    lam: float,
    cosine: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    from workbench.retrieval.fusion import score_candidates

    return score_candidates(query, texts, cosine, bm25, fusion, weight, lam)


def rerank_overlap(
    query: str,
    doc_tokens: list[set[str]],
    texts: list[str],
    idf: dict[str, float],
    entities: bool = False,
) -> np.ndarray:
    """Per candidate, the IDF-weighted share of the query's (known) words it contains, in
    [0, 1]; with ``entities``, averaged with the share of the query's numbers and entities
    it agrees on (``keyterms``; a query without any counts as full agreement)."""
    from workbench.retrieval.lexical import tokenize
    from workbench.text.keyterms import extract_key_terms, unmatched_entities

    q = sorted({t for t in tokenize(query) if t in idf})
    if not q or not doc_tokens:
        return np.zeros(len(doc_tokens))
    w = np.array([idf[t] for t in q])
    hit = np.array([[t in d for t in q] for d in doc_tokens], dtype=np.float64)
    overlap = hit @ w / w.sum()
    if not entities:
        return overlap
    qt = extract_key_terms(query)
    qnums = {n.value for n in qt.numbers}
    want = len(qt.entities) + len(qnums)
    if not want:
        return overlap
    agree = np.zeros(len(texts))
    for i, text in enumerate(texts):
        dt = extract_key_terms(text)
        missing, _ = unmatched_entities(qt.entities, dt.entities)
        nums = len(qnums & {n.value for n in dt.numbers})
        agree[i] = (len(qt.entities) - len(missing) + nums) / want
    return (overlap + agree) / 2


def hybrid_titles_ranker(embedder: Any, cache_dir: Path | None = None) -> Ranker:
    """``hybrid`` with a second dense view over document titles (``--mode hybrid_titles``)."""
    return hybrid_ranker(embedder, cache_dir, titles=True)


def hybrid_fairties_ranker(embedder: Any, cache_dir: Path | None = None) -> Ranker:
    """``hybrid`` with ties broken pseudo-randomly, not by corpus order (see ``fair_ties``)."""
    return hybrid_ranker(embedder, cache_dir, fair_ties=True)


def hybrid_nopenalty_ranker(embedder: Any, cache_dir: Path | None = None) -> Ranker:
    """``hybrid`` without key-term re-scoring, to see what the re-scoring costs or gains."""
    return hybrid_ranker(embedder, cache_dir, penalty_weight=0.0)


def hybrid_rrf_ranker(embedder: Any, cache_dir: Path | None = None) -> Ranker:
    """The earlier hybrid: reciprocal-rank fusion (k = 60) instead of score-level fusion."""
    return hybrid_ranker(embedder, cache_dir, fusion="rrf")


def hybrid_notitle_ranker(embedder: Any, cache_dir: Path | None = None) -> Ranker:
    """``hybrid`` with ``embed_context=none``: claims embedded and indexed without headlines."""
    return hybrid_ranker(embedder, cache_dir, context="none")


def hybrid_rerank_ranker(embedder: Any, cache_dir: Path | None = None) -> Ranker:
    """``hybrid`` plus a second-stage bonus for IDF-weighted query-word overlap (top 20)."""
    return hybrid_ranker(embedder, cache_dir, rerank_weight=RERANK_WEIGHT)


def hybrid_rerankent_ranker(embedder: Any, cache_dir: Path | None = None) -> Ranker:
    """``hybrid_rerank`` whose bonus also counts agreeing numbers and entities."""
    return hybrid_ranker(embedder, cache_dir, rerank_weight=RERANK_WEIGHT, rerank_entities=True)

"""``workbench eval …``: retrieval (CheckThat!), attribution (brat), same-claim (MRPC) and
stance (FNC-1) evaluations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench.cli import JsonOpt, app, emit, settings

eval_app = typer.Typer(
    help="Measure retrieval, attribution, same-claim and stance quality on labelled data.",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")


@eval_app.command("retrieval")
def eval_retrieval(
    corpus: Annotated[
        Path,
        typer.Option(help="Documents: TSV (id, text columns…) or a folder/.tar.gz of JSON claims."),
    ],
    queries: Annotated[Path, typer.Option(help="Queries TSV (id, text columns…).")],
    qrels: Annotated[Path, typer.Option(help="Judgements: lines 'qid 0 docid 1'.")],
    mode: Annotated[
        str | None,
        typer.Option(
            help="hybrid (default: the search_mode setting), dense (plain baseline), bm25, or another ranker."
        ),
    ] = None,
    cache: Annotated[
        bool, typer.Option(help="Keep corpus embeddings in DATA/cache for reruns.")
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """MAP@1, MAP@5, MAP@10 and MRR of similar-claim lookup on a CheckThat!-format set."""
    from workbench.evaluation.retrieval import dense_ranker, evaluate_retrieval, format_report
    from workbench.retrieval.embed import EMBED_INPUT_VERSION, Embedder

    s = settings()
    embedder = Embedder(s.model, s.device, s.batch_size, s.torch_threads)
    cache_dir = s.data / "cache" if cache else None
    chosen = mode or s.search_mode
    ranker = None
    if chosen != "dense":
        from workbench.evaluation import retrieval as retrieval_mod

        factory = getattr(retrieval_mod, f"{chosen}_ranker", None)
        if factory is None:
            raise typer.BadParameter(f"unknown mode {chosen!r}", param_hint="--mode")
        ranker = factory(embedder, cache_dir)
    else:

        def embed(texts: list[str]):
            return embedder.encode(texts)

        embed.__qualname__ = f"dense:{s.model}:v{EMBED_INPUT_VERSION}" + (
            "" if embedder.backend == "torch" else f":{embedder.backend}"
        )
        ranker = dense_ranker(embed, cache_dir)
    result = evaluate_retrieval(corpus, queries, qrels, ranker)
    result["mode"] = chosen
    emit(result, as_json, format_report(result))


@eval_app.command("attribution")
def eval_attribution(
    brat: Annotated[
        Path,
        typer.Option(help="Folder of brat standoff: text/ + attributions/, or .txt + .ann files."),
    ],
    limit: Annotated[int | None, typer.Option(help="Only the first N documents.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Precision, recall and F1 of source, cue and content spans (exact and overlap match)."""
    from workbench.attribution import Attributor
    from workbench.evaluation.attribution import evaluate_brat, format_report

    result = evaluate_brat(brat, Attributor(), limit=limit)
    emit(result, as_json, format_report(result))


@eval_app.command("crosslingual")
def eval_crosslingual(
    tsv: Annotated[
        Path, typer.Option(help="Parallel sentences: TSV with doc, eng and language columns.")
    ],
    languages: Annotated[
        str, typer.Option("--languages", help="Comma-separated language columns.")
    ] = "urd,prs,pus,fas,arb,hin",
    method: Annotated[
        str,
        typer.Option(
            help="plain (e5 cosine), story (+ story vectors, numbers, names), context "
            "(+ neighbouring sentences) or all."
        ),
    ] = "all",
    cache: Annotated[
        bool, typer.Option(help="Keep sentence vectors in DATA/cache for reruns.")
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Accuracy@1 of cross-lingual lookup: each sentence finds its English translation and back."""
    from workbench.errors import InvalidOption
    from workbench.evaluation.crosslingual import (
        METHODS,
        cached_encoder,
        evaluate_crosslingual,
        format_report,
        read_parallel,
    )
    from workbench.retrieval.multilingual import CLAIM_PREFIX, MODEL_NAME, encode

    methods = {"all": METHODS, **{m: (m,) for m in METHODS}}
    if method not in methods:
        raise InvalidOption(f"--method must be plain, story, context or all; not {method!r}")
    s = settings()
    encoder = cached_encoder(
        lambda texts: encode(texts, CLAIM_PREFIX),
        s.data / "cache" if cache else None,
        f"{MODEL_NAME}:{CLAIM_PREFIX}",
    )
    langs = [x.strip() for x in languages.split(",") if x.strip()]
    result = evaluate_crosslingual(read_parallel(tsv), encoder, langs, methods[method])
    emit(result, as_json, format_report(result))


@eval_app.command("same-claim")
def eval_same_claim(
    mrpc: Annotated[
        Path, typer.Option(help="MRPC-format TSV (Quality, #1 ID, #2 ID, #1 String, #2 String).")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Accuracy of the same-statement decision and precision/recall at the cluster point."""
    from workbench.compare.same_claim import SameClaimJudge
    from workbench.evaluation.same_claim import evaluate_same_claim, format_report
    from workbench.retrieval.embed import Embedder

    s = settings()
    judge = SameClaimJudge(
        encode=Embedder(s.model, s.device, s.batch_size, s.torch_threads).encode,
        cache_size=50_000,
    )
    result = evaluate_same_claim(mrpc, judge)
    emit(result, as_json, format_report(result))


@eval_app.command("stance")
def eval_stance(
    fnc: Annotated[
        Path, typer.Option(help="FNC-1 folder with train_bodies.csv and train_stances.csv.")
    ],
    split: Annotated[
        str, typer.Option(help="dev (20 % of Body IDs, fixed seed) or train.")
    ] = "dev",
    limit: Annotated[int | None, typer.Option(help="Only the first N pairs of the split.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Macro-F1, per-class F1 and the official FNC score of article stance toward a claim."""
    from workbench.compare.article_stance import get_stance_weights
    from workbench.compare.same_claim import SameClaimJudge
    from workbench.evaluation.stance import evaluate_stance, format_report
    from workbench.retrieval.embed import Embedder

    s = settings()
    encode = Embedder(s.model, s.device, s.batch_size, s.torch_threads).encode
    judge = SameClaimJudge(encode=encode, cache_size=100_000)
    result = evaluate_stance(fnc, judge, get_stance_weights(), encode, split=split, limit=limit)
    emit(result, as_json, format_report(result))

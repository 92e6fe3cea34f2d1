"""Commands: ``compare`` (one claim across outlets) and ``citations`` (who cites whom)."""

from __future__ import annotations

from typing import Annotated

import typer

from workbench.cli import JsonOpt, app, emit, fail, open_workbench

# Discrepancy kind -> the field prefix of its per-side lists ("entity" -> "entities_a").
_FIELD = {"number": "numbers", "date": "dates", "entity": "entities", "negation": "negation"}


@app.command()
def compare(
    claim: Annotated[str, typer.Argument(help="A claim id, or the text of a claim.")],
    k: Annotated[
        int, typer.Option("-k", "--k", help="How many versions from other articles.")
    ] = 10,
    floor: Annotated[
        float | None, typer.Option(help="Relevance floor (default: compare_floor setting).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Only versions in this language (en, ur, prs, …).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Who carries CLAIM, who they attribute it to, where versions differ, who was first."""
    from workbench.text.language import normalise_code

    with open_workbench() as wb:
        if not len(wb.index):
            fail("nothing ingested yet (try: workbench ingest seeds/)")
        result = wb.compare(claim, k=k, floor=floor, language=normalise_code(lang))
    if as_json:
        emit(result.to_dict(), True)
        return
    typer.echo(f"claim: {result.focus_text}")
    typer.echo(
        f"independent sources: {result.independent_sources} "
        f"({len(result.appearances)} version(s), {len(result.syndication)} origin group(s))"
    )
    if result.earliest:
        e = result.earliest
        typer.echo(
            f"earliest: {e.first_seen} ({e.first_seen_from}) {e.publisher or e.title or ''} · claim {e.claim_id}"
        )
    typer.echo("\noutlet | language | role | first seen | stance | attributed to | states")
    for r in result.outlets:
        via = f" via {r.via}" if r.via else ""
        where = f" (in {r.in_article_of})" if r.in_article_of else ""
        typer.echo(
            f"- {r.outlet}{via}{where} | {r.language or '-'} | {r.role} | {r.first_seen[:10]} | {r.stance} | "
            f"{', '.join(r.attributed_to) or '-'} | [{r.claim_id}] {r.states[:140]}"
        )
    flagged = [p for p in result.pairs if p.kinds or (p.stance and p.stance.label == "contradict")]
    if flagged:
        typer.echo("\ndiscrepancies:")
    for p in flagged:
        d = p.discrepancy
        parts = [
            f"{kind}: {d[_FIELD[kind] + '_a']} vs {d[_FIELD[kind] + '_b']}" for kind in p.kinds
        ]
        stance = f"{p.stance.label} ({'; '.join(p.stance.reasons[:2])})" if p.stance else ""
        typer.echo(f"- [{p.a_claim}] vs [{p.b_claim}]: {'; '.join(parts) or 'wording'} · {stance}")
        for op in d["diff"]:
            if op["op"] != "equal":
                typer.echo(f"    {op['op']}: '{op['a_text']}' -> '{op['b_text']}'")
    for g in result.syndication:
        if len(g.article_ids) > 1:
            typer.echo(f"syndicated group {g.id}: {', '.join(g.outlets)} (claims {g.claim_ids})")


@app.command()
def citations(
    claim: Annotated[
        int | None, typer.Option("--claim", help="Only this claim (and its cluster).")
    ] = None,
    cluster: Annotated[int | None, typer.Option("--cluster", help="Only this cluster.")] = None,
    query: Annotated[
        str | None, typer.Option("--query", help="Only the claims comparable to this text.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Which outlet or article cites which source, with counts."""
    if sum(x is not None for x in (claim, cluster, query)) > 1:
        fail("use at most one of --claim, --cluster, --query")
    with open_workbench() as wb:
        if claim is not None:
            wb.claim(claim)  # an unknown id is an error, not an empty graph
        graph = wb.citations(claim_id=claim, cluster_id=cluster, query=query)
    if as_json:
        emit(graph.to_dict(), True)
        return
    labels = {n["id"]: n["label"] for n in graph.nodes}
    typer.echo(f"{len(graph.nodes)} node(s), {len(graph.edges)} edge(s)")
    for e in graph.edges:
        typer.echo(
            f"{labels[e['source']]} -> {labels[e['target']]}  ×{e['count']}  claims {e['claim_ids'][:8]}"
        )

"""Commands: ``compare`` (one claim across outlets) and ``citations`` (who cites whom)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workbench.cli import JsonOpt, app, emit, fail, open_workbench


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
    """Who carries CLAIM (one row per article), in which tier, whether they agree, who was first."""
    from workbench.text.language import normalise_code

    with open_workbench() as wb:
        if not len(wb.index):
            fail("nothing ingested yet (try: workbench ingest seeds/)")
        report = wb.compare(claim, k=k, floor=floor, language=normalise_code(lang))
    if as_json:
        emit(report.to_dict(), True)
        return
    for line in report_lines(report):
        typer.echo(line)


def report_lines(report: Any) -> list[str]:
    """The Compare report as plain text: the same sections as the app's Compare page."""
    from workbench.notes.records import VERDICTS

    out = [f"claim: {report.focus_text}"]
    if report.verdict in VERDICTS:
        out.append(f"verdict: {VERDICTS[report.verdict]}")
    names = "; ".join(g.name for g in report.sources)
    out.append(
        f"independent sources: {report.independent_sources}" + (f" ({names})" if names else "")
    )
    for g in report.sources:
        if g.reprints or len(g.members) > 1:
            out.append(f"  {g.name}: {', '.join(g.members)}")
    if report.earliest:
        e = report.earliest
        out.append(f"first: {e.date} {e.outlet} (claim {e.claim_id}, {e.tier})")
    out.append("\narticles (publisher | language | date | chain | tier | agreement | wording):")
    for r in report.rows:
        for n, a in enumerate((r.account, *r.other_accounts)):
            lead = "-" if n == 0 else "   also:"
            agreement = f"{a.agreement}: {a.reason}" if a.agreement else "-"
            out.append(
                f"{lead} {r.publisher} | {a.language or '-'} | {r.date_text} | {a.chain_text} | "
                f"{a.tier_label} | "
                f"{agreement} | [{a.claim_id}] {a.text[:160]}"
            )
    if report.competing:
        out.append("\ncompeting accounts:")
    for c in report.competing:
        out.append(f"- {c.slot}: {c.focus.source}: {c.focus.value}")
        out += [f"    vs {s.source}: {s.value} [claim {s.claim_id}]" for s in c.others]
    if report.discrepancies:
        out.append("\ndiscrepancies (slot: the claim | the other):")
    for d in report.discrepancies:
        out.append(f"- {d.source} [claim {d.claim_id}] {d.agreement or ''}: {d.reason}")
        out += [
            f"    {'*' if x.differs else ' '} {x.slot}: {x.focus or '-'} | {x.other or '-'}"
            for x in d.lines
        ]
    if report.undated:
        undated = [r.publisher for r in report.rows if not r.date]
        out.append(f"\nundated (never counted as first): {', '.join(undated)}")
    return out


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

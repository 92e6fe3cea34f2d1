"""Core commands: ingest, search, articles, claims, attributions, stats, repair, serve."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Annotated

import typer

from workbench.cli import JsonOpt, app, emit, fail, open_workbench, settings


@app.command()
def ingest(
    targets: Annotated[
        list[str], typer.Argument(help="Files, folders, feed files or http(s) URLs.")
    ],
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            "-f",
            help="Map a record field: FIELD=COLUMN (e.g. text=body, outlet=publisher).",
        ),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Decode text files with this encoding (default: UTF-8 only).")
    ] = None,
    max_file_mb: Annotated[
        float | None, typer.Option(help="Largest single-article file, in MB.")
    ] = None,
    no_attribution: Annotated[
        bool, typer.Option("--no-attribution", help="Skip attribution (faster).")
    ] = False,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")
    ] = True,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Cores ingest may use (0: all; 1: no overlap)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Ingest articles; exits non-zero only when nothing at all could be ingested."""
    from workbench.cli.progress import IngestProgress
    from workbench.ingest.formats import parse_field_map

    try:
        fields = parse_field_map(field)
    except ValueError as exc:
        fail(str(exc))
    overrides = {
        "max_file_mb": max_file_mb,
        "attribution": False if no_attribution else None,
        "ingest_workers": workers,
    }
    with open_workbench(**overrides) as wb, IngestProgress(enabled=progress and not as_json) as bar:
        report = wb.ingest(
            targets, fields=fields, encoding=encoding, progress=bar.update, status=bar.show_status
        )
    data = report.to_dict()
    lines = [
        f"ingested {report.ingested} article(s), {report.claims} claim(s); "
        f"{report.duplicates} duplicate(s), {report.failed} failed ({report.seconds:.1f} s)"
    ]
    emit(data, as_json, "\n".join(lines))
    for r in report.results:
        if r.status == "failed" and not as_json:
            typer.echo(f"error: {r.origin}: {r.reason}", err=True)
    if report.ingested == 0 and report.duplicates == 0:
        raise typer.Exit(1)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="The claim to look up.")],
    k: Annotated[int, typer.Option("-k", "--k", help="How many results.")] = 10,
    outlet: Annotated[
        str | None, typer.Option(help="Only claims from this outlet (or citing it).")
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Earliest article date, YYYY-MM-DD.")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Latest article date, YYYY-MM-DD.")
    ] = None,
    exclude_article: Annotated[
        str | None, typer.Option(help="Leave out this article id (e.g. the query's own).")
    ] = None,
    source_type: Annotated[
        str | None, typer.Option(help="outlet, person, organization, unnamed or publisher.")
    ] = None,
    min_score: Annotated[
        float | None, typer.Option(help="Drop results scoring below this.")
    ] = None,
    mode: Annotated[
        str | None, typer.Option(help="hybrid (BM25 + dense, the default) or dense.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Only claims in this language (en, ur, prs, …).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Claims similar to TEXT across all ingested articles (in any language)."""
    from workbench.text.language import normalise_code

    with open_workbench() as wb:
        hits = wb.search(
            text,
            k=k,
            outlet=outlet,
            date_from=date_from,
            date_to=date_to,
            exclude_article=exclude_article,
            source_type=source_type,
            min_score=min_score,
            mode=mode,
            language=normalise_code(lang),
        )
        data = [h.to_dict() for h in hits]
    if as_json:
        emit(data, True)
        return
    if not hits:
        typer.echo("no results (is anything ingested? try: workbench ingest seeds/)")
    for n, h in enumerate(hits, 1):
        who = (
            "; ".join(
                f"{a.source or a.source_type} ({a.source_type}{', ' + a.cue if a.cue else ''})"
                for a in h.attributions
                if a.parent is None
            )
            or "-"
        )
        typer.echo(f"{n:>2}. [{h.score:.3f}] {h.claim.text}")
        typer.echo(
            f"    {h.outlet or 'unknown outlet'} · {h.claim.language or '-'} · {h.date or 'no date'} · {h.article_title or ''} "
            f"· claim {h.claim.id} @{h.claim.start}-{h.claim.end} · source: {who}"
        )


@app.command()
def articles(
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List ingested articles."""
    with open_workbench() as wb:
        arts = wb.articles(limit=limit, outlet=outlet)
        data = [{k: v for k, v in a.to_dict().items() if k != "text"} for a in arts]
    human = "\n".join(
        f"{a.id}  {a.date or '----------'}  {a.outlet or '-':20.20}  {a.title or ''}" for a in arts
    )
    emit(data, as_json, human or "no articles")


@app.command()
def claims(
    article: Annotated[str, typer.Argument(help="Article id (a unique prefix is enough).")],
    as_json: JsonOpt = False,
) -> None:
    """The claims of one article, with offsets and check-worthiness."""
    with open_workbench() as wb:
        items = wb.claims(article)
    emit(
        [c.to_dict() for c in items],
        as_json,
        "\n".join(
            f"{c.id:>6} p{c.paragraph:<3} {c.start:>5}-{c.end:<5} {c.checkworthiness:.2f}  {c.text}"
            for c in items
        ),
    )


@app.command()
def attributions(
    article: Annotated[str, typer.Argument(help="Article id (a unique prefix is enough).")],
    as_json: JsonOpt = False,
) -> None:
    """Who says each claim of an article: source, type, role, cue, content span, nesting."""
    with open_workbench() as wb:
        items = wb.claims(article)
        atts = wb.attributions([c.id for c in items])
    data = [
        {"claim": c.to_dict(), "attributions": [a.to_dict() for a in atts[c.id]]} for c in items
    ]
    lines = []
    for c in items:
        lines.append(f"{c.id:>6}  {c.text[:100]}")
        for a in atts[c.id]:
            indent = "          " if a.parent is not None else "        "
            role = f", {a.role}" if a.role else ""
            hedge = ", hedged" if a.hedged else ""
            lines.append(
                f"{indent}→ {a.source or '(unnamed)'} [{a.source_type}{role}{hedge}] cue: {a.cue or '-'} ({a.kind})"
            )
    emit(data, as_json, "\n".join(lines) or "no claims")


@app.command()
def stats(as_json: JsonOpt = False) -> None:
    """Counts of articles, claims, attributions and outlets, and the index state."""
    with open_workbench() as wb:
        data = wb.stats()
    emit(data, as_json, "\n".join(f"{k:15} {v}" for k, v in data.items()))


@app.command()
def repair(
    rebuild: Annotated[bool, typer.Option(help="Rebuild the whole index from the store.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check that the index matches the store, and mend it (opening does this too)."""
    with open_workbench() as wb:
        data = {"rebuilt": wb.rebuild_index()} if rebuild else dict(wb.last_repair or {})
    emit(data, as_json, ", ".join(f"{k}: {v}" for k, v in data.items()))


@app.command("delete")
def delete_article(
    article: Annotated[str, typer.Argument(help="Article id to delete with its claims.")],
    as_json: JsonOpt = False,
) -> None:
    """Delete an article, its claims and their index entries."""
    with open_workbench() as wb:
        removed = wb.delete_article(article)
    emit(
        {"article": article, "claims_removed": removed},
        as_json,
        f"deleted {article}: {removed} claim(s)",
    )


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8501,
    address: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
) -> None:
    """Run the Streamlit app on the data directory."""
    from workbench.auth.acting import team_mode
    from workbench.ui import app_path

    current = settings()
    if not is_loopback(address):
        if team_mode(current):
            typer.echo(
                f"note: serving on {address} in team mode: every page needs a sign-in; put a"
                " TLS proxy in front (docs/team.md), session tokens travel on this connection",
                err=True,
            )
        else:
            typer.echo(
                f"warning: serving on {address}, not loopback, without sign-in (the embedded"
                " default), so anyone who can reach this address can read and change the data"
                " directory; turn team mode on (WORKBENCH_AUTH=on, docs/team.md) or serve on"
                " loopback",
                err=True,
            )
    env = dict(os.environ)
    env["WORKBENCH_DATA"] = str(current.data)
    env.setdefault("HF_HUB_OFFLINE", "1")
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path()),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        # no full gc.collect after every script run: 0.3-0.7 s holding the GIL with the model
        # loaded, which every page and lookup waited for (.streamlit/config.toml says more)
        "--runner.postScriptGC",
        "false",
        "--server.maxUploadSize",
        str(int(current.max_upload_mb)),
    ]
    typer.echo(f"serving on http://{address}:{port} (data: {env['WORKBENCH_DATA']})")
    # Run from the caller's directory, so a project's .streamlit/config.toml applies.
    raise typer.Exit(subprocess.call(cmd, env=env))


def is_loopback(address: str) -> bool:
    """Whether binding ``address`` keeps the app on this machine."""
    import ipaddress

    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False

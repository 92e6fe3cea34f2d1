"""``workbench outlets …``: the outlet registry (packaged list plus this data directory's additions)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench.cli import JsonOpt, app, emit, fail, open_workbench

outlets_app = typer.Typer(
    help="List, match and add news outlets and their aliases.", no_args_is_help=True
)
app.add_typer(outlets_app, name="outlets")


def _row(o) -> dict:
    return {
        "id": o.id,
        "name": o.name,
        "aliases": o.aliases,
        "country": o.country,
        "language": o.language,
        "kind": o.kind,
        "domains": o.domains,
    }


@outlets_app.command("list")
def list_outlets(
    contains: Annotated[
        str | None, typer.Argument(help="Only outlets whose name or alias contains this.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every known outlet, with aliases, country, language, kind and domains."""
    with open_workbench() as wb:
        registry = wb.outlets()
        rows = [_row(o) for o in registry.all()]
    if contains:
        needle = contains.casefold()
        rows = [r for r in rows if any(needle in n.casefold() for n in [r["name"], *r["aliases"]])]
    emit(
        rows,
        as_json,
        "\n".join(
            f"{r['name']:35.35} {r['kind'] or '-':12} {r['country'] or '-':3} {', '.join(r['aliases'][:4])}"
            for r in rows
        ),
    )


@outlets_app.command("match")
def match(
    names: Annotated[list[str], typer.Argument(help="Names or URLs to resolve.")],
    as_json: JsonOpt = False,
) -> None:
    """Resolve names (or article URLs, by domain) to registry outlets."""
    with open_workbench() as wb:
        registry = wb.outlets()
        out = []
        for name in names:
            found = registry.by_domain(name) if "." in name and " " not in name else None
            found = found or registry.match(name)
            out.append({"query": name, "outlet": _row(found) if found else None})
    emit(
        out,
        as_json,
        "\n".join(
            f"{o['query']} → {o['outlet']['name'] if o['outlet'] else '(no match)'}" for o in out
        ),
    )


@outlets_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Canonical name (or a known outlet to extend).")],
    alias: Annotated[
        list[str] | None, typer.Option("--alias", "-a", help="Another name (repeatable).")
    ] = None,
    domain: Annotated[
        list[str] | None, typer.Option("--domain", "-d", help="Web domain (repeatable).")
    ] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166 code.")] = None,
    language: Annotated[str | None, typer.Option(help="ISO 639-1 code.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="wire, broadcaster, newspaper, online, magazine, …")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add an outlet or aliases; saved in DATA/outlets.user.json."""
    with open_workbench() as wb:
        outlet = wb.add_outlet(name, alias or [], domain or [], country, language, kind)
    emit(_row(outlet), as_json, f"saved {outlet.name}: aliases {', '.join(outlet.aliases) or '-'}")


@outlets_app.command("import")
def import_file(
    path: Annotated[
        Path,
        typer.Argument(
            help="JSON list of outlets (name, aliases, domains, country, language, kind)."
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Merge a file of your own outlets into this data directory's registry."""
    if not path.exists():
        fail(f"{path}: no such file")
    with open_workbench() as wb:
        n = wb.import_outlets(path)
    emit({"imported": n}, as_json, f"imported {n} outlet(s) from {path}")

"""Verification notes from the command line: ``workbench note …``, ``export`` and ``import``.

Thin over :class:`workbench.notes.service.Notes` and :mod:`workbench.notes.export`. Every printing command
takes ``--json``; expected failures (unknown claim, stale version, bad file) are one-line
errors with exit code 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from workbench.cli import JsonOpt, app, emit, open_workbench
from workbench.errors import WorkbenchError

note_app = typer.Typer(
    help="Verification notes: verdict, rationale, evidence, confirmed source.", no_args_is_help=True
)
app.add_typer(note_app, name="note")

ReviewerOpt = Annotated[
    str | None, typer.Option("--reviewer", help="Your name (default: WORKBENCH_REVIEWER).")
]
VersionOpt = Annotated[
    int | None,
    typer.Option(
        "--expected-version",
        help="The version you last saw; a newer one is a conflict (default: current).",
    ),
]
VerdictHelp = (
    "true, mostly-true, mixed, mostly-false, false, misleading, unverifiable or in-progress."
)


def _filters(
    verdict: list[str] | None, reviewer: str | None, outlet: str | None, date_from: str | None,
    date_to: str | None, date_field: str, include_deleted: bool, claim: int | None = None,
) -> Any:  # fmt: skip
    from workbench.notes.records import NoteFilters

    return NoteFilters(verdict=verdict or None, reviewer=reviewer, outlet=outlet, date_from=date_from,
                       date_to=date_to, date_field=date_field, claim_id=claim,
                       include_deleted=include_deleted)  # fmt: skip


FilterVerdict = Annotated[
    list[str] | None, typer.Option("--verdict", help="Only these verdicts (repeatable).")
]
FilterReviewer = Annotated[
    str | None,
    typer.Option("--reviewer", help="Only notes written or last saved by this reviewer."),
]
FilterOutlet = Annotated[
    str | None, typer.Option("--outlet", help="Only claims from (or citing) this outlet.")
]
FilterFrom = Annotated[
    str | None, typer.Option("--from", help="Earliest date, YYYY-MM-DD (see --date-field).")
]
FilterTo = Annotated[str | None, typer.Option("--to", help="Latest date, YYYY-MM-DD, inclusive.")]
FilterDateField = Annotated[
    str,
    typer.Option(
        "--date-field",
        help="What --from/--to compare: 'updated' (note saved) or 'article' (article date).",
    ),
]
FilterDeleted = Annotated[bool, typer.Option("--include-deleted", help="Include deleted notes.")]


def _notes(wb: Any) -> Any:
    """The workbench's notes, orphans reattached first (a command may follow a re-ingest)."""
    wb.notes.relink()
    return wb.notes


def _line(n: Any) -> str:
    gone = " [deleted]" if n.deleted else ""
    claim = f"claim {n.claim_id}" if n.claim_id is not None else "claim absent"
    return f"{n.id:>5}  v{n.version:<3} {n.verdict_label:13} {claim:12} {n.reviewer:14.14} {n.updated_at[:16]}{gone}  {n.claim_text[:70]}"


def _show(n: Any) -> str:
    lines = [
        f"note {n.id} (uid {n.uid}), version {n.version}{' — DELETED by ' + str(n.deleted_by) if n.deleted else ''}",
        f"claim {n.claim_id if n.claim_id is not None else '(not in this workbench)'}: {n.claim_text}",
        f"verdict: {n.verdict_label}   scope: {n.scope}",
        f"confirmed source: {n.source + ' (' + str(n.source_type) + ')' if n.source else '-'}",
        f"reviewer: {n.reviewer}; last saved by {n.updated_by} at {n.updated_at}; created {n.created_at}",
        "rationale:", *(f"  {ln}" for ln in (n.rationale or "-").splitlines()),
        "evidence:", *(f"  - {e.label()}" for e in n.evidence), *([] if n.evidence else ["  -"]),
    ]  # fmt: skip
    return "\n".join(lines)


@note_app.command("add")
def note_add(
    claim: Annotated[int, typer.Option("--claim", help="Claim id.")],
    verdict: Annotated[str, typer.Option("--verdict", help=VerdictHelp)],
    rationale: Annotated[str, typer.Option("--rationale", help="Why: free text.")] = "",
    evidence: Annotated[
        list[str] | None,
        typer.Option("--evidence", help="An http(s) URL or a claim id (repeatable)."),
    ] = None,
    reviewer: ReviewerOpt = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Who really said it (confirmed).")
    ] = None,
    source_type: Annotated[
        str | None,
        typer.Option("--source-type", help="outlet, person, organization, unnamed or publisher."),
    ] = None,
    attribution: Annotated[
        int | None, typer.Option("--attribution", help="Confirm a stored attribution by id.")
    ] = None,
    cluster: Annotated[
        bool, typer.Option("--cluster", help="The note covers the claim's whole cluster.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write the note on a claim (one per claim; update it afterwards)."""
    with open_workbench() as wb, _errors():
        n = _notes(wb).add(claim, verdict, rationale, evidence or [], reviewer, source, source_type, attribution,
                          "cluster" if cluster else "claim")  # fmt: skip
    emit(
        n.to_dict(),
        as_json,
        f"added note {n.id} (version {n.version}) on claim {n.claim_id}: {n.verdict_label}",
    )


@note_app.command("list")
def note_list(
    verdict: FilterVerdict = None,
    reviewer: FilterReviewer = None,
    outlet: FilterOutlet = None,
    date_from: FilterFrom = None,
    date_to: FilterTo = None,
    date_field: FilterDateField = "updated",
    include_deleted: FilterDeleted = False,
    claim: Annotated[int | None, typer.Option("--claim", help="Only notes on this claim.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List notes, oldest first."""
    with open_workbench() as wb, _errors():
        items = _notes(wb).list(
            _filters(
                verdict, reviewer, outlet, date_from, date_to, date_field, include_deleted, claim
            )
        )
    emit([n.to_dict() for n in items], as_json, "\n".join(_line(n) for n in items) or "no notes")


@note_app.command("show")
def note_show(
    note_id: Annotated[int, typer.Argument(help="Note id.")], as_json: JsonOpt = False
) -> None:
    """One note in full."""
    with open_workbench() as wb, _errors():
        n = _notes(wb).get(note_id)
    emit(n.to_dict(), as_json, _show(n))


@note_app.command("history")
def note_history(
    note_id: Annotated[int, typer.Argument(help="Note id.")], as_json: JsonOpt = False
) -> None:
    """Every change to a note: who, when, which fields, old and new values."""
    with open_workbench() as wb, _errors():
        items = _notes(wb).history(note_id)
    emit([h.to_dict() for h in items], as_json, "\n".join(h.describe(width=120) for h in items))


@note_app.command("update")
def note_update(
    note_id: Annotated[int, typer.Argument(help="Note id.")],
    verdict: Annotated[str | None, typer.Option("--verdict", help=VerdictHelp)] = None,
    rationale: Annotated[
        str | None, typer.Option("--rationale", help="Replace the rationale.")
    ] = None,
    evidence: Annotated[
        list[str] | None,
        typer.Option("--evidence", help="Add evidence: URL or claim id (repeatable)."),
    ] = None,
    remove_evidence: Annotated[
        list[str] | None,
        typer.Option("--remove-evidence", help="Remove this evidence (repeatable)."),
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Confirmed source name.")] = None,
    source_type: Annotated[str | None, typer.Option("--source-type", help="Its type.")] = None,
    clear_source: Annotated[
        bool, typer.Option("--clear-source", help="Forget the confirmed attribution.")
    ] = False,
    reviewer: ReviewerOpt = None,
    expected_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a note; a stale --expected-version is refused with the other edit shown."""
    changes: dict[str, Any] = {}
    for key, value in (
        ("verdict", verdict),
        ("rationale", rationale),
        ("source", source),
        ("source_type", source_type),
    ):
        if value is not None:
            changes[key] = value
    if clear_source:
        changes["source"] = None
    with open_workbench() as wb, _errors():
        notes = _notes(wb)
        version = expected_version if expected_version is not None else notes.get(note_id).version
        n = notes.update(note_id, version, reviewer=reviewer, add_evidence=evidence or [],
                         remove_evidence=remove_evidence or [], **changes)  # fmt: skip
    emit(n.to_dict(), as_json, f"note {n.id} now at version {n.version}")


@note_app.command("delete")
def note_delete(
    note_id: Annotated[int, typer.Argument(help="Note id.")],
    reviewer: ReviewerOpt = None,
    expected_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Delete a note (kept in history; export with --include-deleted)."""
    with open_workbench() as wb, _errors():
        n = _notes(wb).delete(note_id, expected_version, reviewer)
    emit(n.to_dict(), as_json, f"deleted note {n.id} (version {n.version})")


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="csv, json, md or claimreview.")] = "json",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    verdict: FilterVerdict = None,
    reviewer: FilterReviewer = None,
    outlet: FilterOutlet = None,
    date_from: FilterFrom = None,
    date_to: FilterTo = None,
    date_field: FilterDateField = "updated",
    include_deleted: FilterDeleted = False,
    min_score: Annotated[
        float, typer.Option("--min-score", help="md: similar claims scoring at least this.")
    ] = 0.6,
    publish: Annotated[
        bool,
        typer.Option("--publish", help="claimreview: approved notes only, stamped published."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="With -o: print a JSON summary of what was written.")
    ] = False,
) -> None:
    """Export notes as CSV (spreadsheet-safe), JSON (re-importable), Markdown or ClaimReview JSON-LD."""
    with open_workbench() as wb, _errors():
        text = wb.export(fmt, _filters(verdict, reviewer, outlet, date_from, date_to, date_field, include_deleted),
                      min_score=min_score, publish=publish)  # fmt: skip
        if fmt == "claimreview":
            from workbench.notes.claimreview import config_warnings

            for warning in config_warnings(wb.settings):
                typer.echo(f"warning: {warning}", err=True)
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    tmp.replace(output)  # a reader never sees a half-written export
    if as_json:
        typer.echo(
            json.dumps({"format": fmt, "output": str(output), "bytes": len(text.encode("utf-8"))})
        )
    else:
        typer.echo(f"wrote {output} ({fmt})", err=True)


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="A JSON export (workbench export --format json).")],
    as_json: JsonOpt = False,
) -> None:
    """Merge notes from a JSON export, matching claims by content; reports skipped records."""
    if not file.is_file():
        _die(f"{file}: no such file")
    with open_workbench() as wb, _errors():
        report = wb.import_notes(file.read_text(encoding="utf-8"), source=str(file))
    data = report.to_dict()
    lines = [", ".join(f"{k} {v}" for k, v in data.items() if k != "results")]
    lines += [f"  record {r.index}: {r.status}: {r.reason}" for r in report.results if r.reason]
    emit(data, as_json, "\n".join(lines))


def _die(message: str) -> None:
    """One-line error, exit 2. ``sys.exit`` rather than ``typer.Exit``: ``cli.main`` runs click
    with ``standalone_mode=False``, which turns ``typer.Exit`` into a discarded return value."""
    typer.echo(f"error: {message}", err=True)
    sys.exit(2)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn WorkbenchError into the CLI's one-line error (also under typer's test runner)."""
    try:
        yield
    except WorkbenchError as exc:
        _die(str(exc))

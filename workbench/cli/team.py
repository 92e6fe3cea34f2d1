"""Team mode from the command line: ``workbench users …``, ``audit``, ``review …``, ``migrate``.

Passwords come from a hidden prompt or stdin (``--password-stdin``), never from arguments.
The first user of an empty team database can be added without signing in (it must be an
admin); after that, managing users needs an admin (``--user`` or ``WORKBENCH_TOKEN``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import typer

from workbench.cli import JsonOpt, app, emit, fail, open_workbench, read_password, state

users_app = typer.Typer(help="Team mode: users and roles.", no_args_is_help=True)
app.add_typer(users_app, name="users")
review_app = typer.Typer(help="Review workflow: submit, approve, return, assign, queue.",
                         no_args_is_help=True)  # fmt: skip
app.add_typer(review_app, name="review")


def _admin(wb: Any) -> str:
    """The admin acting, or the bootstrap case: no user exists yet."""
    if wb.team_mode and wb.store.count_users() == 0:
        return "bootstrap"
    return wb.require("users")


def _user_line(u: Any) -> str:
    return (
        f"{u.name}\t{u.role}\t{'disabled' if u.disabled else 'active'}\tsince {u.created_at[:10]}"
    )


@users_app.command("add")
def users_add(
    name: str,
    role: Annotated[
        str, typer.Option("--role", help="viewer, checker, editor or admin.")
    ] = "checker",
    as_json: JsonOpt = False,
) -> None:
    """Add a user; the password is asked for (twice) or read from stdin."""
    with open_workbench() as wb:
        actor = _admin(wb)
        if actor == "bootstrap" and role != "admin":
            fail("the first user of a team database must be an admin (--role admin)")
        password = read_password(f"password for {name}", confirm=True)
        user = wb.users.add(name, role, password, actor)
        emit(user.to_dict(), as_json, f"added {user.name} ({user.role})")


@users_app.command("list")
def users_list(as_json: JsonOpt = False) -> None:
    """List users with role and status."""
    with open_workbench() as wb:
        _admin(wb)
        users = wb.users.list()
        emit([u.to_dict() for u in users], as_json, "\n".join(map(_user_line, users)) or "no users")


@users_app.command("disable")
def users_disable(name: str, as_json: JsonOpt = False) -> None:
    """Disable a user and end all their sessions (their notes and audit rows stay)."""
    with open_workbench() as wb:
        user = wb.users.set_disabled(name, True, wb.require("users"))
        emit(user.to_dict(), as_json, f"disabled {user.name}")


@users_app.command("enable")
def users_enable(name: str, as_json: JsonOpt = False) -> None:
    """Enable a disabled user again."""
    with open_workbench() as wb:
        user = wb.users.set_disabled(name, False, wb.require("users"))
        emit(user.to_dict(), as_json, f"enabled {user.name}")


@users_app.command("role")
def users_role(name: str, role: str, as_json: JsonOpt = False) -> None:
    """Change a user's role."""
    with open_workbench() as wb:
        user = wb.users.set_role(name, role, wb.require("users"))
        emit(user.to_dict(), as_json, f"{user.name} is now {user.role}")


@users_app.command("reset-password")
def users_reset_password(name: str, as_json: JsonOpt = False) -> None:
    """Set a new password (asked for, or from stdin); ends the user's sessions."""
    with open_workbench() as wb:
        actor = wb.require("users")
        user = wb.users.reset_password(name, read_password(f"new password for {name}", True), actor)
        emit(user.to_dict(), as_json, f"password of {user.name} reset; their sessions ended")


@users_app.command("token")
def users_token(
    name: str,
    days: Annotated[int, typer.Option("--days", help="Valid for this many days.")] = 90,
    as_json: JsonOpt = False,
) -> None:
    """Issue an API token for scripts (WORKBENCH_USER + WORKBENCH_TOKEN); shown once."""
    with open_workbench() as wb:
        token = wb.users.issue_token(name, wb.require("users"), days)
        emit({"user": name, "token": token, "days": days}, as_json, token)


@app.command("audit")
def audit_cmd(
    user: Annotated[str | None, typer.Option("--user", "--by", help="Only this user's actions.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this time on (ISO, e.g. 2026-01-31).")] = None,
    action: Annotated[str | None, typer.Option("--action", help="Actions starting with this (note., user., ingest).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the newest N rows.")] = None,
    as_json: JsonOpt = False,
) -> None:  # fmt: skip
    """The audit trail: who did what when, with before and after (team mode: admins)."""
    with open_workbench() as wb:
        rows = wb.audit_log(user, since, action, limit)
        lines = [f"{e.at}\t{e.actor}\t{e.action}\t{e.target}" for e in rows]
        emit([e.to_dict() for e in rows], as_json, "\n".join(lines) or "no audit rows")


def _is_url(spec: str) -> bool:
    return spec.startswith(("postgresql://", "postgres://"))


@app.command("migrate")
def migrate_cmd(
    source: Annotated[str, typer.Option("--from", help="Data directory (SQLite), or a postgresql://… team database.")],
    target: Annotated[str, typer.Option("--to", help="postgresql://… team database, or a data directory.")],
    schema: Annotated[str | None, typer.Option("--schema", help="PostgreSQL schema (default: WORKBENCH_DATABASE_SCHEMA or public).")] = None,
    as_json: JsonOpt = False,
) -> None:  # fmt: skip
    """Copy a data directory's store into an empty team database (or back), losslessly.

    Into a team database: it must be empty (no articles, notes, users or audit rows), so nobody
    can sign in to it yet and the copy runs as ``bootstrap``, like the first ``users add``; the
    source's users, if any, come along. Out of a team database (``--from postgresql://…``): an
    admin's job once it has users (``--user`` with a password, or WORKBENCH_USER +
    WORKBENCH_TOKEN), as the copy holds every note, user and audit row. The target's audit
    trail records the copy (``store.migrate``).
    The vector index is not copied: the target's data directory rebuilds it from the store's
    embedding cache on first open (no re-embedding)."""
    from workbench.auth.service import Users, store_actor
    from workbench.errors import WorkbenchError
    from workbench.settings import Settings
    from workbench.store.backend import open_store
    from workbench.store.sqlite import STORE_FILE
    from workbench.store.transfer import copy_store

    base = Settings.from_env(user=state.user)
    if _is_url(source) and _is_url(target):
        fail("--from and --to are both team databases; one of them must be a data directory")
    if not _is_url(source) and not (Path(source) / STORE_FILE).exists():
        fail(f"--from {source}: no {STORE_FILE} there")

    def side(spec: str) -> tuple[Settings, Path]:
        if _is_url(spec):
            return base.replace(database_url=spec, database_schema=schema), Path(".")
        return dataclasses.replace(base, data=Path(spec), database_url="", auth="auto"), Path(spec)

    try:
        src, dst = open_store(*side(source)), open_store(*side(target))
        session = None
        try:
            actor, origin = ("bootstrap" if _is_url(target) else "local"), source
            if _is_url(source):
                actor, session = store_actor(src, base, "migrate", read_password)
                origin = "team database"  # its URL may carry a password
            report = copy_store(src, dst, audit=(actor, origin))
        finally:
            if session is not None:
                Users(src).sign_out(session.token)
            src.close()
            dst.close()
    except WorkbenchError as exc:
        fail(str(exc))
    summary = report.to_dict()
    emit(summary, as_json, f"copied {summary['total']} rows: "
         + ", ".join(f"{t} {n}" for t, n in report.rows.items() if n))  # fmt: skip


# --- review workflow ----------------------------------------------------------------------

VersionOpt = Annotated[
    int | None, typer.Option("--expected-version", help="The version you last saw.")
]


def _note_line(n: Any) -> str:
    who = f" → {n.assignee}" if n.assignee else ""
    return f"note {n.id} v{n.version} [{n.state}]{who} {n.verdict_label}: {n.claim_text[:70]}"


def _step(note_id: int, step: str, expected: int | None, as_json: bool, reason: str = "") -> None:
    with open_workbench() as wb:
        note = wb.workflow.step(note_id, step, expected, reason)
        emit(note.to_dict(), as_json, _note_line(note))


@review_app.command("submit")
def review_submit(
    note_id: int, expected_version: VersionOpt = None, as_json: JsonOpt = False
) -> None:
    """Mark a note ready for review (checker)."""
    _step(note_id, "submit", expected_version, as_json)


@review_app.command("approve")
def review_approve(
    note_id: int, expected_version: VersionOpt = None, as_json: JsonOpt = False
) -> None:
    """Approve a note's verdict (editor)."""
    _step(note_id, "approve", expected_version, as_json)


@review_app.command("return")
def review_return(
    note_id: int,
    reason: Annotated[str, typer.Option("--reason", help="What to fix.")] = "",
    expected_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Return a note to its checker (editor)."""
    _step(note_id, "return", expected_version, as_json, reason)


@review_app.command("reopen")
def review_reopen(
    note_id: int, expected_version: VersionOpt = None, as_json: JsonOpt = False
) -> None:
    """Put a note back in progress."""
    _step(note_id, "reopen", expected_version, as_json)


@review_app.command("assign")
def review_assign(
    note_id: int,
    assignee: Annotated[str, typer.Argument(help="User name; '-' to unassign.")],
    expected_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Assign a note to a user (editors; a checker may take one)."""
    with open_workbench() as wb:
        note = wb.workflow.assign(note_id, None if assignee == "-" else assignee, expected_version)
        emit(note.to_dict(), as_json, _note_line(note))


@review_app.command("queue")
def review_queue(
    user: Annotated[str | None, typer.Option("--for", help="Whose queue (default: yours).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Assigned to me, waiting for review, approved but not yet published."""
    with open_workbench() as wb:
        queue = wb.workflow.queue(user)
        parts = []
        for title, items in (("assigned to me", queue.assigned_to_me),
                             ("waiting for review", queue.waiting_for_review),
                             ("approved, not yet published", queue.approved_unpublished)):  # fmt: skip
            parts.append(f"{title} ({len(items)})")
            parts += [f"  {_note_line(n)}" for n in items]
        emit(queue.to_dict(), as_json, "\n".join(parts))

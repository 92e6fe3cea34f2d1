"""Team mode: users, roles, sessions, rate limit, audit trail and review workflow.

Runs on SQLite with ``auth=on`` in the first test pass, and on PostgreSQL (team mode's real
home) in the second, where the conftest gives each test a fresh schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import FAKE_MODEL, SEEDS
from workbench.api import Workbench
from workbench.errors import (
    ConflictError,
    NotSignedIn,
    PermissionDenied,
    TooManyAttempts,
    WorkbenchError,
)

PASSWORDS = {"root": "root-pass-1", "ana": "ana-pass-1", "ben": "ben-pass-1", "vic": "vic-pass-1",
             "eve": "eve-pass-1"}  # fmt: skip
ROLES = {"root": "admin", "ana": "checker", "ben": "checker", "vic": "viewer", "eve": "editor"}


def _open(data: Path, **kw) -> Workbench:
    """Signed in as nobody (the PostgreSQL pass's own admin token is not used here)."""
    kw.setdefault("token", "")
    return Workbench.open(data, model=FAKE_MODEL, attribution=False, auth="on", **kw)


@pytest.fixture()
def team(tmp_path: Path):
    """A team-mode data directory with a user of every role and the seed ingested (by ana)."""
    data = tmp_path / "team"
    with _open(data) as wb:
        for name, role in ROLES.items():
            wb.users.add(name, role, PASSWORDS[name], actor="bootstrap")
        wb.sign_in("ana", PASSWORDS["ana"])
        wb.ingest([SEEDS])
    return data


def _as(data: Path, name: str) -> Workbench:
    wb = _open(data)
    wb.sign_in(name, PASSWORDS[name], client=f"test-{name}")
    return wb


def _claim(wb: Workbench) -> int:
    article = wb.articles()[0]
    return wb.claims(article.id)[3].id


def test_writes_refuse_without_a_session(team: Path) -> None:
    with _open(team) as wb:
        claim = _claim(wb)
        for write in (
            lambda: wb.ingest([SEEDS]),
            lambda: wb.notes.add(claim, "false", reviewer="anyone"),
            lambda: wb.delete_article(wb.articles()[0].id),
            lambda: wb.add_outlet("Desk Wire", ["DW"]),
            lambda: wb.audit_log(),
            lambda: wb.export("claimreview", publish=True),
        ):
            with pytest.raises(NotSignedIn):
                write()


def test_viewer_reads_but_cannot_write(team: Path) -> None:
    with _as(team, "vic") as wb:
        claim = _claim(wb)
        assert wb.claim(claim).id == claim and wb.search("Istanbul negotiations", k=2)
        with pytest.raises(PermissionDenied):
            wb.notes.add(claim, "false")
        with pytest.raises(PermissionDenied):
            wb.ingest([SEEDS])


def test_checker_writes_but_cannot_approve_or_manage_users(team: Path) -> None:
    with _as(team, "ana") as wb:
        note = wb.notes.add(_claim(wb), "mostly false", rationale="r", reviewer="somebody else")
        assert note.reviewer == "ana"  # the signed-in user, never a typed name
        note = wb.workflow.submit(note.id, note.version)
        assert note.state == "ready_for_review"
        with pytest.raises(PermissionDenied):
            wb.workflow.approve(note.id, note.version)
        with pytest.raises(PermissionDenied):
            wb.require("users")
        with pytest.raises(PermissionDenied):
            wb.add_outlet("Desk Wire", ["DW"])
        with pytest.raises(PermissionDenied):
            wb.export("claimreview", publish=True)


def test_sign_in_brute_force_is_slowed(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import workbench.auth.service as service

    clock = [1_000_000.0]
    monkeypatch.setattr(service.time, "time", lambda: clock[0])
    with _open(team) as wb:
        for _ in range(service.FREE_FAILURES):
            with pytest.raises(WorkbenchError, match="sign-in failed"):
                wb.users.sign_in("ana", "wrong guess", "laptop")
        # now even the right password is refused until the wait is over
        with pytest.raises(TooManyAttempts) as exc:
            wb.users.sign_in("ana", PASSWORDS["ana"], "laptop")
        assert exc.value.retry_after > 0
        wb.users.sign_in("ana", PASSWORDS["ana"], "other-client")  # per user + client
        clock[0] += 1.5
        with pytest.raises(WorkbenchError, match="sign-in failed"):
            wb.users.sign_in("ana", "wrong again", "laptop")
        with pytest.raises(TooManyAttempts) as exc:  # the wait doubled
            wb.users.sign_in("ana", PASSWORDS["ana"], "laptop")
        assert exc.value.retry_after > 1.5
        clock[0] += 2.5
        assert wb.users.sign_in("ana", PASSWORDS["ana"], "laptop").user.name == "ana"
        # unknown names fail the same way (no probing which users exist)
        with pytest.raises(WorkbenchError, match="sign-in failed"):
            wb.users.sign_in("nobody", "x" * 10, "laptop")


def test_session_cannot_be_replayed_after_sign_out_and_expires(team: Path) -> None:
    with _open(team) as wb:
        session = wb.users.sign_in("ben", PASSWORDS["ben"], "browser")
        assert wb.users.session_user(session.token).name == "ben"
        other = _open(team)  # another process holding the same cookie
        other.act_with_token(session.token)
        wb.users.sign_out(session.token)
        assert wb.users.session_user(session.token) is None
        with pytest.raises(NotSignedIn):
            other.notes.add(_claim(other), "false")  # the next write checks the session again
        with pytest.raises(NotSignedIn):
            _open(team).act_with_token(session.token)
        other.close()
    with _open(team, session_hours=-1.0) as wb:  # an already-expired session
        expired = wb.users.sign_in("ben", PASSWORDS["ben"], "browser")
        assert wb.users.session_user(expired.token) is None


def test_disable_and_reset_password_end_sessions(team: Path) -> None:
    with _as(team, "root") as admin, _as(team, "ben") as ben:
        admin.users.set_disabled("ben", True, admin.require("users"))
        with pytest.raises(NotSignedIn):
            ben.notes.add(_claim(ben), "false")
        with pytest.raises(WorkbenchError, match="sign-in failed"):
            ben.sign_in("ben", PASSWORDS["ben"])
        admin.users.set_disabled("ben", False, admin.require("users"))
        ben.sign_in("ben", PASSWORDS["ben"])
        admin.users.reset_password("ben", "new-pass-22", admin.require("users"))
        with pytest.raises(NotSignedIn):
            ben.require("note.write")


def test_audit_trail_records_every_write_and_is_append_only(team: Path) -> None:
    with _as(team, "ana") as ana, _as(team, "eve") as eve, _as(team, "root") as root:
        note = ana.notes.add(_claim(ana), "false", rationale="first")
        note = ana.notes.update(note.id, note.version, rationale="second")
        note = ana.workflow.submit(note.id, note.version)
        note = eve.workflow.approve(note.id, note.version)
        eve.add_outlet("Desk Wire", ["DW"])
        root.users.set_role("vic", "checker", root.require("users"))
        article = eve.articles()[0]
        eve.delete_article(article.id)
        log = root.audit_log()
        actions = [(e.actor, e.action) for e in log]
        for expected in [("ana", "ingest"), ("ana", "note.create"), ("ana", "note.update"),
                         ("ana", "note.submit"), ("eve", "note.approve"), ("eve", "outlet.add"),
                         ("root", "user.role"), ("eve", "article.delete"),
                         ("bootstrap", "user.add")]:  # fmt: skip
            assert expected in actions, expected
        update = next(e for e in log if e.action == "note.update")
        assert update.before == {"rationale": "first"} and update.after == {"rationale": "second"}
        assert all("pass" not in json.dumps(e.to_dict()) for e in log)  # no password anywhere
        assert [e.action for e in root.audit_log(user="eve")][:1] == ["session.sign-in"]
        with pytest.raises(PermissionDenied):
            ana.audit_log()
        for sql in ("DELETE FROM audit_log", "UPDATE audit_log SET actor = 'x'"):
            with pytest.raises(Exception, match="append-only"), root.store.transaction():
                root.store.conn.execute(sql)
        assert len(root.audit_log()) >= len(log)


def test_workflow_queue_and_publishing_export(team: Path) -> None:
    with _as(team, "ana") as ana, _as(team, "eve") as eve:
        claims = [c.id for c in ana.claims(ana.articles()[0].id)[2:5]]
        notes = [ana.notes.add(c, "false", rationale=f"n{i}") for i, c in enumerate(claims)]
        a, b, _c = notes
        a = eve.workflow.assign(a.id, "ana", a.version)
        assert [n.id for n in ana.workflow.queue().assigned_to_me] == [a.id]
        with pytest.raises(WorkbenchError):
            eve.workflow.assign(a.id, "nobody")
        a = ana.workflow.submit(a.id, a.version)
        b = ana.workflow.submit(b.id, b.version)
        assert {n.id for n in eve.workflow.queue().waiting_for_review} == {a.id, b.id}
        a = eve.workflow.approve(a.id, a.version)
        b = eve.workflow.return_(b.id, b.version, reason="source?")
        assert (a.state, a.reviewed_by, b.state) == ("approved", "eve", "returned")
        assert [n.id for n in eve.workflow.queue().approved_unpublished] == [a.id]
        drafts = json.loads(ana.export("claimreview"))
        flags = {d["reviewBody"]: d.get("creativeWorkStatus") for d in drafts}
        assert flags == {"n0": None, "n1": "Draft", "n2": "Draft"}
        published = json.loads(eve.export("claimreview", publish=True))
        assert [d["reviewBody"] for d in published] == ["n0"]
        assert eve.workflow.queue().approved_unpublished == []
        # editing approved content puts it back in progress: the approval was of the old text
        a = ana.notes.get(a.id)
        a = ana.notes.update(a.id, a.version, rationale="changed after approval")
        assert a.state == "in_progress"
        with pytest.raises(ConflictError):
            eve.workflow.approve(a.id, a.version)  # not submitted


def test_two_users_two_workbenches_conflicting_saves_lose_nothing(team: Path) -> None:
    """Two sessions (two connections, as two app processes), two users, one claim."""
    with _as(team, "ana") as ana, _as(team, "ben") as ben, _as(team, "root") as root:
        note = ana.notes.add(_claim(ana), "mixed", rationale="ana's first take")
        seen_by_ben = ben.notes.get(note.id)
        ana.notes.update(note.id, note.version, rationale="ana's evidence")
        with pytest.raises(ConflictError) as exc:
            ben.notes.update(seen_by_ben.id, seen_by_ben.version, verdict="false")
        assert exc.value.current.rationale == "ana's evidence"  # ben sees ana's edit
        current = ben.notes.get(note.id)
        final = ben.notes.update(current.id, current.version, verdict="false")
        assert (final.rationale, final.verdict, final.updated_by) == (
            "ana's evidence",
            "false",
            "ben",
        )
        history = [(h.version, h.reviewer) for h in ben.notes.history(note.id)]
        assert history == [(1, "ana"), (2, "ana"), (3, "ben")]
        steps = [(e.actor, e.action) for e in root.audit_log(action="note.")]
        assert steps == [("ana", "note.create"), ("ana", "note.update"), ("ben", "note.update")]


def test_cli_users_review_and_audit(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.cli import app

    monkeypatch.setenv("WORKBENCH_AUTH", "on")
    monkeypatch.setenv("WORKBENCH_MODEL", FAKE_MODEL)
    monkeypatch.setenv("WORKBENCH_ATTRIBUTION", "0")
    monkeypatch.delenv("WORKBENCH_TOKEN", raising=False)
    runner = CliRunner()
    base = ["--data", str(team)]

    def run(user: str, *args: str, stdin: str | None = None):
        text = PASSWORDS.get(user, "") + "\n" + (stdin or "")
        return runner.invoke(app, [*base, "--user", user, "--password-stdin", *args], input=text)

    out = run("root", "users", "add", "dora", "--role", "checker", stdin="dora-pass-1\n")
    assert out.exit_code == 0, out.output
    out = run("ana", "users", "add", "mallory", "--role", "admin", stdin="x" * 12 + "\n")
    assert out.exit_code == 2 and "may not" in out.output
    listed = json.loads(run("root", "users", "list", "--json").stdout)
    assert {u["name"] for u in listed} >= {"dora", "root"}
    with _open(team) as wb:
        claim = _claim(wb)
    out = run("ana", "note", "add", "--claim", str(claim), "--verdict", "false", "--rationale", "r")
    assert out.exit_code == 0, out.output
    with _open(team) as wb:
        note_id = wb.store.live_note(claim, "claim").id
    assert run("ana", "review", "submit", str(note_id)).exit_code == 0
    assert run("ana", "review", "approve", str(note_id)).exit_code == 2
    out = run("eve", "review", "approve", str(note_id), "--json")
    assert out.exit_code == 0 and json.loads(out.stdout)["state"] == "approved"
    queue = json.loads(run("eve", "review", "queue", "--json").stdout)
    assert [n["id"] for n in queue["approved_unpublished"]] == [note_id]
    audit = json.loads(run("root", "audit", "--user", "eve", "--json").stdout)
    assert "note.approve" in [e["action"] for e in audit]
    assert run("ana", "audit").exit_code == 2
    bad = runner.invoke(app, [*base, "--user", "ana", "--password-stdin", "audit"], input="nope\n")
    assert bad.exit_code == 2 and "sign-in failed" in bad.output and "nope" not in bad.output


def test_team_mode_is_on_with_postgresql_or_auth_on_and_off_by_default() -> None:
    from workbench.auth.acting import team_mode
    from workbench.errors import InvalidOption
    from workbench.settings import Settings

    assert not team_mode(Settings.from_env({}))  # the embedded default: no sign-in
    assert team_mode(Settings.from_env({"WORKBENCH_DATABASE_URL": "postgresql://x@/db"}))
    assert team_mode(Settings.from_env({"WORKBENCH_AUTH": "on"}))
    with pytest.raises(InvalidOption, match="sign-in is always on") as exc:  # never without it
        Settings.from_env({"WORKBENCH_DATABASE_URL": "postgresql://x@/db", "WORKBENCH_AUTH": "off"})
    assert "WORKBENCH_AUTH" in str(exc.value) and "WORKBENCH_DATABASE_URL" in str(exc.value)
    settings = Settings.from_env({"WORKBENCH_TOKEN": "secret-token"})
    assert settings.to_dict()["token"] == "***"  # a secret is never printed


def test_bad_database_settings_are_one_line_errors(tmp_path: Path) -> None:
    from workbench.errors import InvalidOption

    with pytest.raises(InvalidOption, match="database_url"):
        Workbench.open(tmp_path / "d", model=FAKE_MODEL, database_url="mysql://x/y")
    with pytest.raises(WorkbenchError, match="cannot connect to the team database") as exc:
        Workbench.open(tmp_path / "d", model=FAKE_MODEL,
                       database_url="postgresql://u:hunter2@127.0.0.1:1/db")  # fmt: skip
    assert "hunter2" not in str(exc.value)


def test_two_processes_two_users_review_and_a_conflict(team: Path) -> None:
    """ana works in this process, ben and eve in CLI processes of their own: assignment,
    conflicting saves (nothing lost), review and approval, each step in the audit trail."""
    import os
    import subprocess
    import sys

    def cli(user: str, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "WORKBENCH_DATA": str(team), "WORKBENCH_AUTH": "on",
               "WORKBENCH_MODEL": FAKE_MODEL, "WORKBENCH_ATTRIBUTION": "0"}  # fmt: skip
        env.pop("WORKBENCH_TOKEN", None)
        return subprocess.run(
            [sys.executable, "-m", "workbench", "--user", user, "--password-stdin", *args],
            input=PASSWORDS[user] + "\n", env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip

    with _as(team, "ana") as ana:
        note = ana.notes.add(_claim(ana), "mixed", rationale="ana: first take")
        done = cli("eve", "review", "assign", str(note.id), "ben", "--json")
        assert done.returncode == 0, done.stderr
        done = cli("ben", "note", "update", str(note.id), "--rationale", "ben: second source",
                   "--expected-version", "2", "--json")  # fmt: skip
        assert done.returncode == 0, done.stderr
        with pytest.raises(ConflictError) as exc:  # ana still holds version 1
            ana.notes.update(note.id, note.version, verdict="false")
        assert exc.value.current.rationale == "ben: second source"  # she sees ben's edit
        current = ana.notes.get(note.id)
        current = ana.notes.update(current.id, current.version, verdict="false")
        assert (current.rationale, current.verdict) == ("ben: second source", "false")
        assert cli("ana", "review", "approve", str(note.id)).returncode == 2  # a checker
        assert cli("ben", "review", "submit", str(note.id)).returncode == 0
        done = cli("eve", "review", "approve", str(note.id), "--json")
        assert done.returncode == 0, done.stderr
    with _as(team, "root") as root:
        final = root.notes.get(note.id)
        assert (final.state, final.assignee, final.reviewed_by) == ("approved", "ben", "eve")
        steps = [(e.actor, e.action) for e in root.audit_log(action="note.")]
        assert steps == [("ana", "note.create"), ("eve", "note.assign"), ("ben", "note.update"),
                         ("ana", "note.update"), ("ben", "note.submit"),
                         ("eve", "note.approve")]  # fmt: skip


def test_single_sign_on_session_needs_an_enabled_workbench_user(team: Path) -> None:
    """What st.login hands over (an authenticated name) becomes a session only for a known,
    enabled user, who keeps the role the workbench gave them."""
    with _open(team) as wb:
        session = wb.users.sso_session("ben", "sso-test")
        assert (session.user.name, session.user.role) == ("ben", "checker")
        assert wb.users.session_user(session.token).name == "ben"
        with pytest.raises(WorkbenchError, match="not an enabled workbench user"):
            wb.users.sso_session("stranger@example.org")
        wb.users.set_disabled("ben", True, actor="root")
        with pytest.raises(WorkbenchError, match="not an enabled workbench user"):
            wb.users.sso_session("ben")
        assert wb.users.session_user(session.token) is None


def _connection_id(store) -> object:
    """The server backend of a PostgreSQL store, or the sqlite3 connection object."""
    if getattr(store, "backend", "sqlite") == "postgresql":
        return store.conn.raw.execute("SELECT pg_backend_pid()").fetchone()[0]
    return store.conn


def test_sessions_have_own_connections_and_users_but_share_model_and_index(team: Path) -> None:
    """What the app gives each browser session in team mode (``Workbench.session``)."""
    with _open(team) as wb:
        ana, ben = wb.session(), wb.session()
        try:
            assert ana.store is not ben.store and ana.store is not wb.store
            ids = {_connection_id(s) for s in (wb.store, ana.store, ben.store)}
            assert len(ids) == 3  # three database connections (server backends on PostgreSQL)
            assert ana.embedder is ben.embedder is wb.embedder  # one model
            assert ana.index is ben.index is wb.index  # one index
            assert ana.actor is None and ben.actor is None  # each signs in on its own
            ana.sign_in("ana", PASSWORDS["ana"])
            ben.act_for(ben.users.sign_in("ben", PASSWORDS["ben"]).token)
            assert (ana.actor.name, ben.actor.name, wb.actor) == ("ana", "ben", None)
            claim = _claim(ana)
            note = ana.notes.add(claim, "mixed", rationale="ana's")
            seen_by_ben = ben.notes.get(note.id)
            note = ana.notes.update(note.id, note.version, rationale="ana's, with a source")
            with pytest.raises(ConflictError):  # ben's stale save, on his own connection
                ben.notes.update(note.id, seen_by_ben.version, verdict="false")
            note = ben.notes.update(note.id, note.version, verdict="false")
            assert (note.reviewer, note.updated_by) == ("ana", "ben")
            # an ingest through one view lands in the shared index: searchable through another
            from workbench.records import ArticleDraft

            text = ("Officials in Quetta said on Friday that the Chaman crossing would reopen to"
                    " trucks carrying fresh fruit after a week of talks.")  # fmt: skip
            ana.ingest_drafts([ArticleDraft(text=text, outlet="Dawn", date="2025-11-01")])
            hits = ben.search("Chaman crossing would reopen to trucks", k=1)
            assert hits and "Chaman" in hits[0].claim.text
            assert ben.index is wb.index and len(ana.index) == len(wb.index)
            ben.close()
            assert wb.search("Chaman crossing", k=1)  # closing a view leaves the others open
            assert ana.notes.get(note.id).verdict == "false"
        finally:
            ana.close()
            ben.close()


def test_a_session_view_covers_every_attribute_of_a_workbench(tmp_path: Path) -> None:
    """Each attribute a Workbench sets up is either the session's own or shared with the
    process's workbench: a new cache added to Workbench must be classified here (the cluster
    update's neighbour cache once reached sessions as a missing attribute)."""
    from workbench.sessions import SHARED

    with Workbench.open(tmp_path, model=FAKE_MODEL) as wb:
        view = wb.session()
        try:
            own = set(vars(view))
            missing = [k for k in vars(wb) if k not in own and k not in SHARED]
            assert not missing, f"neither per-session nor in sessions.SHARED: {missing}"
        finally:
            view.close()

"""The app in team mode, driven with AppTest: the sign-in gate on every page, the Admin page,
and two browser sessions (two users) saving one claim's note in turn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import FAKE_MODEL, PG_URL, SEEDS
from workbench.api import Workbench
from workbench.ui import app_path, common

pytestmark = pytest.mark.slow
PASSWORDS = {"root": "root-pass-1", "ana": "ana-pass-1", "ben": "ben-pass-1", "vic": "vic-pass-1"}
ROLES = {"root": "admin", "ana": "checker", "ben": "checker", "vic": "viewer"}
PAGES = [common.LOOKUP, common.ARTICLE, common.COMPARE, common.SOURCES, common.INGEST,
         common.NOTES, common.ADMIN]  # fmt: skip


@pytest.fixture(scope="module")
def team_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    import os

    data = tmp_path_factory.mktemp("team-ui") / "data"
    # module-scoped: set up before the per-test fixture puts PostgreSQL in the environment
    extra = {"database_url": PG_URL, "database_schema": f"ui_team_{os.getpid()}"} if PG_URL else {}
    with Workbench.open(
        data, model=FAKE_MODEL, attribution=False, auth="on", token="", **extra
    ) as wb:
        for name, role in ROLES.items():
            if wb.store.user_by_name(name) is None:
                wb.users.add(name, role, PASSWORDS[name], actor="bootstrap")
        wb.sign_in("ana", PASSWORDS["ana"])
        if not wb.articles():
            wb.ingest([SEEDS])
    yield data


@pytest.fixture()
def env(team_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import os

    if PG_URL:
        monkeypatch.setenv("WORKBENCH_DATABASE_SCHEMA", f"ui_team_{os.getpid()}")
    monkeypatch.setenv("WORKBENCH_DATA", str(team_data))
    monkeypatch.setenv("WORKBENCH_AUTH", "on")
    monkeypatch.setenv("WORKBENCH_MODEL", FAKE_MODEL)
    monkeypatch.setenv("WORKBENCH_ATTRIBUTION", "0")
    monkeypatch.delenv("WORKBENCH_REVIEWER", raising=False)
    monkeypatch.delenv("WORKBENCH_TOKEN", raising=False)  # this module's users sign in
    common.reload_workbench()
    return team_data


def _app() -> AppTest:
    return AppTest.from_file(str(app_path()), default_timeout=300)


def _sign_in(at: AppTest, name: str, password: str | None = None) -> AppTest:
    at.run()
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password or PASSWORDS[name])
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _is_gate(at: AppTest) -> bool:
    return [t.value for t in at.title] == ["Sign in"]


def test_every_page_needs_a_session(env: Path) -> None:
    at = _app().run()
    assert _is_gate(at)
    for path in PAGES[:-1]:
        at.switch_page(path)
        at.run()
        assert _is_gate(at), path  # no page content before sign-in
    at = _sign_in(_app(), "ana", "wrong password")
    assert _is_gate(at) and any("Sign-in failed" in e.value for e in at.error)
    assert at.text_input(key="signin_password").value == ""  # not kept in the session
    at = _sign_in(_app(), "ana")
    assert not _is_gate(at)
    assert "ana (checker)" in [t.value for t in at.text]


def test_sign_out_ends_the_session_and_the_token_cannot_be_replayed(env: Path) -> None:
    from workbench.ui.components.signin import TOKEN_KEY

    at = _sign_in(_app(), "ben")
    token = at.session_state[TOKEN_KEY]
    at.button(key="sign_out").click()
    at.run()
    assert _is_gate(at)
    replay = _app()
    replay.session_state[TOKEN_KEY] = token  # the old cookie, in another browser
    replay.run()
    assert _is_gate(replay)


def test_admin_page_only_for_admins_shows_users_and_audit(env: Path) -> None:
    at = _sign_in(_app(), "root")
    at.switch_page(common.ADMIN)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    frames = [f.value for f in at.dataframe]
    assert set(frames[0]["name"]) >= {"root", "ana", "ben", "vic"}
    assert "ingest" in set(frames[1]["action"])
    viewer = _sign_in(_app(), "vic")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        viewer.switch_page(common.ADMIN)  # not even in a non-admin's navigation


def test_each_browser_session_has_its_own_connection_and_shares_the_model(env: Path) -> None:
    """Team mode: every session's view has its own store connection and signed-in user; the
    model and index are the process's one copy; a signed-out session's view acts as nobody."""
    ana, ben = _sign_in(_app(), "ana"), _sign_in(_app(), "ben")
    a, b = ana.session_state[common.VIEW_KEY], ben.session_state[common.VIEW_KEY]
    assert a is not b and a.store is not b.store and a.store.conn is not b.store.conn
    assert a.base is b.base and a.embedder is b.embedder and a.index is b.index
    assert (a.actor.name, b.actor.name) == ("ana", "ben")
    ana.run()
    assert ana.session_state[common.VIEW_KEY] is a  # kept across reruns
    ben.button(key="sign_out").click()
    ben.run()
    assert _is_gate(ben) and b.actor is None and a.actor.name == "ana"


def test_two_sessions_two_users_conflicting_saves_lose_nothing(env: Path) -> None:
    ana, ben = _sign_in(_app(), "ana"), _sign_in(_app(), "ben")
    for at in (ana, ben):
        at.switch_page(common.ARTICLE)
        at.run()
    claim_id = ana.selectbox(key="article_claim").value
    key = f"article_note_{claim_id}"
    for at in (ana, ben):  # note forms exist only once opened
        at.button(key=f"{key}_toggle").click().run()
    assert not [t for t in ana.text_input if t.key == f"{key}_reviewer"]  # never typed
    ana.text_area(key=f"{key}_rationale").input("ana: the ministry denies it")
    ana.button(key=f"{key}_save").click()
    ana.run()
    assert any("Saved note" in s.value for s in ana.success)
    ben.text_area(key=f"{key}_rationale").input("ben: two outlets disagree")
    ben.button(key=f"{key}_save").click()
    ben.run()  # ben's form was seeded before ana saved: a conflict, not an overwrite
    assert ben.error or ben.warning
    ben.button(key=f"{key}_reload").click()
    ben.run()
    assert ben.text_area(key=f"{key}_rationale").value == "ana: the ministry denies it"
    ben.text_area(key=f"{key}_rationale").input("ana's point, and ben: two outlets disagree")
    ben.button(key=f"{key}_save").click()
    ben.run()
    with Workbench.open(env, model=FAKE_MODEL, attribution=False) as wb:
        (note,) = [n for n in wb.notes.for_claim(claim_id) if n.claim_id == claim_id]
        assert (note.reviewer, note.updated_by) == ("ana", "ben")
        assert [h.reviewer for h in wb.notes.history(note.id)] == ["ana", "ben"]
        wb.sign_in("root", PASSWORDS["root"])
        steps = [(e.actor, e.action) for e in wb.audit_log(action="note.")]
        assert steps[-2:] == [("ana", "note.create"), ("ben", "note.update")]


def test_notes_page_queue_submit_and_approve(env: Path) -> None:
    with Workbench.open(env, model=FAKE_MODEL, attribution=False) as wb:
        wb.sign_in("ana", PASSWORDS["ana"])
        claim = wb.claims(wb.articles()[0].id)[6].id
        note = wb.notes.add(claim, "false", rationale="queue test")
    ana = _sign_in(_app(), "ana")
    ana.switch_page(common.NOTES)
    ana.run()
    ana.selectbox(key="queue_note").select(note.id)
    ana.run()
    assert not [b for b in ana.button if b.key == "queue_approve"]  # a checker cannot approve
    ana.button(key="queue_submit").click()
    ana.run()
    assert any(f"Note {note.id}: submit done" in s.value for s in ana.success)
    root = _sign_in(_app(), "root")
    root.switch_page(common.NOTES)
    root.run()
    queued = [f.value for f in root.dataframe if "state" in f.value.columns]
    assert any(note.id in set(q["note"]) and "ready for review" in set(q["state"]) for q in queued)
    root.selectbox(key="queue_note").select(note.id)
    root.run()
    root.button(key="queue_approve").click()
    root.run()
    with Workbench.open(env, model=FAKE_MODEL, attribution=False) as wb:
        done = wb.notes.get(note.id)
        assert (done.state, done.reviewed_by) == ("approved", "root")


def test_single_sign_on_button_only_when_configured(env: Path) -> None:
    """st.login needs a live identity provider; what can be tested without one is that the
    option appears exactly when ``[auth]`` is configured in secrets."""
    label = "Sign in with your organisation's account"
    at = _app().run()
    assert _is_gate(at) and label not in [b.label for b in at.button]
    sso = _app()
    sso.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                           "cookie_secret": "x" * 32, "client_id": "id", "client_secret": "s",
                           "server_metadata_url": "https://idp.invalid/.well-known/openid-configuration"}  # fmt: skip
    sso.run()
    assert _is_gate(sso) and label in [b.label for b in sso.button]


def test_session_views_are_bounded_and_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """At most MAX_VIEWS views stay open (least recently used close first), and a closed one
    is dropped when the next opens."""

    class View:
        closed = False

        def close(self) -> None:
            self.closed = True

    monkeypatch.setattr(common, "MAX_VIEWS", 2)
    views = common.SessionViews()
    first, second, third = View(), View(), View()
    views.add("s1", first)
    views.add("s2", second)
    views.touch(first)  # used since: second is now the least recently used
    views.add("s3", third)
    assert (first.closed, second.closed, third.closed) == (False, True, False)
    third.close()
    views.add("s4", View())
    assert len(views) == 2
    views.discard(first)
    assert first.closed and len(views) == 1

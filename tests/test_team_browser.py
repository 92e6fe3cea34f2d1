"""Team mode end to end: two ``workbench serve`` processes on one PostgreSQL schema, three users
in two real browsers (playwright on Debian's chromium), over real HTTP.

A viewer is refused a write; a checker saves a note in process A and an editor in process B
sees it; their conflicting saves from the two processes are a conflict for the second, who
loads the first's version and loses nothing; the checker takes (is assigned) the note and
submits it, the editor approves it; every step is in the audit trail (``workbench audit
--json``). PostgreSQL only (team mode's home): skipped on the SQLite pass, and without
PostgreSQL, chromium or playwright (a missing chromium fails under ``CI=true``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.browser_bench import serve
from tests.conftest import FAKE_MODEL, PG_URL, SEEDS
from tests.test_browser import CHROME_FLAGS, find_chromium
from workbench.api import Workbench

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not PG_URL,
        reason="team mode on PostgreSQL: runs in the PostgreSQL pass only (scripts/test.sh)",
    ),
]
USERS = {"ana": ("checker", "ana-pass-1"), "eve": ("editor", "eve-pass-1"),
         "vic": ("viewer", "vic-pass-1")}  # fmt: skip
WAIT = 120_000  # ms: first loads on a busy two-core machine
IDLE = "() => !document.querySelector('[data-testid=stStatusWidget]')"


def _env(data: Path) -> dict[str, str]:
    """The serve processes' environment: this test's schema, no token (users sign in)."""
    env = {**os.environ, "WORKBENCH_DATA": str(data), "WORKBENCH_MODEL": FAKE_MODEL,
           "WORKBENCH_ATTRIBUTION": "0", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}  # fmt: skip
    for key in ("WORKBENCH_TOKEN", "WORKBENCH_USER", "WORKBENCH_REVIEWER"):
        env.pop(key, None)
    return env


def _idle(page: Any) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function(IDLE, timeout=WAIT)


def _sign_in(page: Any, url: str, name: str, path: str = "") -> None:
    """Open ``url/path`` in a new browser session and sign in there. The sign-in lives in the
    browser session (a page load is a new one, as a reload is), so every visit signs in."""
    page.goto(f"{url}/{path}")
    page.locator(".st-key-signin_name input").fill(name, timeout=WAIT)
    page.locator(".st-key-signin_password input").fill(USERS[name][1])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"{name} ({USERS[name][0]})").wait_for(timeout=WAIT)  # the sidebar
    _idle(page)


def _open_note(page: Any, url: str, name: str, claim: int) -> str:
    """``name`` on the Article page of ``claim`` with its note form open; returns its key."""
    key = f"article_note_{claim}"
    _sign_in(page, url, name, f"article?claim={claim}")
    page.locator(f".st-key-{key}_toggle button").click(timeout=WAIT)
    page.locator(f".st-key-{key}_rationale textarea").wait_for(timeout=WAIT)
    _idle(page)
    return key


def _save(page: Any, key: str, rationale: str, expect: str) -> str:
    """Type ``rationale``, press Save, wait until the page says ``expect`` (each message names
    a new version, so an earlier save's message cannot pass for it); returns the page's text."""
    page.locator(f".st-key-{key}_rationale textarea").fill(rationale)
    page.locator(f".st-key-{key}_save button").click()
    try:
        page.get_by_text(expect).first.wait_for(timeout=WAIT)
    except Exception as exc:
        raise AssertionError(f"{expect!r} not shown:\n{page.inner_text('body')[-1500:]}") from exc
    _idle(page)
    return page.inner_text("body")


def _queue_step(page: Any, step: str) -> str:
    """Press a review step on the Notes page's queue (the only note is preselected)."""
    page.locator(f".st-key-queue_{step} button").click(timeout=WAIT)
    page.get_by_text(f": {step} done.").wait_for(timeout=WAIT)
    _idle(page)
    return page.inner_text("body")


def _audit(data: Path) -> list[dict]:
    """``workbench audit --json`` as the schema's admin (the test's token), another process."""
    env = {**_env(data), "WORKBENCH_USER": os.environ["WORKBENCH_USER"],
           "WORKBENCH_TOKEN": os.environ["WORKBENCH_TOKEN"]}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "workbench", "audit", "--json"], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_two_processes_three_users_review_conflict_and_audit(tmp_path: Path) -> None:
    binary = find_chromium()
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is missing in CI: run scripts/install-browser.sh")
        pytest.skip("chromium is not installed (scripts/install-browser.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    data = tmp_path / "data"  # one data directory (index cache) for both processes
    with Workbench.open(data, model=FAKE_MODEL, attribution=False) as admin:  # the test's admin
        for name, (role, password) in USERS.items():
            admin.users.add(name, role, password, admin.require("users"))
    with Workbench.open(data, model=FAKE_MODEL, attribution=False, token="") as wb:
        wb.sign_in("ana", USERS["ana"][1])
        wb.ingest([SEEDS])
        claim = wb.claims(wb.articles()[0].id)[3].id

    with (
        serve(data, env=_env(data)) as a,
        serve(data, env=_env(data)) as b,
        sync_api.sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=binary, args=CHROME_FLAGS)
        try:
            vic, ana, eve = (browser.new_context().new_page() for _ in range(3))
            # the sign-in page comes first; a viewer reads but cannot write
            vic.goto(f"{a}/article?claim={claim}")
            vic.get_by_role("button", name="Sign in").wait_for(timeout=WAIT)
            assert "Rationale" not in vic.inner_text("body")
            key = _open_note(vic, a, "vic", claim)
            text = _save(vic, key, "vic: should not be saved", "a viewer may not do this")
            assert "Saved note" not in text

            key = _open_note(ana, a, "ana", claim)  # process A
            _save(ana, key, "ana: the ministry denies it", "(version 1)")
            _open_note(eve, b, "eve", claim)  # process B: the other process's user sees it
            shown = eve.locator(f".st-key-{key}_rationale textarea").input_value()
            assert shown == "ana: the ministry denies it"
            # conflicting saves from the two processes: the second is told, nothing is lost
            _open_note(ana, a, "ana", claim)  # ana again, in a new browser session
            _save(ana, key, "ana: the ministry denies it; Dawn too", "(version 2)")
            text = _save(eve, key, "eve: two outlets disagree", "Someone else changed this note")
            assert "Saved note" not in text
            eve.locator(f".st-key-{key}_reload button").click()
            _idle(eve)
            shown = eve.locator(f".st-key-{key}_rationale textarea").input_value()
            assert shown == "ana: the ministry denies it; Dawn too"
            merged = shown + " | eve: two outlets disagree"
            _save(eve, key, merged, "(version 3)")
            # assignment, ready for review (checker, process A), approval (editor, process B)
            _sign_in(ana, a, "ana", "notes")
            assert "Assigned to me (1)" in _queue_step(ana, "take")
            assert "Waiting for review (1)" in _queue_step(ana, "submit")
            _sign_in(eve, b, "eve", "notes")
            assert "Approved, not yet published (1)" in _queue_step(eve, "approve")
        finally:
            browser.close()

    with Workbench.open(data, model=FAKE_MODEL, attribution=False) as wb:
        (note,) = wb.notes.list()
        assert (note.rationale, note.state) == (merged, "approved")
        assert (note.reviewer, note.assignee, note.reviewed_by) == ("ana", "ana", "eve")
        assert [h.reviewer for h in wb.notes.history(note.id)] == ["ana", "ana", "eve", "ana",
                                                                   "ana", "eve"]  # fmt: skip
    trail = _audit(data)
    steps = [(e["actor"], e["action"]) for e in trail if e["action"].startswith("note.")]
    assert steps == [("ana", "note.create"), ("ana", "note.update"), ("eve", "note.update"),
                     ("ana", "note.assign"), ("ana", "note.submit"),
                     ("eve", "note.approve")]  # fmt: skip
    signed_in = {e["actor"] for e in trail if e["action"] == "session.sign-in"}
    assert signed_in >= {"vic", "ana", "eve"}
    assert not [e for e in trail if e["actor"] == "vic" and e["action"] != "session.sign-in"]

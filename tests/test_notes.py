"""Verification notes: versions, history, soft delete, filters, re-ingest and real concurrency."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_URL, ROOT, SEEDS, act_as, user_env
from workbench.errors import ConflictError, InputError, NotFound, WorkbenchError
from workbench.notes.service import VERDICTS, Notes, normalize_verdict
from workbench.records import ArticleDraft

NDTV_PREFIX = "According to the Indian news network NDTV"


def ndtv_claim(wb) -> int:
    """Id of the seed's NDTV claim."""
    row = wb.store.conn.execute(
        "SELECT id FROM claims WHERE text LIKE ? || '%' ORDER BY id DESC", (NDTV_PREFIX,)
    ).fetchone()
    assert row is not None, "the seed's NDTV claim is missing"
    return int(row[0])


def other_claim(wb, not_id: int) -> int:
    article = wb.claim(not_id).article_id
    return next(c.id for c in wb.claims(article) if c.id != not_id)


@pytest.fixture()
def notes(seeded) -> Notes:
    return Notes(seeded)


def test_verdict_scale_and_normalization() -> None:
    assert list(VERDICTS) == ["true", "mostly_true", "mixed", "mostly_false", "false", "misleading",
                              "unverifiable", "in_progress"]  # fmt: skip
    assert normalize_verdict("Mostly False") == normalize_verdict("mostly-false") == "mostly_false"
    assert normalize_verdict("in progress") == "in_progress"
    with pytest.raises(InputError, match="not one of"):
        normalize_verdict("pants on fire")


def test_add_stores_claim_key_evidence_and_history(seeded, notes: Notes) -> None:
    cid = ndtv_claim(seeded)
    other = other_claim(seeded, cid)
    note = notes.add(cid, "mostly false", rationale="No such agreement was admitted.",
                     evidence=["https://example.com/a", str(other), f"claim:{other}"], reviewer=act_as(seeded, "Ana"),
                     source="NDTV", source_type="outlet")  # fmt: skip
    assert (
        note.version == 1
        and note.verdict == "mostly_false"
        and note.verdict_label == "Mostly false"
    )
    assert note.claim_text.startswith(NDTV_PREFIX)
    row = seeded.store.conn.execute(
        "SELECT text_hash, article_id FROM claims WHERE id = ?", (cid,)
    ).fetchone()
    assert (note.claim_hash, note.article_id) == (row[0], row[1])
    assert [e.label() for e in note.evidence] == [
        "https://example.com/a",
        f"claim:{other}",
    ]  # deduplicated
    assert note.evidence[1].claim_hash  # claim evidence is portable by hash
    (entry,) = notes.history(note.id)
    assert (entry.version, entry.action, entry.reviewer) == (1, "create", "Ana")
    assert entry.changes["verdict"] == {"old": None, "new": "mostly_false"}
    assert entry.changes["source"]["new"] == "NDTV"


def test_update_records_field_level_diff(seeded, notes: Notes) -> None:
    note = notes.add(ndtv_claim(seeded), "mixed", rationale="first", reviewer=act_as(seeded, "Ana"))
    note = notes.update(
        note.id,
        1,
        reviewer=act_as(seeded, "Bob"),
        verdict="false",
        add_evidence=["https://example.com/x"],
    )
    assert note.version == 2 and note.reviewer == "Ana" and note.updated_by == "Bob"
    entry = notes.history(note.id)[-1]
    assert (entry.version, entry.action, entry.reviewer) == (2, "update", "Bob")
    assert set(entry.changes) == {"verdict", "evidence"}
    assert entry.changes["verdict"] == {"old": "mixed", "new": "false"}
    same = notes.update(
        note.id, 2, reviewer=act_as(seeded, "Bob"), verdict="false", rationale="first"
    )
    assert same.version == 2 and len(notes.history(note.id)) == 2  # nothing changed: no new version
    note = notes.update(
        note.id,
        2,
        reviewer=act_as(seeded, "Cy"),
        remove_evidence=["https://example.com/x"],
        source=None,
    )
    assert note.evidence == [] and note.version == 3


def test_stale_version_conflict_names_the_other_edit(seeded, notes: Notes) -> None:
    note = notes.add(ndtv_claim(seeded), "mixed", reviewer=act_as(seeded, "Ana"))
    notes.update(
        note.id, 1, reviewer=act_as(seeded, "Bob"), verdict="misleading", rationale="Bob's reading"
    )
    with pytest.raises(ConflictError) as info:
        notes.update(note.id, 1, reviewer=act_as(seeded, "Ana"), rationale="Ana's reading")
    message = str(info.value)
    assert "Bob" in message and "since version 1" in message
    assert '"misleading"' in message and "Bob's reading" in message and "rationale" in message
    assert info.value.current.version == 2 and info.value.current.rationale == "Bob's reading"
    assert notes.get(note.id).rationale == "Bob's reading"  # nothing overwritten


def test_second_add_on_same_claim_is_a_conflict(seeded, notes: Notes) -> None:
    cid = ndtv_claim(seeded)
    first = notes.add(cid, "false", reviewer=act_as(seeded, "Ana"))
    with pytest.raises(ConflictError, match="already has note") as info:
        notes.add(cid, "true", reviewer=act_as(seeded, "Bob"))
    assert info.value.current.id == first.id
    cluster_note = notes.add(
        cid, "false", reviewer=act_as(seeded, "Bob"), scope="cluster"
    )  # another scope is fine
    assert cluster_note.id != first.id


def test_soft_delete_is_recorded(seeded, notes: Notes) -> None:
    cid = ndtv_claim(seeded)
    note = notes.add(cid, "false", reviewer=act_as(seeded, "Ana"))
    gone = notes.delete(note.id, 1, reviewer=act_as(seeded, "Bob"))
    assert gone.deleted and gone.deleted_by == "Bob" and gone.version == 2
    assert notes.list() == [] and [n.id for n in notes.list(include_deleted=True)] == [note.id]
    assert [h.action for h in notes.history(note.id)] == ["create", "delete"]
    with pytest.raises(ConflictError, match="deleted by Bob"):
        notes.update(note.id, 2, reviewer=act_as(seeded, "Ana"), verdict="true")
    assert (
        notes.add(cid, "true", reviewer=act_as(seeded, "Ana")).id != note.id
    )  # the claim is free again
    with pytest.raises(NotFound):
        notes.get(9999)


def test_inputs_are_validated(seeded, notes: Notes) -> None:
    cid = ndtv_claim(seeded)
    with pytest.raises(InputError, match="http"):
        notes.add(cid, "false", evidence=["javascript:alert(1)"], reviewer=act_as(seeded, "Ana"))
    with pytest.raises(InputError, match="not in this workbench"):
        notes.add(cid, "false", evidence=["987654"], reviewer=act_as(seeded, "Ana"))
    with pytest.raises(InputError, match="kind of source"):
        notes.add(cid, "false", source="NDTV", reviewer=act_as(seeded, "Ana"))
    if not PG_URL:  # in team mode the reviewer is whoever is signed in: never missing
        with pytest.raises(WorkbenchError, match="reviewer"):
            notes.add(cid, "false")
    with pytest.raises(NotFound):
        notes.add(10**9, "false", reviewer=act_as(seeded, "Ana"))
    att = seeded.attributions([cid])[cid][0]
    note = notes.add(cid, "false", attribution_id=att.id, reviewer=act_as(seeded, "Ana"))
    assert (note.source, note.source_type, note.attribution_id) == (
        att.source,
        att.source_type,
        att.id,
    )


def test_filters(seeded, notes: Notes) -> None:
    report = seeded.ingest_drafts([ArticleDraft(
        text="Officials in Islamabad said on Tuesday that the border crossing at Torkham would reopen next week "
             "after repairs to the customs terminal were finished.",
        title="Torkham to reopen", outlet="Dawn", date="2025-10-30", url="https://www.dawn.com/news/1")])  # fmt: skip
    assert report.ingested == 1
    dawn_article = next(a for a in seeded.articles() if a.outlet == "Dawn")
    dawn_claim = seeded.claims(dawn_article.id)[0].id
    a = notes.add(ndtv_claim(seeded), "false", reviewer=act_as(seeded, "Ana"))
    b = notes.add(dawn_claim, "true", reviewer=act_as(seeded, "Bob"))
    ids = lambda **kw: [n.id for n in notes.list(**kw)]  # noqa: E731
    assert ids() == [a.id, b.id]
    assert ids(verdict="false") == [a.id] and ids(verdict=["true", "false"]) == [a.id, b.id]
    assert ids(reviewer="bob") == [b.id]
    assert ids(outlet="dawn") == [b.id]
    today = a.updated_at[:10]
    assert ids(date_from=today, date_to=today) == [a.id, b.id]
    assert ids(date_to="2000-01-01") == []
    assert ids(date_field="article", date_from="2025-10-01", date_to="2025-10-31") == [b.id]
    assert ids(claim_id=dawn_claim) == [b.id]


def test_cluster_note_reaches_members(
    seeded, notes: Notes, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = ndtv_claim(seeded)
    other = other_claim(seeded, cid)
    monkeypatch.setattr(
        seeded, "cluster_members", lambda c: [cid, other] if c in (cid, other) else [c]
    )
    note = notes.add(cid, "misleading", reviewer=act_as(seeded, "Ana"), scope="cluster")
    assert [n.id for n in notes.for_claim(other)] == [note.id]
    assert [n.id for n in notes.for_claim(cid)] == [note.id]


def test_notes_survive_reingest(seeded) -> None:
    notes = Notes(seeded)
    cid = ndtv_claim(seeded)
    note = notes.add(cid, "false", reviewer=act_as(seeded, "Ana"))
    act_as(seeded, "Eve", "editor")  # in team mode deleting an article is an editor's job
    seeded.delete_article(seeded.claim(cid).article_id)
    assert Notes(seeded).get(note.id).claim_id is None  # claim gone, note kept
    assert seeded.ingest([SEEDS]).ingested == 1
    new_cid = ndtv_claim(seeded)
    assert new_cid != cid
    relinked = Notes(seeded).get(note.id)  # opening Notes re-attaches by content hash
    assert relinked.claim_id == new_cid and relinked.version == 1


# --- two real processes ------------------------------------------------------------------------


def _append_worker(data: str, claim_id: int, name: str, barrier, n: int) -> None:
    """Create-or-join the note on a claim, then append ``n`` evidence URLs, retrying conflicts."""
    from workbench.api import Workbench
    from workbench.errors import ConflictError
    from workbench.notes.service import Notes

    with Workbench.open(data) as wb:
        notes = Notes(wb)
        barrier.wait()
        try:
            note = notes.add(claim_id, "in progress", reviewer=name)
        except ConflictError as exc:  # the other process created it first
            note = exc.current
        for i in range(n):
            while True:
                try:
                    note = notes.update(note.id, note.version, reviewer=name,
                                        add_evidence=[f"https://example.org/{name}/{i}"])  # fmt: skip
                    break
                except ConflictError as exc:
                    note = exc.current  # reload and re-apply


def test_two_processes_lose_no_update(seeded) -> None:
    cid = ndtv_claim(seeded)
    data = str(seeded.data_dir)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [
        ctx.Process(target=_append_worker, args=(data, cid, name, barrier, 20))
        for name in ("tab1", "cli")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
        assert p.exitcode == 0
    (note,) = Notes(seeded).list()
    assert len(note.evidence) == 40
    assert {e.url.split("/")[3] for e in note.evidence} == {"tab1", "cli"}
    history = Notes(seeded).history(note.id)
    assert len(history) == 41 and [h.version for h in history] == list(range(1, 42))
    assert note.version == 41


def test_stale_version_from_another_process(seeded) -> None:
    notes = Notes(seeded)
    note = notes.add(ndtv_claim(seeded), "mixed", reviewer=act_as(seeded, "Ana"))
    env = {**os.environ, "WORKBENCH_DATA": str(seeded.data_dir), "HF_HUB_OFFLINE": "1",
           **user_env(seeded, "Bob")}  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-m", "workbench", "note", "update", str(note.id), "--verdict", "false",
         "--rationale", "from the CLI", "--reviewer", "Bob", "--expected-version", "1"],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    with pytest.raises(ConflictError, match="by Bob") as info:
        notes.update(note.id, note.version, reviewer=act_as(seeded, "Ana"), verdict="true")
    assert "from the CLI" in str(info.value) and info.value.current.version == 2


def test_migration_is_recorded(seeded) -> None:
    rows = dict(seeded.store.conn.execute("SELECT version, name FROM schema_migrations").fetchall())
    assert rows[4] == "notes: verdicts, evidence, confirmed attribution, history"


def test_cli_note_commands(seeded, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from workbench.cli import app

    cid = ndtv_claim(seeded)
    env = {"WORKBENCH_DATA": str(seeded.data_dir), "WORKBENCH_REVIEWER": "Ana"}
    as_ana, as_bob = user_env(seeded, "Ana"), user_env(seeded, "Bob")  # PostgreSQL: sign-in

    def run(*a: str, who: dict[str, str] = as_ana):
        return CliRunner().invoke(app, list(a), env={**env, **who}, catch_exceptions=False)

    added = run("note", "add", "--claim", str(cid), "--verdict", "mostly-false", "--rationale", "r",
                "--evidence", "https://example.com/e", "--evidence", str(other_claim(seeded, cid)),
                "--source", "NDTV", "--source-type", "outlet", "--json")  # fmt: skip
    assert added.exit_code == 0, added.output
    note = json.loads(added.stdout)
    assert (
        note["verdict"] == "mostly_false"
        and note["source"] == "NDTV"
        and len(note["evidence"]) == 2
    )
    nid = str(note["id"])
    assert (
        run("note", "update", nid, "--verdict", "false", "--reviewer", "Bob", who=as_bob).exit_code
        == 0
    )
    stale = run("note", "update", nid, "--rationale", "x", "--expected-version", "1")
    assert stale.exit_code == 2 and "Bob" in stale.output
    listed = json.loads(run("note", "list", "--reviewer", "bob", "--json").stdout)
    assert [n["id"] for n in listed] == [note["id"]]
    assert json.loads(run("note", "show", nid, "--json").stdout)["version"] == 2
    assert [h["action"] for h in json.loads(run("note", "history", nid, "--json").stdout)] == [
        "create",
        "update",
    ]
    out = tmp_path / "notes.csv"
    assert run("export", "--format", "csv", "--verdict", "false", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").count("\n") >= 2
    assert run("note", "delete", nid, "--json").exit_code == 0
    assert json.loads(run("note", "list", "--json").stdout) == []

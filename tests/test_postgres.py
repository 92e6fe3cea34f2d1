"""The PostgreSQL backend: lossless migrate round trip, one store shared by processes.

Needs a PostgreSQL (WORKBENCH_TEST_DATABASE_URL, set by scripts/test.sh's second pass, which
starts a private one); skipped, saying so, without it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import FAKE_MODEL, PG_URL, SEEDS, _pg_drop, act_as
from workbench.api import Workbench

pytestmark = pytest.mark.skipif(
    not PG_URL,
    reason="no PostgreSQL: WORKBENCH_TEST_DATABASE_URL is unset (scripts/test.sh sets it)",
)


def _rows(store, table: str) -> list[tuple]:
    order = "id" if table not in ("meta", "embeddings", "article_sources", "cluster_members",
                                  "sessions", "sign_in_failures") else "1, 2"  # fmt: skip
    return [tuple(r) for r in store.conn.execute(f"SELECT * FROM {table} ORDER BY {order}")]


def test_migrate_round_trip_is_lossless(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.cli import app
    from workbench.store.sqlite import STORE_FILE, Store
    from workbench.store.transfer import TABLES, existing_tables

    src = tmp_path / "single"
    env_off = {"database_url": "", "auth": "off", "model": FAKE_MODEL}
    with Workbench.open(src, **env_off) as wb:  # a single-user data directory on SQLite
        wb.ingest([SEEDS])
        claim = wb.claims(wb.articles()[0].id)[2].id
        note = wb.notes.add(claim, "false", rationale="ünïcode ✓", reviewer="ana",
                            evidence=["https://example.org/x"])  # fmt: skip
        wb.notes.update(note.id, note.version, reviewer="ben", verdict="mixed")
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    back = tmp_path / "back"
    monkeypatch.delenv("WORKBENCH_DATABASE_URL")
    try:
        runner = CliRunner()
        out = runner.invoke(
            app, ["migrate", "--from", str(src), "--to", PG_URL, "--schema", schema, "--json"]
        )
        assert out.exit_code == 0, out.output
        again = runner.invoke(
            app, ["migrate", "--from", str(src), "--to", PG_URL, "--schema", schema]
        )
        assert again.exit_code == 2 and "already holds" in again.output  # never merges by accident
        from workbench.store.postgres import PgStore
        from workbench.store.transfer import copy_store

        pg = PgStore(PG_URL, schema, tmp_path)
        back.mkdir()
        sqlite_back = Store(back / STORE_FILE)
        copy_store(pg, sqlite_back)
        original = Store(src / STORE_FILE)
        for table in existing_tables(original):
            assert table in TABLES
            copied = _rows(pg, table)
            if table == "audit_log":  # the target also records the migration, after the rest
                *copied, migrated = copied
                assert migrated[2:5] == ("bootstrap", "store.migrate", "store")
            assert _rows(original, table) == copied, table
            assert _rows(pg, table) == _rows(sqlite_back, table), table
        # the team database works as a workbench: its index is rebuilt from the embedding cache;
        # it has no users yet, so a checker is added to write as (sign-in is always on)
        with Workbench.open(tmp_path / "team-index", database_url=PG_URL, database_schema=schema,
                            model=FAKE_MODEL, token="") as wb:  # fmt: skip
            assert wb.team_mode and wb.last_repair["added"] == len(wb.store.all_claim_ids())
            assert wb.search(wb.claim(claim).text, k=1)[0].claim.id == claim
            assert wb.notes.get(note.id).verdict == "mixed"
            act_as(wb, "cy")
            new = wb.notes.add(wb.claims(wb.articles()[0].id)[4].id, "true", reviewer="typed")
            assert new.id > note.id  # id sequences moved past the copied ids
            assert new.reviewer == "cy"  # the signed-in user, not the typed name
        for s in (pg, sqlite_back, original):
            s.close()
    finally:
        _pg_drop(schema)


def test_migrate_refuses_a_team_database_in_use_and_copying_out_is_an_admins_job(
    tmp_path: Path,
) -> None:
    """The test's schema has an admin (``tester``): nothing is merged into it, and copying it
    out to a data directory needs that admin (a checker is refused, nothing is written)."""
    from workbench.cli import app
    from workbench.store.sqlite import STORE_FILE, Store

    src = tmp_path / "single"
    with Workbench.open(src, database_url="", model=FAKE_MODEL, attribution=False) as wb:
        wb.ingest([SEEDS])
    schema = os.environ["WORKBENCH_DATABASE_SCHEMA"]
    runner = CliRunner()
    into = ["migrate", "--from", str(src), "--to", PG_URL, "--schema", schema]
    out = runner.invoke(app, into)
    assert out.exit_code == 2 and "already holds users" in out.output
    with Workbench.open(tmp_path / "idx", model=FAKE_MODEL) as wb:  # as tester, the admin
        assert wb.articles() == [] and wb.audit_log(action="store.") == []
        wb.users.add("ana", "checker", "ana-pass-1", wb.require("users"))
        wb.ingest([SEEDS])
    out_of = ["migrate", "--from", PG_URL, "--to", str(tmp_path / "out"), "--schema", schema]
    anonymous = {"WORKBENCH_TOKEN": "", "WORKBENCH_USER": ""}
    out = runner.invoke(app, out_of, env=anonymous)
    assert out.exit_code == 2 and "admin's job" in out.output
    out = runner.invoke(app, ["--user", "ana", "--password-stdin", *out_of], env=anonymous,
                        input="ana-pass-1\n")  # fmt: skip
    assert out.exit_code == 2 and "a checker may not" in out.output
    assert (
        not (tmp_path / "out" / STORE_FILE).exists()
        or not Store(tmp_path / "out" / STORE_FILE).users()
    )
    out = runner.invoke(app, [*out_of, "--json"])  # WORKBENCH_USER + WORKBENCH_TOKEN: tester
    assert out.exit_code == 0, out.output
    back = Store(tmp_path / "out" / STORE_FILE)
    try:
        assert {u.name for u in back.users()} == {"tester", "ana"}
        last = back.audit_entries(action="store.migrate")[-1]
        assert (last.actor, last.after["from"]) == ("tester", "team database")
    finally:
        back.close()


def test_auth_off_with_postgresql_is_a_settings_error(tmp_path: Path) -> None:
    from workbench.errors import InvalidOption

    with pytest.raises(InvalidOption, match=r"auth=off.*WORKBENCH_AUTH.*database_url"):
        Workbench.open(tmp_path / "d", model=FAKE_MODEL, auth="off")


def test_ingest_in_one_process_is_searchable_in_another(tmp_path: Path) -> None:
    """Two data directories (two hosts' index caches) on one team database."""
    settings = {"model": FAKE_MODEL, "attribution": False}
    reader = Workbench.open(tmp_path / "host-a", **settings)
    assert reader.search("Istanbul negotiations collapsed", k=1) == []
    env = {**os.environ, "WORKBENCH_DATA": str(tmp_path / "host-b"), "WORKBENCH_MODEL": FAKE_MODEL,
           "WORKBENCH_ATTRIBUTION": "0"}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "workbench", "ingest", str(SEEDS), "--no-progress"],
                          env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    hits = reader.search("Pakistan walked out of the Istanbul negotiations", k=3)
    assert hits and "Istanbul" in " ".join(h.claim.text for h in hits)
    reader.close()


def test_writers_take_turns_through_an_advisory_lock() -> None:
    from workbench.store.postgres import PgWriterLock

    schema = os.environ["WORKBENCH_DATABASE_SCHEMA"]
    first, second = PgWriterLock(PG_URL, schema, wait=0.5), PgWriterLock(PG_URL, schema, wait=0.5)
    first.acquire()
    assert not second.try_acquire()
    told: list[str] = []
    with pytest.raises(Exception, match="another writer"):
        second.acquire(told.append)
    assert told and "waiting" in told[0]
    first.release()
    assert second.try_acquire()
    second.release()
    first.close()
    second.close()

"""Store schema, vector index interface, lookup, and crash repair."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import FAKE_MODEL, needs_sqlite
from workbench.api import Workbench
from workbench.retrieval.index import FaissIndex
from workbench.retrieval.index_policy import MANIFEST_FILE, read_manifest
from workbench.store.migrations import MIGRATIONS
from workbench.store.sqlite import STORE_FILE, Store

QUERY = "Pakistan walked out of the Istanbul negotiations"


def test_schema_version_wal_and_foreign_keys(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    assert store.schema_version == MIGRATIONS[-1].version
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    names = [
        r[0] for r in store.conn.execute("SELECT name FROM schema_migrations ORDER BY version")
    ]
    assert names == [m.name for m in MIGRATIONS]
    assert store.migrate() == []  # idempotent
    with pytest.raises(sqlite3.IntegrityError), store.transaction():
        store.conn.execute(
            "INSERT INTO claims (article_id, idx, paragraph, start_char, end_char, text, text_hash,"
            " checkworthiness) VALUES ('missing', 0, 0, 0, 1, 'x', 'h', 0.5)"
        )
    store.close()


def test_index_interface_roundtrip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(50, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = np.arange(100, 150, dtype=np.int64)
    index = FaissIndex(8, "test-model")
    index.build(ids, vecs)
    scores, found = index.search(vecs[3], 3)
    assert found[0][0] == 103 and scores[0][0] == pytest.approx(1.0, abs=1e-5)
    scores, found = index.search(vecs[3], 3, allowed=np.array([140, 141]))
    assert set(found[0][found[0] >= 0]) == {140, 141}
    assert index.remove([103, 104]) == 2
    assert 103 not in index.search(vecs[3], 5)[1][0]
    index.save(tmp_path)
    manifest = read_manifest(tmp_path)
    assert (
        manifest["model"] == "test-model" and manifest["dimension"] == 8 and manifest["count"] == 48
    )
    assert manifest["kind"] == "flat" and "build_time" in manifest
    again = FaissIndex.load(tmp_path)
    assert len(again) == 48 and sorted(again.ids().tolist()) == sorted(
        set(ids.tolist()) - {103, 104}
    )


def test_seed_lookup_top_hit_is_ariana_news_sentence(seeded: Workbench) -> None:
    hits = seeded.search(QUERY, k=10)
    assert hits[0].claim.text.startswith("Reports from Afghan media outlet Ariana News indicate")
    top = hits[0]
    article = seeded.article(top.claim.article_id)
    assert article.text[top.claim.start : top.claim.end] == top.claim.text
    assert top.article_title.startswith("Haqqani Warns Pakistan")
    assert len(hits) == 10 and all(hits[i].score >= hits[i + 1].score for i in range(9))


def test_reingest_changes_nothing(seeded: Workbench) -> None:
    from tests.conftest import SEEDS

    before = seeded.stats()
    report = seeded.ingest([SEEDS])
    assert report.duplicates == 1 and report.ingested == 0
    after = seeded.stats()
    assert {k: before[k] for k in ("articles", "claims", "index_count")} == {
        k: after[k] for k in ("articles", "claims", "index_count")
    }


def test_filters(seeded: Workbench, tmp_path: Path) -> None:
    from workbench.records import ArticleDraft, CitedSource

    seeded.ingest_drafts(
        [
            ArticleDraft(
                text="Pakistan walked out of the talks in Istanbul on Tuesday, officials said.",
                title="Talks",
                outlet="Example Times",
                date="2025-10-28",
                origin="paste",
                sources=[CitedSource("Reuters", "https://reuters.com/x")],
            )
        ]
    )
    seed_id = seeded.articles(outlet=None)[0].id
    other = seeded.search(QUERY, k=5, exclude_article=seed_id)
    assert other and all(h.claim.article_id != seed_id for h in other)
    assert [h.outlet for h in seeded.search(QUERY, k=5, outlet="example times")] == [
        "Example Times"
    ]
    assert seeded.search(QUERY, k=5, outlet="Reuters")[0].outlet == "Example Times"
    assert (
        seeded.search(QUERY, k=5, date_from="2025-10-01", date_to="2025-10-31")[0].date
        == "2025-10-28"
    )
    assert seeded.search(QUERY, k=5, date_from="2026-01-01") == []
    assert all(h.score >= 0.5 for h in seeded.search(QUERY, k=30, min_score=0.5))


def test_delete_article_removes_claims_from_index(seeded: Workbench) -> None:
    art = seeded.articles()[0]
    n = len(seeded.claims(art.id))
    assert seeded.delete_article(art.id) == n
    assert seeded.search(QUERY) == []
    assert seeded.stats()["index_count"] == 0


def test_repair_after_index_lost_or_corrupt(seeded: Workbench) -> None:
    data = seeded.data_dir
    claims = seeded.stats()["claims"]
    seeded.close()
    (data / "claims.faiss").write_bytes(b"garbage")
    (data / MANIFEST_FILE).unlink()
    with Workbench.open(data) as wb:
        assert wb.last_repair == {"added": claims, "removed": 0}
        assert wb.search(QUERY)[0].claim.text.startswith("Reports from Afghan media outlet")


def _articles(folder: Path, n: int) -> None:
    """``n`` articles of five claims each, worded apart (made-up names and places), so no two
    claims are one statement: the test is about ingest bookkeeping, not about clusters."""
    folder.mkdir()
    for i in range(n):
        sentences = " ".join(
            f"Officials of Kor{i}ven said {j + 3} delegates from Ulm{i}ar{j} met in Pel{i}os{j}."
            for j in range(5)
        )
        (folder / f"a{i:04d}.txt").write_text(sentences)


@needs_sqlite
def test_killed_ingest_is_detected_repaired_and_resumed(tmp_path: Path) -> None:
    """Kill a real ingest midway; opening repairs the index and a rerun finishes the job."""
    src = tmp_path / "in"
    _articles(src, 400)
    data = tmp_path / "data"
    env = {**os.environ, "WORKBENCH_DATA": str(data), "WORKBENCH_ATTRIBUTION": "0",
           "WORKBENCH_MODEL": FAKE_MODEL}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench", "ingest", str(src), "--no-progress"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 300
    committed = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        try:
            with sqlite3.connect(data / STORE_FILE, timeout=1) as conn:
                committed = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            continue
        if committed:
            break
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < committed < 400
    with Workbench.open(data, attribution=False, model=FAKE_MODEL) as wb:
        store_ids = set(wb.store.all_claim_ids().tolist())
        assert set(wb.index.ids().tolist()) == store_ids
        assert wb.last_repair["added"] + wb.last_repair["removed"] >= 0
        report = wb.ingest([src])
        assert report.failed == 0
        assert wb.stats()["articles"] == 400
        assert set(wb.index.ids().tolist()) == set(wb.store.all_claim_ids().tolist())


def test_changing_embed_context_rebuilds_the_index(seeded: Workbench) -> None:
    """Vectors built from other inputs are never mixed with new ones: the manifest records
    what was embedded, and opening with another ``embed_context`` re-embeds every claim."""
    data = seeded.data_dir
    assert read_manifest(data)["embed_input"] == seeded.embed_input
    assert seeded.embed_input.endswith(":title")
    count = len(seeded.index)
    seeded.close()
    other = Workbench.open(data, embed_context="none")
    try:
        assert other.last_repair == {"added": count, "removed": count}
        assert read_manifest(data)["embed_input"].endswith(":none")
        assert other.stats()["embed_input"] == read_manifest(data)["embed_input"]
        hits = other.search(QUERY, k=1)
        assert "Ariana News" in hits[0].claim.text
    finally:
        other.close()
    again = Workbench.open(data, embed_context="none")
    assert again.last_repair == {"added": 0, "removed": 0}
    again.close()


def _open_store(path: str, barrier) -> None:
    from workbench.store.sqlite import Store

    barrier.wait()
    Store(Path(path)).close()


@needs_sqlite
def test_two_processes_create_one_fresh_store(tmp_path: Path) -> None:
    """Both see an empty store and race to migrate it: the loser finds each migration done."""
    import multiprocessing

    from workbench.store.migrations import MIGRATIONS
    from workbench.store.sqlite import Store

    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(3)
    path = str(tmp_path / "workbench.sqlite")
    procs = [ctx.Process(target=_open_store, args=(path, barrier)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    store = Store(Path(path))
    assert store.schema_version == max(m.version for m in MIGRATIONS)
    store.close()

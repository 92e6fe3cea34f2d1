"""Issue 14, flat cost per record: the per-chunk work of the cluster update does not depend on
the size of the store (counted in vectors scored and rows read, never timed)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.compare import clusters, neighbours
from workbench.compare.neighbours import Neighbours
from workbench.records import ArticleDraft
from workbench.retrieval.index import FaissIndex

DIM = 64


def _clustered(n: int, seed: int = 0) -> np.ndarray:
    """Unit vectors around n // 8 centres: each has close neighbours, as restatements do."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(1, n // 8), DIM)).astype(np.float32)
    vecs = centres[rng.integers(0, len(centres), n)]
    vecs = vecs + 0.35 * rng.standard_normal((n, DIM)).astype(np.float32)
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


EXACT_MAX, SCAN = 1_000, 400  # the module's limits, scaled down so the tests stay quick


@pytest.fixture(autouse=True)
def _small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neighbours, "EXACT_MAX", EXACT_MAX)
    monkeypatch.setattr(neighbours, "SCAN", SCAN)
    monkeypatch.setattr(neighbours, "MIN_PROBE", 2)


def test_neighbour_search_scans_a_bounded_number_of_vectors_per_query() -> None:
    vecs = _clustered(20 * EXACT_MAX)
    held = Neighbours(DIM)
    per_query = {}
    bound = {}  # SCAN plus the longest list at that point (a probe takes whole lists)
    step = 250
    for start in range(0, len(vecs), step):
        held.add(np.arange(start, start + step) + 1, vecs[start : start + step])
        before = held.scanned
        held.search(vecs[start : start + step], 21)
        per_query[held.count] = (held.scanned - before) / step
        bound[held.count] = SCAN + (int(held._fill.max()) if held.centroids is not None else 0)
    assert held.centroids is not None  # past EXACT_MAX it is an inverted file, retrained as it grew
    assert held.trained_on > EXACT_MAX
    # exact while small (at most EXACT_MAX), then about SCAN per query however big it grows
    assert max(per_query.values()) <= EXACT_MAX
    late = [n for n in per_query if n > EXACT_MAX + step]
    assert late and all(per_query[n] <= bound[n] for n in late)


def test_inverted_file_finds_the_close_neighbours_an_exact_search_finds() -> None:
    vecs = _clustered(8 * EXACT_MAX, seed=1)
    held = Neighbours(DIM)
    for start in range(0, len(vecs), 1000):
        held.add(np.arange(start, start + 1000), vecs[start : start + 1000])
    assert held.centroids is not None
    queries = vecs[-300:]
    scores, found = held.search(queries, 21)
    exact = queries @ vecs.T
    wanted = found_close = 0
    for row, sims in enumerate(exact):
        close = set(np.flatnonzero(sims >= 0.7).tolist())
        top = set(np.argsort(-sims)[:21].tolist())
        wanted_here = close & top
        wanted += len(wanted_here)
        found_close += len(wanted_here & set(found[row].tolist()))
    assert wanted > 300
    assert found_close / wanted >= 0.98
    # the scores are the vectors' inner products
    np.testing.assert_allclose(scores[:, 0], exact.max(axis=1), rtol=1e-5)


def test_exact_search_matches_brute_force_and_pads() -> None:
    vecs = _clustered(50, seed=2)
    held = Neighbours(DIM)
    held.add(np.arange(50) + 100, vecs)
    scores, found = held.search(vecs[:3], 60)
    assert (found[:, 50:] == -1).all() and np.isneginf(scores[:, 50:]).all()
    brute = np.argsort(-(vecs[:3] @ vecs.T), axis=1) + 100
    assert (found[:, :5] == brute[:, :5]).all()
    assert held.add([100, 101], vecs[:2]) == 0  # ids already held are not added twice


def _one_liners(start: int, n: int) -> list[ArticleDraft]:
    places = ["Karach", "Balford", "Norabad", "Sulville", "Tamton", "Velpur"]
    return [
        ArticleDraft(
            text=f"Officials said {i % 7 + 2} schools in {places[i % 6]} reopened after the storm number {i}.",
            outlet=["Dawn", "Reuters", "AP"][i % 3],
            date="2025-10-28",
        )
        for i in range(start, start + n)
    ]


def test_cluster_update_does_not_scan_the_store_per_chunk(
    fake_wb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk's cluster update scores the same number of vectors per new claim and reads
    only the rows of its above-threshold neighbours, never the search index, however many
    claims are stored."""
    searched = []
    real_search = FaissIndex.search
    monkeypatch.setattr(
        FaissIndex, "search", lambda self, *a, **k: searched.append(1) or real_search(self, *a, **k)
    )
    monkeypatch.setattr(neighbours, "EXACT_MAX", 200)  # small, so the test reaches the IVF
    monkeypatch.setattr(neighbours, "SCAN", 100)
    monkeypatch.setattr(neighbours, "MIN_PROBE", 1)
    read = []
    for name in ("claims_by_ids", "claim_facts"):  # full rows, or the cluster update's slim read
        real_rows = getattr(fake_wb.store, name)
        monkeypatch.setattr(
            fake_wb.store,
            name,
            lambda ids, real_rows=real_rows: read.append(len(ids)) or real_rows(ids),
        )
    per_claim = []
    for batch in range(5):
        held = fake_wb.neighbour_state.held
        before = held.scanned if held is not None else 0
        fake_wb.ingest_drafts(_one_liners(batch * 100, 100))
        held = fake_wb.neighbour_state.held
        per_claim.append((held.scanned - before) / 100)
    assert not searched  # the cluster update never scanned the search index
    assert fake_wb.neighbour_state.rebuilds == 1  # built once (empty), then kept up to date
    assert len(held) == len(fake_wb.index) == 500
    assert held.centroids is not None
    assert max(per_claim) <= 200  # bounded by EXACT_MAX (then ~SCAN), not by the store
    # rows read per chunk: the new claims plus their close neighbours (at most 21 each)
    assert max(read) <= 100 * 22


def test_neighbour_cache_follows_deletes_repairs_and_new_processes(fake_wb) -> None:
    fake_wb.ingest_drafts(_one_liners(0, 120))
    state = fake_wb.neighbour_state
    assert state.held is not None and len(state.held) == 120
    first = fake_wb.articles()[0].id
    fake_wb.delete_article(first)  # the index shrank: the cache no longer matches
    fake_wb.ingest_drafts(_one_liners(1000, 100))  # enough new claims to rebuild it
    assert state.rebuilds == 2
    assert len(state.held) == len(fake_wb.index) == 219
    assert first not in {c for c in state.held._ids[: state.held.count].tolist()}
    fake_wb.check_and_repair()
    assert state.held is not None  # nothing to mend: kept
    # re-clustering the whole store keeps it (every claim is held already)
    clusters.rebuild(fake_wb)
    assert state.rebuilds == 2 and len(state.held) == 219


def test_small_ingests_into_a_big_store_do_not_rebuild_the_cache(
    fake_wb, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_wb.ingest_drafts(_one_liners(0, 150))
    fake_wb.neighbour_state.drop()  # as after opening the directory in a new process
    rebuilt = fake_wb.neighbour_state.rebuilds
    fake_wb.ingest_drafts(_one_liners(500, 3))
    assert fake_wb.neighbour_state.rebuilds == rebuilt  # three claims: the index's scan is cheaper
    fake_wb.ingest_drafts(_one_liners(600, neighbours.REBUILD_AFTER))
    assert fake_wb.neighbour_state.rebuilds == rebuilt + 1
    assert len(fake_wb.neighbour_state.held) == len(fake_wb.index)


def test_inverted_lists_hold_each_vector_once_and_in_place() -> None:
    """Once trained, the vectors live only in their lists (contiguous per list: a search
    scores a list in place instead of gathering rows, which copied nearly the whole store per
    chunk), and every held vector is still returned exactly, across a retrain."""
    vecs = _clustered(6 * EXACT_MAX, seed=3)
    held = Neighbours(DIM)
    for start in range(0, len(vecs), 500):
        held.add(np.arange(start, start + 500) + 7, vecs[start : start + 500])
    assert held.centroids is not None and held.trained_on > EXACT_MAX  # retrained as it grew
    assert len(held._vecs) == 0  # not held twice
    assert int(held._fill.sum()) == held.count == len(vecs)
    got = held.vectors(list(range(7, 7 + len(vecs))))
    assert np.array_equal(np.stack([got[i + 7] for i in range(len(vecs))]), vecs)
    for lst, rows in enumerate(held._members):  # each list's block is its members' vectors
        fill = int(held._fill[lst])
        assert np.array_equal(held._lists[lst][:fill], vecs[rows[:fill]])


def test_equal_scores_keep_the_order_they_were_added_in() -> None:
    """Copies of one text score the same: the earlier claim comes first, exact or not."""
    vecs = _clustered(3 * EXACT_MAX, seed=4)
    copies = np.repeat(vecs[:1], 30, axis=0)
    for n in (EXACT_MAX // 2, 3 * EXACT_MAX):
        held = Neighbours(DIM)
        held.add(np.arange(n) + 1000, vecs[:n])
        held.add(np.arange(30) + 1, copies)  # ids 1..30, added last
        scores, found = held.search(vecs[:1], 21, floor=0.5)
        first = found[0][scores[0] >= scores[0][0]]
        order = [i for i in first.tolist() if i < 1000]
        assert order == sorted(order)


def test_a_new_store_holds_each_cached_embedding_inline(tmp_path) -> None:
    """At 4 KB pages every 384-dimension vector went to an overflow page of its own (two pages
    written per insert, 266 MB for 50k one-liners); a new store's 8 KB pages hold it inline.
    An existing store keeps its page size and still opens."""
    import sqlite3

    from workbench.store.sqlite import PAGE_SIZE, Store

    store = Store(tmp_path / "new" / "w.sqlite")
    assert store.conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 8192
    assert -store.conn.execute("PRAGMA cache_size").fetchone()[0] >= 65_536
    rng = np.random.default_rng(0)
    before = store.conn.execute("PRAGMA page_count").fetchone()[0]
    with store.transaction():
        store.put_embeddings(
            "m", [(f"h{i:05d}", rng.standard_normal(384).astype(np.float32)) for i in range(2000)]
        )
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    used = store.conn.execute("PRAGMA page_count").fetchone()[0] - before
    assert used * PAGE_SIZE < 2000 * 2_400  # ~1.6 KB a vector, not a page of its own each
    store.close()
    old = tmp_path / "old" / "w.sqlite"
    old.parent.mkdir()
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA page_size=4096")
    conn.execute("CREATE TABLE t (a)")
    conn.close()
    store = Store(old)
    assert store.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert store.get_embeddings("m", ["x"]) == {}
    store.close()

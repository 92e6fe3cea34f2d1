"""Issue 14, flat cost per record, second part: the cluster update's per-neighbour work.

Neighbours from the same article or dated more than ``MAX_DAYS_APART`` apart are dropped from
memory (no store read), and a claim's key terms are extracted once (cached by claim id), so a
claim's cost does not grow as the store fills with similar one-liners. Counted, never timed;
and the clusters are the same as without the in-memory facts.
"""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

import pytest

from workbench.compare import clusters, neighbours
from workbench.records import ArticleDraft
from workbench.text import keyterms_scan

PLACES = ["Karach", "Balford", "Norabad", "Sulville", "Tamton", "Velpur"]


def _drafts(start: int, n: int, first_day: str, spread: int = 1) -> list[ArticleDraft]:
    """One-liners that share most words (close neighbours), dated over ``spread`` days."""
    day0 = datetime.date.fromisoformat(first_day)
    return [
        ArticleDraft(
            text=f"Officials said {i % 5 + 2} schools in {PLACES[i % 6]} reopened after the storm number {i}.",
            outlet=["Dawn", "Reuters", "AP"][i % 3],
            date=(day0 + datetime.timedelta(days=i % spread)).isoformat(),
        )
        for i in range(start, start + n)
    ]


def _read_ids(wb, monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    calls: list[list[int]] = []
    for name in ("claims_by_ids", "claim_facts"):  # full rows, or the cluster update's slim read
        real = getattr(wb.store, name)
        monkeypatch.setattr(
            wb.store,
            name,
            lambda ids, real=real: calls.append([int(i) for i in ids]) or real(ids),
        )
    return calls


def test_neighbours_dated_far_apart_are_not_read_from_the_store(
    fake_wb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each month's one-liners match the earlier months' wording, but are more than
    MAX_DAYS_APART away: the update reads only the new claims' rows."""
    for month in (1, 3, 5):
        before = set(fake_wb.index.ids().tolist())
        calls = _read_ids(fake_wb, monkeypatch)
        fake_wb.ingest_drafts(_drafts(month * 100, 60, f"2025-{month:02d}-10"))
        read = {i for ids in calls for i in ids}
        assert not read & before  # no stored claim of another month was read
    groups = clusters.clusters(fake_wb)
    assert groups  # the same day's restatements still cluster ...
    for group in groups:  # ... and never across months
        dates = {fake_wb.store.claims_by_ids(group.claim_ids)[c].date for c in group.claim_ids}
        assert len({d[:7] for d in dates}) == 1


def test_key_terms_are_scanned_once_per_claim(fake_wb, monkeypatch: pytest.MonkeyPatch) -> None:
    """A neighbour met by many later claims is scanned once, even when the text-keyed cache
    of ``extract_key_terms`` has forgotten it (it holds 16k texts)."""
    scanned: Counter[str] = Counter()
    real = keyterms_scan.extract_key_terms.__wrapped__

    def counting(text: str):  # type: ignore[no-untyped-def]
        scanned[text] += 1
        return real(text)

    monkeypatch.setattr(clusters, "extract_key_terms", counting)
    for batch in range(4):
        fake_wb.ingest_drafts(_drafts(batch * 80, 80, "2025-10-20", spread=5))
    assert sum(scanned.values()) > 80  # neighbours were compared ...
    assert max(scanned.values()) == 1  # ... each text scanned once over four ingests
    held = fake_wb.neighbour_state.held
    assert held is not None and 0 < len(held.terms) <= len(held)


def test_key_term_cache_is_bounded(fake_wb, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neighbours, "TERMS_MAX", 40)
    fake_wb.ingest_drafts(_drafts(0, 150, "2025-10-20", spread=3))
    held = fake_wb.neighbour_state.held
    assert held is not None and len(held.terms) == 40
    newest = max(held.terms)
    assert held.key_terms(newest) is not None
    assert held.key_terms(-5) is None  # never held: not cached
    held.keep_terms(-5, held.terms[newest])
    assert -5 not in held.terms


def _cluster_sets(wb) -> list[list[int]]:
    return sorted(sorted(c.claim_ids) for c in clusters.clusters(wb))


def test_in_memory_facts_give_the_same_clusters_as_store_reads(
    fake_wb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same inputs clustered with the neighbour cache (dates, articles and key terms in
    memory) and through the search index with store reads: identical clusters."""
    from workbench.api import Workbench

    inputs = [_drafts(b * 90, 90, f"2025-10-{1 + 4 * b:02d}", spread=9) for b in range(4)]
    for drafts in inputs:
        fake_wb.ingest_drafts(drafts)
    assert fake_wb.neighbour_state.held is not None
    cached = _cluster_sets(fake_wb)
    assert cached and max(len(c) for c in cached) >= 2

    monkeypatch.setattr(neighbours, "neighbour_index", lambda *a, **k: None)
    other = Workbench.open(tmp_path / "store-reads", model=fake_wb.settings.model)
    try:
        for drafts in inputs:
            other.ingest_drafts(drafts)
        assert other.neighbour_state.held is None
        assert _cluster_sets(other) == cached
    finally:
        other.close()


def test_search_with_a_floor_returns_the_top_k_that_reach_it() -> None:
    """``floor`` keeps exactly the top-k neighbours scoring at least it, exact or inverted."""
    import numpy as np

    rng = np.random.default_rng(3)
    centres = rng.standard_normal((40, 32)).astype(np.float32)
    vecs = centres[rng.integers(0, 40, 3000)] + 0.4 * rng.standard_normal((3000, 32))
    vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
    for limit in (5000, 1000):  # exact, then an inverted file past EXACT_MAX
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(neighbours, "EXACT_MAX", limit)
            held = neighbours.Neighbours(32)
            held.add(np.arange(3000) + 7, vecs)
            assert (held.centroids is None) == (limit > 3000)
            top_s, top_i = held.search(vecs[:200], 21)
            low_s, low_i = held.search(vecs[:200], 21, floor=0.8)
        for row in range(200):
            want = {int(i) for i, s in zip(top_i[row], top_s[row], strict=True) if s >= 0.8}
            got = {int(i) for i in low_i[row] if i >= 0}
            assert got == want
            assert (np.diff(low_s[row][low_i[row] >= 0]) <= 0).all()  # best first
    arts, days = held.facts(np.array([[7, -1]]))
    assert arts.tolist() == [[-1, -1]] and days.tolist() == [[neighbours.NO_DAY] * 2]


def _ivf_workbench(tmp_path: Path, **settings: object):
    from tests.conftest import FAKE_MODEL
    from workbench.api import Workbench
    from workbench.settings import Settings

    return Workbench.open(
        settings=Settings.from_env(
            data=tmp_path / "data", flat_max=40, attribution=False, model=FAKE_MODEL, **settings
        )
    )


@pytest.mark.parametrize("neighbour_max", [10_000, 40])
def test_past_flat_max_the_cache_still_finds_the_neighbours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, neighbour_max: int
) -> None:
    """An IVF search index (past ``flat_max``) keeps the neighbour cache up to
    ``neighbour_max``: the update neither searches the index nor reads a stored row beyond the
    new claims'. Above it, the search index is searched. Either way the new claims cluster."""
    from workbench.retrieval.index import FaissIndex

    wb = _ivf_workbench(tmp_path, neighbour_max=neighbour_max)
    try:
        wb.ingest_drafts(_drafts(0, 60, "2025-03-10", spread=3))
        assert wb.index.kind == "ivf"
        searched: list[int] = []
        real_search = FaissIndex.search
        monkeypatch.setattr(
            FaissIndex,
            "search",
            lambda self, *a, **k: searched.append(1) or real_search(self, *a, **k),
        )
        calls = _read_ids(wb, monkeypatch)
        before = set(wb.index.ids().tolist())
        wb.ingest_drafts(_drafts(60, 30, "2025-03-11", spread=3))
        read = {i for ids in calls for i in ids}
        held = wb.neighbour_state.held
        if neighbour_max > 60:
            assert held is not None and len(held) == len(wb.index) == 90
            assert not searched and not read & before
        else:
            assert held is None and searched
        groups = clusters.clusters(wb)
        assert any(set(g.claim_ids) - before for g in groups)  # the new claims cluster too
    finally:
        wb.close()


def test_above_neighbour_max_each_neighbour_is_read_once_per_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above ``neighbour_max`` the neighbours come from the search index and their rows from
    the store: one read per neighbour and update (their article and day were read a second
    time, one by one, before), and only the slim facts, not whole rows."""
    wb = _ivf_workbench(tmp_path, neighbour_max=40)
    try:
        wb.ingest_drafts(_drafts(0, 60, "2025-03-10", spread=3))
        assert wb.index.kind == "ivf" and wb.neighbour_state.held is None
        full: list[int] = []
        real_full = wb.store.claims_by_ids
        monkeypatch.setattr(
            wb.store, "claims_by_ids", lambda ids: full.extend(ids) or real_full(ids)
        )
        calls = _read_ids(wb, monkeypatch)
        wb.ingest_drafts(_drafts(60, 30, "2025-03-11", spread=3))
        read = Counter(i for ids in calls for i in ids)
        assert read  # the neighbours were read ...
        assert max(read.values()) == 1  # ... each once
        assert not full  # and never as whole rows
    finally:
        wb.close()


def test_the_cache_follows_the_index_through_its_switch_to_ivf(tmp_path: Path) -> None:
    """The switch past ``flat_max`` converts the search index (same ids): the cache goes on
    with the new index instead of being dropped and rebuilt from the store."""
    wb = _ivf_workbench(tmp_path, neighbour_max=10_000)
    try:
        state = wb.neighbour_state
        for step in range(4):
            wb.ingest_drafts(_drafts(30 * step, 30, "2025-03-10", spread=3))
            assert state.held is not None and state.held.source is wb.index
            assert len(state.held) == len(wb.index) == 30 * (step + 1)
        assert wb.index.kind == "ivf" and state.rebuilds == 1
    finally:
        wb.close()

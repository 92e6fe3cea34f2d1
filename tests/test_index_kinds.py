"""Index kinds: flat (exact), IVF and HNSW (approximate), and switching between them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import FAKE_MODEL
from workbench.retrieval import index as index_mod
from workbench.retrieval import index_reads
from workbench.retrieval.index import TOMBSTONE_FILE, FaissIndex
from workbench.retrieval.index_policy import choose_kind, read_manifest

DIM = 384


def clustered(
    n: int, seed: int = 0, centers: int = 100, latent: int = 64, noise: float = 0.6
) -> np.ndarray:
    """Normalised vectors in topic clusters on a low-dimensional subspace plus full-rank noise.

    Like sentence embeddings (and unlike uniform noise) neighbours are meaningful: the top-1
    cosine is ~0.68 and the 10th ~0.65 for 20k vectors.
    """
    rng = np.random.default_rng(seed)
    basis = np.random.default_rng(1234).normal(size=(latent, DIM)).astype(np.float32) / np.sqrt(
        latent
    )
    topics = np.random.default_rng(99).normal(size=(centers, latent)).astype(np.float32)
    z = topics[rng.integers(0, centers, n)] + 0.6 * rng.normal(size=(n, latent)).astype(np.float32)
    x = z @ basis + noise * rng.normal(size=(n, DIM)).astype(np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    vecs = clustered(20_000)
    ids = np.arange(1, 20_001, dtype=np.int64) * 3  # ids are not positions
    queries = clustered(200, seed=1)
    return ids, vecs, queries


def test_choose_kind() -> None:
    assert choose_kind("auto", 10, 100) == "flat"
    assert choose_kind("auto", 101, 100) == "ivf"
    assert choose_kind("auto", 80, 100, current="ivf") == "ivf"  # hysteresis
    assert choose_kind("auto", 40, 100, current="ivf") == "flat"
    assert choose_kind("auto", 101, 100, current="hnsw") == "ivf"  # auto moves HNSW to IVF
    assert choose_kind("hnsw", 1, 100) == "hnsw"
    assert choose_kind("ivf", 1, 100) == "ivf"
    with pytest.raises(Exception, match="index_kind"):
        choose_kind("pq", 1, 100)


def test_ivf_sizes() -> None:
    assert index_mod.ivf_nlist(1_000_000) == 2000
    assert index_mod.ivf_nlist(100) == 2  # at least 39 training points per list
    assert index_mod.ivf_nlist(0) == 1
    assert 16 <= index_mod.ivf_nprobe(2000) <= 2000


@pytest.fixture(scope="module")
def ivf20k(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> FaissIndex:
    ids, vecs, _ = data
    index = FaissIndex(DIM, kind="ivf")
    index.build(ids, vecs)
    return index


def test_ivf_recall_at_10(
    data: tuple[np.ndarray, np.ndarray, np.ndarray], ivf20k: FaissIndex
) -> None:
    ids, vecs, queries = data
    assert ivf20k.params["nlist"] == index_mod.ivf_nlist(20_000)
    assert ivf20k.params["trained_on"] == 20_000
    exact = FaissIndex(DIM)
    exact.build(ids, vecs)
    _, truth = exact.search(queries, 10)
    _, found = ivf20k.search(queries, 10)
    recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)])
    assert recall >= 0.95
    assert np.array_equal(np.sort(ivf20k.ids()), np.sort(ids))


def test_ivf_reserve_keeps_contents(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    ids, vecs, _ = data
    index = FaissIndex(DIM, kind="ivf", params={"nlist": 8})
    index.train(vecs[:2000])
    index.reserve([vecs[:1000], vecs[1000:2000]])
    assert len(index) == 0
    index.add(ids[:1000], vecs[:1000])
    index.add(ids[1000:2000], vecs[1000:2000])
    got_ids, got_vecs = index.vectors()
    order = np.argsort(got_ids)
    assert np.array_equal(got_ids[order], ids[:2000])
    assert np.array_equal(got_vecs[order], vecs[:2000])


def test_ivf_untrained_trains_on_first_add(
    data: tuple[np.ndarray, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    ids, vecs, _ = data
    index = FaissIndex(DIM, kind="ivf")
    _, found = index.search(vecs[0], 3)
    assert (found == -1).all() and len(index) == 0
    index.add(ids[:5], vecs[:5])  # tiny: one list
    assert index.params["nlist"] == 1 and len(index) == 5
    _, found = index.search(vecs[2], 1)
    assert found[0][0] == ids[2]
    empty = FaissIndex(DIM, "m", kind="ivf")
    empty.save(tmp_path)  # nothing to train on: saved as an empty flat index
    assert read_manifest(tmp_path)["kind"] == "flat"


@pytest.fixture(scope="module")
def hnsw20k(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> FaissIndex:
    ids, vecs, _ = data
    index = FaissIndex(DIM, kind="hnsw")
    index.build(ids, vecs)
    return index


def test_hnsw_recall_at_10(
    data: tuple[np.ndarray, np.ndarray, np.ndarray], hnsw20k: FaissIndex
) -> None:
    ids, vecs, queries = data
    exact, approx = FaissIndex(DIM), hnsw20k
    exact.build(ids, vecs)
    _, truth = exact.search(queries, 10)
    _, found = approx.search(queries, 10)
    recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)])
    assert recall >= 0.95


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_switch_keeps_ids_and_vectors(
    kind: str, data: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    ids, vecs, _ = data
    flat = FaissIndex(DIM, "m")
    flat.build(ids[:3000], vecs[:3000])
    flat.remove([ids[5], ids[7]])
    other = flat.converted(kind)
    assert other.kind == kind and len(other) == 2998
    assert np.array_equal(np.sort(other.ids()), np.sort(flat.ids()))
    other.remove([ids[10], ids[11]])
    other.add(ids[11:12], vecs[2999:3000])  # an update after the switch: remove, add again
    back = other.converted("flat")
    assert set(back.ids().tolist()) == set(ids[:3000].tolist()) - {ids[5], ids[7], ids[10]}
    got_ids, got_vecs = back.vectors()
    assert np.array_equal(got_vecs[got_ids == ids[20]][0], vecs[20])
    assert np.array_equal(got_vecs[got_ids == ids[11]][0], vecs[2999])
    _, found = back.search(vecs[20], 1)
    assert found[0][0] == ids[20]


def test_ivf_retrain_keeps_ids(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    ids, vecs, _ = data
    index = FaissIndex(DIM, kind="ivf")
    index.add(ids[:200], vecs[:200])  # trained on 200 vectors
    index.add(ids[200:3000], vecs[200:3000])
    index.remove([ids[1]])
    assert index.needs_retrain()
    again = index.converted("ivf")
    assert not again.needs_retrain() and again.params["nlist"] > index.params["nlist"]
    assert np.array_equal(np.sort(again.ids()), np.sort(index.ids()))


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_remove_update_and_allowed(
    kind: str, data: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    ids, vecs, _ = data
    index = FaissIndex(DIM, kind=kind)
    index.build(ids[:2000], vecs[:2000])
    assert index.remove([ids[0], ids[1], 999_999_999]) == 2
    assert index.remove([ids[0]]) == 0  # already gone
    assert len(index) == 1998 and ids[0] not in set(index.ids().tolist())
    _, found = index.search(vecs[0], 5)
    assert ids[0] not in found[0]
    # An update: the id comes back with a new vector, and only the new one is found.
    index.add(ids[:1], vecs[100:101])
    _, found = index.search(vecs[100], 2)
    assert set(found[0].tolist()) == {ids[0], ids[100]}
    assert len(index) == 1999
    # allowed restricts hits, tombstones stay out even when allowed
    allowed = np.array([ids[1], ids[50], ids[60]])
    _, found = index.search(vecs[50], 3, allowed=allowed)
    assert set(found[0].tolist()) - {-1} == {ids[50], ids[60]}
    _, found = index.search(vecs[0], 3, allowed=np.array([ids[1]]))
    assert not (found >= 0).any()


def test_hnsw_large_allowed_uses_graph(
    data: tuple[np.ndarray, np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids, vecs, _ = data
    monkeypatch.setattr(index_reads, "EXACT_ALLOWED_MAX", 0)  # force the selector path
    index = FaissIndex(DIM, kind="hnsw")
    index.build(ids[:4000], vecs[:4000])
    allowed = ids[:4000:2]
    index.remove([ids[0]])
    _, found = index.search(vecs[0], 10, allowed=allowed)
    assert set(found[0].tolist()) <= set(allowed.tolist()) - {ids[0]}
    _, found = index.search(vecs[2], 1, allowed=allowed)
    assert found[0][0] == ids[2]


def test_hnsw_compacts_when_many_deleted(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    ids, vecs, _ = data
    index = FaissIndex(DIM, kind="hnsw")
    index.build(ids[:1000], vecs[:1000])
    index.remove(ids[:150])
    assert len(index.tombstones) == 150
    index.remove(ids[150:300])  # past 20 % of entries: rebuilt without them
    assert not index.tombstones and len(index) == 700 and index._index.ntotal == 700
    assert set(index.ids().tolist()) == set(ids[300:1000].tolist())


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_save_load_roundtrip(
    kind: str, tmp_path: Path, data: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    ids, vecs, _ = data
    params = {"hnsw": {"ef_search": 50}, "ivf": {"nprobe": 3}}.get(kind)
    index = FaissIndex(DIM, "model-x", kind=kind, params=params)
    index.build(ids[:500], vecs[:500])
    index.remove([ids[3]])
    index.save(tmp_path)
    manifest = read_manifest(tmp_path)
    assert manifest["kind"] == kind and manifest["count"] == 499
    assert (tmp_path / TOMBSTONE_FILE).exists() == (kind == "hnsw")
    loaded = FaissIndex.load(tmp_path)
    assert loaded.kind == kind and len(loaded) == 499 and loaded.model == "model-x"
    assert loaded.params == index.params
    assert np.array_equal(np.sort(loaded.ids()), np.sort(index.ids()))
    _, found = loaded.search(vecs[3], 3)
    assert ids[3] not in found[0]


def test_workbench_switches_kind_past_flat_max(tmp_path: Path) -> None:
    from workbench.api import Workbench
    from workbench.records import ArticleDraft
    from workbench.settings import Settings

    settings = Settings.from_env(data=tmp_path, flat_max=30, attribution=False, model=FAKE_MODEL)
    wb = Workbench.open(settings=settings)  # signs in as WORKBENCH_USER in team mode
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    drafts = [
        ArticleDraft(
            text=" ".join(
                f"Officials said {words[i % 10]} rose {i}.{j} per cent in {j}." for j in range(5)
            ),
            language="en",
        )
        for i in range(10)
    ]
    wb.ingest_drafts(drafts[:4])  # 20 claims: exact
    assert read_manifest(tmp_path)["kind"] == "flat"
    wb.delete_article(wb.articles()[0].id)
    wb.ingest_drafts(drafts[4:])  # 45 claims: past flat_max, switched on save
    manifest = read_manifest(tmp_path)
    assert manifest["kind"] == "ivf" and manifest["params"]["nlist"] >= 1
    store_ids = set(wb.store.all_claim_ids().tolist())
    assert set(wb.index.ids().tolist()) == store_ids and manifest["count"] == len(store_ids)
    wb.delete_article(wb.articles()[0].id)  # removed from the IVF lists, persisted
    wb.close()
    reopened = Workbench.open(settings=settings)
    assert reopened.last_repair == {"added": 0, "removed": 0}
    assert reopened.index.kind == "ivf" and set(reopened.index.ids().tolist()) == set(
        reopened.store.all_claim_ids().tolist()
    )
    reopened.close()

"""Embedding runtimes: settings wiring, thread setting, and agreement with the torch model."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.retrieval.embed import BACKENDS, Embedder, load_model

TEXTS = [
    "Pakistan walked out of the Istanbul negotiations on Friday.",
    "Officials said 35 people were injured in the car bombing in Turbat.",
    "The central bank raised its main interest rate by half a point.",
    "Short one.",
]


def test_backend_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_EMBED_BACKEND", "torch-int8")
    assert Embedder().backend == "torch-int8"
    assert Embedder(backend="torch").backend == "torch"
    with pytest.raises(WorkbenchError, match="embed_backend"):
        load_model(backend="tensorflow")


def test_torch_threads_setting_is_applied() -> None:
    import torch

    before = torch.get_num_threads()
    try:
        Embedder(device="cpu", threads=1, backend="torch").encode(TEXTS * 3)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def _agreement(backend: str) -> np.ndarray:
    ref = Embedder(device="cpu", backend="torch").encode(TEXTS)
    other = Embedder(device="cpu", backend=backend).encode(TEXTS)
    assert other.shape == ref.shape and other.dtype == np.float32
    assert np.allclose(np.linalg.norm(other, axis=1), 1.0, atol=1e-4)
    return np.sum(ref * other, axis=1)


def test_int8_stays_close_to_torch() -> None:
    # int8 is lossy: ~0.94 mean cosine here, below the 0.99 bar, so it is never the default.
    cos = _agreement("torch-int8")
    assert cos.mean() >= 0.9 and cos.min() >= 0.8


@pytest.mark.skipif(
    not (importlib.util.find_spec("onnxruntime") and importlib.util.find_spec("onnx")),
    reason="onnxruntime/onnx not installed",
)
def test_onnx_agrees_with_torch(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    cos = _agreement("onnx")  # exports once into the user cache, from the bundled weights
    assert cos.min() >= 0.999


def test_backends_listed() -> None:
    assert BACKENDS[0] == "torch" and set(BACKENDS) >= {"torch", "torch-int8", "onnx"}


def test_quotes_are_normalised_before_embedding() -> None:
    from workbench.retrieval.embed import normalize_quotes

    assert normalize_quotes("Pakistan’s “red line”") == 'Pakistan\'s "red line"'
    assert normalize_quotes("Trump ‘crashed’ a wedding") == 'Trump "crashed" a wedding'
    assert normalize_quotes("He said 'no' twice") == 'He said "no" twice'
    # apostrophes in words and plural possessives stay apostrophes
    assert (
        normalize_quotes("the soldiers' families and Ali's car")
        == "the soldiers' families and Ali's car"
    )
    assert normalize_quotes("« non » and ''yes''") == '" non " and "yes"'


def test_embedding_text_adds_the_headline_unless_it_is_the_claim() -> None:
    from workbench.errors import WorkbenchError
    from workbench.retrieval.embed import embed_key, embedding_text

    claim = "The talks collapsed on Friday."
    assert embedding_text(claim, "Istanbul talks end", "title") == f"{claim} Istanbul talks end"
    assert embedding_text(claim, "Istanbul talks end", "none") == claim
    assert embedding_text(claim, None, "title") == claim
    assert embedding_text("Istanbul talks end without a deal", "istanbul talks end", "title") == (
        "Istanbul talks end without a deal"
    )
    assert embed_key("a") != embed_key("b") and embed_key("a") == embed_key("a")
    with pytest.raises(WorkbenchError, match="embed_context"):
        embedding_text(claim, "x", "body")


def test_embedder_gives_one_vector_per_wording() -> None:
    a, b = Embedder(device="cpu").encode(
        ["Pakistan’s army “withdrew”", 'Pakistan\'s army "withdrew"']
    )
    assert float(a @ b) > 0.9999


def test_hash_embedder_is_deterministic_normalised_and_model_free() -> None:
    import subprocess
    import sys

    from workbench.retrieval.embed import embedder_for

    fake = embedder_for("hash-384")
    texts = ["Pakistan walked out of the talks", "pakistan walked out of talks", "Rain in Oslo"]
    vecs = fake.encode(texts)
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    sims = vecs @ vecs[0]
    assert sims[1] > 0.8 > 0.3 > sims[2]  # shared words bring texts close, nothing else does
    code = (
        "from workbench.retrieval.embed import embedder_for; import sys; "
        "sys.stdout.write(embedder_for('hash-384').encode_query('Rain in Oslo').tobytes().hex())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert bytes.fromhex(out.stdout) == vecs[2].tobytes()  # same vector in another process
    assert fake.model_name == "hash-384"


def test_token_batches_hold_the_padded_budget() -> None:
    from workbench.retrieval.onnx_embed import token_batches

    lengths = [256] * 20 + [12] * 100 + [40] * 30
    batches = token_batches(lengths, 64, 4096)
    seen = np.concatenate(batches)
    assert sorted(seen.tolist()) == list(range(len(lengths)))  # every text once
    for b in batches:
        assert len(b) <= 64 and len(b) * max(lengths[i] for i in b) <= 4096
        assert lengths[b[0]] == max(lengths[i] for i in b)  # longest first: padding stays small
    assert sum(1 for b in batches if lengths[b[0]] == 256) == 2  # 16 x 256 fills the budget
    assert token_batches([], 64, 4096) == [] and len(token_batches([9999], 64, 4096)[0]) == 1


def _cost(lengths: list[int], batches: list[np.ndarray], overhead: int) -> int:
    return sum(overhead + len(b) * max(lengths[i] for i in b) for b in batches)


def test_token_batches_cut_where_the_lengths_drop() -> None:
    """A chunk of a few hundred claims: fixed runs of 64 would pad each batch to a much
    longer first text; the chosen cuts cost no more than fixed runs, and usually less."""
    from workbench.retrieval.onnx_embed import token_batches

    rng = np.random.default_rng(7)
    for _ in range(20):
        lengths = rng.integers(8, 120, size=int(rng.integers(1, 400))).tolist()
        batches = token_batches(lengths, 64, 2048, overhead=32)
        assert sorted(np.concatenate(batches).tolist()) == list(range(len(lengths)))
        assert all(len(b) <= 64 and len(b) * max(lengths[i] for i in b) <= 2048 for b in batches)
        order = np.argsort([-n for n in lengths], kind="stable")
        fixed, start = [], 0
        while start < len(order):  # the old rule: runs of 64 within the budget
            size = max(1, min(64, 2048 // lengths[order[start]]))
            fixed.append(order[start : start + size])
            start += size
        assert _cost(lengths, batches, 32) <= _cost(lengths, fixed, 32)
    two_groups = [30] * 40 + [10] * 40  # one batch of 64 would pad 24 short texts to 30
    assert [len(b) for b in token_batches(two_groups, 64, 2048, overhead=32)] == [40, 40]


@pytest.mark.skipif(
    not (importlib.util.find_spec("onnxruntime") and importlib.util.find_spec("onnx")),
    reason="onnxruntime/onnx not installed",
)
def test_onnx_vectors_do_not_depend_on_the_batching(monkeypatch: pytest.MonkeyPatch) -> None:
    import workbench.retrieval.onnx_embed as onnx_embed

    texts = [" ".join(["word"] * n) + " end." for n in (3, 180, 40, 7, 250, 90)] + TEXTS
    emb = Embedder(device="cpu", backend="onnx")
    wide = emb.encode(texts)
    monkeypatch.setattr(onnx_embed, "TOKEN_BUDGET", 300)  # one or two texts per batch
    narrow = emb.encode(texts)
    assert np.sum(wide * narrow, axis=1).min() >= 0.9999

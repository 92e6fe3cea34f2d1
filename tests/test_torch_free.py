"""Processes that run the onnx encoder and attribution never import torch (torch_gate): it
cost each ~1-2 s and ~180 MB. The torch backend still works beside them, the tokenizer read
without transformers gives the very same ids, and ``device=auto`` asks torch only when a GPU
driver is there."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import textwrap

import pytest

from workbench.retrieval import embed

needs_onnx = pytest.mark.skipif(
    not (importlib.util.find_spec("onnxruntime") and importlib.util.find_spec("onnx")),
    reason="onnxruntime/onnx not installed",
)
TEXTS = [
    "Pakistan walked out of the Istanbul negotiations on Friday.",
    "“We’re not leaving,” a spokeswoman told reporters in Kabul.",
    "Ünïcödé, 中文 and emoji 🚀 in one line.",
    "",
    " ".join(["long"] * 400),
]


def _run(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


@needs_onnx
def test_encoder_and_attribution_leave_torch_unimported() -> None:
    pytest.importorskip("spacy")
    got = _run(
        """
        import sys
        from workbench.retrieval import embed
        embed.GPU_MARKERS = ()  # as on a machine without a GPU driver
        from workbench.attribution.extract import Attributor
        vectors = embed.Embedder(device="auto", backend="onnx").encode(["a b c"] * 20)
        atts = Attributor().extract("Officials said the bridge was closed, Reuters reported.")
        print(vectors.shape, bool(atts), "torch" in sys.modules)
        """
    )
    assert got == "(20, 384) True False"


@needs_onnx
def test_torch_backend_works_after_spacy_loaded_without_torch() -> None:
    pytest.importorskip("spacy")
    got = _run(
        """
        import numpy as np
        from workbench.attribution.model import load_nlp
        from workbench.retrieval.embed import Embedder
        load_nlp()
        texts = ["Officials said 35 people were injured.", "The bank raised its rate."]
        a = Embedder(device="cpu", backend="torch").encode(texts)
        b = Embedder(device="cpu", backend="onnx").encode(texts)
        print(round(float(np.sum(a * b, axis=1).min()), 3))
        """
    )
    assert float(got) >= 0.999


def test_without_torch_hides_torch_only_inside_the_block() -> None:
    got = _run(
        """
        import sys
        from workbench.torch_gate import without_torch
        with without_torch():
            try:
                import torch
                inside = "imported"
            except ImportError:
                inside = "hidden"
        left = "torch" in sys.modules
        import torch
        with without_torch():  # already loaded: nothing to hide
            import torch as again
        print(inside, left, again is torch)
        """
    )
    assert got == "hidden False True"


def test_auto_device_asks_torch_only_when_a_gpu_driver_is_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(embed, "GPU_MARKERS", ())
    assert not embed.gpu_possible() and embed.pick_device("auto") == "cpu"
    monkeypatch.setattr(embed, "GPU_MARKERS", (__file__,))  # a driver's file exists
    assert embed.gpu_possible() and embed.pick_device("auto") == "cuda"
    assert embed.pick_device("cpu") == "cpu"


def _transformers_rows(path, texts, max_length):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    enc = tok(texts, truncation=True, max_length=max_length)
    rows = zip(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"], strict=True)
    return [tuple(r) for r in rows]


def test_tokenizer_without_transformers_gives_the_same_ids(tmp_path) -> None:
    from workbench.retrieval.onnx_embed import load_tokenizer

    path = embed.resolve_model_path("all-MiniLM-L6-v2")
    want = _transformers_rows(path, TEXTS, 256)
    fast = load_tokenizer(path, 256)(TEXTS)
    assert [tuple(r) for r in fast] == want
    assert len(fast[-1][0]) == 256  # truncated, special tokens included
    # a model folder without tokenizer.json falls back to transformers, with the same rows
    for name in ("vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "config.json"):
        shutil.copy(path / name, tmp_path / name)
    slow = load_tokenizer(tmp_path, 256)(TEXTS)
    assert [tuple(r) for r in slow] == want

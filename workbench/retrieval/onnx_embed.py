"""The bundled sentence-transformers model run by onnxruntime (``embed_backend=onnx``).

The transformer is exported once from the local weights with ``torch.onnx.export`` (needs the
``onnx`` package) into the user cache, keyed by the weights file, and never downloaded. Mean
pooling and L2 normalisation are done in numpy, as the model's own Pooling/Normalize modules do.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from workbench.errors import MissingDependency, WorkbenchError
from workbench.torch_gate import torch_imports

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17


def _weights(path: Path) -> Path:
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (path / name).exists():
            return path / name
    raise WorkbenchError(f"no model weights in {path}")


def export_path(path: Path, cache: Path) -> Path:
    """The cached export for this model folder, keyed by its weights' name, size and time."""
    w = _weights(path)
    stat = w.stat()
    key = hashlib.sha1(
        f"{w.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{OPSET}".encode()
    ).hexdigest()[:12]
    return cache / "onnx" / f"{path.name}-{key}.onnx"


def export_onnx(path: Path, target: Path) -> Path:
    """Export the model's transformer to ``target`` (atomically), from local files only."""
    try:
        with torch_imports():
            import onnx  # noqa: F401 - torch.onnx.export needs it
            import torch
            from transformers import AutoModel
    except ImportError as exc:
        raise MissingDependency("the ONNX export", "onnx") from exc
    model = AutoModel.from_pretrained(str(path), local_files_only=True).eval()

    class _Hidden(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    dummy = torch.ones((2, 8), dtype=torch.int64)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with torch.no_grad():
            torch.onnx.export(
                _Hidden(model),
                (dummy, dummy, torch.zeros_like(dummy)),
                tmp,
                input_names=list(INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in (*INPUTS, "last_hidden_state")},
                opset_version=OPSET,
                dynamo=False,
            )
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


class OnnxSentenceEncoder:
    """Tokenizer + ONNX transformer + mean pooling, with sentence-transformers' ``encode``."""

    uses_torch = False  # its threads are the session's own (``threads`` at load)

    def __init__(self, session: Any, tokenizer: Any, max_length: int, dimension: int) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.dimension = dimension
        self.input_names = {i.name for i in session.get_inputs()}

    @classmethod
    def load(cls, path: Path, cache: Path, threads: int = 0) -> OnnxSentenceEncoder:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise MissingDependency("embed_backend=onnx", "onnxruntime") from exc
        pooling = _read_json(path / "1_Pooling" / "config.json")
        if pooling and not pooling.get("pooling_mode_mean_tokens", False):
            raise WorkbenchError("embed_backend=onnx supports mean-pooling models only; use torch")
        target = export_path(path, cache)
        if not target.exists():
            export_onnx(path, target)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads > 0:
            options.intra_op_num_threads = threads
        # No busy-waiting between ops: during ingest attribution (spaCy) runs beside the
        # encoder on the same cores, and spinning threads took ~10 % more CPU from it
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = ort.InferenceSession(str(target), options, providers=["CPUExecutionProvider"])
        config = _read_json(path / "sentence_bert_config.json")
        max_length = int(config.get("max_seq_length", 256))
        dim = int(pooling.get("word_embedding_dimension", 0)) or int(
            session.get_outputs()[0].shape[-1]
        )
        return cls(session, load_tokenizer(path, max_length), max_length, dim)

    def get_sentence_embedding_dimension(self) -> int:
        return self.dimension

    def encode(self, texts: Sequence[str], batch_size: int = 64, **_: Any) -> np.ndarray:
        """Normalised vectors, batches sorted by length (longest first) like sentence-transformers,
        each also held to ``TOKEN_BUDGET`` padded tokens: 64 sentences of 256 tokens took the
        process from 413 MB to 1.3 GB (attention grows with batch × length²), short ones fit.
        Texts are tokenized once; each batch is padded to its own longest text."""
        texts = list(texts)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        rows = self.tokenizer(texts)
        for idx in token_batches([len(r[0]) for r in rows], batch_size, TOKEN_BUDGET):
            feeds = _padded([rows[i] for i in idx], self.input_names)
            hidden = self.session.run(None, feeds)[0]
            mask = feeds["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            out[idx] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return out


Tokens = tuple[list[int], list[int], list[int]]  # input ids, attention mask, token type ids


def load_tokenizer(path: Path, max_length: int) -> Any:
    """``texts -> [Tokens]``, truncated to ``max_length``, unpadded. The model's
    ``tokenizer.json`` is read by the ``tokenizers`` library itself: loading it through
    transformers imports torch (~1 s and ~180 MB per process) for a tokenizer that does not
    need it. A model folder without ``tokenizer.json`` uses transformers' AutoTokenizer."""
    if (path / "tokenizer.json").exists():
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        tok.no_padding()
        tok.enable_truncation(max_length=max_length)

        def fast(texts: Sequence[str]) -> list[Tokens]:
            return [
                (e.ids, e.attention_mask, e.type_ids)
                for e in tok.encode_batch(list(texts), add_special_tokens=True)
            ]

        return fast
    try:
        with torch_imports():
            from transformers import AutoTokenizer
    except ImportError as exc:
        raise MissingDependency("embed_backend=onnx", "transformers") from exc
    auto = AutoTokenizer.from_pretrained(str(path), local_files_only=True)

    def slow(texts: Sequence[str]) -> list[Tokens]:
        enc = auto(list(texts), truncation=True, max_length=max_length)
        ids = enc["input_ids"]
        types = enc.get("token_type_ids") or [[0] * len(i) for i in ids]
        return list(zip(ids, enc["attention_mask"], types, strict=True))

    return slow


def _padded(rows: Sequence[Tokens], wanted: set[str]) -> dict[str, np.ndarray]:
    """The session's inputs for ``rows``, right-padded with zeros to the longest row."""
    width = max(len(r[0]) for r in rows)
    arrays = {n: np.zeros((len(rows), width), dtype=np.int64) for n in INPUTS}
    for i, row in enumerate(rows):
        for name, values in zip(INPUTS, row, strict=True):
            arrays[name][i, : len(values)] = values
    return {n: a for n, a in arrays.items() if n in wanted}


# Padded tokens per CPU batch: 64 one-liners, or 8 sentences of 256 tokens. 2,048 rather than
# 4,096: an ingest encodes chunk by chunk (~700 claims), and the wider budget let each batch of
# a chunk span a wider range of lengths. Long-article bench (1,931 claims in 3 chunks): padded
# tokens 72k -> 68k for 60k real, the per-chunk encode's CPU 26-27 s -> 22-23 s, one sorted
# pass of all claims unchanged (21-25 s either way) (bench/README.md, issue 14).
TOKEN_BUDGET = 2048
# What one more session run costs, in padded tokens: a run of 1 x 16 tokens took ~10 ms of CPU
# against ~5 ms for 16 tokens inside a batch of 64 (~0.3 ms per token on the bench machine);
# set high so that batches are split only where padding clearly costs more.
BATCH_OVERHEAD = 32


def token_batches(
    lengths: Sequence[int], batch_size: int, budget: int, overhead: int = BATCH_OVERHEAD
) -> list[np.ndarray]:
    """Text indices longest first, cut into batches of at most ``batch_size`` texts whose
    padded size (count × the first, longest, length) stays within ``budget`` tokens, at the
    cuts that make padded tokens + ``overhead`` per batch smallest.

    Why: fixed runs of ``batch_size`` in sorted order pad little over one big sorted input,
    but an ingest encodes chunk by chunk, and a chunk's few hundred claims spread each batch
    over a wide range of lengths: 15 % more padded tokens than one pass on the current-events
    items, 9 % on Wikinews. Cutting where the lengths drop keeps a chunk's batches as tight as
    one pass's (exact dynamic programme over the sorted lengths)."""
    order = np.argsort([-n for n in lengths], kind="stable")
    size = len(order)
    if not size:
        return []
    longest = np.maximum(np.asarray(lengths, dtype=np.int64)[order], 1)
    best = np.zeros(size + 1, dtype=np.float64)
    cut = np.zeros(size + 1, dtype=np.int64)
    for end in range(1, size + 1):
        starts = np.arange(max(0, end - batch_size), end)
        counts = end - starts
        fits = (counts == 1) | (counts * longest[starts] <= budget)
        cost = np.where(fits, best[starts] + overhead + counts * longest[starts], np.inf)
        k = int(np.argmin(cost))
        best[end], cut[end] = cost[k], starts[k]
    batches: list[np.ndarray] = []
    end = size
    while end > 0:
        batches.append(order[cut[end] : end])
        end = int(cut[end])
    return batches[::-1]


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}

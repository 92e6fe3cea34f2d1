"""Match outlet names written in another script ("ساوث تشاينا مورنينج بوست", "एनडीटीवी") to
the registry's Latin names.

Why: Arabic, Persian, Urdu and Hindi reports name foreign outlets by sound, each with its own
spelling, and no registry can list every spelling. Both sides are reduced to a *consonant
skeleton*: transliterated to ASCII (``anyascii``), vowels and the letters that Arabic script
writes only sometimes (w, y, h, glottal marks) dropped, and consonants that the scripts merge
folded into one class (p/b, v/f, g/j, z/s, q/k, ...). Latin acronyms are spelled out as
their letter names first ("NBC" → "en bi si"), since that is how they are written in other
scripts ("إن بي سي"). A name then matches when its skeleton equals, or is very close to, the
skeleton of exactly one outlet. Short skeletons never match fuzzily: too many words share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

MIN_EXACT = 6  # skeleton letters a two-word name needs for an exact match
MIN_EXACT_SPELLED = 5  # ... a name of three words or more (often a spelled acronym)
MIN_EXACT_ONE = 6  # ... a one-word name (one-word skeletons collide with common words)
MIN_FUZZY = 9  # ... a name of two words or more for a fuzzy match (one-word: never)
FUZZY_CUTOFF = 85.0  # rapidfuzz ratio of the whole skeletons
WORD_CUTOFF = 75.0  # ... and of each word's

LETTER_NAMES = {
    "A": "ei", "B": "bi", "C": "si", "D": "di", "E": "i", "F": "ef", "G": "ji", "H": "eich",
    "I": "ai", "J": "jei", "K": "kei", "L": "el", "M": "em", "N": "en", "O": "o", "P": "pi",
    "Q": "kiu", "R": "ar", "S": "es", "T": "ti", "U": "iu", "V": "vi", "W": "dabliu", "X": "eks",
    "Y": "wai", "Z": "zed",
}  # fmt: skip
# digraphs first, then single letters; "" drops the letter
_DIGRAPHS = (("tsh", "s"), ("ch", "s"), ("sh", "s"), ("th", "t"), ("ph", "f"), ("ck", "k"))
_FOLD = str.maketrans(
    {
        "p": "b", "v": "f", "g": "j", "z": "s", "c": "k", "q": "k", "x": "ks", "d": "t",
        "a": "", "e": "", "i": "", "o": "", "u": "", "w": "", "y": "", "h": "", "'": "", "`": "",
    }
)  # fmt: skip
_ACRONYM = re.compile(r"^[A-Z]{2,5}$")
_ARABIC_ARTICLE = re.compile(r"^(?:ال)(?=\w{3,})")
_LATIN_ARTICLE = re.compile(r"^(?:the|al|el)[\s-]+", re.IGNORECASE)


def _ascii(text: str) -> str:
    from anyascii import anyascii

    return anyascii(text)


def spell_acronyms(name: str) -> str:
    """ "NBC News" → "en bi si News": acronyms as other scripts write them."""
    words = []
    for w in name.split():
        core = w.strip(".,")
        words.append(" ".join(LETTER_NAMES[c] for c in core) if _ACRONYM.match(core) else w)
    return " ".join(words)


def skeleton(name: str) -> str:
    """The consonant skeleton of a name in any script, words joined by single spaces."""
    words = [_ARABIC_ARTICLE.sub("", w) for w in _LATIN_ARTICLE.sub("", name.strip()).split()]
    text = _ascii(" ".join(words)).lower()
    for src, dst in _DIGRAPHS:
        text = text.replace(src, dst)
    text = re.sub(r"[^a-z' `]+", " ", text).translate(_FOLD)
    text = text.replace("nj", "n")  # "-ing": Arabic writes نج, نغ or ن
    text = re.sub(r"(.)\1+", r"\1", text)  # doubled letters
    return " ".join(text.split())


def _words(name: str) -> tuple[str, ...]:
    """Word skeletons of a name, doubled letters merged."""
    return tuple(re.sub(r"(.)\1+", r"\1", w) for w in skeleton(name).split())


def _close(a: str, b: str) -> bool:
    """Two word skeletons that may be one word spelled two ways (one letter more or less)."""
    if a == b:
        return True
    return min(len(a), len(b)) >= 3 and fuzz.ratio(a, b) >= WORD_CUTOFF


class SkeletonIndex:
    """Registry names by word skeletons. A candidate matches a name of as many words whose
    skeletons are equal word by word (exact), or each close and the whole very close (fuzzy);
    short names match only exactly, and a skeleton two outlets share decides nothing."""

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        """``names``: (outlet id, Latin name or alias) pairs."""
        owners: dict[tuple[str, ...], set[str]] = {}
        for outlet_id, name in names:
            if not name.isascii():
                continue  # native-script aliases are matched exactly by the registry
            for variant in {name, spell_acronyms(name)}:
                words = _words(variant)
                if _letters(words) >= _min_exact(words):
                    owners.setdefault(words, set()).add(outlet_id)
        self.exact = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}
        self.by_count: dict[int, list[tuple[str, ...]]] = {}
        for words in self.exact:
            if len(words) >= 2 and _letters(words) >= MIN_FUZZY:
                self.by_count.setdefault(len(words), []).append(words)

    def match(self, name: str) -> str | None:
        """The outlet id whose name sounds like ``name`` (non-Latin script only), or None."""
        if not name.strip() or name.isascii():
            return None
        words = _words(name)
        if _letters(words) < _min_exact(words):
            return None
        if words in self.exact:
            return self.exact[words]
        if len(words) < 2 or _letters(words) < MIN_FUZZY:
            return None
        joined = "".join(words)
        best: tuple[float, tuple[str, ...]] | None = None
        for cand in self.by_count.get(len(words), ()):
            if all(_close(a, b) for a, b in zip(words, cand, strict=True)):
                score = fuzz.ratio(joined, "".join(cand))
                if score >= FUZZY_CUTOFF and (best is None or score > best[0]):
                    best = (score, cand)
        return self.exact[best[1]] if best else None


def _letters(words: tuple[str, ...]) -> int:
    return sum(len(w) for w in words)


def _min_exact(words: tuple[str, ...]) -> int:
    """Spelled acronyms ("n b s ns") are long in words but short in letters."""
    return {1: MIN_EXACT_ONE, 2: MIN_EXACT}.get(len(words), MIN_EXACT_SPELLED)


# Latin letters as Arabic, Persian, Urdu and Hindi write their names ("إن بي سي" = NBC,
# "دبلیو ای اف بی" = WAFB). A name two letters share (Arabic "بي": B or P) reads as the first.
NATIVE_LETTERS: dict[str, str] = {}
for _letter, _names in (
    ("A", "إيه ايه أيه ای اے ए"), ("B", "بي بی बी"), ("C", "سي سی सी"), ("D", "دي دی ڈی डी"),
    ("E", "إي اي ई"), ("F", "إف أف اف ایف एफ"), ("G", "جي جی जी"), ("H", "إتش اتش اچ ایچ एच"),
    ("I", "آي آی آئی आई"), ("J", "جيه جے जे"), ("K", "كيه كي کی کے के"), ("L", "إل ایل एल"),
    ("M", "إم ام ایم एम"), ("N", "إن ان این एन"), ("O", "أو او ओ"), ("P", "پی पी"),
    ("Q", "كيو کیو क्यू"), ("R", "آر ار आर"), ("S", "إس أس اس ایس एस"), ("T", "تي تی ٹی टी"),
    ("U", "يو یو यू"), ("V", "في وی وي वी"), ("W", "دبليو دبلیو ڈبلیو डब्ल्यू"),
    ("X", "إكس اکس ایکس एक्स"), ("Y", "واي وای وائی वाई"), ("Z", "زد زیڈ ज़ेड जेड"),
):  # fmt: skip
    for _name in _names.split():
        NATIVE_LETTERS.setdefault(_name, _letter)
# letter names that are also common words ("ان" them, "في" in, "او" he, "کی" of): a run
# needs at least two letter names that are not among these
_COMMON = frozenset(
    ["ان", "این", "ای", "اي", "او", "أو", "کی", "کے", "في", "ام", "ار", "اس", "اے", "آی", "ال"]
)


def is_letter_name(word: str) -> bool:
    return word in NATIVE_LETTERS


def spelled_acronym(words: Iterable[str]) -> str | None:
    """ "إن بي سي" → "NBC": a run of two or more Latin letter names written in another script,
    at least two of them unambiguous, as the Latin acronym; else None."""
    words = list(words)
    if len(words) < 2 or not all(w in NATIVE_LETTERS for w in words):
        return None
    if sum(w not in _COMMON for w in words) < 2:
        return None
    return "".join(NATIVE_LETTERS[w] for w in words)

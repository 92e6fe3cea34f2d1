"""Key facts of one claim: numbers, dates, named entities and negation, in one regex pass.

The extraction half of ``workbench.text.keyterms`` (which compares the results and re-exports
everything here): lexicons, the tokeniser, the mention records and the scanner. No spaCy:
search re-scoring calls it on every candidate (tens of microseconds a sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from workbench.text.lexicons import TITLES
from workbench.text.stem import stem

# ---------------------------------------------------------------------------- lexicons

_W = str.split
UNITS = {w: i for i, w in enumerate(_W(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"))} | {
    w: 10 * i for i, w in enumerate(_W("twenty thirty forty fifty sixty seventy eighty ninety"), 2)
} | {"dozen": 12}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
SUFFIX_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
ORDINALS = {w: i for i, w in enumerate(_W(
    "second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"), 2)}  # fmt: skip
# Vague plurals are kept as ranges, so "dozens killed" agrees with "36 killed" but not "5".
VAGUE = {"dozens": (24.0, 99.0), "hundreds": (200.0, 999.0), "thousands": (2e3, 9999.0),
         "millions": (2e6, 999e6), "billions": (2e9, 999e9)}  # fmt: skip
# Qualifier before a figure -> how it widens into a range ("more than" looks past "than").
QUALIFIERS = dict.fromkeys(_W("least over more exceeding"), "min") | dict.fromkeys(
    _W("nearly almost about around some roughly approximately estimated"), "approx"
) | dict.fromkeys(_W("up under fewer less most"), "max") | {"than": None}  # fmt: skip
CURRENCY_SIGNS = {"$", "€", "£", "¥"}
CURRENCY_WORDS = set(_W("dollars dollar euros euro pounds usd eur gbp yen rupees afghanis "
                        "yuan roubles rubles"))  # fmt: skip
PERCENT_WORDS = {"percent", "%", "pct"}
_MONTH_NAMES = _W("january february march april may june july august september october "
                  "november december")  # fmt: skip
MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)} | {
    m[:3]: i for i, m in enumerate(_MONTH_NAMES, 1)} | {"sept": 9}  # fmt: skip
# Month words that are also ordinary words count only next to a day or year.
AMBIGUOUS_MONTHS = {m for m in MONTHS if len(m) <= 3} | {"sept", "march", "may"}
WEEKDAYS = {d: i for i, d in enumerate(
    _W("monday tuesday wednesday thursday friday saturday sunday"), 1)}  # fmt: skip
YEAR_PREV = set(_W("in since by from until till of during before after early late mid year "
                   "through"))  # fmt: skip
NEGATIONS = set(_W(
    "not no never n't nobody none nothing neither nor cannot deny denies denied denying reject "
    "rejects rejected rejecting dismiss dismisses dismissed false untrue refute refutes "
    "refuted debunked baseless unfounded fake"))  # fmt: skip
STOPWORDS = set(_W(
    "a an the and or but if of in on at to for by with from as into over after before about "
    "than that this these those it its he she they we i you his her their our my your is are "
    "was were be been being has have had do does did will would could should may might can "
    "says said say also which who whom what when where while there here so such some any all "
    "more most other up out just only according during since then them him how why yet still "
    "both each per via amid against"))  # fmt: skip
# Capitalised words that are not names: function words, pronouns and the common nouns that
# often open a news sentence. Titles are dropped from the front of a name ("President X").
NOT_NAMES = STOPWORDS | set(_W(
    "however meanwhile today yesterday tomorrow last next earlier later officials official "
    "police authorities residents witnesses people reports report sources source government "
    "prices troops soldiers experts analysts critics protesters several many few no not yes "
    "mr mrs ms dr breaking update updated read photo video watch first new"
)) | set(UNITS) | set(MONTHS) | set(WEEKDAYS)  # fmt: skip
CONNECTORS = set(_W("of de la al bin von van del du da le"))
LIKELY_COMMON_SUFFIXES = ("s", "ed", "ing", "ly", "tion", "ment", "ness", "ers")

# ---------------------------------------------------------------------------- tokeniser

_TOKEN = re.compile(
    r"(?P<iso>\b\d{4}-\d{1,2}-\d{1,2}\b)"
    r"|(?P<slash>\b\d{1,2}/\d{1,2}/\d{2,4}\b)"
    r"|(?P<time>\b\d{1,2}:\d{2}\b)"
    r"|(?P<acr>(?:[A-Z]\.){2,})"
    r"|(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?P<suf>[A-Za-z]+)?"
    r"|(?P<word>[A-Za-z][\w'’]*(?:-[A-Za-z0-9][\w'’]*)*)"
    r"|(?P<punct>[%$€£¥.!?;:\"“”()\[\],–—])"
)
_SENT_END = {".", "!", "?", ":", ";", '"', "“", "”", "(", "[", "—", "–"}


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A figure: ``value`` plus the range it allows (``lo``..``hi``), e.g. "at least 12"."""

    text: str
    value: float
    lo: float
    hi: float
    kind: str  # "count" | "percent" | "money" | "ordinal"
    context: str  # first content word after the figure ("killed", "people"), or ""
    approx: bool = False
    start: int = 0
    end: int = 0

    def overlaps(self, other: NumberMention) -> bool:
        if self.kind != other.kind:
            return False
        tol = 1e-6 * max(1.0, abs(self.value), abs(other.value))
        return self.lo <= other.hi + tol and other.lo <= self.hi + tol


@dataclass(frozen=True, slots=True)
class DateMention:
    """A calendar mention; unknown parts are None so "Oct 28" and "2025-10-28" agree."""

    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    start: int = 0
    end: int = 0

    @property
    def norm(self) -> str:
        if self.weekday and not (self.year or self.month or self.day):
            return next(k for k, v in WEEKDAYS.items() if v == self.weekday)
        y = f"{self.year:04d}" if self.year else "XXXX"
        m = f"-{self.month:02d}" if self.month else ""
        d = f"-{self.day:02d}" if self.day and self.month else ""
        return y + m + d

    def comparable(self, other: DateMention) -> bool:
        return any(
            getattr(self, f) is not None and getattr(other, f) is not None
            for f in ("year", "month", "day", "weekday")
        )

    def compatible(self, other: DateMention) -> bool:
        for f in ("year", "month", "day", "weekday"):
            x, y = getattr(self, f), getattr(other, f)
            if x is not None and y is not None and x != y:
                return False
        return True


@dataclass(frozen=True, slots=True)
class KeyTerms:
    """The facts of one text that must match for two texts to be the same claim."""

    numbers: tuple[NumberMention, ...] = ()
    dates: tuple[DateMention, ...] = ()
    entities: tuple[str, ...] = ()  # normalised: lowercase, no titles, "north korea"
    negations: tuple[str, ...] = ()  # markers as written, lowercased
    words: frozenset[str] = frozenset()  # crude stems of content words outside entities

    @property
    def negated(self) -> bool:
        return bool(self.negations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "numbers": [{"text": n.text, "value": n.value, "kind": n.kind} for n in self.numbers],
            "dates": [{"text": d.text, "norm": d.norm} for d in self.dates],
            "entities": list(self.entities),
            "negations": list(self.negations),
        }


# ---------------------------------------------------------------------------- extraction


def _entity_norm(words: list[str]) -> str | None:
    toks = [w.lower().replace("’", "'").removesuffix("'s").replace(".", "") for w in words]
    while toks and (toks[0] in TITLES or toks[0] in NOT_NAMES):
        toks.pop(0)
    while toks and toks[-1] in CONNECTORS:
        toks.pop()
    return " ".join(toks) if toks else None


@lru_cache(maxsize=16384)
def extract_key_terms(text: str) -> KeyTerms:
    """Numbers, dates, capitalised-name entities, negation markers and content stems.

    Cached: search re-scoring sees the same stored claims again and again.
    """
    return _Scan(text).run()


_YEAR = re.compile(r"1[89]\d\d|20\d\d")
_SKIP_ONE_BEFORE = {"no", "any", "every", "each", "the", "this", "that", "which"}
_SKIP_ONE_AFTER = {"of", "another", "day", "time", "way"}
_A_N = set(SCALES) | set(UNITS)  # "a dozen", "a hundred", "a million"


class _Scan:
    """One left-to-right pass over a text's tokens (kind, text, start, end, suffix)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = [
            ("num" if m["num"] else m.lastgroup or "", m[0], m.start(), m.end(), m["suf"] or "")
            for m in _TOKEN.finditer(text)
        ]
        self.lows = [t[1].lower() for t in self.toks]
        self.n = len(self.toks)
        self.numbers: list[NumberMention] = []
        self.dates: list[DateMention] = []
        self.negations: list[str] = []
        self.words: set[str] = set()
        self.used: set[int] = set()

    def low(self, i: int) -> str:
        return self.lows[i] if 0 <= i < self.n else ""

    def kind(self, i: int) -> str:
        return self.toks[i][0] if 0 <= i < self.n else ""

    def context(self, j: int) -> str:
        while self.kind(j) == "word" and self.lows[j] in STOPWORDS:
            j += 1
        return self.lows[j] if self.kind(j) == "word" else ""

    def number(self, i0: int, i1: int, value: float, kind: str, approx: bool = False) -> int:
        """Record tokens ``i0:i1`` as a figure; unit words after it set the kind."""
        lo, hi = VAGUE.get(self.lows[i1 - 1], (value, value))
        j, nxt = i1, self.low(i1)
        if kind == "count" and (
            nxt in PERCENT_WORDS or (nxt == "per" and self.low(j + 1) == "cent")
        ):
            kind, j = "percent", j + (1 if nxt in PERCENT_WORDS else 2)
        elif kind == "count" and (nxt in CURRENCY_WORDS or self.low(i0 - 1) in CURRENCY_SIGNS):
            kind, j = "money", j + (nxt in CURRENCY_WORDS)
        qual = QUALIFIERS.get(self.low(i0 - 1))
        if self.low(i0 - 1) == "than":
            qual = QUALIFIERS.get(self.low(i0 - 2))
        if qual == "min":
            hi, approx = float("inf"), True
        elif qual == "max":
            lo, approx = 0.0, True
        elif qual == "approx":
            lo, hi, approx = value * 0.85, value * 1.15, True
        s, e = self.toks[i0][2], self.toks[i1 - 1][3]
        mention = NumberMention(self.text[s:e], value, lo, hi, kind, self.context(j), approx, s, e)
        self.numbers.append(mention)
        self.used.update(range(i0, i1))
        return i1

    def month(self, i: int) -> int | None:
        """ "Oct 28", "October 28, 2025", "28 October", "May 2024"; None if not a date."""
        low, (_, _, s, e, _) = self.lows[i], self.toks[i]
        j, day, year = i + 1 + (self.low(i + 1) == "."), None, None
        if self.kind(j) == "num" and self.toks[j][1].isdigit() and 1 <= int(self.toks[j][1]) <= 31:
            day, j = int(self.toks[j][1]), j + 1
            j += self.low(j) == "," and self.kind(j + 1) == "num"
        if self.kind(j) == "num" and _YEAR.fullmatch(self.toks[j][1]):
            year, j = int(self.toks[j][1]), j + 1
        prev = self.toks[i - 1] if i else ("", "", 0, 0, "")
        if day is None and prev[0] == "num" and prev[1].isdigit() and 1 <= int(prev[1]) <= 31:
            day, s = int(prev[1]), prev[2]
            self.numbers = [x for x in self.numbers if x.start != s]
        if day is None and year is None and low in AMBIGUOUS_MONTHS:
            return None
        end = self.toks[j - 1][3] if j > i + 1 else e
        self.dates.append(DateMention(self.text[s:end], year, MONTHS[low], day, None, s, end))
        self.used.update(range(i, j))
        return j

    def digits(self, i: int) -> int:
        """A figure written in digits, or a bare year."""
        tok, suf = self.toks[i][1], self.toks[i][4].lower()
        raw = tok[: len(tok) - len(suf)] if suf else tok
        value, nxt = float(raw.replace(",", "")), self.low(i + 1)
        if suf in ("st", "nd", "rd", "th"):
            return self.number(i, i + 1, value, "ordinal")
        if suf in SUFFIX_SCALES:
            return self.number(i, i + 1, value * SUFFIX_SCALES[suf], "count")
        if suf:
            return i + 1  # identifiers such as 5G, 737MAX
        if (
            _YEAR.fullmatch(raw)
            and nxt not in SCALES
            and nxt not in PERCENT_WORDS
            and self.low(i - 1) not in CURRENCY_SIGNS
            and (
                self.low(i - 1) in YEAR_PREV
                or self.kind(i + 1) != "word"
                or not self.toks[i + 1][1][0].islower()
            )
        ):
            s, e = self.toks[i][2:4]
            self.dates.append(DateMention(tok, year=int(raw), start=s, end=e))
            return i + 1
        j = i + 1
        while self.low(j) in SCALES:
            value *= SCALES[self.lows[j]]
            j += 1
        return self.number(i, j, value, "count")

    def spelled(self, i: int) -> int | None:
        """A figure in words: "twelve", "twenty-five", "a dozen", "five hundred thousand"."""
        low = self.lows[i]
        if low in VAGUE:
            return self.number(i, i + 1, VAGUE[low][0], "count", approx=True)
        j, total, current = i + (low == "a"), 0.0, 0.0
        while self.kind(j) == "word":
            parts = self.lows[j].split("-")
            if all(p in UNITS for p in parts):
                current += sum(UNITS[p] for p in parts)
            elif self.lows[j] in SCALES and j > i:
                current = max(current, 1.0) * SCALES[self.lows[j]]
                if SCALES[self.lows[j]] >= 1e3:
                    total, current = total + current, 0.0
            elif not (self.lows[j] == "and" and current and self.low(j + 1).split("-")[0] in UNITS):
                break
            j += 1
        if j == i + (low == "a") or not (total + current):
            return None
        if (j == i + 1 and low == "one") and (  # "one of the", "no one", "one day"
            self.low(i - 1) in _SKIP_ONE_BEFORE or self.low(i + 1) in _SKIP_ONE_AFTER
        ):
            return None
        return self.number(i, j, total + current, "count")

    def run(self) -> KeyTerms:
        i = 0
        while i < self.n:
            kind, tok, s, e, _ = self.toks[i]
            low, nxt = self.lows[i], i + 1
            if kind == "iso":
                y, mo, d = (int(x) for x in tok.split("-"))
                self.dates.append(DateMention(tok, y, mo, d, None, s, e))
            elif kind == "slash":
                p, q, y = (int(x) for x in tok.split("/"))
                mo, d = (q, p) if p > 12 else (p, q)
                self.dates.append(DateMention(tok, y + 2000 * (y < 100), mo, d, None, s, e))
            elif kind == "num" and i not in self.used:
                nxt = self.digits(i)
            elif kind == "word" and tok[0].isupper() and low in MONTHS:
                nxt = self.month(i) or nxt
            elif kind == "word" and tok[0].isupper() and low in WEEKDAYS:
                self.dates.append(DateMention(tok, weekday=WEEKDAYS[low], start=s, end=e))
            elif kind == "word":
                if low in NEGATIONS or low.endswith(("n't", "n’t")):
                    self.negations.append(low if low in NEGATIONS else "n't")
                first = low.split("-")[0]
                spelled = first in UNITS or low in VAGUE or (low == "a" and self.low(i + 1) in _A_N)
                if spelled and (j := self.spelled(i)) is not None:
                    i = j
                    continue
                fraction = self.low(i - 1) in {"per", "one", "every"} or (
                    self.low(i - 1) == "a" and self.low(i + 1) == "of"
                )  # "a fifth of", "one third"; but "for a fifth consecutive night"
                if low in ORDINALS and not fraction:
                    self.number(i, i + 1, float(ORDINALS[low]), "ordinal")
                elif not (tok[0].isupper() or low in STOPWORDS or low in NEGATIONS
                          or low in QUALIFIERS or low.endswith(("n't", "n’t"))):  # fmt: skip
                    self.words.add(stem(low))
            i = max(nxt, i + 1)
        return KeyTerms(
            numbers=tuple(self.numbers),
            dates=tuple(sorted(self.dates, key=lambda d: d.start)),
            entities=tuple(self.entities()),
            negations=tuple(self.negations),
            words=frozenset(self.words),
        )

    def entities(self) -> list[str]:
        """Maximal runs of capitalised words (connectors such as "of" allowed inside)."""
        out: list[str] = []
        i, sent_start, toks = 0, True, self.toks
        while i < self.n:
            kind, tok = toks[i][0], toks[i][1]
            if kind not in ("word", "acr") or not tok[0].isupper() or i in self.used:
                sent_start = kind == "punct" and tok in _SENT_END
                i += 1
                continue
            j, run = i, []
            while j < self.n and j not in self.used and toks[j][0] in ("word", "acr"):
                inner = (
                    self.lows[j] in CONNECTORS
                    and self.kind(j + 1) == "word"
                    and toks[j + 1][1][0].isupper()
                )
                if not (toks[j][1][0].isupper() or inner):
                    break
                run.append(toks[j][1])
                j += 1
            if sent_start and run[0].lower() in NOT_NAMES:
                run.pop(0)
            if run and sent_start and j - i == 1:  # one sentence-initial word: a name?
                w = run[0]
                if not (w.isupper() or any(t[1] == w for t in toks[j:])
                        or not w.lower().endswith(LIKELY_COMMON_SUFFIXES)):  # fmt: skip
                    run = []
            norm = _entity_norm(run) if run else None
            if norm and norm not in out and norm not in NOT_NAMES:
                out.append(norm)
            i, sent_start = j, False
        return out

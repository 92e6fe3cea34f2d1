"""Fast key facts of a claim: numbers, dates, named entities and negation, without spaCy.

Search re-scoring calls this on every candidate, so it is one regex tokenisation plus a
single pass of dictionary look-ups (tens of microseconds a sentence). Two claims that
differ in a figure ("12 killed" / "5 killed"), a date or a key entity ("North Korea" /
"South Korea") are different claims however similar their embeddings; ``key_term_conflict``
says where and turns it into a ``penalty`` the search subtracts from its similarity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

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
TITLES = set(_W(
    "president prime minister mr mrs ms dr gen general sen senator rep gov governor king queen "
    "prince princess pope chancellor secretary foreign defence defense interior spokesman "
    "spokeswoman spokesperson ambassador mayor judge sir lord commander colonel col lt sgt "
    "capt captain chief deputy vice former acting"))  # fmt: skip
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


@dataclass(slots=True)
class Conflict:
    """Where two claims' key terms disagree, and how much that should cost their match."""

    numbers: list[tuple[str, str]] = field(default_factory=list)
    dates: list[tuple[str, str]] = field(default_factory=list)
    entities: list[tuple[str, str]] = field(default_factory=list)
    negation: bool = False
    penalty: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.penalty > 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "numbers": [list(p) for p in self.numbers],
            "dates": [list(p) for p in self.dates],
            "entities": [list(p) for p in self.entities],
            "negation": self.negation,
            "penalty": round(self.penalty, 4),
            "reasons": list(self.reasons),
        }


# ---------------------------------------------------------------------------- extraction


def stem(word: str) -> str:
    """A crude stem, enough to make "killed"/"kills"/"killing" meet."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def _entity_norm(words: list[str]) -> str | None:
    toks = [w.lower().replace("’", "'").removesuffix("'s").replace(".", "") for w in words]
    while toks and (toks[0] in TITLES or toks[0] in NOT_NAMES):
        toks.pop(0)
    while toks and toks[-1] in CONNECTORS:
        toks.pop()
    return " ".join(toks) if toks else None


@lru_cache(maxsize=16384)
def extract_key_terms(text: str) -> KeyTerms:
    """Numbers, dates, capitalised-name entities, negation markers and content stems."""
    toks: list[tuple[str, str, int, int, str | None]] = []  # (kind, text, start, end, suffix)
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup if m.lastgroup != "suf" else "num"
        if m.group("num") is not None:
            kind = "num"
        toks.append((kind, m.group(0), m.start(), m.end(), m.group("suf")))

    numbers: list[NumberMention] = []
    dates: list[DateMention] = []
    entities: list[str] = []
    negations: list[str] = []
    words: set[str] = set()
    used: set[int] = set()
    n = len(toks)
    lows = [t[1].lower() for t in toks]

    def next_content(j: int) -> str:
        while j < n and toks[j][0] == "word" and lows[j] in STOPWORDS:
            j += 1
        return lows[j] if j < n and toks[j][0] == "word" else ""

    def add_number(i0: int, i1: int, value: float, kind: str, approx: bool = False) -> None:
        lo = hi = value
        if vague := VAGUE.get(lows[i1 - 1]):
            lo, hi = vague
        j = i1
        if kind == "count" and j < n and lows[j] in PERCENT_WORDS:
            kind, j = "percent", j + 1
        elif kind == "count" and j + 1 < n and lows[j] == "per" and lows[j + 1] == "cent":
            kind, j = "percent", j + 2
        elif kind == "count" and j < n and lows[j] in CURRENCY_WORDS:
            kind, j = "money", j + 1
        if kind == "count" and i0 > 0 and toks[i0 - 1][1] in CURRENCY_SIGNS:
            kind = "money"
        qual = QUALIFIERS.get(lows[i0 - 1]) if i0 > 0 else None
        if qual is None and i0 > 1 and lows[i0 - 1] == "than":
            qual = QUALIFIERS.get(lows[i0 - 2])
        if qual == "min":
            hi, approx = float("inf"), True
        elif qual == "max":
            lo, approx = 0.0, True
        elif qual == "approx":
            lo, hi, approx = value * 0.85, value * 1.15, True
        start, end = toks[i0][2], toks[i1 - 1][3]
        numbers.append(
            NumberMention(text[start:end], value, lo, hi, kind, next_content(j), approx, start, end)
        )
        used.update(range(i0, i1))

    i = 0
    while i < n:
        kind, tok, s, e, suf = toks[i]
        low = lows[i]
        if kind == "iso":
            y, mo, d = (int(x) for x in tok.split("-"))
            dates.append(DateMention(tok, y, mo, d, None, s, e))
        elif kind == "slash":
            p, q, y = (int(x) for x in tok.split("/"))
            y = y + 2000 if y < 100 else y
            mo, d = (q, p) if p > 12 else (p, q)
            dates.append(DateMention(tok, y, mo, d, None, s, e))
        elif kind == "word" and low in MONTHS and tok[0].isupper():
            mo = MONTHS[low]
            j, day, year = i + 1, None, None
            if j < n and toks[j][1] == ".":
                j += 1
            if (
                j < n
                and toks[j][0] == "num"
                and toks[j][1].isdigit()
                and 1 <= int(toks[j][1]) <= 31
            ):
                day, j = int(toks[j][1]), j + 1
                if j + 1 < n and toks[j][1] == "," and toks[j + 1][0] == "num":
                    j += 1
            if j < n and toks[j][0] == "num" and re.fullmatch(r"1[89]\d\d|20\d\d", toks[j][1]):
                year, j = int(toks[j][1]), j + 1
            prev = toks[i - 1] if i else ("", "", 0, 0, None)
            if day is None and prev[0] == "num" and prev[1].isdigit() and 1 <= int(prev[1]) <= 31:
                day, s = int(prev[1]), prev[2]
                numbers = [x for x in numbers if x.start != s]
            if day is not None or year is not None or low not in AMBIGUOUS_MONTHS:
                end = toks[j - 1][3] if j > i + 1 else e
                dates.append(DateMention(text[s:end], year, mo, day, None, s, end))
                used.update(range(i, j))
                i = j
                continue
        elif kind == "word" and low in WEEKDAYS and tok[0].isupper():
            dates.append(DateMention(tok, weekday=WEEKDAYS[low], start=s, end=e))
        elif kind == "num" and i not in used:
            raw = tok[: len(tok) - len(suf)] if suf else tok
            value = float(raw.replace(",", ""))
            sl = (suf or "").lower()
            nxt = lows[i + 1] if i + 1 < n else ""
            if sl in ("st", "nd", "rd", "th"):
                add_number(i, i + 1, value, "ordinal")
            elif sl in SUFFIX_SCALES:
                add_number(i, i + 1, value * SUFFIX_SCALES[sl], "count")
            elif sl:
                pass  # identifiers such as 5G, 737MAX
            elif (
                re.fullmatch(r"1[89]\d\d|20\d\d", raw)
                and nxt not in SCALES
                and nxt not in PERCENT_WORDS
                and (i == 0 or toks[i - 1][1] not in CURRENCY_SIGNS)
                and (
                    (i > 0 and lows[i - 1] in YEAR_PREV)
                    or i + 1 >= n
                    or toks[i + 1][0] != "word"
                    or not toks[i + 1][1][0].islower()
                )
            ):
                dates.append(DateMention(tok, year=int(raw), start=s, end=e))
            else:
                j = i + 1
                while j < n and lows[j] in SCALES:
                    value *= SCALES[lows[j]]
                    j += 1
                add_number(i, j, value, "count")
                i = j
                continue
        elif kind == "word":
            if low in NEGATIONS or low.endswith(("n't", "n’t")):
                negations.append(low if low in NEGATIONS else "n't")
            parts = low.split("-")
            if (
                parts[0] in UNITS
                or low in VAGUE
                or (low == "a" and _next_in(lows, i, SCALES, UNITS))
            ):
                j, total, current, ok = i, 0.0, 0.0, False
                while j < n and toks[j][0] == "word":
                    ps = lows[j].split("-")
                    if all(p in UNITS for p in ps):
                        current += sum(UNITS[p] for p in ps)
                    elif lows[j] in SCALES and (ok or current):
                        current = max(current, 1.0) * SCALES[lows[j]]
                        if SCALES[lows[j]] >= 1e3:
                            total, current = total + current, 0.0
                    elif lows[j] == "a" and j == i:
                        current = 0.0
                    elif (
                        lows[j] == "and" and ok and j + 1 < n and lows[j + 1].split("-")[0] in UNITS
                    ):
                        pass
                    elif lows[j] in VAGUE and j == i:
                        j += 1
                        ok = True
                        break
                    else:
                        break
                    ok = True
                    j += 1
                value = total + current
                prev = lows[i - 1] if i else ""
                lone_one = j == i + 1 and low == "one"
                skip_one = lone_one and (
                    prev in {"no", "any", "every", "each", "the", "this", "that", "which"}
                    or (i + 1 < n and lows[i + 1] in {"of", "another", "day", "time", "way"})
                )
                if ok and not skip_one and (value or low in VAGUE):
                    add_number(i, j, value if low not in VAGUE else VAGUE[low][0], "count",
                               approx=low in VAGUE)  # fmt: skip
                    i = j
                    continue
            if low in ORDINALS and not (i > 0 and lows[i - 1] in {"a", "per", "one", "every"}):
                add_number(i, i + 1, float(ORDINALS[low]), "ordinal")
            elif tok[0].isupper() or kind == "acr":
                pass  # handled by the entity pass below
            elif not (
                low in STOPWORDS
                or low in NEGATIONS
                or low in QUALIFIERS
                or low.endswith(("n't", "n’t"))
            ):
                words.add(stem(low))
        i += 1

    # Entity pass: maximal runs of capitalised words (connectors allowed inside).
    i, sent_start = 0, True
    while i < n:
        kind, tok = toks[i][0], toks[i][1]
        if kind in ("word", "acr") and (tok[0].isupper()) and i not in used:
            j, run = i, []
            while j < n and j not in used and toks[j][0] in ("word", "acr"):
                t = toks[j][1]
                inner = lows[j] in CONNECTORS and j + 1 < n and toks[j + 1][1][:1].isupper()
                if not (t[0].isupper() or inner):
                    break
                run.append(t)
                j += 1
            if sent_start and run and run[0].lower() in NOT_NAMES:
                run.pop(0)
            keep = bool(run)
            if keep and sent_start and j - i == 1:
                w = run[0]
                keep = (
                    w.isupper()
                    or any(toks[k][1] == w for k in range(i + 1, n))
                    or not w.lower().endswith(LIKELY_COMMON_SUFFIXES)
                )
            norm = _entity_norm(run) if keep else None
            if norm and norm not in entities and norm not in NOT_NAMES:
                entities.append(norm)
            i, sent_start = j, False
            continue
        sent_start = kind == "punct" and tok in _SENT_END
        i += 1

    return KeyTerms(
        numbers=tuple(numbers),
        dates=tuple(sorted(dates, key=lambda d: d.start)),
        entities=tuple(entities),
        negations=tuple(negations),
        words=frozenset(words),
    )


def _next_in(lows: list[str], i: int, *vocabs: dict[str, Any]) -> bool:
    return i + 1 < len(lows) and any(lows[i + 1] in v for v in vocabs)


# ---------------------------------------------------------------------------- comparison


def _head(entity: str) -> str:
    toks = entity.split()
    return toks[toks.index("of") - 1] if "of" in toks[1:] else toks[-1]


def _initials(entity: str) -> str:
    return "".join(t[0] for t in entity.split() if t not in CONNECTORS and t != "and")


def entities_match(x: str, y: str) -> bool:
    """Same entity: equal, one a trailing part of the other ("biden"/"joe biden"), or an
    initialism of the other ("un"/"united nations")."""
    if x == y:
        return True
    tx, ty = x.split(), y.split()
    short, long_ = (tx, ty) if len(tx) <= len(ty) else (ty, tx)
    if long_[-len(short) :] == short:
        return True
    return len(short) == 1 and len(long_) > 1 and short[0] == _initials(" ".join(long_))


def unmatched_numbers(
    a: tuple[NumberMention, ...], b: tuple[NumberMention, ...]
) -> tuple[list[NumberMention], list[NumberMention]]:
    """Figures of each side with no compatible figure (same kind, overlapping range) on the other."""
    return (
        [x for x in a if not any(x.overlaps(y) for y in b)],
        [y for y in b if not any(y.overlaps(x) for x in a)],
    )


def unmatched_dates(
    a: tuple[DateMention, ...], b: tuple[DateMention, ...]
) -> tuple[list[DateMention], list[DateMention]]:
    """Dates of each side that no date on the other side is compatible with."""
    return (
        [x for x in a if not any(x.compatible(y) for y in b)],
        [y for y in b if not any(y.compatible(x) for x in a)],
    )


def unmatched_entities(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[list[str], list[str]]:
    return (
        [x for x in a if not any(entities_match(x, y) for y in b)],
        [y for y in b if not any(entities_match(y, x) for x in a)],
    )


def _noisy_or(ps: list[float]) -> float:
    keep = 1.0
    for p in ps:
        keep *= 1.0 - p
    return 1.0 - keep


def key_term_conflict(a: KeyTerms, b: KeyTerms) -> Conflict:
    """Conflicting figures, dates and entities between two claims, and a penalty in [0, 1].

    A figure, date or entity that only one side has is extra detail, not a conflict. A
    conflict needs something unmatched on *both* sides that fills the same slot:

    * numbers: same kind (count / percent / money / ordinal) with disjoint ranges ("12
      killed" / "5 killed"); stronger when the word after the figure is the same;
    * dates: comparable (share year, month, day or weekday) and incompatible;
    * entities: *siblings* share a head word but differ in modifier ("north korea" /
      "south korea", "bank of england" / "bank of japan"); a *substitution* is any
      unmatched pair when the rest of the wording overlaps ("Russia attacked the port" /
      "Ukraine attacked the port").
    * negation: one side carries a negation or denial marker and the other does not.

    The penalties are combined as a noisy-or, so independent conflicts add up but stay in
    [0, 1].
    """
    out = Conflict()
    parts: list[float] = []

    ua, ub = unmatched_numbers(a.numbers, b.numbers)
    strength = 0.0
    for x in ua:
        for y in ub:
            if x.kind != y.kind:
                continue
            s = 0.6 if (x.context and x.context == y.context) else 0.5
            if x.approx or y.approx:
                s = 0.3
            out.numbers.append((x.text, y.text))
            strength = max(strength, s)
    if out.numbers:
        parts.append(strength)
        pairs = ", ".join(f"{x} vs {y}" for x, y in out.numbers[:3])
        out.reasons.append(f"different figures: {pairs}")

    da, db = unmatched_dates(a.dates, b.dates)
    for x in da:
        for y in db:
            if x.comparable(y):
                out.dates.append((x.text, y.text))
    if out.dates:
        parts.append(0.45)
        pairs = ", ".join(f"{x} vs {y}" for x, y in out.dates[:3])
        out.reasons.append(f"different dates: {pairs}")

    ea, eb = unmatched_entities(a.entities, b.entities)
    siblings = [(x, y) for x in ea for y in eb if _head(x) == _head(y)]
    if siblings:
        out.entities.extend(siblings)
        parts.append(0.6)
        out.reasons.append("different entities: " + ", ".join(f"{x} vs {y}" for x, y in siblings))
    elif ea and eb:
        wa, wb = a.words, b.words
        small = min(len(wa), len(wb))
        if small >= 2 and len(wa & wb) / small >= 0.6:
            out.entities.extend((x, y) for x in ea for y in eb)
            parts.append(0.4)
            out.reasons.append(f"entity swapped in similar wording: {ea[0]} vs {eb[0]}")

    if a.negated != b.negated:
        out.negation = True
        parts.append(0.3)
        neg = a.negations or b.negations
        out.reasons.append(f"negation on one side only: {neg[0]}")

    out.penalty = round(min(1.0, _noisy_or(parts)), 6)
    return out


def term_conflict(a: str, b: str) -> Conflict:
    """``key_term_conflict`` on two raw texts."""
    return key_term_conflict(extract_key_terms(a), extract_key_terms(b))

"""Attribution in languages without a parser here: cue patterns read from data files.

Each language has a JSON file in ``workbench/attribution/lang/`` (``ur.json``, ``fa.json``,
``prs.json``, ``ps.json``, ``ar.json``, ``hi.json``) with its cue patterns ("کے مطابق", "به
گزارش", "وفقا لـ", "ने कहा" ...), each saying where its source is:

* ``before``: the name right before the cue (Urdu/Hindi "X کے مطابق", "X نے ... کہا" anchored
  at the ergative ``نے``/``ने``);
* ``after``: the name right after it (Persian "به گزارش X،", Arabic "قال X", "وفقا لـX");
* ``clause``: the first words of the cue's clause (verb-final "X ... گفت", "X ... وویل");
* ``group``: a ``source`` group inside the pattern (Pashto "د X په وینا");
* ``none``: a hedged report with no source ("گزارش شده", "كثير ما يقال").

The source span is cut at punctuation and at the file's ``boundary_words`` (postpositions,
conjunctions); within it the longest run of words the outlet registry knows becomes an
outlet with its canonical name ("رویترز" → Reuters), pronouns and vague words (``unnamed``)
an unnamed source, anything else a person. The content is the longer side of the sentence
once source and cue are taken out, without a leading complementiser ("که", "کہ", "أن"), so it
never holds the cue. Adding a language is adding a file; nothing here branches on one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from workbench.outlets.transliterate import is_letter_name, spelled_acronym
from workbench.records import Attribution

OutletMatcher = Callable[[str], "str | None"]
# outlets by meaning: several wordings of one mention -> canonical name or None
SimilarOutlet = Callable[[Sequence[str]], "str | None"]
_OPEN_QUOTES = '«“"„'
_SENTENCE = re.compile(r"[^.!?۔؟।\n]+(?:[.!?۔؟।]+[\"'”’»)]*|\n|$)")
_QUOTES = "\"“«‘'„"  # a sentence opening with one of these is a quotation
_STRONG = '،,:;؛"“”«»()'
# a cue starts and ends at a word edge; \b would not do: Devanagari and Arabic vowel signs
# are not \w, so "उन्होंने" would hold the word "ने"
_EDGE = "\\s\"'“”«»()،,:;؛.!?۔؟।\\-"
_START = f"(?<![^{_EDGE}])"
_END = f"(?![^{_EDGE}])"
_WORD = re.compile(r"[^\s،,:;؛\"“”«»().!?۔؟।]+")
_CALL_SIGN = re.compile(r"[A-Z][A-Z0-9&-]{1,9}")  # WAFB, KTLA-TV, CBS: an acronym in Latin


@dataclass(frozen=True, slots=True)
class Cue:
    regex: re.Pattern[str]
    kind: str
    source: str  # before | after | clause | group | none


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A phrase that makes its subject part of another organisation ("وابسته به", affiliated
    with): ``network`` says on which side the parent stands (``after`` or ``before``)."""

    regex: re.Pattern[str]
    network: str


@dataclass(frozen=True, slots=True)
class LanguagePatterns:
    """One language's cue patterns and word lists, as read from its data file."""

    language: str
    cues: tuple[Cue, ...]
    content_openers: tuple[str, ...]
    boundary_words: frozenset[str]
    unnamed: frozenset[str]
    strip_prefixes: tuple[str, ...]
    max_source_words: int
    factual_words: frozenset[str] = frozenset()  # for check-worthiness: killed, agreed ...
    pronouns: frozenset[str] = frozenset()  # "he", "they": the last named person says it
    outlet_words: tuple[str, ...] = ()  # "newspaper", "network", "agency": a medium is named
    # "X affiliated with <a known outlet>": X is a medium too (a station of the network)
    affiliations: tuple[Affiliation, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LanguagePatterns:
        cues = tuple(
            Cue(
                re.compile(rf"{_START}(?:{c['regex']}){_END}"),
                c.get("kind", "indirect"),
                c.get("source", "before"),
            )
            for c in data["cues"]
        )
        return cls(
            language=data["language"],
            cues=cues,
            content_openers=tuple(data.get("content_openers", ())),
            boundary_words=frozenset(data.get("boundary_words", ())),
            unnamed=frozenset(data.get("unnamed", ())),
            strip_prefixes=tuple(sorted(data.get("strip_prefixes", ()), key=len, reverse=True)),
            max_source_words=int(data.get("max_source_words", 5)),
            factual_words=frozenset(data.get("factual_words", ())),
            pronouns=frozenset(data.get("pronouns", ())),
            outlet_words=tuple(data.get("outlet_words", ())),
            affiliations=tuple(
                Affiliation(re.compile(rf"{_START}(?:{a['regex']}){_END}"), a["network"])
                for a in data.get("affiliations", ())
            ),
        )

    def has_cue(self, text: str) -> bool:
        """Whether any attribution cue of this language occurs in ``text``."""
        return any(c.regex.search(text) for c in self.cues)

    def has_factual_word(self, text: str) -> bool:
        return any(w in self.factual_words for w in _WORD.findall(text))

    def outlet_word_spans(self, phrase: str) -> list[tuple[int, int]]:
        """Where the phrase's words name a medium ("روزنامه", "شبكة"), also with an attached
        prefix letter ("للشبكة"): (start, end) offsets of each such word."""
        out = []
        for m in _WORD.finditer(phrase):
            word = m.group()
            forms = [word] + [word[len(p) :] for p in self.strip_prefixes if word.startswith(p)]
            if any(f in self.outlet_words for f in forms):
                out.append(m.span())
        return out


@cache
def patterns_for(language: str | None) -> LanguagePatterns | None:
    """The pattern set of ``language`` (a code from ``workbench.text.language``), or None."""
    if not language or not re.fullmatch(r"[a-z]{2,3}", language):
        return None
    path = resources.files("workbench.attribution").joinpath("lang", f"{language}.json")
    if not path.is_file():
        return None
    return LanguagePatterns.from_dict(json.loads(path.read_text(encoding="utf-8")))


def supported_languages() -> list[str]:
    """Languages that have a pattern file."""
    folder = resources.files("workbench.attribution").joinpath("lang")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def _words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in _WORD.finditer(text[start:end])]


class PatternAttributor:
    """Cue-pattern attribution for one language; same output records as the English engine."""

    def __init__(
        self,
        patterns: LanguagePatterns,
        outlet_matcher: OutletMatcher | None = None,
        outlet_similar: SimilarOutlet | None = None,
    ):
        self.p = patterns
        self.match_outlet = outlet_matcher
        self.similar_outlet = outlet_similar

    def extract(self, text: str, publisher: str | None = None) -> list[Attribution]:
        """Attributions of one article, offsets into ``text``, in text order."""
        out: list[Attribution] = []
        last_person: str | None = None
        for sent in _SENTENCE.finditer(text):
            s, e = sent.start(), sent.end()
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1] in " \n.!?۔؟।\"'”’»)":
                e -= 1
            if e <= s:
                continue
            found = self._sentence(text, s, e)
            if not found and last_person and text[s] in _QUOTES:
                # a quotation with no cue of its own continues the last speaker's
                a, b = _trim(text, s, e)
                found = [
                    Attribution(
                        source_text="",
                        source=last_person,
                        source_type="person",
                        cue="",
                        content_start=a,
                        content_end=b,
                        kind="quote_continuation",
                        confidence=0.5,
                    )
                ]
            for att in found:
                if att.source_type == "person":
                    last_person = att.source
                elif last_person and self._refers_back(att):
                    # "he said" / a dropped subject ("وقال إن ..."): the last named speaker,
                    # as the English engine resolves pronouns
                    att.source, att.source_type = last_person, "person"
                out.append(att)
        return out

    def _refers_back(self, att: Attribution) -> bool:
        """An unnamed source that is a pronoun, or no source at all for a speech verb."""
        if att.source_type != "unnamed" or att.kind != "indirect" or att.hedged:
            return False
        words = _WORD.findall(att.source_text)
        return not words or words[0] in self.p.pronouns

    def extract_many(self, texts: Sequence[str]) -> list[list[Attribution]]:
        return [self.extract(t) for t in texts]

    # --- one sentence ----------------------------------------------------------------------

    def _sentence(self, text: str, s: int, e: int) -> list[Attribution]:
        found: list[Attribution] = []
        taken: list[tuple[int, int]] = []
        for cue in self.p.cues:
            for m in cue.regex.finditer(text, s, e):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                att = self._one(text, s, e, cue, m)
                if att is not None:
                    found.append(att)
                    taken.append((m.start(), m.end()))
        found.sort(key=lambda a: a.cue_start or 0)
        # one reporting frame per sentence; an outlet's report ("..., said X, according to
        # NBC") is the outer frame of the speech it carries, as the English engine nests it
        outer = [a for a in found if a.kind == "according_to" and a.source_type == "outlet"]
        return outer[:1] or found[:1]

    def _one(self, text: str, s: int, e: int, cue: Cue, m: re.Match[str]) -> Attribution | None:
        groups = m.groupdict()
        c0, c1 = m.span("cue") if groups.get("cue") is not None else m.span()
        src: tuple[int, int] | None = None
        if cue.source == "group" and groups.get("source") is not None:
            src = m.span("source")
        elif cue.source == "before":
            anchor = m.start("anchor") if groups.get("anchor") is not None else m.start()
            src = self._words_before(text, s, anchor)
        elif cue.source == "after":
            src = self._words_after(text, m.end(), e)
        elif cue.source == "clause":
            src = self._clause_start(text, s, c0)
        block = (
            min(m.start(), src[0]) if src else m.start(),
            max(m.end(), src[1]) if src else m.end(),
        )
        if cue.source == "before" and groups.get("anchor") is not None:
            block = (block[0], c1)
        content = self._content(text, s, e, block, scan=cue.source == "after")
        if content is None:
            return None
        medium = self._affiliate(text, s, c0 if src and src[1] <= c0 else e, src)
        source, stype, s_span = self._resolve(text, src, medium)
        return Attribution(
            source_text=text[s_span[0] : s_span[1]] if s_span else "",
            source=source,
            source_type=stype,
            cue=text[c0:c1],
            content_start=content[0],
            content_end=content[1],
            kind=cue.kind if stype != "unnamed" or cue.kind != "indirect" else "indirect",
            hedged=cue.kind == "hedged",
            source_start=s_span[0] if s_span else None,
            source_end=s_span[1] if s_span else None,
            cue_start=c0,
            cue_end=c1,
            confidence=0.7,
        )

    def _words_before(self, text: str, s: int, at: int) -> tuple[int, int] | None:
        words = _words(text, s, at)
        cut = s
        for i in range(len(words) - 1, -1, -1):
            a, b = words[i]
            between = text[b:at] if i == len(words) - 1 else text[b : words[i + 1][0]]
            if any(ch in _STRONG for ch in between):
                break
            if text[a:b] in self.p.boundary_words and not _in_letter_run(text, words, i):
                break
            if self._affiliation_at(text, a, b):
                break
            cut = a
            if len(words) - i >= self.p.max_source_words:
                break
        span = (cut, words[-1][1]) if words and cut < words[-1][1] else None
        return span if span and span[0] >= s else None

    def _words_after(self, text: str, at: int, e: int) -> tuple[int, int] | None:
        words = _words(text, at, e)
        end = None
        for i, (a, b) in enumerate(words):
            between = text[at:a] if i == 0 else text[words[i - 1][1] : a]
            if i and any(ch in _STRONG for ch in between):
                # 'newspaper «Morning Post»': a medium word may take the quoted name after it
                medium = all(text[x:y] in self.p.outlet_words for x, y in words[:i])
                if not (medium and between.strip() and between.strip()[-1] in _OPEN_QUOTES):
                    break
            if text[a:b] in self.p.boundary_words and not _in_letter_run(text, words, i):
                break
            if self._affiliation_at(text, a, b):
                break
            end = b
            if i + 1 >= self.p.max_source_words:
                break
        return (words[0][0], end) if words and end else None

    def _clause_start(self, text: str, s: int, at: int) -> tuple[int, int] | None:
        start = s
        for i in range(at - 1, s - 1, -1):
            if text[i] in _STRONG:
                start = i + 1
                break
        return self._words_after(text, start, at)

    def _content(
        self, text: str, s: int, e: int, block: tuple[int, int], scan: bool = False
    ) -> tuple[int, int] | None:
        left, right = (s, block[0]), (block[1], e)
        side = right if _size(text, *right) >= _size(text, *left) else left
        a, b = side
        if scan and side == right:  # "قال X من حزب العمال بأن ...": content after the opener
            for m in _WORD.finditer(text, a, b):
                if _size(text, a, m.start()) > 8:
                    break
                if m.group() in self.p.content_openers:
                    a = m.end()
                    break
        while True:
            a, b = _trim(text, a, b)
            for opener in self.p.content_openers:
                if text.startswith(opener, a) and (
                    a + len(opener) >= b or not text[a + len(opener)].isalnum()
                ):
                    a += len(opener)
                    break
            else:
                break
        a, b = _trim(text, a, b)
        return (a, b) if b - a >= 3 else None

    def _affiliation_at(self, text: str, a: int, b: int) -> bool:
        """Whether the word at ``a:b`` is part of an affiliation phrase ("وابسته به")."""
        return any(
            m.start() < b and a < m.end()
            for af in self.p.affiliations
            for m in af.regex.finditer(text, max(0, a - 40), min(len(text), b + 40))
        )

    def _affiliate(self, text: str, s: int, e: int, src: tuple[int, int] | None) -> bool:
        """Whether the source is "affiliated with" an outlet the registry knows ("WAFB
        وابسته به سی بی اس", "CBS سے وابستہ WAFB"): then it is a medium itself, as the English
        engine reads "CBS affiliate WAFB". The walkers stop at the phrase, so the parent's
        words are read here, on the side the language's data file names."""
        if src is None:
            return False
        for af in self.p.affiliations:
            for m in af.regex.finditer(text, s, e):
                if af.network == "after" and not text[src[1] : m.start()].strip():
                    parent = self._words_after(text, m.end(), e)
                elif af.network == "before" and not text[m.end() : src[0]].strip():
                    parent = self._words_before(text, s, m.start())
                else:
                    continue
                if parent and self._resolve(text, parent)[1] == "outlet":
                    return True
        return False

    def _resolve(
        self, text: str, span: tuple[int, int] | None, medium: bool = False
    ) -> tuple[str, str, tuple[int, int] | None]:
        """(canonical source, source type, source span) for the words in ``span``; ``medium``:
        the words are known to name a medium (an outlet's affiliate) though no medium word
        or registry entry says so."""
        if span is None:
            return "", "unnamed", None
        words = _words(text, *span)
        if not words:
            return "", "unnamed", None
        if self.match_outlet is not None:
            n = len(words)
            for size in range(n, 0, -1):
                for i in range(0, n - size + 1):
                    a, b = words[i][0], words[i + size - 1][1]
                    for cand, shift in self._variants(text[a:b]):
                        # "إن بي سي" (NBC spelled out by letter names) is looked up as NBC
                        acronym = spelled_acronym(cand.split())
                        name = self.match_outlet(acronym or cand)
                        if name:
                            return name, "outlet", (a + shift, b)
        named = self._spelled(text, words, medium) or self._medium(text, words)
        if named is not None:
            return named
        tokens = [text[a:b] for a, b in words]
        calls = [(a, b) for a, b in words if _CALL_SIGN.fullmatch(text[a:b])]
        if medium and calls:  # a Latin call sign ("WAFB रिपोर्ट"); a person's name is no medium
            return " ".join(text[a:b] for a, b in calls), "outlet", (calls[0][0], calls[-1][1])
        vague = [any(v in self.p.unnamed for v, _ in self._variants(t)) for t in tokens]
        if vague[0]:
            return "", "unnamed", (words[0][0], words[-1][1])
        name = " ".join(tokens)
        return name, "person", (words[0][0], words[-1][1])

    def _spelled(
        self, text: str, words: list[tuple[int, int]], medium: bool = False
    ) -> tuple[str, str, tuple[int, int]] | None:
        """A Latin acronym spelled out by letter names ("محطة دبليو إيه أف بي", station
        WAFB) that the registry does not know: the acronym, an outlet when a medium word
        names it so, else an organisation (a person's name is never spelled by letters)."""
        tokens = [text[a:b] for a, b in words]
        for size in range(len(words), 1, -1):
            for i in range(0, len(words) - size + 1):
                acronym = spelled_acronym(tokens[i : i + size])
                if acronym:
                    medium = medium or bool(self.p.outlet_word_spans(" ".join(tokens)))
                    kind = "outlet" if medium else "organization"
                    return acronym, kind, (words[i][0], words[i + size - 1][1])
        return None

    def _medium(
        self, text: str, words: list[tuple[int, int]]
    ) -> tuple[str, str, tuple[int, int]] | None:
        """A source phrase with a medium word ("روزنامه «صبح جنوب چین»", "شبكة سلامة
        الطيران"): the registry outlet it names by meaning (``similar_outlet``, asked with and
        without the medium word), else a named organisation. None without a medium word or
        when the medium word is all there is ("the newspaper" is not a name)."""
        span = (words[0][0], words[-1][1])
        phrase = text[span[0] : span[1]]
        media = self.p.outlet_word_spans(phrase)
        if not media:
            return None
        rest = phrase
        for a, b in reversed(media):
            rest = rest[:a] + " " + rest[b:]
        rest = " ".join(_WORD.findall(rest))
        if not rest:
            return None
        if self.similar_outlet is not None:
            hit = self.similar_outlet([rest, " ".join(_WORD.findall(phrase))])
            if hit:
                return hit, "outlet", span
        return " ".join(_WORD.findall(phrase)), "organization", span

    def _variants(self, phrase: str) -> list[tuple[str, int]]:
        """The phrase, and without an attached prefix letter (Arabic "لرويترز" → "رويترز")."""
        out = [(phrase, 0)]
        for p in self.p.strip_prefixes:
            if phrase.startswith(p) and len(phrase) > len(p) + 2:
                out.append((phrase[len(p) :], len(p)))
        return out


def _in_letter_run(text: str, words: list[tuple[int, int]], i: int) -> bool:
    """Whether word ``i`` is a Latin letter's name next to another ("إن" in "إن بي سي"): then
    it spells a name, and is no boundary word ("إن", that) however it reads alone."""
    if not is_letter_name(text[slice(*words[i])]):
        return False
    near = [j for j in (i - 1, i + 1) if 0 <= j < len(words)]
    return any(is_letter_name(text[slice(*words[j])]) for j in near)


def _size(text: str, a: int, b: int) -> int:
    return len(_WORD.findall(text[a:b]))


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    junk = " \t\n،,:;؛-–—"
    while a < b and text[a] in junk:
        a += 1
    while b > a and text[b - 1] in junk:
        b -= 1
    return a, b


def attributor_for(
    language: str | None,
    outlet_matcher: OutletMatcher | None,
    outlet_similar: SimilarOutlet | None = None,
) -> Any:
    """A :class:`PatternAttributor` for ``language``, or None when it has no pattern file."""
    patterns = patterns_for(language)
    if patterns is None:
        return None
    return PatternAttributor(patterns, outlet_matcher, outlet_similar)

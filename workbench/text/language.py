"""Which language a text is in: lingua for the broad call, script and orthography cues for
the languages it misses or merges (Pashto, Dari).

Codes are the shortest ISO 639 code (BCP 47 style): ``en``, ``ur``, ``fa``, ``ps``, ``ar``,
``hi``, ``bn``, and ``prs`` for Dari, which has no two-letter code. Record-level values are
normalised with :func:`normalise_code` ("urd", "Urdu", "fa-AF", "dari" → ``ur``, ``prs``) and
always win over detection.

Why cues on top of lingua: lingua has no Pashto model and calls Dari Persian. Pashto has
letters no other language here uses (ټ ډ ړ ښ ږ ځ څ ګ ڼ ې ۍ); Urdu has ے ٹ ڈ ڑ ں. Dari and
Iranian Persian share a script; they differ in orthography and a handful of frequent words:
Iranian Persian joins the verbal prefix with a zero-width non-joiner (می‌کند) and writes
پلیس, Dari writes میکند / پولیس and favours نمود, گردید, خویش, میباشد. When the text shows
neither side, it stays ``fa``.

Why function words for Latin script: lingua reads a short English line full of foreign names
("Karin Keller-Sutter is sworn in as President of Switzerland.") as Italian, Spanish or
French, even at confidence 0.98. Another Latin-script language is accepted only when the
text also uses its function words or its letters in lower-case words (``function_words.json``)
more than English ones; otherwise the text is English, or unsure.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path

ENGLISH = "en"
RTL_LANGUAGES = frozenset({"ar", "fa", "prs", "ps", "ur"})
NAMES: dict[str, str] = {
    "en": "English",
    "ur": "Urdu",
    "prs": "Dari",
    "ps": "Pashto",
    "fa": "Persian",
    "ar": "Arabic",
    "hi": "Hindi",
    "bn": "Bengali",
}
_ALIASES: dict[str, str] = {
    "eng": "en",
    "english": "en",
    "urd": "ur",
    "urdu": "ur",
    "prs": "prs",
    "dari": "prs",
    "fa-af": "prs",
    "fa_af": "prs",
    "pus": "ps",
    "pbt": "ps",
    "pst": "ps",
    "pashto": "ps",
    "pushto": "ps",
    "fas": "fa",
    "per": "fa",
    "pes": "fa",
    "farsi": "fa",
    "persian": "fa",
    "fa-ir": "fa",
    "arb": "ar",
    "ara": "ar",
    "arabic": "ar",
    "hin": "hi",
    "hindi": "hi",
    "ben": "bn",
    "bengali": "bn",
    "bangla": "bn",
}
_PASHTO = re.compile("[ټډړښږځڅګڼېۍ]")
_URDU = re.compile("[ےٹڈڑں]")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_DEVANAGARI = re.compile("[\u0900-\u097f]")
_BENGALI = re.compile("[\u0980-\u09ff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_WORDS = re.compile(r"\w+")
_DARI_WORDS = frozenset(
    [
        "پولیس",
        "گردید",
        "گردیده",
        "گردیدند",
        "نمود",
        "نموده",
        "نمودند",
        "نماید",
        "خویش",
        "میباشد",
        "میباشند",
        "میکند",
        "میکنند",
        "میشود",
        "میشوند",
        "میگوید",
        "زمانیکه",
        "اینکه",
        "بدست",
    ]
)
_PERSIAN_WORDS = frozenset(["پلیس", "گوید", "می", "نمی"])


MIN_LATIN_EVIDENCE = 2  # words that must speak for another Latin-script language
_EDGE = "\"'“”‘’«»()[]{},.;:!?…—–-"


@functools.lru_cache(maxsize=1)
def _function_words() -> dict[str, tuple[frozenset[str], str]]:
    """Per language: its function words and the letters it uses that English does not."""
    data = json.loads(Path(__file__).with_name("function_words.json").read_text("utf-8"))
    return {
        code: (frozenset(entry["words"]), entry["letters"])
        for code, entry in data.items()
        if not code.startswith("_")
    }


def has_word_lists(language: str) -> bool:
    """Whether ``function_words.json`` knows this language."""
    return language in _function_words()


def latin_evidence(text: str, language: str) -> tuple[int, int]:
    """(words that speak for ``language``, words that speak for English) in a Latin-script text.

    A word speaks for a language when it is a function word of that language and not of the
    other, or (for ``language``) a lower-case word with one of its letters English lacks: names
    are capitalised, so "Hōshōryū" or "Jesús" is no evidence, "düzenlenen" is.
    """
    table = _function_words()
    english = table[ENGLISH][0]
    own, letters = table.get(language, (frozenset(), ""))
    foreign = english_count = 0
    for raw in text.split():
        word = raw.strip(_EDGE)
        if not word:
            continue
        low = word.lower()
        if low in own and low not in english:
            foreign += 1
        elif low in english and low not in own:
            english_count += 1
        elif letters and word[0].islower() and any(ch in letters for ch in low):
            foreign += 1
    return foreign, english_count


def latin_verdict(text: str, found: str) -> str | None:
    """``found`` (another Latin-script language) when the text's words back it, ``en`` when
    they speak for English instead, None when they say nothing either way."""
    foreign, english = latin_evidence(text, found)
    if foreign >= MIN_LATIN_EVIDENCE and foreign > english:
        return found
    return ENGLISH if english > foreign else None


def normalise_code(value: str | None) -> str | None:
    """A record's language value as this module's code, or None when empty.

    Unknown values keep their first subtag, lower-cased (``de-AT`` → ``de``).
    """
    if not value or not str(value).strip():
        return None
    key = str(value).strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    head = re.split(r"[-_]", key)[0]
    return _ALIASES.get(head, head[:3] if len(head) == 3 else head[:2])


def is_rtl(language: str | None, text: str = "") -> bool:
    """Whether text in ``language`` (or, with no language, this text's script) reads right to left."""
    if language:
        return language in RTL_LANGUAGES
    return script_of(text) == "arabic"


def script_of(text: str) -> str:
    """The dominant script of ``text``: ``arabic``, ``devanagari``, ``bengali``, ``latin`` or ``other``."""
    counts = {
        "arabic": len(_ARABIC_SCRIPT.findall(text)),
        "devanagari": len(_DEVANAGARI.findall(text)),
        "bengali": len(_BENGALI.findall(text)),
        "latin": len(_LATIN.findall(text)),
    }
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else "other"


def dari_or_persian(text: str) -> str:
    """``prs`` when the text shows Dari orthography more than Iranian Persian, else ``fa``."""
    words = _WORDS.findall(text)
    dari = sum(w in _DARI_WORDS for w in words)
    persian = sum(w in _PERSIAN_WORDS for w in words) + text.count("\u200c")
    return "prs" if dari > persian else "fa"


def arabic_script_language(text: str) -> str | None:
    """Pashto, Urdu, Dari or Persian by letters and orthography; None for Arabic or unsure."""
    letters = max(len(_ARABIC_SCRIPT.findall(text)), 1)
    pashto = len(_PASHTO.findall(text))
    if pashto and pashto / letters > 0.003:
        return "ps"
    if len(_URDU.findall(text)) / letters > 0.01:
        return "ur"
    return None


_detector = None


def _lingua(sample: str) -> str | None:
    """lingua's ISO 639-1 call over a fixed set of languages, or None."""
    global _detector
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return None
    if _detector is None:
        langs = [
            Language.ENGLISH,
            Language.URDU,
            Language.PERSIAN,
            Language.ARABIC,
            Language.HINDI,
            Language.BENGALI,
            Language.FRENCH,
            Language.GERMAN,
            Language.SPANISH,
            Language.RUSSIAN,
            Language.TURKISH,
            Language.CHINESE,
            Language.PORTUGUESE,
            Language.ITALIAN,
        ]
        _detector = LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()
    found = _detector.detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else None


def detect(text: str, min_words: int = 3) -> str | None:
    """The language of ``text`` (see the module docstring), or None when too short or unsure."""
    sample = unicodedata.normalize("NFC", text[:2000])
    if len(sample.split()) < min_words:
        return None
    script = script_of(sample)
    if script == "devanagari":
        return "hi"
    if script == "bengali":
        return "bn"
    if script == "arabic":
        by_letters = arabic_script_language(sample)
        if by_letters:
            return by_letters
        found = _lingua(sample)
        if found in (None, "fa", "ur", "ar"):
            found = found or "fa"
            return dari_or_persian(sample) if found == "fa" else found
        return found
    found = _lingua(sample)
    if script == "latin" and found not in (None, ENGLISH):
        return latin_verdict(sample, found)
    return found


def claim_language(text: str, article_language: str | None) -> str | None:
    """A claim's language: the article's, unless the claim is plainly in another script.

    Costs nothing for a Latin-script claim in an English article (no detector call).
    """
    script = script_of(text)
    if article_language in (None, ENGLISH) and script in ("latin", "other"):
        return article_language
    if article_language in RTL_LANGUAGES and script == "arabic":
        # letters alone tell an Urdu or Pashto sentence (a quote) inside another article
        return arabic_script_language(text) or article_language
    if article_language == "hi" and script == "devanagari":
        return article_language
    if article_language == "bn" and script == "bengali":
        return article_language
    return detect(text, min_words=2) or article_language

"""A transparent check-worthiness heuristic: how much a sentence looks like a checkable fact.

Score in [0, 1]. It rises with what fact-checkers can verify (figures, dates, named people,
places and bodies, factual and reporting verbs, attribution) and falls for questions, opinion,
first-person speculation, very short or very long segments and page boilerplate. It is a
documented weighted sum, not a trained model, so it needs no data to ship; its ranking quality
is measured against ClaimBuster labels in ``tests/test_checkworthy.py`` and ``bench/``.
"""

from __future__ import annotations

import re

WEIGHTS: dict[str, float] = {
    "base": 0.30,
    "number": 0.18,
    "date": 0.08,
    "entity": 0.07,  # per capitalised name inside the sentence, up to ENTITY_CAP
    "factual_verb": 0.15,
    "attribution": 0.07,
    "comparative": 0.05,
    "question": -0.35,
    "opinion": -0.18,
    "first_person": -0.08,
    "short": -0.20,
    "long": -0.05,
    "imperative_or_chrome": -0.30,
}
ENTITY_CAP = 3

_NUMBER = re.compile(
    r"\b\d[\d,.]*\s*(%|percent|per cent|million|billion|trillion|thousand)?\b"
    r"|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|millions?|billions?)\b",
    re.I,
)
_DATE = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last (week|month|year))\b",
    re.I,
)
_FACTUAL = re.compile(
    r"\b(killed|died|dead|injured|wounded|arrested|attacked|launched|fired|struck|bombed|withdrew|"
    r"signed|agreed|approved|passed|voted|won|lost|elected|announced|banned|closed|opened|seized|"
    r"captured|collapsed|rose|fell|increased|decreased|doubled|cut|raised|spent|paid|cost|costs|"
    r"recorded|reported|confirmed|denied|admitted|accused|charged|sentenced|convicted|deployed|"
    r"imposed|suspended|resigned|fired|appointed|invaded|occupied|evacuated|displaced|"
    r"is|are|was|were|has|have|had)\b",
    re.I,
)
_ATTRIBUTION = re.compile(
    r"\b(said|says|told|according to|reported|reports|stated|claimed|warned|insisted|denied|"
    r"announced|confirmed|reportedly|allegedly)\b",
    re.I,
)
_COMPARATIVE = re.compile(
    r"\b(more|less|fewer|most|least|highest|lowest|largest|biggest|first|only)\b", re.I
)
_OPINION = re.compile(
    r"\b(i think|i believe|i feel|in my (view|opinion)|should|must|ought|hope|wish|great|terrible|"
    r"wonderful|amazing|beautiful|disgrace|shame|love|hate)\b",
    re.I,
)
_FIRST_PERSON = re.compile(r"\b(i|me|my|we|us|our)\b", re.I)
_CHROME = re.compile(
    r"^(click|subscribe|sign up|follow|share|read more|watch|listen|download)\b", re.I
)
_LATIN_NAME = re.compile(r"\b[A-Z][A-Za-z0-9.’'-]+")
_CAPITAL = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*")


def features(text: str, language: str | None = None) -> dict[str, float]:
    """The evidence the score is made of, for display and tuning.

    Figures count in any digit system (``\\d`` is Unicode: ۲۵, २५). For a language with a
    pattern file (``workbench/attribution/lang/``) its attribution cues and factual words
    stand in for the English lists; names there are the Latin-script words a translation
    keeps (BBC, AMs), as Arabic and Devanagari script have no capitals.
    """
    words = text.split()
    stripped = text.strip()
    entities = len(_CAPITAL.findall(stripped[1:])) if stripped else 0
    factual = bool(_FACTUAL.search(text))
    attribution = bool(_ATTRIBUTION.search(text))
    if language and language != "en":
        from workbench.attribution.patterns import patterns_for

        patterns = patterns_for(language)
        if patterns is not None:
            factual = patterns.has_factual_word(text)
            attribution = patterns.has_cue(text)
            entities = len(_LATIN_NAME.findall(text))
    return {
        "number": float(bool(_NUMBER.search(text))),
        "date": float(bool(_DATE.search(text))),
        "entity": float(min(entities, ENTITY_CAP)),
        "factual_verb": float(factual),
        "attribution": float(attribution),
        "comparative": float(bool(_COMPARATIVE.search(text))),
        "question": float(stripped.rstrip("\"”'»").endswith(("?", "؟"))),
        "opinion": float(bool(_OPINION.search(text))),
        "first_person": float(bool(_FIRST_PERSON.search(text))),
        "short": float(len(words) < 6),
        "long": float(len(words) > 60),
        "imperative_or_chrome": float(bool(_CHROME.search(stripped))),
    }


def score(text: str, language: str | None = None) -> float:
    """Check-worthiness in [0, 1], rounded to 3 places."""
    total = WEIGHTS["base"]
    for name, value in features(text, language).items():
        total += WEIGHTS[name] * value
    return round(min(1.0, max(0.0, total)), 3)

"""Cue and descriptor lexicons for attribution extraction.

Kept apart from the parsing rules so the word lists can grow without touching the logic, and
so the extractor does not need spaCy's lemmatizer (disabled for speed): every verb form is
mapped to its lemma here by a small inflection routine.
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    """A lexicon from a whitespace-separated block of words."""
    return frozenset(block.split())


# Verbs of saying, reporting, believing and stance that introduce reported content.
SPEECH_VERBS: frozenset[str] = _words(
    """
    say tell report state add note warn insist deny claim argue assert stress emphasize
    emphasise explain write announce declare confirm reveal acknowledge admit allege
    suggest indicate show find conclude predict estimate testify tweet post reply
    respond answer ask urge caution contend maintain recall reiterate remark observe
    comment point complain concede disclose describe call quote cite mention accuse
    charge criticize criticise blame praise vow promise pledge threaten demand propose
    recommend believe think feel expect hope fear worry say predict signal underscore
    underline highlight counter retort boast joke muse speculate wonder learn hear know
    understand agree disagree dispute reject dismiss question doubt acknowledge inform
    advise brief notify assure forecast project estimate determine conclude announce
    proclaim insist repeat
    """
)

# Verbs that need a clausal complement or quote to count as a cue (too ambiguous alone).
WEAK_VERBS: frozenset[str] = _words(
    """
    think feel expect hope fear worry know understand learn hear find show believe agree
    determine point call question doubt wonder
    """
)

# Verbs whose content is typically a direct object ("X criticized Y", "X endorsed Y").
OBJECT_VERBS: frozenset[str] = _words(
    """
    announce deny criticize criticise praise reject dismiss demand propose recommend
    endorse support oppose condemn blame accuse describe call cite quote reveal confirm
    acknowledge admit dispute question urge
    """
)

# Stance verbs PolNeAR-style corpora also count as attribution cues (content = object).
STANCE_VERBS: frozenset[str] = _words(
    """
    seek want plan hope prefer favor favour back offer promise vow pledge refuse decline
    attack slam blast mock thank defend condemn denounce decry lament tout highlight
    compare dub label portray liken challenge unveil sign express discuss address
    request invite congratulate applaud welcome embrace echo invoke recount remember
    remind reference joke boast shout chant yell retweet email post publish mention name
    nominate accept advocate bemoan lambast deride rebuke rebuff assail knock hail
    credit disavow
    """
)

# Nouns that act as the speaker of "Reports from X indicate …" / "a report by X said …".
REPORT_NOUNS: frozenset[str] = _words(
    """
    report reports statement statements survey surveys poll polls study studies analysis
    document documents memo filing filings data figures records record investigation
    assessment estimate estimates review audit letter footage reporting coverage account
    accounts article story release
    """
)

# Verbs that mean "the report says" when their subject is a report noun.
REPORT_VERBS: frozenset[str] = _words(
    """
    indicate show suggest say reveal find state claim confirm note point add
    """
)

# Adverbs that attribute to an unnamed source while hedging.
HEDGE_ADVERBS: frozenset[str] = _words(
    """
    reportedly allegedly purportedly supposedly apparently ostensibly rumoredly
    """
)

# Passive cues with no agent: "it was reported that", "X is said to".
PASSIVE_HEDGE_VERBS: frozenset[str] = _words(
    """
    report say allege claim believe rumor rumour understand know think expect suspect
    """
)

OUTLET_DESCRIPTORS: tuple[str, ...] = (
    "media outlet",
    "news outlet",
    "outlet",
    "news network",
    "network",
    "newspaper",
    "news agency",
    "agency",
    "broadcaster",
    "channel",
    "tv",
    "television",
    "radio",
    "magazine",
    "daily",
    "tabloid",
    "news site",
    "website",
    "wire service",
    "paper",
)

ORG_DESCRIPTORS: frozenset[str] = _words(
    """
    officials official ministry ministries government department agency spokesman
    spokeswoman spokesperson spokespeople police army military office committee campaign
    delegation side representatives council administration commission authorities
    authority court party company firm embassy bureau senate congress parliament cabinet
    board institute organization organisation group union federation
    """
)

UNNAMED_HEADS: frozenset[str] = _words(
    """
    source sources insider insiders people person analysts analyst experts expert
    observers observer witnesses witness residents critics critic diplomats diplomat
    aides aide someone somebody some others many
    """
)

PERSON_PRONOUNS: frozenset[str] = frozenset(["he", "she", "him", "her", "i", "we"])
GROUP_PRONOUNS: frozenset[str] = frozenset(["they", "them", "it"])
RELATIVE_PRONOUNS: frozenset[str] = frozenset(["who", "which", "that", "whom"])

_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "written", "writing"),
    "find": ("finds", "found", "finding"),
    "think": ("thinks", "thought", "thinking"),
    "feel": ("feels", "felt", "feeling"),
    "know": ("knows", "knew", "known", "knowing"),
    "understand": ("understands", "understood", "understanding"),
    "hear": ("hears", "heard", "hearing"),
    "learn": ("learns", "learned", "learnt", "learning"),
    "show": ("shows", "showed", "shown", "showing"),
    "forecast": ("forecasts", "forecast", "forecasted", "forecasting"),
    "mean": ("means", "meant", "meaning"),
}


def _forms(lemma: str) -> tuple[str, ...]:
    """Regular English inflections of a verb lemma (3sg, past, gerund)."""
    if lemma in _IRREGULAR:
        return (lemma, *_IRREGULAR[lemma])
    if lemma.endswith("e"):
        past, ing = lemma + "d", lemma[:-1] + "ing"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        past, ing = lemma[:-1] + "ied", lemma + "ing"
    else:
        past, ing = lemma + "ed", lemma + "ing"
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        third = lemma + "es"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        third = lemma[:-1] + "ies"
    else:
        third = lemma + "s"
    extra: tuple[str, ...] = ()
    if lemma[-1:] in "tpgnm" and lemma[-2:-1] in "aeiou" and lemma[-3:-2] not in "aeiou":
        extra = (lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing")  # admitted, committing
    return (lemma, third, past, ing, *extra)


def _build_index(*lexicons: frozenset[str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for lex in lexicons:
        for lemma in lex:
            for form in _forms(lemma):
                index.setdefault(form, lemma)
    return index


VERB_LEMMAS: dict[str, str] = _build_index(
    SPEECH_VERBS, OBJECT_VERBS, STANCE_VERBS, REPORT_VERBS, PASSIVE_HEDGE_VERBS
)


def verb_lemma(word: str) -> str | None:
    """Lemma of a cue verb form ("warned" → "warn"), or None when it is not a cue verb."""
    return VERB_LEMMAS.get(word.lower())

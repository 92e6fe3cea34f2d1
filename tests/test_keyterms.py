from __future__ import annotations

import subprocess
import sys

import pytest

from workbench.text.keyterms import extract_key_terms, term_conflict


def values(text: str) -> list[float]:
    return [n.value for n in extract_key_terms(text).numbers]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 killed in blast", [12.0]),
        ("Twelve people died", [12.0]),
        ("twenty-five houses", [25.0]),
        ("five hundred thousand refugees", [500000.0]),
        ("a dozen soldiers", [12.0]),
        ("3,000 troops", [3000.0]),
        ("1.5 million people fled", [1.5e6]),
        ("a $2bn deal", [2e9]),
        ("prices rose 12%", [12.0]),
        ("the third attack", [3.0]),
        ("the 3rd attack", [3.0]),
    ],
)
def test_numbers_are_normalised(text: str, expected: list[float]) -> None:
    assert values(text) == expected


def test_number_kinds_and_ranges() -> None:
    (pct,) = extract_key_terms("inflation hit 12 percent").numbers
    assert pct.kind == "percent"
    (money,) = extract_key_terms("he paid $3,000").numbers
    assert money.kind == "money"
    (least,) = extract_key_terms("at least 12 people").numbers
    assert least.lo == 12 and least.hi == float("inf") and least.approx
    (dozens,) = extract_key_terms("dozens were hurt").numbers
    assert dozens.approx and dozens.lo == 24


def test_dates_are_not_numbers() -> None:
    k = extract_key_terms("The strike on Oct 28, 2025 followed talks on 2025-10-20 in 2024.")
    assert [d.norm for d in k.dates] == ["2025-10-28", "2025-10-20", "2024"]
    assert k.numbers == ()
    k = extract_key_terms("It happened on Monday, 28 October.")
    assert [d.norm for d in k.dates] == ["monday", "XXXX-10-28"]
    assert k.numbers == ()


def test_ambiguous_month_words_need_a_day_or_year() -> None:
    assert extract_key_terms("Officials may march on.").dates == ()
    assert [d.norm for d in extract_key_terms("Elections in May 2024").dates] == ["2024-05"]


def test_entities_drop_sentence_initial_function_words_and_titles() -> None:
    k = extract_key_terms("The North Korea leader met President Joe Biden. Officials said so.")
    assert k.entities == ("north korea", "joe biden")
    assert "us" in extract_key_terms("The U.S. said").entities


def test_negation_markers() -> None:
    assert extract_key_terms("The talks didn't collapse").negations == ("n't",)
    assert extract_key_terms("Officials denied the report").negations == ("denied",)
    assert extract_key_terms("The talks collapsed").negations == ()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("North Korea launched a missile", "South Korea launched a missile"),
        ("12 killed in blast", "5 killed in blast"),
        ("The vote is on Monday", "The vote is on Tuesday"),
        ("Talks resumed on Oct 28", "Talks resumed on Oct 29"),
        ("Russia attacked the port of Odesa", "Ukraine attacked the port of Odesa"),
    ],
)
def test_different_key_facts_are_penalised(a: str, b: str) -> None:
    c = term_conflict(a, b)
    assert c.penalty >= 0.4, c
    assert c.reasons


def test_conflict_fields() -> None:
    c = term_conflict("12 killed in blast", "5 killed in blast")
    assert c.numbers == [("12", "5")]
    c = term_conflict("North Korea launched a missile", "South Korea launched a missile")
    assert c.entities == [("north korea", "south korea")]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("twelve people died in the blast", "12 killed in blast"),
        ("Biden visited Kyiv", "President Joe Biden visited Kyiv on Monday"),
        ("The UN said aid was blocked", "The United Nations said aid was blocked"),
        ("dozens killed in the blast", "36 killed in the blast"),
        ("at least 12 killed", "15 people killed"),
        ("1.5 million people fled", "1,500,000 people fled"),
        ("Talks resumed on Oct 28", "Talks resumed on 2025-10-28"),
        ("12 killed and 30 hurt in blast", "12 killed in blast"),
    ],
)
def test_paraphrases_and_extra_detail_are_not_penalised(a: str, b: str) -> None:
    c = term_conflict(a, b)
    assert c.penalty == 0.0, c


def test_penalty_is_bounded_and_adds_up() -> None:
    c = term_conflict(
        "North Korea fired 12 missiles on Monday", "South Korea did not fire 5 missiles on Friday"
    )
    assert 0.9 < c.penalty <= 1.0
    assert c.negation


def test_does_not_import_spacy() -> None:
    code = "import sys, workbench.text.keyterms; assert 'spacy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_one_stemmer_for_lookup_and_comparison() -> None:
    from workbench.retrieval.lexical import tokenize
    from workbench.text.keyterms import STOPWORDS
    from workbench.text.stem import light_stem, stem

    assert [stem(w) for w in ("killed", "kills", "killing")] == ["kill"] * 3
    assert stem("countries") == stem("country") == "country"
    assert stem("Pakistan’s") == "pakistan" and stem("1990s") == "1990s"
    # BM25 sees exactly the stems that key terms and comparison use.
    words = ["Countries", "killed", "12", "soldiers", "in", "the", "1990s"]
    assert tokenize(" ".join(words)) == [
        light_stem(w.lower()) for w in words if w.lower() not in STOPWORDS
    ]

from __future__ import annotations

from workbench.ingest import checkworthy
from workbench.ingest import readers as ingest
from workbench.ingest.formats import guess_title
from workbench.ingest.segment import merge_quotes, paragraphs, segment


def _seed_claims(seed_text: str):
    text = ingest.normalise_text(seed_text)
    title = guess_title(text)
    return text, title, segment(text, title)


def test_seed_yields_26_to_34_claims_without_noise(seed_text: str) -> None:
    _text, title, claims = _seed_claims(seed_text)
    assert 26 <= len(claims) <= 34
    joined = [c.text for c in claims]
    assert not any("Previous Post" in t for t in joined)
    assert not any("نموذج الاتصال" in t for t in joined)
    assert not any(t.strip() == "His" for t in joined)
    assert sum(t.strip() == title for t in joined) <= 1
    assert title.startswith("Haqqani Warns Pakistan")


def test_offsets_point_into_the_text(seed_text: str) -> None:
    text, _, claims = _seed_claims(seed_text)
    for c in claims:
        assert text[c.start : c.end] == c.text
    assert [c.index for c in claims] == list(range(len(claims)))
    assert claims == sorted(claims, key=lambda c: c.start)


def test_multi_sentence_quote_is_one_claim(seed_text: str) -> None:
    _, _, claims = _seed_claims(seed_text)
    quote = [c for c in claims if c.text.startswith("“Though we do not possess")]
    assert len(quote) == 1
    assert quote[0].text.endswith("he stated firmly.")


def test_merge_quotes_joins_open_quotation() -> None:
    text = "“We will not yield. We will fight on,” she said. The vote is on Monday."
    spans = [(0, 19), (20, 48), (49, 71)]
    assert merge_quotes(text, spans) == [(0, 48), (49, 71)]


def test_truncated_tail_and_labels_are_dropped() -> None:
    text = (
        "Officials said 12 people were killed in the blast on Monday. The army sealed the area and his\n\n"
        "Share this article\n\nRead more\n\nThe minister resigned on Tuesday after the report."
    )
    got = [c.text for c in segment(text)]
    assert got == [
        "Officials said 12 people were killed in the blast on Monday.",
        "The minister resigned on Tuesday after the report.",
    ]


def test_quote_closed_after_a_comma_is_a_sentence() -> None:
    # Translations move the speaker before the quote and keep its comma: '… گفت "…،"'.
    text = (
        'The senator said on Monday "this has become a muddled mess for the party,"\n\n'
        'میشل ستیلی در اوایل هفته گذشته گفت "این برای حزب بهم ریختگی بزرگی ایجاد کرده است،"\n\n'
        "Breaking news, more to come,"
    )
    got = [c.text for c in segment(text)]
    assert len(got) == 2 and got[0].startswith("The senator") and got[1].endswith('،"')


def test_paragraph_numbers_and_wrapped_lines() -> None:
    text = "First line of a wrapped\nparagraph continues here.\nSecond paragraph is here.\n\nThird one."
    blocks = paragraphs(text)
    assert [text[b.start : b.end] for b in blocks] == [
        "First line of a wrapped\nparagraph continues here.",
        "Second paragraph is here.",
        "Third one.",
    ]


def test_checkworthiness_prefers_checkable_facts() -> None:
    fact = "Officials said 12 soldiers were killed in Kandahar on Monday."
    opinion = "I think this is a wonderful idea?"
    assert checkworthy.score(fact) > 0.6 > checkworthy.score(opinion)
    assert 0.0 <= checkworthy.score("") <= 1.0

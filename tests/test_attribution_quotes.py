"""Quotations: direct quotes and their cues, quote marks (doubled, mixed, misused), continuation
quotes, dash signatures, speaker labels and transcript speakers."""

from __future__ import annotations

import pytest

from tests.attribution_support import by_cue, content, cue, dash_signed, find, quoted, source


def test_direct_quote_cue_after(outlet_attributor):
    text = "“The economy is growing faster than expected,” Maria Lopez said."
    a = by_cue(outlet_attributor.extract(text), "said")
    assert a.kind == "direct_quote"
    assert a.source == "Maria Lopez" and a.source_type == "person"
    assert content(text, a).startswith("“The economy")
    assert text[a.cue_start : a.cue_end] == "said"
    assert text[a.source_start : a.source_end] == "Maria Lopez"


def test_direct_quote_cue_before_and_multi_sentence(outlet_attributor):
    text = "John Carter said: “We will build the bridge. It will open next year.”"
    a = by_cue(outlet_attributor.extract(text), "said")
    assert a.source == "John Carter"
    assert content(text, a) == "“We will build the bridge. It will open next year.”"


def test_continuation_quote_goes_to_last_speaker(outlet_attributor):
    text = (
        "“We do not want a war,” Ahmed Karimi said. "
        "“But anyone who attacks us will regret it for a very long time.”"
    )
    atts = outlet_attributor.extract(text)
    cont = [a for a in atts if a.kind == "quote_continuation"]
    assert len(cont) == 1
    assert cont[0].source == "Ahmed Karimi"
    assert content(text, cont[0]).startswith("“But anyone")


def test_quote_split_into_its_own_sentence(rule_attributor):
    text = "“How long must we wait for this?” Ann Lee said."
    a = find(rule_attributor.extract(text), "said")
    assert a.kind == "direct_quote"
    assert content(text, a) == "“How long must we wait for this?”"


def test_one_word_speaker_label_line(rule_attributor):
    text = "The show aired late.\n\nMatthews: Well, speculation is bad for everyone here.\n"
    a = find(rule_attributor.extract(text), ":")
    assert a.source_text == "Matthews"
    assert content(text, a) == "Well, speculation is bad for everyone here"


def test_reporting_noun_headline_label(rule_attributor):
    text = "Report: Half of the minister's meetings were with donors.\n\nThe report came out."
    a = find(rule_attributor.extract(text), ":")
    assert a.source_text == "Report"
    assert content(text, a) == "Half of the minister's meetings were with donors"


def test_one_word_field_label_is_not_a_speaker(rule_attributor):
    for text in ("Twitter: @someone.\n", "Q: How did things go for you today?\n"):
        assert not [a for a in rule_attributor.extract(text) if a.cue == ":"], text


def test_quote_signed_with_adash_signed(rule_attributor):
    text = "“We will not back down,” ― Ahmad Shah\n“The talks must go on.” ― Mina Khan."
    atts = dash_signed(rule_attributor.extract(text))
    assert [source(text, a) for a in atts] == ["Ahmad Shah", "Mina Khan"]
    assert [content(text, a) for a in atts] == [
        "“We will not back down,”",
        "“The talks must go on.”",
    ]
    assert cue(text, atts[0]) == "―"


def test_dash_line_signs_the_quote_above(rule_attributor):
    text = (
        "The talks resumed.\n\n"
        '"The border will stay closed until the talks end."\n\n'
        "- Zabihullah Mujahid.\n\nTrade has not resumed."
    )
    (a,) = dash_signed(rule_attributor.extract(text))
    assert source(text, a) == "Zabihullah Mujahid"
    assert content(text, a) == '"The border will stay closed until the talks end."'


def test_dash_without_a_quote_is_not_a_signature(rule_attributor):
    text = "The convoy left Kabul on Monday — Ahmad Shah.\n- Reuters reports on the talks."
    assert not dash_signed(rule_attributor.extract(text))


def test_all_caps_transcript_speakers(rule_attributor):
    text = (
        "Partial transcript as follows:\n\n"
        "TAPPER: Will the border crossing reopen this week?\n\n"
        "FALLIN: Well, I think the talks need more time.\n\n"
        '"KATE BOLDEN: Why not meet in Doha?\n\n'
        "TAPPER: Thank you."
    )
    atts = [a for a in rule_attributor.extract(text) if a.cue == ":"]
    assert [source(text, a) for a in atts] == ["TAPPER", "FALLIN", "KATE BOLDEN", "TAPPER"]
    assert content(text, atts[1]) == "Well, I think the talks need more time"


def test_lone_all_caps_kicker_is_not_a_speaker(rule_attributor):
    text = "UPDATE: The border crossing at Torkham reopened on Tuesday after talks."
    assert not [a for a in rule_attributor.extract(text) if a.cue == ":"]


def test_question_and_answer_letters_are_not_transcript_speakers(rule_attributor):
    text = "Q: Will it reopen?\n\nA: Not this week, I think.\n\nQ: Why?\n\nA: The talks stalled."
    assert not [a for a in rule_attributor.extract(text) if a.cue == ":"]


def test_colon_at_paragraph_end_introduces_the_next_quote(rule_attributor):
    text = "In a speech in Kabul, he declared:\n\n“The border will not be closed again.”"
    a = next(x for x in rule_attributor.extract(text) if "declared" in x.cue)
    assert content(text, a) == "“The border will not be closed again.”"


def test_doubled_apostrophe_quotes():
    text = "''It is over,'' she said. ''We won.''"
    assert quoted(text) == ["''It is over,''", "''We won.''"]


def test_mixed_and_misused_quote_marks_pair_by_context():
    assert quoted('“We disagree," said Ann Lee. "The plan fails."') == [
        '“We disagree,"',
        '"The plan fails."',
    ]
    assert quoted("“It is odd,“ said Bo Day. “Very odd.”") == ["“It is odd,“", "“Very odd.”"]


def test_doubled_apostrophe_quote_is_content(rule_attributor):
    text = "''The deal is dead,'' said Ann Lee, a spokeswoman for the mayor."
    a = find(rule_attributor.extract(text), "said")
    assert content(text, a) == "''The deal is dead,''"
    assert a.kind == "direct_quote"


@pytest.mark.parametrize(
    "text, word, speaker",
    [
        (
            "“It is his race to lose at this point,” added another New Hampshire Democrat.",
            "added",
            "another New Hampshire Democrat",
        ),
        (
            "“How big is that wall?” asked the boy, who was wearing a red hat.",
            "asked",
            "the boy, who was wearing a red hat",
        ),
    ],
)
def test_inverted_speaker_after_closing_quote(rule_attributor, text, word, speaker):
    a = find(rule_attributor.extract(text), word)
    assert a.source_text == speaker

"""More cue constructions: dash signatures, transcript speakers, passive questions, nominal
and long-tail verb frames."""

from __future__ import annotations

import pytest

from tests.attribution_support import content, cue, source


@pytest.fixture()
def att(rule_attributor):
    return rule_attributor


def _dash(atts):
    return [a for a in atts if a.cue in ("―", "—", "–", "-", "--")]


def test_quote_signed_with_a_dash(att):
    text = "“We will not back down,” ― Ahmad Shah\n“The talks must go on.” ― Mina Khan."
    atts = _dash(att.extract(text))
    assert [source(text, a) for a in atts] == ["Ahmad Shah", "Mina Khan"]
    assert [content(text, a) for a in atts] == [
        "“We will not back down,”",
        "“The talks must go on.”",
    ]
    assert cue(text, atts[0]) == "―"


def test_dash_line_signs_the_quote_above(att):
    text = (
        "The talks resumed.\n\n"
        '"The border will stay closed until the talks end."\n\n'
        "- Zabihullah Mujahid.\n\nTrade has not resumed."
    )
    (a,) = _dash(att.extract(text))
    assert source(text, a) == "Zabihullah Mujahid"
    assert content(text, a) == '"The border will stay closed until the talks end."'


def test_dash_without_a_quote_is_not_a_signature(att):
    text = "The convoy left Kabul on Monday — Ahmad Shah.\n- Reuters reports on the talks."
    assert not _dash(att.extract(text))


def test_all_caps_transcript_speakers(att):
    text = (
        "Partial transcript as follows:\n\n"
        "TAPPER: Will the border crossing reopen this week?\n\n"
        "FALLIN: Well, I think the talks need more time.\n\n"
        '"KATE BOLDEN: Why not meet in Doha?\n\n'
        "TAPPER: Thank you."
    )
    atts = [a for a in att.extract(text) if a.cue == ":"]
    assert [source(text, a) for a in atts] == ["TAPPER", "FALLIN", "KATE BOLDEN", "TAPPER"]
    assert content(text, atts[1]) == "Well, I think the talks need more time"


def test_lone_all_caps_kicker_is_not_a_speaker(att):
    text = "UPDATE: The border crossing at Torkham reopened on Tuesday after talks."
    assert not [a for a in att.extract(text) if a.cue == ":"]


def test_question_and_answer_letters_are_not_transcript_speakers(att):
    text = "Q: Will it reopen?\n\nA: Not this week, I think.\n\nQ: Why?\n\nA: The talks stalled."
    assert not [a for a in att.extract(text) if a.cue == ":"]


def test_was_asked_about_has_no_source(att):
    text = "Mujahid was asked about the border closure during the news conference."
    a = next(x for x in att.extract(text) if "asked" in x.cue)
    assert cue(text, a) == "was asked about"
    assert content(text, a) == "the border closure during the news conference"
    assert a.source_start is None


def test_was_asked_whether(att):
    text = "The minister was asked whether the talks would resume in Doha."
    a = next(x for x in att.extract(text) if "asked" in x.cue)
    assert content(text, a) == "whether the talks would resume in Doha"


def test_is_seen_as(att):
    text = "The ceasefire is widely seen as a test for the new government."
    a = next(x for x in att.extract(text) if "seen" in x.cue)
    assert content(text, a).startswith("The ceasefire")
    assert content(text, a).endswith("a test for the new government")
    assert a.source_start is None


def test_passive_with_a_plain_verb_is_no_cue(att):
    text = "The convoy was stopped at the border crossing near Torkham."
    assert not att.extract(text)


def test_gerund_modifying_a_noun_is_a_cue_without_source(att):
    text = "The ministry issued a statement saying the crossing would reopen on Monday."
    a = next(x for x in att.extract(text) if "saying" in x.cue)
    assert content(text, a) == "the crossing would reopen on Monday"
    assert a.source_start is None


def test_speaker_after_an_apposition_the_parser_drops(att):
    text = (
        "In a statement to Tolo News, her senior policy adviser, Jake Sullivan, said: "
        "“The talks will resume next week in Doha.”"
    )
    a = next(x for x in att.extract(text) if "said" in x.cue)
    assert "Sullivan" in source(text, a) or "adviser" in source(text, a)
    assert content(text, a) == "“The talks will resume next week in Doha.”"


def test_spoke_about_is_a_cue_spoke_to_is_not(att):
    text = "Ahmad Shah spoke about the refugee crisis at length."
    a = next(x for x in att.extract(text) if "spoke" in x.cue)
    assert cue(text, a) == "spoke about"
    assert content(text, a) == "the refugee crisis"
    assert source(text, a) == "Ahmad Shah"
    assert not att.extract("Ahmad Shah spoke to the crowd in Jalalabad.")


def test_condemned_and_cast_doubt(att):
    text = "The foreign ministry condemned the attack on the border post."
    a = next(x for x in att.extract(text) if "condemned" in x.cue)
    assert content(text, a) == "the attack on the border post"
    text = "Mina Khan cast doubt on the ceasefire."
    a = next(x for x in att.extract(text) if "cast" in x.cue)
    assert source(text, a) == "Mina Khan"


def test_colon_at_paragraph_end_introduces_the_next_quote(att):
    text = "In a speech in Kabul, he declared:\n\n“The border will not be closed again.”"
    a = next(x for x in att.extract(text) if "declared" in x.cue)
    assert content(text, a) == "“The border will not be closed again.”"


def test_passive_with_agent_takes_the_clause_as_content(att):
    text = "The deal was criticized by Mina Khan for ignoring the refugees."
    a = next(x for x in att.extract(text) if "criticized" in x.cue)
    assert source(text, a) == "Mina Khan"
    assert content(text, a).startswith("The deal")
    assert content(text, a).endswith("for ignoring the refugees")


def test_likely_to_say_takes_the_subject_of_the_adjective(att):
    text = "Rural voters were more likely to say that the talks had failed."
    a = next(x for x in att.extract(text) if "say" in x.cue)
    assert source(text, a) == "Rural voters"
    assert content(text, a) == "that the talks had failed"


def test_nominal_cue_with_that_clause(att):
    text = "Mina Khan repeated her claim that the refugees were forced back across the border."
    a = next(x for x in att.extract(text) if x.cue == "claim")
    assert source(text, a) == "her"
    assert "the refugees were forced back across the border" in content(text, a)


def test_noun_without_clause_is_no_cue(att):
    text = "The claim was filed in a Peshawar court on Monday."
    assert not [a for a in att.extract(text) if a.cue == "claim"]

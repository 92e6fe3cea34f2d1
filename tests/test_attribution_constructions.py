"""Constructions added with the learned frame lexicon, and the selective parser."""

from __future__ import annotations

import pytest

from tests.attribution_support import content, cue, find
from workbench.attribution import Attributor
from workbench.attribution.fastparse import chunks


@pytest.fixture()
def att(rule_attributor):
    return rule_attributor


def test_prep_frame_cue_includes_preposition(att):
    text = "Senator Ann Ruiz called for an independent inquiry into the deal."
    a = find(att.extract(text), "called")
    assert cue(text, a) == "called for"
    assert content(text, a) == "an independent inquiry into the deal"
    assert a.source == "Ann Ruiz"


def test_said_in_a_statement_is_one_cue(att):
    text = "The ministry said in a statement that the border would reopen."
    a = find(att.extract(text), "said")
    assert cue(text, a) == "said in a statement"
    assert content(text, a) == "that the border would reopen"


def test_xcomp_frame(att):
    text = "Maria Lopez urged lawmakers to reject the bill."
    a = find(att.extract(text), "urged")
    assert content(text, a) == "lawmakers to reject the bill"
    assert a.source == "Maria Lopez"


def test_dobj_frame_stance_verb(att):
    text = "Tom Bright praised the new budget."
    a = find(att.extract(text), "praised")
    assert content(text, a) == "the new budget"


def test_verb_outside_its_frames_is_no_cue(att):
    for text, verb in (
        ("Maria Lopez found a coin on the beach.", "found"),
        ("The company supported local schools.", "supported"),
    ):
        assert not [a for a in att.extract(text) if verb in a.cue]


def test_parenthetical_said_before_its_host(att):
    text = "The museum, Mr. Obama said, would make visitors face hard truths."
    a = find(att.extract(text), "said")
    assert "Obama" in a.source
    assert "would make visitors" in content(text, a)


def test_quote_split_into_its_own_sentence(att):
    text = "“How long must we wait for this?” Ann Lee said."
    a = find(att.extract(text), "said")
    assert a.kind == "direct_quote"
    assert content(text, a) == "“How long must we wait for this?”"


def test_title_case_headline_source_stops_at_verb(att):
    text = "Haqqani Warns Pakistan, Says Any Attack Will Be A Big Mistake\n\nRain fell."
    atts = att.extract(text)
    assert atts and all("Warns" not in a.source_text for a in atts)
    assert find(atts, "Says").source_text == "Haqqani"


def test_chunks_cover_text_and_flag_candidates():
    text = "Rain fell on Sept. 28 in Kabul. Sen. Jo Park said it was cold.\n\nSnow came."
    parts = chunks(text)
    assert "".join(text[s:e] for s, e, _ in parts) == text
    flags = {text[s:e].strip(): c for s, e, c in parts}
    assert flags == {
        "Rain fell on Sept. 28 in Kabul.": False,
        "Sen. Jo Park said it was cold.": True,
        "Snow came.": False,
    }


def test_selective_parse_keeps_offsets_and_earlier_names(att):
    text = (
        "Defense Secretary Lloyd Austin visited the base on Monday. "
        "The weather was cold. He said that the troops would stay."
    )
    a = find(att.extract(text), "said")
    assert text[a.source_start : a.source_end] == "He"
    assert a.source == "Lloyd Austin"
    assert content(text, a) == "that the troops would stay"
    full = Attributor(nlp=att.nlp, use_default_matcher=False, selective=False).extract(text)
    assert [(x.cue_start, x.content_start, x.content_end) for x in full] == [
        (x.cue_start, x.content_start, x.content_end) for x in att.extract(text)
    ]


def test_one_word_speaker_label_line(att):
    text = "The show aired late.\n\nMatthews: Well, speculation is bad for everyone here.\n"
    a = find(att.extract(text), ":")
    assert a.source_text == "Matthews"
    assert content(text, a) == "Well, speculation is bad for everyone here"


def test_reporting_noun_headline_label(att):
    text = "Report: Half of the minister's meetings were with donors.\n\nThe report came out."
    a = find(att.extract(text), ":")
    assert a.source_text == "Report"
    assert content(text, a) == "Half of the minister's meetings were with donors"


def test_one_word_field_label_is_not_a_speaker(att):
    for text in ("Twitter: @someone.\n", "Q: How did things go for you today?\n"):
        assert not [a for a in att.extract(text) if a.cue == ":"], text


def test_call_x_y_with_object_folded_into_predicate(att):
    text = "Hillary Clinton called the Republican frontrunner “ISIS’ best recruiter.”"
    a = find(att.extract(text), "called")
    assert a.kind == "described_as"
    assert a.source_text == "Hillary Clinton"
    assert content(text, a).startswith("the Republican frontrunner")


def test_gerund_cue_after_by_inherits_the_subject(att):
    text = "Sanders has risen in the polls by saying that the system is rigged."
    a = find(att.extract(text), "saying")
    assert a.source_text == "Sanders"
    assert content(text, a) == "that the system is rigged"

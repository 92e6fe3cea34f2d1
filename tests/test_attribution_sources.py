"""Sources: who a found cue is attributed to: subjects, pronouns and descriptions, appositions,
headline names, raising verbs, expletives, implicit and outer speakers, nested reports."""

from __future__ import annotations

import pytest

from tests.attribution_support import by_cue, content, find, source
from workbench.attribution import Attributor


def test_pronoun_and_description_resolution(outlet_attributor):
    text = (
        "Brazil's Finance Minister Carlos Mendes spoke on Monday. "
        "Mendes said that taxes would rise. "
        "He added that spending would fall. "
        "The finance minister also said that the deficit would shrink."
    )
    atts = outlet_attributor.extract(text)
    said = by_cue(atts, "said")
    assert said.source == "Carlos Mendes" and said.role == "Finance Minister"
    assert by_cue(atts, "added").source == "Carlos Mendes"
    last = [a for a in atts if "also said" in a.cue or a.cue == "said"][-1]
    assert last.source == "Carlos Mendes"


def test_title_case_headline_source_stops_at_verb(rule_attributor):
    text = "Haqqani Warns Pakistan, Says Any Attack Will Be A Big Mistake\n\nRain fell."
    atts = rule_attributor.extract(text)
    assert atts and all("Warns" not in a.source_text for a in atts)
    assert find(atts, "Says").source_text == "Haqqani"


def test_speaker_after_an_apposition_the_parser_drops(rule_attributor):
    text = (
        "In a statement to Tolo News, her senior policy adviser, Jake Sullivan, said: "
        "“The talks will resume next week in Doha.”"
    )
    a = next(x for x in rule_attributor.extract(text) if "said" in x.cue)
    assert "Sullivan" in source(text, a) or "adviser" in source(text, a)
    assert content(text, a) == "“The talks will resume next week in Doha.”"


def test_source_keeps_comma_closing_an_apposition(rule_attributor):
    text = "Ann Lee, a spokeswoman for the city, said the plan had failed."
    a = find(rule_attributor.extract(text), "said")
    assert source(text, a) == "Ann Lee, a spokeswoman for the city,"
    plain = "Ann Lee said the plan had failed."
    assert source(plain, find(rule_attributor.extract(plain), "said")) == "Ann Lee"


def test_title_case_headline_is_not_a_name_source(rule_attributor: Attributor) -> None:
    text = (
        "Minister Warns Rivals, Says Any Attack On The Border Will Be A Big Mistake\n\n"
        "Pakistan has made the issue a precondition for any agreement, demanding that Kabul act."
    )
    for a in rule_attributor.extract(text):
        assert "Warns" not in a.source, a


@pytest.mark.parametrize(
    "text, word",
    [
        ("The governor seems to be unwilling to sign the budget bill.", "seems"),
        ("The new plan appeared to ignore the concerns of rural voters.", "appeared"),
    ],
)
def test_raising_verb_has_no_source(rule_attributor, text, word):
    a = find(rule_attributor.extract(text), word)
    assert a.source_start is None and a.source_type == "unnamed"
    assert a.hedged and a.kind == "hedged"


def test_speech_verb_keeps_its_subject(rule_attributor):
    text = "The governor said she was unwilling to sign the budget bill."
    a = find(rule_attributor.extract(text), "said")
    assert a.source_text == "The governor"


@pytest.mark.parametrize(
    "text, word",
    [
        (
            "Ann Ruiz said on Monday that she will try to form a government and insisted that "
            "her party was still strong.",
            "insisted",
        ),
        (
            "The mayor said he would order a review of the budget and warned against new taxes.",
            "warned",
        ),
        (
            "Mayor Tom Bright said the new stadium would cost too much, adding that voters "
            "had rejected it twice.",
            "adding",
        ),
    ],
)
def test_cue_hung_on_reported_clause_belongs_to_outer_speaker(rule_attributor, text, word):
    atts = rule_attributor.extract(text)
    outer = find(atts, "said")
    inner = find(atts, word)
    assert inner.source_text == outer.source_text
    assert (inner.source_start, inner.source_end) == (outer.source_start, outer.source_end)


def test_object_of_lead_is_the_speaker_of_its_infinitive(rule_attributor):
    text = "The surprise defeat led many Republicans to say that the party needed a new leader."
    a = find(rule_attributor.extract(text), "say")
    assert a.source_text == "many Republicans"


@pytest.mark.parametrize(
    "text, word, speaker",
    [
        ("The senator was quick to add that the wall would be built.", "add", "The senator"),
        ("Mr. Ruiz is likely to argue that rates must rise.", "argue", "Mr. Ruiz"),
        (
            "Senator Ann Ruiz erred in saying that the figure came from the State Department.",
            "saying",
            "Senator Ann Ruiz",
        ),
    ],
)
def test_subjectless_cue_under_adjective_or_preposition(rule_attributor, text, word, speaker):
    a = find(rule_attributor.extract(text), word)
    assert a.source_text == speaker


def test_expletive_it_is_not_a_speaker(rule_attributor):
    text = "It is too early to say whether the plan will work."
    assert not [a for a in rule_attributor.extract(text) if a.source_text.lower() == "it"]


@pytest.mark.parametrize(
    "text, word",
    [
        ("Senator Ann Ruiz said the governor wants to raise taxes next year.", "want"),
        ("Ann Ruiz argued that voters believe the plan will fail.", "believe"),
    ],
)
def test_stance_inside_a_report_is_the_reporters_claim(rule_attributor, text, word):
    atts = rule_attributor.extract(text)
    assert not [a for a in atts if word in a.cue]
    assert len(atts) == 1


def test_report_inside_a_report_stays_nested(rule_attributor):
    text = "The mayor said the police chief had said that crime was falling."
    atts = rule_attributor.extract(text)
    inner = [a for a in atts if a.source_text == "the police chief"]
    assert inner and inner[0].parent is not None

"""Source spans of attributions whose cue is found: raising verbs, implicit subjects …"""

from __future__ import annotations

import pytest

from tests.attribution_support import find


@pytest.fixture()
def att(rule_attributor):
    return rule_attributor


@pytest.mark.parametrize(
    "text, word",
    [
        ("The governor seems to be unwilling to sign the budget bill.", "seems"),
        ("The new plan appeared to ignore the concerns of rural voters.", "appeared"),
    ],
)
def test_raising_verb_has_no_source(att, text, word):
    a = find(att.extract(text), word)
    assert a.source_start is None and a.source_type == "unnamed"
    assert a.hedged and a.kind == "hedged"


def test_speech_verb_keeps_its_subject(att):
    text = "The governor said she was unwilling to sign the budget bill."
    a = find(att.extract(text), "said")
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
def test_cue_hung_on_reported_clause_belongs_to_outer_speaker(att, text, word):
    atts = att.extract(text)
    outer = find(atts, "said")
    inner = find(atts, word)
    assert inner.source_text == outer.source_text
    assert (inner.source_start, inner.source_end) == (outer.source_start, outer.source_end)


def test_object_of_lead_is_the_speaker_of_its_infinitive(att):
    text = "The surprise defeat led many Republicans to say that the party needed a new leader."
    a = find(att.extract(text), "say")
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
def test_subjectless_cue_under_adjective_or_preposition(att, text, word, speaker):
    a = find(att.extract(text), word)
    assert a.source_text == speaker


def test_expletive_it_is_not_a_speaker(att):
    text = "It is too early to say whether the plan will work."
    assert not [a for a in att.extract(text) if a.source_text.lower() == "it"]


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
def test_inverted_speaker_after_closing_quote(att, text, word, speaker):
    a = find(att.extract(text), word)
    assert a.source_text == speaker


@pytest.mark.parametrize(
    "text, word",
    [
        ("Senator Ann Ruiz said the governor wants to raise taxes next year.", "want"),
        ("Ann Ruiz argued that voters believe the plan will fail.", "believe"),
    ],
)
def test_stance_inside_a_report_is_the_reporters_claim(att, text, word):
    atts = att.extract(text)
    assert not [a for a in atts if word in a.cue]
    assert len(atts) == 1


def test_report_inside_a_report_stays_nested(att):
    text = "The mayor said the police chief had said that crime was falling."
    atts = att.extract(text)
    inner = [a for a in atts if a.source_text == "the police chief"]
    assert inner and inner[0].parent is not None

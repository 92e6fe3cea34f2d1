"""Issue 17's three general attribution rules, on new sentences of the seed's shapes:
a writer's participle is no speech act, an abstract event noun is no source, and a person role
with an anonymity phrase is an unnamed person source."""

from __future__ import annotations

import pytest

from tests.attribution_support import by_cue


@pytest.mark.parametrize(
    "text",
    [
        "The ministry announced new tariffs on Tuesday after Finance Minister Laura Petrov "
        "met exporters in Sofia, highlighting the government's concern about the deficit.",
        "Chancellor Erik Lund signed the climate bill on Friday, signalling Berlin's "
        "commitment to the 2030 targets.",
        "Two days earlier Governor Maria Santos had delivered a blunt message to the "
        "unions, underlining the state's determination to cut spending.",
    ],
)
def test_writer_participle_is_not_a_speech_act(rule_attributor, text):
    atts = rule_attributor.extract(text)
    participles = ("highlighting", "signalling", "underlining")
    assert not [a for a in atts if any(p in a.cue for p in participles)], atts


def test_speech_participles_keep_their_speaker(rule_attributor):
    text = "Senator Ruth Adams criticised the plan on Monday, adding that it would cost jobs."
    assert by_cue(rule_attributor.extract(text), "adding").source == "Ruth Adams"
    text = "The coach praised the team, suggesting the title was within reach."
    assert any("suggesting" in a.cue for a in rule_attributor.extract(text))


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "The failure of the ceasefire has prompted Ukraine to issue a formal protest, "
            "according to diplomats.",
            "Ukraine",
        ),
        (
            "The breakdown of the negotiations forced the union to announce that the strike "
            "would continue.",
            "union",
        ),
    ],
)
def test_event_noun_is_not_the_source_its_object_speaks(rule_attributor, text, speaker):
    atts = rule_attributor.extract(text)
    for a in atts:
        assert not a.source_text.lower().startswith(("the failure", "the breakdown")), a
    assert any(speaker in a.source_text for a in atts), atts


def test_event_noun_is_not_inherited_by_a_later_cue(rule_attributor):
    text = (
        "The collapse of the coalition came on Sunday night, warning of early elections "
        "within months."
    )
    atts = rule_attributor.extract(text)
    assert not [a for a in atts if "collapse" in a.source_text.lower()], atts


@pytest.mark.parametrize(
    "text",
    [
        "The airport remained open, an Indian aviation official, speaking on condition of "
        "anonymity, told reporters.",
        "A Turkish ministry official, who asked not to be named, said the talks had stalled.",
        "An Egyptian security official said, on condition of anonymity, that two soldiers "
        "were wounded.",
    ],
)
def test_anonymous_person_role_is_an_unnamed_person(rule_attributor, text):
    atts = rule_attributor.extract(text)
    main = [a for a in atts if a.cue in ("told", "said")]
    assert main, atts
    assert main[-1].source_type == "unnamed", main[-1]
    assert main[-1].role and "official" in main[-1].role


def test_named_role_without_anonymity_is_unchanged(rule_attributor):
    text = "The Turkish foreign ministry said the talks had stalled."
    said = by_cue(rule_attributor.extract(text), "said")
    assert said.source_type == "organization"

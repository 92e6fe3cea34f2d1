"""Constructions and conventions added in the third round (error analysis on PolNeAR train)."""

from __future__ import annotations

import pytest

from tests.attribution_support import content, find, source
from workbench.attribution import Attributor
from workbench.attribution.quotes import find_quotes


@pytest.fixture()
def att(rule_attributor):
    return rule_attributor


def quoted(text: str) -> list[str]:
    return [text[s:e] for s, e in find_quotes(text)]


def test_doubled_apostrophe_quotes():
    text = "''It is over,'' she said. ''We won.''"
    assert quoted(text) == ["''It is over,''", "''We won.''"]


def test_mixed_and_misused_quote_marks_pair_by_context():
    assert quoted('“We disagree," said Ann Lee. "The plan fails."') == [
        '“We disagree,"',
        '"The plan fails."',
    ]
    assert quoted("“It is odd,“ said Bo Day. “Very odd.”") == ["“It is odd,“", "“Very odd.”"]


def test_doubled_apostrophe_quote_is_content(att):
    text = "''The deal is dead,'' said Ann Lee, a spokeswoman for the mayor."
    a = find(att.extract(text), "said")
    assert content(text, a) == "''The deal is dead,''"
    assert a.kind == "direct_quote"


def test_infinitive_under_a_cue_verb_is_not_a_second_cue(att):
    text = "The agency declined to comment on the report about the merger."
    cues = [a.cue for a in att.extract(text)]
    assert "to comment" not in cues


def test_source_keeps_comma_closing_an_apposition(att):
    text = "Ann Lee, a spokeswoman for the city, said the plan had failed."
    a = find(att.extract(text), "said")
    assert source(text, a) == "Ann Lee, a spokeswoman for the city,"
    plain = "Ann Lee said the plan had failed."
    assert source(plain, find(att.extract(plain), "said")) == "Ann Lee"


def test_belief_verb_with_subject_and_clause_is_a_cue(att):
    text = "The governor believes the budget will pass next week."
    a = find(att.extract(text), "believes")
    assert content(text, a) == "the budget will pass next week"


def test_stance_verb_with_subject_and_object_is_a_cue(att):
    text = "Senator Ann Ruiz backs the new highway bill."
    a = find(att.extract(text), "backs")
    assert source(text, a) == "Senator Ann Ruiz"


def test_as_x_reported_takes_the_host_clause(att):
    text = "As The Daily Ledger reported, the mayor will resign in May."
    a = find(att.extract(text), "reported")
    assert source(text, a) == "The Daily Ledger"
    assert content(text, a) == "the mayor will resign in May"
    text = "As reported by The Daily Ledger, the mayor will resign in May."
    a = find(att.extract(text), "reported")
    assert source(text, a) == "The Daily Ledger"


def test_title_case_headline_is_not_a_name_source(att: Attributor) -> None:
    text = (
        "Minister Warns Rivals, Says Any Attack On The Border Will Be A Big Mistake\n\n"
        "Pakistan has made the issue a precondition for any agreement, demanding that Kabul act."
    )
    for a in att.extract(text):
        assert "Warns" not in a.source, a

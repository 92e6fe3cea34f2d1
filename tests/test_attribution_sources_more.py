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

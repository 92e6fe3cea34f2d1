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

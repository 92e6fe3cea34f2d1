"""Cues: speech, belief and stance verbs in their frames (that-clause, xcomp, object, preposition),
passives and hedges, report nouns, 'according to', 'described as', and words that are no cue."""

from __future__ import annotations

from tests.attribution_support import by_cue, content, cue, find, source


def test_indirect_speech_verbs(outlet_attributor):
    for verb in ("said", "warned", "insisted", "denied"):
        text = f"Senator Paul Greene {verb} that the budget would be cut."
        a = by_cue(outlet_attributor.extract(text), verb)
        assert a.kind == "indirect"
        assert a.source == "Paul Greene"
        assert content(text, a) == "that the budget would be cut"


def test_according_to(outlet_attributor):
    text = "According to the Associated Press, the talks collapsed on Friday."
    a = by_cue(outlet_attributor.extract(text), "According to")
    assert a.kind == "according_to"
    assert a.source == "AP" and a.source_type == "outlet"
    assert content(text, a) == "the talks collapsed on Friday"
    assert text[a.cue_start : a.cue_end] == "According to"


def test_nominal_report_and_reported(outlet_attributor):
    text = "A report by the Health Ministry indicates that infections fell sharply."
    a = by_cue(outlet_attributor.extract(text), "indicates")
    assert a.kind == "nominal_report"
    assert a.source_type == "organization"
    assert "Health Ministry" in a.source
    text2 = "NDTV reported that the border was closed."
    b = by_cue(outlet_attributor.extract(text2), "reported")
    assert b.kind == "nominal_report" and b.source == "NDTV" and b.source_type == "outlet"


def test_passive_and_hedged(outlet_attributor):
    text = "It was reported that the dam had failed. The mayor allegedly took bribes."
    atts = outlet_attributor.extract(text)
    rep = by_cue(atts, "reported")
    assert rep.source_type == "unnamed" and rep.hedged and rep.source == ""
    assert content(text, rep) == "that the dam had failed"
    alleg = by_cue(atts, "allegedly")
    assert alleg.kind == "hedged" and alleg.hedged and alleg.source_type == "unnamed"


def test_told_and_described_as(outlet_attributor):
    text = "Laura Chen told reporters that the plan was dead."
    a = by_cue(outlet_attributor.extract(text), "told")
    assert a.kind == "told" and a.source == "Laura Chen"
    assert content(text, a) == "that the plan was dead"
    text2 = "Laura Chen described the proposal as “reckless and dangerous”."
    b = by_cue(outlet_attributor.extract(text2), "described")
    assert b.kind == "described_as"
    assert "reckless and dangerous" in content(text2, b)


def test_prep_frame_cue_includes_preposition(rule_attributor):
    text = "Senator Ann Ruiz called for an independent inquiry into the deal."
    a = find(rule_attributor.extract(text), "called")
    assert cue(text, a) == "called for"
    assert content(text, a) == "an independent inquiry into the deal"
    assert a.source == "Ann Ruiz"


def test_said_in_a_statement_is_one_cue(rule_attributor):
    text = "The ministry said in a statement that the border would reopen."
    a = find(rule_attributor.extract(text), "said")
    assert cue(text, a) == "said in a statement"
    assert content(text, a) == "that the border would reopen"


def test_xcomp_frame(rule_attributor):
    text = "Maria Lopez urged lawmakers to reject the bill."
    a = find(rule_attributor.extract(text), "urged")
    assert content(text, a) == "lawmakers to reject the bill"
    assert a.source == "Maria Lopez"


def test_dobj_frame_stance_verb(rule_attributor):
    text = "Tom Bright praised the new budget."
    a = find(rule_attributor.extract(text), "praised")
    assert content(text, a) == "the new budget"


def test_verb_outside_its_frames_is_no_cue(rule_attributor):
    for text, verb in (
        ("Maria Lopez found a coin on the beach.", "found"),
        ("The company supported local schools.", "supported"),
    ):
        assert not [a for a in rule_attributor.extract(text) if verb in a.cue]


def test_parenthetical_said_before_its_host(rule_attributor):
    text = "The museum, Mr. Obama said, would make visitors face hard truths."
    a = find(rule_attributor.extract(text), "said")
    assert "Obama" in a.source
    assert "would make visitors" in content(text, a)


def test_call_x_y_with_object_folded_into_predicate(rule_attributor):
    text = "Hillary Clinton called the Republican frontrunner “ISIS’ best recruiter.”"
    a = find(rule_attributor.extract(text), "called")
    assert a.kind == "described_as"
    assert a.source_text == "Hillary Clinton"
    assert content(text, a).startswith("the Republican frontrunner")


def test_gerund_cue_after_by_inherits_the_subject(rule_attributor):
    text = "Sanders has risen in the polls by saying that the system is rigged."
    a = find(rule_attributor.extract(text), "saying")
    assert a.source_text == "Sanders"
    assert content(text, a) == "that the system is rigged"


def test_was_asked_about_has_no_source(rule_attributor):
    text = "Mujahid was asked about the border closure during the news conference."
    a = next(x for x in rule_attributor.extract(text) if "asked" in x.cue)
    assert cue(text, a) == "was asked about"
    assert content(text, a) == "the border closure during the news conference"
    assert a.source_start is None


def test_was_asked_whether(rule_attributor):
    text = "The minister was asked whether the talks would resume in Doha."
    a = next(x for x in rule_attributor.extract(text) if "asked" in x.cue)
    assert content(text, a) == "whether the talks would resume in Doha"


def test_is_seen_as(rule_attributor):
    text = "The ceasefire is widely seen as a test for the new government."
    a = next(x for x in rule_attributor.extract(text) if "seen" in x.cue)
    assert content(text, a).startswith("The ceasefire")
    assert content(text, a).endswith("a test for the new government")
    assert a.source_start is None


def test_passive_with_a_plain_verb_is_no_cue(rule_attributor):
    text = "The convoy was stopped at the border crossing near Torkham."
    assert not rule_attributor.extract(text)


def test_gerund_modifying_a_noun_is_a_cue_without_source(rule_attributor):
    text = "The ministry issued a statement saying the crossing would reopen on Monday."
    a = next(x for x in rule_attributor.extract(text) if "saying" in x.cue)
    assert content(text, a) == "the crossing would reopen on Monday"
    assert a.source_start is None


def test_spoke_about_is_a_cue_spoke_to_is_not(rule_attributor):
    text = "Ahmad Shah spoke about the refugee crisis at length."
    a = next(x for x in rule_attributor.extract(text) if "spoke" in x.cue)
    assert cue(text, a) == "spoke about"
    assert content(text, a) == "the refugee crisis"
    assert source(text, a) == "Ahmad Shah"
    assert not rule_attributor.extract("Ahmad Shah spoke to the crowd in Jalalabad.")


def test_condemned_and_cast_doubt(rule_attributor):
    text = "The foreign ministry condemned the attack on the border post."
    a = next(x for x in rule_attributor.extract(text) if "condemned" in x.cue)
    assert content(text, a) == "the attack on the border post"
    text = "Mina Khan cast doubt on the ceasefire."
    a = next(x for x in rule_attributor.extract(text) if "cast" in x.cue)
    assert source(text, a) == "Mina Khan"


def test_passive_with_agent_takes_the_clause_as_content(rule_attributor):
    text = "The deal was criticized by Mina Khan for ignoring the refugees."
    a = next(x for x in rule_attributor.extract(text) if "criticized" in x.cue)
    assert source(text, a) == "Mina Khan"
    assert content(text, a).startswith("The deal")
    assert content(text, a).endswith("for ignoring the refugees")


def test_likely_to_say_takes_the_subject_of_the_adjective(rule_attributor):
    text = "Rural voters were more likely to say that the talks had failed."
    a = next(x for x in rule_attributor.extract(text) if "say" in x.cue)
    assert source(text, a) == "Rural voters"
    assert content(text, a) == "that the talks had failed"


def test_nominal_cue_with_that_clause(rule_attributor):
    text = "Mina Khan repeated her claim that the refugees were forced back across the border."
    a = next(x for x in rule_attributor.extract(text) if x.cue == "claim")
    assert source(text, a) == "her"
    assert "the refugees were forced back across the border" in content(text, a)


def test_noun_without_clause_is_no_cue(rule_attributor):
    text = "The claim was filed in a Peshawar court on Monday."
    assert not [a for a in rule_attributor.extract(text) if a.cue == "claim"]


def test_infinitive_under_a_cue_verb_is_not_a_second_cue(rule_attributor):
    text = "The agency declined to comment on the report about the merger."
    cues = [a.cue for a in rule_attributor.extract(text)]
    assert "to comment" not in cues


def test_belief_verb_with_subject_and_clause_is_a_cue(rule_attributor):
    text = "The governor believes the budget will pass next week."
    a = find(rule_attributor.extract(text), "believes")
    assert content(text, a) == "the budget will pass next week"


def test_stance_verb_with_subject_and_object_is_a_cue(rule_attributor):
    text = "Senator Ann Ruiz backs the new highway bill."
    a = find(rule_attributor.extract(text), "backs")
    assert source(text, a) == "Senator Ann Ruiz"


def test_as_x_reported_takes_the_host_clause(rule_attributor):
    text = "As The Daily Ledger reported, the mayor will resign in May."
    a = find(rule_attributor.extract(text), "reported")
    assert source(text, a) == "The Daily Ledger"
    assert content(text, a) == "the mayor will resign in May"
    text = "As reported by The Daily Ledger, the mayor will resign in May."
    a = find(rule_attributor.extract(text), "reported")
    assert source(text, a) == "The Daily Ledger"


def test_relative_clause_with_a_pronoun_object_is_no_cue(rule_attributor):
    # "networks that showed it": the verb describes the networks; its "it" points back, so
    # neither the networks nor a name listed after them says anything here.
    text = "Ratings were not available for other networks that showed it, including PBS."
    assert not rule_attributor.extract(text)
    # A pronoun object outside a relative clause still carries the attribution.
    text = "The ministry denied it on Monday."
    assert [a.cue for a in rule_attributor.extract(text)] == ["denied"]

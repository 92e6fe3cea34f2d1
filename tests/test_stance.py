from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.compare.stance import (
    CrossEncoderStance,
    RuleStance,
    StanceModel,
    StanceResult,
    get_stance_model,
    stance_matrix,
)


@pytest.fixture(scope="module")
def model() -> RuleStance:
    return RuleStance()


def test_importing_does_not_load_spacy() -> None:
    code = "import sys, workbench.compare.stance; assert 'spacy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_paraphrase_agrees(model: RuleStance) -> None:
    r = model.predict("Twelve people died in the blast in Kabul.", "12 killed in Kabul blast")
    assert r.label == "agree", r
    assert 0.5 <= r.score <= 1.0


def test_denial_contradicts(model: RuleStance) -> None:
    r = model.predict("The talks collapsed", "Officials denied that the talks collapsed")
    assert r.label == "contradict", r
    assert any("denial" in x for x in r.reasons)


def test_false_claim_contradicts(model: RuleStance) -> None:
    r = model.predict("The claim that the talks collapsed is false", "The talks collapsed")
    assert r.label == "contradict", r


def test_negated_main_verb_contradicts(model: RuleStance) -> None:
    r = model.predict("The talks collapsed", "The talks did not collapse")
    assert r.label == "contradict", r
    assert any("negat" in x for x in r.reasons)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Prices rose", "Prices fell"), ("The team won the final", "The team lost the final")],
)
def test_opposing_verbs_contradict(model: RuleStance, a: str, b: str) -> None:
    r = model.predict(a, b)
    assert r.label == "contradict", r
    assert any("opposing" in x for x in r.reasons)


def test_negated_opposite_is_not_a_contradiction(model: RuleStance) -> None:
    assert model.predict("Prices did not rise", "Prices fell").label == "agree"


def test_number_mismatch_contradicts(model: RuleStance) -> None:
    r = model.predict("5 soldiers were killed", "12 soldiers were killed")
    assert r.label == "contradict", r
    assert any("number" in x and "5" in x and "12" in x for x in r.reasons)


def test_date_mismatch_contradicts(model: RuleStance) -> None:
    r = model.predict(
        "The election was held on Oct 28, 2025", "The election was held on Oct 30, 2025"
    )
    assert r.label == "contradict", r
    assert any("date" in x for x in r.reasons)


def test_unrelated_topics(model: RuleStance) -> None:
    r = model.predict("The talks collapsed", "The football team won the cup")
    assert r.label == "unrelated", r


def test_both_denying_agree(model: RuleStance) -> None:
    assert model.predict("Officials denied the report", "Officials rejected the report").label == (
        "agree"
    )


def test_predict_many_matches_predict(model: RuleStance) -> None:
    pairs = [("Prices rose", "Prices fell"), ("The talks collapsed", "The talks collapsed")]
    many = model.predict_many(pairs)
    assert [r.label for r in many] == ["contradict", "agree"]
    assert many == [model.predict(a, b) for a, b in pairs]
    grid = stance_matrix(model, ["Prices rose", "Prices fell", "Prices rose"])
    assert grid[0][1] is not None and grid[0][1].label == "contradict"
    assert grid[1][1] is None


def test_result_to_dict() -> None:
    assert StanceResult("agree", 0.9, ["x"]).to_dict() == {
        "label": "agree",
        "score": 0.9,
        "reasons": ["x"],
    }


def test_get_stance_model_defaults_to_rules() -> None:
    assert isinstance(get_stance_model(None), RuleStance)
    assert isinstance(get_stance_model("rules"), RuleStance)
    assert isinstance(get_stance_model("rules"), StanceModel)


def test_missing_cross_encoder_path_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-nli-model"
    with pytest.raises(FileNotFoundError, match="no-such-nli-model"):
        CrossEncoderStance(missing)
    with pytest.raises(FileNotFoundError, match="no-such-nli-model"):
        get_stance_model(str(missing))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a negated noun phrase is not a negation of the shared event: both say the talks failed
        ("Pakistan abruptly withdrew from the Istanbul negotiations.",
         "Peace talks held in Istanbul collapse and achieve no clear agreement."),
        ("The talks collapsed", "The talks ended without resolution"),
        ("The talks collapsed with no agreement", "The talks failed"),
        # a denial of something else does not deny the other claim's content
        ("Haqqani rejected the demands and the talks collapsed", "The talks collapsed"),
        ("Officials said the claim was false and the talks collapsed", "The talks collapsed"),
    ],
)  # fmt: skip
def test_negation_elsewhere_is_not_a_contradiction(model: RuleStance, a: str, b: str) -> None:
    r = model.predict(a, b)
    assert r.label != "contradict", r


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Negotiators reached an agreement", "No agreement was reached"),
        ("Negotiators reached an agreement", "Negotiators reached no agreement"),
        ("The talks did not fail", "The talks collapsed"),  # same event, other verb
        ("Officials denied reports that the talks collapsed", "The talks collapsed"),
        ("It is false that the talks collapsed", "The talks collapsed"),
    ],
)
def test_negation_of_the_shared_event_contradicts(model: RuleStance, a: str, b: str) -> None:
    r = model.predict(a, b)
    assert r.label == "contradict", r

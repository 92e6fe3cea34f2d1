from __future__ import annotations

import json

from workbench.compare.discrepancy import compare_texts, word_diff


def test_number_discrepancy_with_diff() -> None:
    a, b = "5 soldiers were killed", "12 soldiers were killed"
    d = compare_texts(a, b)
    assert d.kinds == ["number"]
    assert d.numbers_a == ["5"] and d.numbers_b == ["12"]
    (op,) = d.changed
    assert (op.op, op.a_text, op.b_text) == ("replace", "5", "12")
    assert a[op.a_start : op.a_end] == "5" and b[op.b_start : op.b_end] == "12"


def test_offsets_point_into_each_text() -> None:
    a = "On Monday,  North Korea fired 3 missiles, officials said."
    b = "On Tuesday, South Korea fired three missiles into the sea, officials said."
    d = compare_texts(a, b)
    for op in d.diff:
        assert a[op.a_start : op.a_end] == op.a_text
        assert b[op.b_start : op.b_end] == op.b_text
    assert set(d.kinds) == {"date", "entity"}  # "3" and "three" agree
    assert d.dates_a == ["Monday"] and d.dates_b == ["Tuesday"]
    assert d.entities_a == ["north korea"] and d.entities_b == ["south korea"]
    ops = {op.op for op in d.diff}
    assert {"equal", "replace", "insert"} <= ops


def test_insert_and_delete_positions() -> None:
    ops, _ = word_diff("talks collapsed", "talks collapsed today")
    ins = next(o for o in ops if o.op == "insert")
    assert ins.a_start == ins.a_end == len("talks collapsed")
    assert ins.b_text == "today"
    ops, _ = word_diff("the talks collapsed", "talks collapsed")
    dele = next(o for o in ops if o.op == "delete")
    assert dele.a_text == "the" and dele.b_start == dele.b_end == 0


def test_negation_difference() -> None:
    d = compare_texts("The talks collapsed", "Officials denied the talks collapsed")
    assert "negation" in d.kinds
    assert d.negation_b == ["denied"] and d.negation_a == []


def test_identical_and_paraphrased_figures() -> None:
    d = compare_texts("Twelve people died", "12 people died")
    assert d.kinds == []
    assert compare_texts("", "").similarity == 1.0


def test_to_dict_is_json_serialisable() -> None:
    d = compare_texts("5 soldiers were killed", "12 soldiers were killed").to_dict()
    text = json.dumps(d)
    assert '"kinds": ["number"]' in text
    assert d["diff"][0]["op"] == "replace"

"""The per-query sign test that decides whether a MAP@5 gap between two variants is real."""

from __future__ import annotations

import pytest

from bench.headline_variants import paired, sign_test


def test_sign_test_matches_the_binomial_tail() -> None:
    assert sign_test(0, 0) == 1.0
    assert sign_test(3, 3) == 1.0
    assert sign_test(5, 1) == pytest.approx(2 * 7 / 64)
    assert sign_test(11, 2) == pytest.approx(2 * sum((1, 13, 78)) / 2**13)
    assert sign_test(1, 5) == sign_test(5, 1)


def test_paired_counts_wins_and_leaves_ties_out() -> None:
    per_query = {"a": {"q1": 1.0, "q2": 0.5, "q3": 0.2}, "b": {"q1": 0.5, "q2": 0.5, "q3": 1.0}}
    out = paired(per_query, "a", "b")
    assert (out["queries"], out["a_better"], out["b_better"]) == (3, 1, 1)
    assert out["sign_test_p"] == 1.0

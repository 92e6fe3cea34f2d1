"""The attribution floor benchmark's ceiling arithmetic (bench/attribution_floor.py), on
made-up CPU seconds: no model, no data."""

from __future__ import annotations

import pytest

from bench.attribution_floor import ceiling, summary


def test_ceiling_is_the_encode_share_of_all_cpu() -> None:
    assert ceiling(100.0, 0.0) == 1.0
    assert ceiling(100.0, 25.0) == pytest.approx(0.8)
    assert ceiling(100.0, 100.0) == pytest.approx(0.5)
    assert ceiling(0.0, 5.0) == 0.0


def test_summary_marks_each_measure_against_the_input_target() -> None:
    row = {
        "articles": 10,
        "claims": 40,
        "candidate_chunks": 20,
        "live_chunks": 8,
        "cpu_s": {"encode": 100.0, "attribution": 40.0, "spacy_candidates": 30.0,
                  "spacy_live": 10.0},
        "ceiling": {"attribution": 100 / 140, "spacy_candidates": 100 / 130,
                    "spacy_live": 100 / 110},
    }  # fmt: skip
    lines = summary("events", row)
    assert "target 0.90" in lines[0] and "8" in lines[0]
    assert lines[1].endswith("✗") and "0.71" in lines[1]
    assert lines[3].endswith("✓") and "0.91" in lines[3]

"""bench.attribution_identity: attributions matched by span, differences counted per field."""

from __future__ import annotations

import pytest

from bench.attribution_identity import compare


def _att(cue: int, source: str, source_type: str = "person", **kw: object) -> dict[str, object]:
    base = {
        "cue_start": cue,
        "cue_end": cue + 4,
        "content_start": cue + 5,
        "content_end": cue + 30,
        "source_text": source,
        "source": source,
        "source_type": source_type,
        "role": None,
        "kind": "indirect",
        "hedged": False,
        "source_start": cue - 10,
        "source_end": cue - 1,
        "parent": None,
    }
    return {**base, **kw}


def test_identical_runs_report_no_difference() -> None:
    run = [[_att(10, "Reuters", "outlet"), _att(60, "Ana")], []]
    result = compare(run, run)
    assert result["identical"] and result["attributions"] == 2
    assert set(result["differences"].values()) == {0}


def test_a_changed_source_type_and_a_missing_attribution_are_counted() -> None:
    base = [[_att(10, "Roper Center", "organization"), _att(60, "Ana")]]
    other = [[_att(10, "Roper Center", "person")]]
    result = compare(base, other)
    assert not result["identical"]
    assert result["differences"]["source_type"] == 1
    assert result["differences"]["only_base"] == 1 and result["differences"]["only_other"] == 0
    assert result["examples"][0]["base"] == "organization"


def test_runs_over_different_texts_are_refused() -> None:
    with pytest.raises(ValueError, match="1 and 2 texts"):
        compare([[]], [[], []])

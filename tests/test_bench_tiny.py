"""The tiny-records benchmark's split of wall time into encoder and own work, and its ratio at
equal encoder speed (bench/tiny_bench.py), on made-up rows: no model, no data."""

from __future__ import annotations

import pytest

from bench.tiny_bench import same_encoder_ratio, split_ms, summary


def _row(records: int, seconds: float, embed: float) -> dict:
    row = {"records": records, "seconds": seconds, "stages_s": {"embed": embed}}
    return row | split_ms(row)


def test_split_gives_encoder_and_own_milliseconds_per_record() -> None:
    row = _row(1_000, 4.0, 3.0)
    assert row["embed_ms"] == pytest.approx(3.0)
    assert row["own_ms"] == pytest.approx(1.0)


def test_a_slower_encoder_alone_leaves_the_equal_speed_ratio_at_one() -> None:
    first = _row(1_000, 4.0, 3.0)  # encoder 3 ms + own 1 ms per record
    later = _row(50_000, 250.0, 200.0)  # encoder drifted to 4 ms, own work still 1 ms
    assert later["records"] / later["seconds"] < 0.9 * first["records"] / first["seconds"]
    assert same_encoder_ratio(first, later) == pytest.approx(1.0)


def test_own_work_that_grows_lowers_the_equal_speed_ratio() -> None:
    first = _row(1_000, 4.0, 3.0)
    later = _row(50_000, 250.0, 150.0)  # same encoder (3 ms), own work 1 -> 2 ms
    assert same_encoder_ratio(first, later) == pytest.approx(4.0 / 5.0)


def test_summary_prints_both_ratios() -> None:
    rows = [_row(1_000, 4.0, 3.0), _row(50_000, 250.0, 200.0)]
    for r in rows:
        r.update(records_per_s=r["records"] / r["seconds"], records_per_cpu_s=1.0, peak_rss_mb=1,
                 first_tenth_chunk_s=0.1, last_tenth_chunk_s=0.1)  # fmt: skip
    for r in rows:
        r["ratio_to_first"] = r["records_per_s"] / rows[0]["records_per_s"]
        r["cpu_ratio_to_first"] = 1.0
        r["ratio_same_encoder"] = same_encoder_ratio(rows[0], r)
    text = "\n".join(summary({"attribution": False, "rows": rows}))
    assert "ratio 50,000/1,000: 0.80 ✗" in text
    assert "at equal encoder speed: 1.00" in text

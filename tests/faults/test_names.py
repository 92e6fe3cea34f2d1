"""Odd file names and symlink loops: read or refused alone, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

from tests.faults.conftest import GOOD, Data, errors


def test_odd_names_and_symlink_loops(data: Data, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    odd = src / "-- $(rm -rf) ; 'quoted' \u202eevil.txt"
    odd.write_text(GOOD, encoding="utf-8")
    (src / "caf\u00e9 \u4e2d\u6587.md").write_text(
        "# Border\n\n" + GOOD.replace("12", "21"), encoding="utf-8"
    )
    (src / ".hidden.txt").write_text(GOOD.replace("12", "31"), encoding="utf-8")  # skipped
    loop = src / "loop"
    os.symlink(loop, loop)  # a link to itself
    (src / "dir_loop").symlink_to(src)  # a folder link back to its parent: not followed
    dangling = src / "gone.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    long_name = tmp_path / ("x" * 300 + ".txt")
    result = data.cli(
        "ingest", "--no-progress", "--no-attribution", str(src), str(long_name), str(loop)
    )
    assert result.exit_code == 0, result.output
    lines = errors(result)
    assert f"error: {long_name}: cannot read: File name too long" in lines
    broken = "cannot read: broken or looping symbolic link"
    assert lines.count(f"error: {loop}: {broken}") == 2  # given, and found in its folder
    assert f"error: {dangling}: {broken}" in lines
    assert len(lines) == 4, lines
    assert "ingested 2 article(s)" in result.stdout
    data.check_intact()

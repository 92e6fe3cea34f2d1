"""A read-only data directory: reading commands work (SQLite mode=ro), writers say so."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.faults.conftest import GOOD, Data, errors, tmpfs


def test_reading_commands_work_and_writers_refuse(data: Data, tmp_path: Path) -> None:
    with tmpfs("64m") as mnt:
        ro = Data(mnt / "data", set(data.articles))
        shutil.copytree(data.path, ro.path)
        # What an idle directory looks like: WAL checkpointed away, no -wal/-shm files.
        for extra in ro.path.glob("*.sqlite-*"):
            extra.unlink()
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        stats = ro.cli("stats", "--json")
        assert stats.exit_code == 0, stats.output
        assert json.loads(stats.stdout)["articles"] == len(data.articles)
        found = ro.cli(
            "search", "Pakistan walked out of the Istanbul negotiations", "-k", "2", "--json"
        )
        assert found.exit_code == 0 and len(json.loads(found.stdout)) == 2, found.output
        assert ro.cli("articles", "--json").exit_code == 0
        exported = ro.cli("export", "--format", "json")
        assert exported.exit_code == 0 and json.loads(exported.stdout)["notes"] == []
        src = tmp_path / "new.txt"
        src.write_text(GOOD, encoding="utf-8")
        refusal = (
            f"error: data directory is read-only: {ro.path}; reading commands (stats, search,"
            " articles, export) work, writing ones need a writable directory"
        )
        for args in (["ingest", "--no-progress", str(src)], ["delete", next(iter(data.articles))],
                     ["repair", "--rebuild"]):  # fmt: skip
            result = ro.cli(*args)
            assert result.exit_code == 2 and errors(result) == [refusal], (args, result.output)
        assert ro.stored() == data.articles
    data.check_intact()

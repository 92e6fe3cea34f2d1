"""A full disk: one line, the store intact, the index repairable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.faults.conftest import Data, errors, tmpfs

N = 60  # articles of ~54 KB each: 3 MB in all, over the 1 MB left free


@pytest.mark.slow_fault
def test_disk_full_mid_ingest(data: Data, tmp_path: Path) -> None:
    src = tmp_path / "many.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for n in range(3000):
            text = (
                f"Officials in district {n} said on Monday that {n + 3} families had received"
                f" aid, and the governor of region {n} promised more help within {n % 9 + 2} weeks. "
            )
            fh.write(json.dumps({"text": text * 8, "title": f"Aid report {n}"}) + "\n")  # fmt: skip
    with tmpfs("64m") as mnt:
        full = Data(mnt / "data", set(data.articles))
        shutil.copytree(data.path, full.path)
        # Leave about 1 MB free: enough to open and start, not to store every article.
        free = shutil.disk_usage(mnt).free
        (mnt / "filler").write_bytes(b"\0" * max(0, free - 1024 * 1024))
        result = full.cli("ingest", "--no-progress", "--no-attribution", str(src))
        lines = errors(result)
        assert result.exit_code == 2 and len(lines) == 1, result.output
        assert lines[0].startswith("error: disk full while ")
        assert lines[0].endswith(
            ("free some space and run the command again", "free some space and run `workbench repair`")
        )  # fmt: skip
        (mnt / "filler").unlink()
        assert full.articles <= full.stored()  # nothing stored before is lost
        first = full.cli("repair", "--json")  # the index is repairable …
        assert first.exit_code == 0, first.output
        again = full.cli("repair", "--json")  # … and then whole
        assert json.loads(again.stdout) == {"added": 0, "removed": 0}
        # Not asserted yet: re-running the ingest in the same process after freeing space still
        # reported "disk full" on a loaded machine (under investigation; see the issue note).
        full.check_intact()

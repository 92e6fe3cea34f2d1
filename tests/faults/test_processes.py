"""Real processes: SIGKILL mid-ingest, and two writers on one data directory."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from tests.conftest import needs_sqlite
from tests.faults.conftest import Data, workbench_process

pytestmark = pytest.mark.slow_fault


def _records(path: Path, n: int, tag: str) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"text": f"Officials in {tag} district {i} said {i + 7} families"
                                         f" received aid on Monday, the governor of {tag} confirmed."}) + "\n")  # fmt: skip
    return path


def _count(data: Path) -> int:
    conn = sqlite3.connect(f"{(data / 'workbench.sqlite').as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    finally:
        conn.close()


@needs_sqlite
def test_sigkill_mid_ingest_loses_nothing_and_resumes(data: Data, tmp_path: Path) -> None:
    src = _records(tmp_path / "many.jsonl", 700, "Kalam")
    proc = workbench_process(data.path, "ingest", "--no-progress", "--no-attribution", str(src))
    before = len(data.articles)
    deadline = time.monotonic() + 600
    while _count(data.path) < before + 256:  # at least one chunk (256 records) committed
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert data.articles <= data.stored()  # nothing stored before is lost
    mended = data.cli("repair", "--json")  # the first open mends the index to the store
    assert mended.exit_code == 0 and json.loads(mended.stdout)["removed"] == 0
    again = data.cli("ingest", "--no-progress", "--no-attribution", str(src))  # resumes
    assert again.exit_code == 0, again.output
    assert len(data.stored()) == before + 700
    data.check_intact()


@needs_sqlite
def test_two_writers_take_turns_and_an_open_reader_reloads(data: Data, tmp_path: Path) -> None:
    from workbench.api import Workbench
    from workbench.store.lock import WriterLock

    reader = Workbench.open(data.path)
    assert not reader.search("Zabul district families received aid", k=3, min_score=0.8)
    lock = WriterLock(data.path)
    lock.acquire()  # a writer at work: both ingests below must wait for it, then each other
    a = workbench_process(data.path, "ingest", "--no-progress", "--no-attribution",
                          str(_records(tmp_path / "a.jsonl", 40, "Zabul")))  # fmt: skip
    b = workbench_process(data.path, "ingest", "--no-progress", "--no-attribution",
                          str(_records(tmp_path / "b.jsonl", 40, "Paktia")))  # fmt: skip
    time.sleep(20)
    assert a.poll() is None and b.poll() is None  # both wait
    lock.release()
    outs = [p.communicate(timeout=900) for p in (a, b)]
    assert [p.returncode for p in (a, b)] == [0, 0], outs
    waited = [err for _, err in outs if "waiting for another writer" in err]
    assert waited, outs  # each says that it waits
    assert all(f"on {data.path} to finish" in w for w in waited)
    stats = json.loads(data.cli("stats", "--json").stdout)
    assert stats["index_count"] == stats["claims"]  # the manifest counts both ingests
    # The reader opened before both ingests sees them at its next lookup (generation moved).
    hits = reader.search("Officials in Zabul district 3 said 10 families received aid", k=3)
    assert any("Zabul district 3 " in h.claim.text for h in hits)
    reader.close()
    data.check_intact()

"""The fault suite's helpers: a seeded data directory per test, the CLI, and the three checks
every case makes (the exact one-line error, nothing stored lost, ``repair`` reports 0/0)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app

runner = CliRunner()
SLOW_ON = os.environ.get("CI", "").lower() in {"1", "true", "yes"} or bool(
    os.environ.get("WORKBENCH_SLOW_FAULTS")
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow fault cases run under CI (``.ci/run`` sets CI=true) or WORKBENCH_SLOW_FAULTS=1."""
    if SLOW_ON:
        return
    skip = pytest.mark.skip(reason="slow fault case: set CI=true or WORKBENCH_SLOW_FAULTS=1")
    for item in items:
        if "slow_fault" in item.keywords:
            item.add_marker(skip)


def workbench_process(
    data: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen:
    """``python -m workbench ARGS`` on ``data`` in its own process (stdout/stderr piped)."""
    from tests.conftest import ROOT

    full = {**os.environ, "WORKBENCH_DATA": str(data), "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1", **(env or {})}  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "workbench", *args],
        cwd=ROOT, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@contextlib.contextmanager
def tmpfs(size: str) -> Iterator[Path]:
    """A fresh tmpfs of ``size`` (needs mount rights); skips the test with the reason if not."""
    where = Path("/tmp") / f"wb-fault-{uuid.uuid4().hex[:8]}"
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'mount failed'})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
        with contextlib.suppress(OSError):
            where.rmdir()


@dataclass
class Data:
    """A private copy of the seeded data directory and what it held before the fault."""

    path: Path
    articles: set[str]

    def cli(self, *args: str, env: dict[str, str] | None = None):
        return runner.invoke(app, list(args), env={"WORKBENCH_DATA": str(self.path), **(env or {})})

    def stored(self) -> set[str]:
        result = self.cli("articles", "--limit", "0", "--json")
        assert result.exit_code == 0, result.output
        return {a["id"] for a in json.loads(result.stdout)}

    def check_intact(self, *, added: set[str] = frozenset()) -> None:
        """Nothing stored before is lost, and ``repair`` then has nothing to mend."""
        now = self.stored()
        assert self.articles <= now, f"lost: {self.articles - now}"
        assert now - self.articles == set(added) or not added
        result = self.cli("repair", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"added": 0, "removed": 0}


def errors(result) -> list[str]:
    """The ``error: …`` lines a command printed on stderr (each must be one line)."""
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


@pytest.fixture()
def data(seeded_dir: Path, tmp_path: Path) -> Data:
    from tests.conftest import copy_seeded

    target = tmp_path / "data"
    copy_seeded(seeded_dir, target)
    d = Data(target, set())
    d.articles = d.stored()
    assert d.articles
    return d


GOOD = (
    "Officials in Kabul said on Monday that 12 people were killed in a blast near the ministry."
    " The interior ministry spokesman said an investigation had begun.\n"
)

"""The fault suite's helpers: a seeded data directory per test, the CLI, and the three checks
every case makes (the exact one-line error, nothing stored lost, ``repair`` reports 0/0)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app

runner = CliRunner()


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
    target = tmp_path / "data"
    shutil.copytree(seeded_dir, target)
    d = Data(target, set())
    d.articles = d.stored()
    assert d.articles
    return d


GOOD = (
    "Officials in Kabul said on Monday that 12 people were killed in a blast near the ministry."
    " The interior ministry spokesman said an investigation had begun.\n"
)

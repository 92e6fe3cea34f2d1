from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from workbench.errors import InvalidOption
from workbench.settings import Settings, setting_names


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [
        n for n in setting_names() if f"`WORKBENCH_{n.upper()}`" not in doc or f"`{n}`" not in doc
    ]
    assert not missing, f"undocumented settings: {missing}"


def test_env_then_overrides() -> None:
    env = {"WORKBENCH_DATA": "/tmp/x", "WORKBENCH_BATCH_SIZE": "8", "WORKBENCH_ATTRIBUTION": "no"}
    s = Settings.from_env(env)
    assert s.data == Path("/tmp/x") and s.batch_size == 8 and s.attribution is False
    s = Settings.from_env(env, batch_size=16, device=None)
    assert s.batch_size == 16 and s.device == "auto"


def test_bad_env_value_names_the_variable() -> None:
    with pytest.raises(ValueError, match="WORKBENCH_BATCH_SIZE"):
        Settings.from_env({"WORKBENCH_BATCH_SIZE": "many"})


def test_choice_settings_are_checked() -> None:
    with pytest.raises(InvalidOption, match=r"WORKBENCH_SEARCH_MODE.*hybrid, dense.*'fuzzy'"):
        Settings.from_env({"WORKBENCH_SEARCH_MODE": "fuzzy"})
    with pytest.raises(InvalidOption, match="index_kind"):
        Settings.from_env({}).replace(index_kind="kd-tree")
    assert Settings.from_env({"WORKBENCH_INDEX_KIND": "hnsw"}).index_kind == "hnsw"


def test_cli_prints_a_bad_setting_as_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "WORKBENCH_DATA": str(tmp_path), "WORKBENCH_EMBED_CONTEXT": "page"}
    out = subprocess.run(
        [sys.executable, "-m", "workbench", "stats", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "error: setting embed_context (env WORKBENCH_EMBED_CONTEXT) must be one of title, none;"
        " not 'page'"
    ]

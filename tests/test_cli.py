"""The CLI through typer's runner: JSON output, WORKBENCH_DATA, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import FAKE_MODEL, ROOT, SEEDS, backend_env, copy_seeded
from workbench.cli import app

runner = CliRunner()


def run(data: Path, *args: str):
    return runner.invoke(app, list(args), env={"WORKBENCH_DATA": str(data)}, catch_exceptions=False)


@pytest.fixture()
def data(seeded_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    copy_seeded(seeded_dir, target)
    return target


def test_help_is_fast_and_lists_commands() -> None:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "workbench", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "search" in out.stdout and "ingest" in out.stdout
    for heavy in ("torch", "spacy", "faiss", "streamlit", "sentence_transformers"):
        assert f" {heavy}\n" not in out.stderr and f"| {heavy}\n" not in out.stderr, heavy


def test_search_json(data: Path) -> None:
    result = run(
        data, "search", "Pakistan walked out of the Istanbul negotiations", "-k", "3", "--json"
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    assert hits[0]["text"].startswith("Reports from Afghan media outlet Ariana News indicate")
    for key in ("score", "article_title", "outlet", "date", "start", "end", "attributions"):
        assert key in hits[0]


def test_search_human(data: Path) -> None:
    result = run(data, "search", "Pakistan walked out of the Istanbul negotiations", "-k", "1")
    assert result.exit_code == 0
    assert "Ariana News" in result.stdout


def test_data_option_beats_default(data: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--data", str(data), "stats", "--json"])
    stats = json.loads(result.stdout)
    assert stats["articles"] == 1 and stats["data_dir"] == str(data)


def test_ingest_reports_and_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_MODEL", FAKE_MODEL)  # counts and reasons, not meanings
    data = tmp_path / "d"
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "blob.bin").write_bytes(bytes(range(256)) * 8)
    result = run(data, "ingest", str(bad), "--json", "--no-attribution")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ingested"] == 0 and report["failed"] == 2
    assert {r["reason"] for r in report["results"]} == {"empty file", "binary file, not text"}
    mixed = tmp_path / "mixed"
    shutil.copytree(bad, mixed)
    shutil.copy(SEEDS / "000_faa9dfb136758eec.txt", mixed / "seed.txt")
    result = run(data, "ingest", str(mixed), "--no-attribution")
    assert result.exit_code == 0
    assert "ingested 1 article(s)" in result.stdout
    assert "empty.txt: empty file" in result.stderr


def test_articles_claims_attributions_json(data: Path) -> None:
    arts = json.loads(run(data, "articles", "--json").stdout)
    assert len(arts) == 1 and "text" not in arts[0]
    claims = json.loads(run(data, "claims", arts[0]["id"][:8], "--json").stdout)
    assert 26 <= len(claims) <= 34
    atts = json.loads(run(data, "attributions", arts[0]["id"], "--json").stdout)
    assert len(atts) == len(claims) and all(a["attributions"] for a in atts)


def test_unknown_article_is_a_one_line_error(data: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "workbench", "claims", "nope"],
        capture_output=True,
        text=True,
        env={"WORKBENCH_DATA": str(data), "PATH": "", **backend_env()},
        cwd=ROOT,
    )
    assert out.returncode == 2
    assert out.stderr.strip() == "error: no article 'nope'"


def test_every_printing_command_takes_json() -> None:
    """Scripts outside the project rely on --json everywhere results are printed."""
    import click
    import typer.main

    group = typer.main.get_command(app)
    missing = []

    def walk(cmd: click.Command, path: list[str]) -> None:
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
        elif (
            path
            and path[-1] != "serve"
            and not any("--json" in p.opts for p in cmd.params if isinstance(p, click.Option))
        ):
            missing.append(" ".join(path))

    walk(group, [])
    assert not missing, missing


def test_compare_and_citations_json(data: Path) -> None:
    hits = json.loads(
        run(
            data, "search", "Pakistan walked out of the Istanbul negotiations", "-k", "1", "--json"
        ).stdout
    )
    result = run(data, "compare", str(hits[0]["claim_id"]), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["independent_sources"] == len(report["sources"]) >= 1
    assert {"rows", "competing", "discrepancies", "timeline", "undated", "earliest"} <= set(report)
    ids = [r["article_id"] for r in report["rows"]]
    assert len(ids) == len(set(ids))  # one row per article
    assert report["rows"][0]["account"]["tier"] == "focus"
    assert all({"publisher", "date_text", "chain_text"} <= set(r) for r in report["rows"])
    text = run(data, "compare", str(hits[0]["claim_id"]))
    assert text.exit_code == 0 and "independent sources:" in text.stdout
    result = run(data, "citations", "--claim", str(hits[0]["claim_id"]), "--json")
    assert result.exit_code == 0, result.output
    graph = json.loads(result.stdout)
    assert {"nodes", "edges"} <= set(graph)
    assert any(n.get("label") == "Ariana News" for n in graph["nodes"])

"""Outlet registry from the CLI and the API: matching, user additions, URL publishers."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from workbench.api import Workbench
from workbench.cli import app
from workbench.records import ArticleDraft

runner = CliRunner()


def run(data: Path, *args: str):
    return runner.invoke(app, list(args), env={"WORKBENCH_DATA": str(data)}, catch_exceptions=False)


def test_match_variants_and_domains(tmp_path: Path) -> None:
    out = json.loads(
        run(
            tmp_path,
            "outlets",
            "match",
            "AP News",
            "Tolo News",
            "Kabul Now",
            "https://www.dawn.com/news/1",
            "North Korea",
            "--json",
        ).stdout
    )
    names = [o["outlet"]["name"] if o["outlet"] else None for o in out]
    assert names[:4] == ["Associated Press", "TOLOnews", "KabulNow", "Dawn"]
    assert names[4] is None


def test_add_alias_persists_and_is_used_at_ingest(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        "outlets",
        "add",
        "Example Daily",
        "--alias",
        "ExDaily",
        "--domain",
        "exdaily.example",
        "--kind",
        "newspaper",
        "--json",
    )
    assert result.exit_code == 0 and json.loads(result.stdout)["aliases"] == ["ExDaily"]
    assert json.loads((tmp_path / "outlets.user.json").read_text())[0]["name"] == "Example Daily"
    with Workbench.open(tmp_path, attribution=False) as wb:
        assert wb.outlets().match("ExDaily").name == "Example Daily"
        wb.ingest_drafts(
            [
                ArticleDraft(
                    text="Officials said the bridge reopened on Monday after repairs.",
                    outlet="ExDaily",
                    origin="a",
                ),
                ArticleDraft(
                    text="The ministry said 40 schools reopened in the province this week.",
                    url="https://www.exdaily.example/news/2",
                    origin="b",
                ),
                ArticleDraft(
                    text="Police said three people were arrested after the protest.",
                    outlet="Unknown Weekly",
                    origin="c",
                ),
            ]
        )
        outlets = sorted(a.outlet for a in wb.articles())
    assert outlets == ["Example Daily", "Example Daily", "Unknown Weekly"]


def test_bad_user_file_names_file_and_entry(tmp_path: Path) -> None:
    bad = tmp_path / "mine.json"
    bad.write_text(json.dumps([{"name": "Good"}, {"aliases": ["x"]}]))
    result = runner.invoke(
        app, ["outlets", "import", str(bad)], env={"WORKBENCH_DATA": str(tmp_path / "d")}
    )
    assert result.exit_code != 0
    assert (
        "mine.json" in str(result.exception) + result.output
        and "entry 1" in str(result.exception) + result.output
    )

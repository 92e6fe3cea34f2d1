"""Exports: spreadsheet formulas, ``</script>`` in JSON-LD, non-http URLs, example settings."""

from __future__ import annotations

import json

import pytest

from tests.faults.conftest import GOOD, Data, errors
from workbench.notes.export import csv_safe


@pytest.mark.parametrize(
    "cell",
    ["=1+1", " =1+1", "\u00a0=1+1", "\u200b=1+1", "\ufeff@SUM(A1)", "\n-2+3", "\u3000+1",
     "\ufe62cmd", "\ufe63 1", "\ufe66x", "\ufe6bx", "\uff1dx", "\uff0bx", "\uff0dx", "\uff20x",
     "\t=x", "\r=x", " \u2060 =x"],
)  # fmt: skip
def test_csv_formula_guard_covers_invisible_prefixes(cell: str) -> None:
    assert csv_safe(cell) == "'" + cell


def test_csv_guard_leaves_plain_text() -> None:
    assert csv_safe("Officials said = 3") == "Officials said = 3" and csv_safe(" a-b") == " a-b"


@pytest.fixture()
def reviewed(data: Data):
    from workbench.api import Workbench
    from workbench.notes.service import Notes

    wb = Workbench.open(data.path)
    claim = next(h.claim for h in wb.search("NDTV drone operations agreement", k=3))
    other = next(
        h.claim for h in wb.search("Istanbul talks collapsed", k=5) if h.claim.id != claim.id
    )
    note = Notes(wb).add(claim.id, "false", rationale="</script><script>alert(1)</script>",
                         evidence=["https://example.org/report", f"claim:{other.id}"], reviewer="ana")  # fmt: skip
    yield wb, note
    wb.close()


def test_claimreview_is_script_safe_with_body_and_evidence(reviewed, data: Data) -> None:
    from workbench.notes.export import export

    wb, _ = reviewed
    for fmt in ("claimreview", "json"):
        text = export(wb, fmt)
        assert "</" not in text and "<\\/script>" in text
        json.loads(text)  # still JSON
    (review,) = json.loads(export(wb, "claimreview"))
    assert review["reviewBody"] == "</script><script>alert(1)</script>"
    cited = review["citation"]
    assert cited[0] == {"@type": "CreativeWork", "url": "https://example.org/report"}
    assert cited[1]["@type"] == "Claim" and cited[1]["text"]


def test_non_http_article_urls_are_refused_and_left_out_of_exports(reviewed, data: Data) -> None:
    from workbench.notes.export import export
    from workbench.records import ArticleDraft

    wb, note = reviewed
    report = wb.ingest_drafts(
        [ArticleDraft(text=GOOD, url="javascript:alert(1)", origin="pasted: x")]
    )
    assert [(r.status, r.reason) for r in report.results] == [
        ("failed", "field 'url' must be an http or https URL, not 'javascript:alert(1)'")
    ]
    # A URL stored before ingest refused them stays in the store but leaves every export.
    wb.store.conn.execute(
        "UPDATE articles SET url = 'javascript:alert(1)' WHERE id = ?", (note.article_id,)
    )
    for fmt in ("claimreview", "json", "csv", "md"):
        assert "javascript:" not in export(wb, fmt), fmt


def test_claimreview_export_warns_about_the_example_organization(reviewed, data: Data) -> None:
    result = data.cli("export", "--format", "claimreview")
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        "warning: the publisher URL is still the built-in example (https://example.org/fact-checks);"
        " set WORKBENCH_ORGANIZATION_URL before publishing",
        "warning: the organization is still the built-in example ('Claim Workbench');"
        " set WORKBENCH_ORGANIZATION before publishing",
    ]
    env = {
        "WORKBENCH_ORGANIZATION": "Desk",
        "WORKBENCH_ORGANIZATION_URL": "https://desk.example/fc",
    }
    result = data.cli("export", "--format", "claimreview", env=env)
    assert not [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert not errors(result)
    data.check_intact()


def test_serve_warns_off_loopback(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import subprocess

    from typer.testing import CliRunner

    from workbench.cli import app

    calls = []
    monkeypatch.setattr(subprocess, "call", lambda cmd, env: calls.append(cmd) or 0)
    runner = CliRunner()
    env = {"WORKBENCH_DATA": str(tmp_path), "WORKBENCH_DATABASE_URL": ""}  # embedded default
    quiet = runner.invoke(app, ["serve"], env=env)
    assert (
        "warning" not in quiet.stderr
        and calls[-1][calls[-1].index("--server.maxUploadSize") + 1] == "200"
    )
    loud = runner.invoke(app, ["serve", "--address", "0.0.0.0"], env=env)
    assert loud.stderr.splitlines()[0] == (
        "warning: serving on 0.0.0.0, not loopback, without sign-in (the embedded default), so"
        " anyone who can reach this address can read and change the data directory; turn team"
        " mode on (WORKBENCH_AUTH=on, docs/team.md) or serve on loopback"
    )
    team = runner.invoke(
        app, ["serve", "--address", "0.0.0.0"], env={**env, "WORKBENCH_AUTH": "on"}
    )
    assert team.stderr.startswith(
        "note: serving on 0.0.0.0 in team mode: every page needs a sign-in"
    )
    for address in ("127.0.0.2", "::1", "localhost"):
        assert "warning" not in runner.invoke(app, ["serve", "--address", address], env=env).stderr


def test_streamlit_upload_cap_matches_the_setting() -> None:
    import tomllib

    from tests.conftest import ROOT
    from workbench.settings import Settings

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == Settings().max_upload_mb

"""The Streamlit app, driven headlessly with AppTest by widget key on a copy of the seed data.

One module-scoped data directory (the seed plus a hostile article) is shared so the model
loads once; tests that write (notes, ingest, aliases) only assert on what they add.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from tests.conftest import PG_URL, module_store, signed_in
from tests.ui_helpers import ok, page
from workbench.records import ArticleDraft
from workbench.ui import app_path, common
from workbench.ui.components.graph import citation_dot, dot_quote
from workbench.ui.components.safe_md import Span, escape_md, highlight, unescape_md
from workbench.ui.components.uploads import parse_targets, safe_name, save_uploads

pytestmark = pytest.mark.slow

SEED_QUERY = "Pakistan walked out of the Istanbul negotiations"
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](http://evil/x.png)",
]
EVIL_TEXT = (
    "Evil Times reported that the Istanbul negotiations between Pakistan and Afghanistan "
    f"collapsed {PAYLOADS[0]} after a long night.\n\n"
    f"Officials said the delegation left the venue {PAYLOADS[1]} before dawn on Friday.\n\n"
    f"A spokesman told reporters to {PAYLOADS[2]} read the statement online.\n\n"
    f"The ministry said the images {PAYLOADS[3]} were shared by state media later."
)
UI_SCHEMA = f"ui_{os.getpid()}"
LIVE_TAGS = ("<script", "<img", "<a ", "<a>", "<b>", "<iframe")


@pytest.fixture(scope="module")
def ui_data(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed plus an article full of HTML/Markdown payloads, from outlet 'Evil Times'."""
    from workbench.api import Workbench

    data = tmp_path_factory.mktemp("ui") / "data"
    shutil.copytree(seeded_dir, data)
    pg = module_store(UI_SCHEMA)  # its schema, see ``app``
    with Workbench.open(data, **pg) as wb:
        report = wb.ingest_drafts(
            [
                ArticleDraft(
                    text=EVIL_TEXT,
                    title="Evil <b>title</b> [x](javascript:1)",
                    outlet="Evil Times",
                    date="2025-10-30",
                    origin="evil",
                )
            ]
        )
        assert report.ingested == 1, report.to_dict()
    return data


@pytest.fixture()
def app(ui_data: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setenv("WORKBENCH_DATA", str(ui_data))
    monkeypatch.setenv("WORKBENCH_REVIEWER", "Ana")
    if PG_URL:
        monkeypatch.setenv("WORKBENCH_DATABASE_SCHEMA", UI_SCHEMA)
    at = signed_in(AppTest.from_file(str(app_path()), default_timeout=300))
    yield at


def frame(at: AppTest, column: str):
    """The first table with ``column`` (AppTest does not expose st.dataframe keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def live(markdown: str) -> list[str]:
    """Live HTML tags a CommonMark renderer (raw HTML allowed) makes of ``markdown``."""
    html = (
        MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)
    )
    return [t for t in LIVE_TAGS if t in html]


def markdown_values(at: AppTest) -> list[str]:
    return (
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [s.value for s in at.subheader]
    )


# --- pure helpers -----------------------------------------------------------------------------


def _render(md: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md)


@pytest.mark.parametrize(
    "payload", [*PAYLOADS, "**b** _i_ `c` # h\n- li\n1. x | y |", "&lt; :red[x] $x$ \\ ~~s~~"]
)
def test_escape_md_renders_literally(payload: str) -> None:
    html = _render(escape_md(payload))
    for tag in ("<a", "<img", "<script", "<strong", "<em", "<code", "<h1", "<li", "<table", "<del"):
        assert tag not in html, (payload, html)
    assert unescape_md(escape_md(payload)) == " ".join(payload.split())
    assert ":red[" not in escape_md(payload) and "$x$" not in escape_md(payload)


def test_highlight_escapes_text_and_keeps_paragraphs() -> None:
    text = "Intro <script>x</script>.\n\nSecond [a](javascript:b) para."
    md = highlight(text, [Span(0, 25, "blue", label="1", bold=True), Span(27, 40, "gray")])
    assert md.startswith(
        ":blue-badge[1] :blue-background[**Intro \\<script\\>x\\<\\/script\\>\\.**]"
    )
    assert "\n\n" in md and not live(md)
    with pytest.raises(ValueError):
        highlight("x", [Span(0, 1, "javascript:alert")])


def test_dot_labels_are_quoted() -> None:
    assert dot_quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c d"'
    dot = citation_dot(
        [('X" -> "Y', 'X" -> "Y', "outlet", True), ("Z\\", "Z\\", "person", False)],
        [('X" -> "Y', "Z\\", "said", False)],
    )
    assert '"X\\" -> \\"Y"' in dot and '"Z\\\\"' in dot


def test_upload_helpers_keep_names_and_stay_in_folder(tmp_path: Path) -> None:
    @dataclass
    class Fake:
        name: str
        data: bytes

        def getvalue(self) -> bytes:
            return self.data

    folder, paths = save_uploads(
        [Fake("a.jsonl", b"{}"), Fake("a.jsonl", b"[]"), Fake("../../etc/passwd.txt", b"x")],
        tmp_path / "up",
    )
    assert [p.name for p in paths] == ["a.jsonl", "a-2.jsonl", "passwd.txt"]
    assert all(p.parent == folder for p in paths)
    assert safe_name("..") == "upload" and parse_targets("a\n\n# c\n b \n") == ["a", "b"]


# --- pages ------------------------------------------------------------------------------------


def test_lookup_from_url_shows_ranked_hits_with_attribution(app: AppTest) -> None:
    at = ok(page(app, common.LOOKUP, q=SEED_QUERY))
    assert at.text_input(key="lookup_q").value == SEED_QUERY
    assert "Ariana News" in " ".join(markdown_values(at))  # cards by default
    assert len(at.get("page_link")) >= 20  # article + compare link under every hit
    at.toggle(key="lookup_table_view").set_value(True).run()
    table = frame(at, "rank")
    assert len(table) == 10 and list(table["score"]) == sorted(table["score"], reverse=True)


def test_lookup_query_and_filters_go_into_the_url(app: AppTest) -> None:
    at = ok(page(app, common.LOOKUP))
    at.text_input(key="lookup_q").input(SEED_QUERY).run()
    assert at.query_params["q"] == [SEED_QUERY] or at.query_params["q"] == SEED_QUERY
    at.button(key="lookup_filters_btn").click().run()  # widgets drawn only when open
    at.toggle(key="lookup_table_view").set_value(True).run()
    at.selectbox(key="lookup_type").select("outlet").run()
    assert set(frame(at, "rank")["type"]) == {"outlet"}
    at.selectbox(key="lookup_type").select("Any")
    at.selectbox(key="lookup_outlet").select("Evil Times").run()
    ok(at)
    assert set(frame(at, "rank")["outlet"]) == {"Evil Times"}
    assert "outlet" in at.query_params
    at.selectbox(key="lookup_outlet").select("Any")
    at.slider(key="lookup_min").set_value(0.6).run()
    assert (frame(at, "rank")["score"] >= 0.6).all()
    at.slider(key="lookup_min").set_value(0.0).run()
    at.date_input(key="lookup_from").set_value("2025-10-01").run()
    assert set(frame(at, "rank")["outlet"]) == {"Evil Times"}  # seed is undated
    at.date_input(key="lookup_from").set_value(None)
    seed_id = next(o for o in at.selectbox(key="lookup_exclude").options if o and "Evil" not in o)
    assert seed_id
    at.slider(key="lookup_k").set_value(3)
    ok(at.run())
    assert len(frame(at, "rank")) == 3


def test_empty_index_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_DATA", str(tmp_path / "empty"))
    at = ok(signed_in(AppTest.from_file(str(app_path()), default_timeout=300)).run())
    assert any("index is empty" in i.value for i in at.info)


def test_article_link_selects_claim_and_shows_attribution(app: AppTest, ui_data: Path) -> None:
    at = ok(page(app, common.LOOKUP, q=SEED_QUERY))
    link = at.get("page_link")[0].proto
    at.toggle(key="lookup_table_view").set_value(True).run()
    top = frame(at, "rank").iloc[0]
    assert link.page.endswith("article") and "claim=" in link.query_string
    claim_id = int(link.query_string.split("claim=")[1].split("&")[0])
    at = ok(page(at, common.ARTICLE, claim=str(claim_id)))
    assert at.selectbox(key="article_claim").value == claim_id
    assert top["claim"][:40] in " ".join(markdown_values(at)).replace("\\", "")
    assert any("news outlet" in m for m in markdown_values(at))  # legend
    atts = frame(at, "level")
    assert "Ariana News" in set(atts["source"])
    other = next(c for c in at.selectbox(key="article_claim").options if str(claim_id) not in c)
    at.selectbox(key="article_claim").select_index(
        at.selectbox(key="article_claim").options.index(other)
    )
    ok(at.run())
    assert at.query_params["claim"] != str(claim_id)


def test_untrusted_article_text_never_renders_live(app: AppTest, ui_data: Path) -> None:
    from workbench.api import Workbench

    with Workbench.open(ui_data) as wb:
        evil = next(a for a in wb.articles() if a.outlet == "Evil Times")
        claim = wb.claims(evil.id)[0]
    at = ok(page(app, common.ARTICLE, claim=str(claim.id)))
    values = markdown_values(at) + [b.label for b in at.button]  # claims are buttons there
    for v in values:
        assert not live(v), v
    shown = " ".join(unescape_md(v) for v in values)
    for payload in PAYLOADS:
        assert payload in shown, payload  # visible as text
    at = ok(page(app, common.LOOKUP, q="Istanbul negotiations collapsed after a long night"))
    for v in markdown_values(at):
        assert not live(v), v
    assert PAYLOADS[0] in " ".join(unescape_md(v) for v in markdown_values(at))
    at = ok(page(app, common.COMPARE, claim=str(claim.id)))  # the carriers' Markdown table too
    for v in markdown_values(at):
        assert not live(v), v
    assert "Evil Times" in " ".join(unescape_md(v) for v in markdown_values(at))


def test_note_save_then_conflict_is_reported(app: AppTest, ui_data: Path) -> None:
    from workbench.api import Workbench
    from workbench.notes.service import Notes

    at = ok(page(app, common.ARTICLE))
    claim_id = at.selectbox(key="article_claim").value
    key = f"article_note_{claim_id}"
    at.button(key=f"{key}_toggle").click().run()  # the form exists only when opened
    at.selectbox(key=f"{key}_verdict").select("mostly_false")
    at.text_area(key=f"{key}_rationale").input("Contradicted by the ministry")
    at.text_area(key=f"{key}_evidence").input("https://example.org/statement")
    at.button(key=f"{key}_save").click()
    ok(at.run())
    assert any("Saved note" in s.value for s in at.success)
    with Workbench.open(ui_data) as wb:
        note = Notes(wb).for_claim(claim_id)[0]
        assert (
            note.verdict == "mostly_false"
            and note.evidence[0].url == "https://example.org/statement"
        )
        Notes(wb).update(note.id, note.version, reviewer="Ben", verdict="false")  # another tab
    at.text_area(key=f"{key}_rationale").input("My later edit")
    at.button(key=f"{key}_save").click()
    ok(at.run())
    assert any("changed this note" in e.value for e in at.error)
    at.button(key=f"{key}_reload").click()
    ok(at.run())
    assert at.selectbox(key=f"{key}_verdict").value == "false"


def test_server_paths_are_off_by_default(app: AppTest) -> None:
    at = ok(page(app, common.INGEST))
    assert not [t for t in at.text_area if t.key == "ingest_paths"]
    assert any("Reading files on the server is off" in i.value for i in at.info)


def test_ingest_paths_reports_each_file_and_keeps_going(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    monkeypatch.setenv("WORKBENCH_SERVER_PATHS", str(allowed))
    good = allowed / "good.md"
    good.write_text(
        "# Border reopens\n\nThe Torkham border crossing reopened on Monday after a "
        "week-long closure, officials in Nangarhar said.",
        encoding="utf-8",
    )
    bad = allowed / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    (allowed / "link.txt").symlink_to("/etc/passwd")
    targets = ["good.md", str(bad), "missing.txt", "/etc/passwd", "../outside.txt", "link.txt"]
    at = ok(page(app, common.INGEST))
    at.text_area(key="ingest_paths").input("\n".join(targets)).run()
    at.button(key="ingest_paths_go").click()
    ok(at.run())
    rows = frame(at, "input")
    status = dict(zip(rows["input"], rows["status"], strict=True))
    reason = dict(zip(rows["input"], rows["reason"], strict=True))
    assert status["good.md"] == "ingested"
    assert status[str(bad)] == "failed" and status["missing.txt"] == "failed"
    outside = "not inside the folder the app may read (WORKBENCH_SERVER_PATHS)"
    # /etc/passwd exists and ../outside.txt does not: the same reply, so nothing leaks.
    assert reason["/etc/passwd"] == reason["../outside.txt"] == reason["link.txt"] == outside
    assert all(rows[rows["status"] == "failed"]["reason"].str.len() > 0)
    at.button(key="ingest_paths_go").click()
    ok(at.run())
    rows = frame(at, "input")
    assert dict(zip(rows["input"], rows["status"], strict=True))["good.md"] == "skipped (duplicate)"


def test_ingest_paste_form(app: AppTest) -> None:
    at = ok(page(app, common.INGEST))
    at.text_input(key="paste_title").input("Pasted report")
    at.text_input(key="paste_outlet").input("Pajhwok")
    at.text_area(key="paste_text").input(
        "Pajhwok reported that the Kabul river flooded three villages on Sunday, officials said."
    )
    at.button(key="paste_go").click()
    ok(at.run())
    assert list(frame(at, "input")["status"]) == ["ingested"]


def test_compare_page(app: AppTest) -> None:
    """From a Lookup link: one row per article with its chain, tier and agreement, the
    independent sources by name, competing accounts, discrepancies, timeline and graph."""
    at = ok(page(app, common.LOOKUP, q=SEED_QUERY))
    claim_id = int(at.get("page_link")[1].proto.query_string.split("claim=")[1])
    at = ok(page(at, common.COMPARE, claim=str(claim_id)))
    assert not at.number_input  # the claim comes from a link or from its words
    assert at.query_params["claim"] == str(claim_id)
    # the articles as an escaped Markdown table; the grid (heavy in a browser) on request
    assert not at.dataframe
    table = next(v for v in markdown_values(at) if v.startswith("| publisher | published |"))
    ok(at.toggle(key="compare_grid_open").set_value(True).run())
    rows = frame(at, "attribution chain")
    assert len(table.splitlines()) == 2 + len(rows)
    assert {"publisher", "published", "wording", "tier", "agreement", "reason"} <= set(rows)
    assert len(set(rows["claim"])) == len(rows)
    assert "the claim" in set(rows["tier"])
    assert all(p == "undated" or p[:2] == "20" for p in rows["published"])
    values = markdown_values(at)
    assert any(v.startswith("**Independent sources: ") for v in values)
    assert {"Who carries it", "Competing accounts", "Discrepancies", "Timeline"} <= {
        s.value for s in at.subheader
    }
    assert any("Undated (never counted as first)" in v for v in values)  # the seed has no date
    assert not at.get("graphviz_chart")  # drawn only when asked for
    ok(at.toggle(key="compare_graph_open").set_value(True).run())
    assert "digraph" in at.get("graphviz_chart")[0].proto.spec
    values = markdown_values(at)
    for v in values:
        assert not live(v), v
    assert "~~" not in " ".join(values)  # no word diff


def test_compare_finds_a_claim_by_its_words(app: AppTest) -> None:
    at = ok(page(app, common.COMPARE))
    assert any("Choose a claim" in i.value for i in at.info)
    at.text_input(key="compare_query").input("Istanbul negotiations collapsed after a long night")
    ok(at.run())
    pick = at.selectbox(key="compare_pick")
    assert pick.value is None and pick.options
    pick.select_index(0)
    ok(at.run())
    claim = at.query_params["claim"]
    assert claim.isdigit()
    assert any(
        v.startswith("| publisher | published |") and len(v.splitlines()) >= 3
        for v in markdown_values(at)
    )
    for v in markdown_values(at):  # the Evil Times article is among the matches
        assert not live(v), v


def test_verdict_badges_on_lookup_compare_and_article(app: AppTest, ui_data: Path) -> None:
    from workbench.api import Workbench
    from workbench.notes.records import VERDICTS
    from workbench.notes.service import Notes
    from workbench.ui.components import display

    with Workbench.open(ui_data) as wb:
        evil = next(a for a in wb.articles() if a.outlet == "Evil Times")
        claim = wb.claims(evil.id)[1]  # other tests write notes on the first and last claims
        notes = Notes(wb).for_claim(claim.id)
        if not notes:
            notes = [Notes(wb).add(claim.id, "misleading", rationale="<b>x</b>", reviewer="Cy")]
        verdict = notes[0].verdict
    label = VERDICTS[verdict]
    badge = f":{display.VERDICT_COLOURS[verdict]}-badge[{label}]"
    at = ok(page(app, common.COMPARE, claim=str(claim.id)))
    assert any(badge in m.value for m in at.markdown)
    at = ok(page(app, common.LOOKUP, q=claim.text))
    assert any(badge in m.value for m in at.markdown)
    at = ok(page(app, common.ARTICLE, claim=str(claim.id)))
    assert any(badge in m.value for m in at.markdown)
    # on the Article page the verdict is on the claim in the text; the Claim list's label stays
    # the number and the words, so a save cannot turn the browser's choice into a stale label
    # (Streamlit's browser side sends the chosen label back; an unknown one resets to claim 1)
    button = at.button(key=f"article_claim_at_{claim.id}")
    assert f"{claim.index + 1} · {label}" in unescape_md(button.label)
    assert at.selectbox(key="article_claim").format_func(claim.id) == (
        f"{claim.index + 1}. {display.short(claim.text, 80)}"
    )


def test_lookup_filters_by_cited_outlet(app: AppTest) -> None:
    at = ok(page(app, common.LOOKUP, q=SEED_QUERY))
    at.button(key="lookup_filters_btn").click().run()
    options = at.selectbox(key="lookup_outlet").options
    assert options[0] == "Any" and not any("(cited)" in o for o in options)  # seed cites nobody
    assert "cites" not in at.query_params


def test_sources_page_adds_an_alias(app: AppTest, ui_data: Path) -> None:
    at = ok(page(app, common.SOURCES))
    assert "Evil Times" in set(frame(at, "articles")["outlet"])
    at.selectbox(key="sources_outlet").select("New outlet…")
    at.text_input(key="sources_new_name").input("Evil Times")
    at.text_input(key="sources_alias").input("ET Daily")
    at.button(key="sources_save").click()
    ok(at.run())
    assert any("ET Daily" in s.value for s in at.success)
    assert "ET Daily" in (ui_data / "outlets.user.json").read_text(encoding="utf-8")


def test_notes_page_lists_filters_and_offers_exports(app: AppTest, ui_data: Path) -> None:
    from workbench.api import Workbench
    from workbench.notes.service import Notes

    with Workbench.open(ui_data) as wb:
        claim = wb.claims(next(a.id for a in wb.articles() if a.outlet == "Evil Times"))[-1]
        if not Notes(wb).for_claim(claim.id):
            Notes(wb).add(claim.id, "misleading", rationale="old photos", reviewer="Cy")
    at = ok(page(app, common.NOTES))
    assert "misleading" not in set(frame(at, "note")["verdict"])  # labels shown
    assert "Misleading" in set(frame(at, "note")["verdict"])
    at.multiselect(key="notes_verdict").select("misleading").run()
    assert set(frame(ok(at), "note")["verdict"]) == {"Misleading"}
    at.text_input(key="notes_reviewer").input("nobody-at-all").run()
    assert any("No notes match" in i.value for i in ok(at).info)
    assert len(at.get("download_button")) == 4

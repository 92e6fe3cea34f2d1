"""Issue 17's rough edges of a first hour, each driven through the app with AppTest (or, for
what AppTest cannot drive, through the page's own helpers): filters as chips, undated counts,
scores independent of filters, example queries, fresh sidebar counts, cited outlets, leave-out
labels, Article's opening article and claim picking, the reviewer of the session, lazy note
editors, upload defaults."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PG_URL, module_store, signed_in
from tests.ui_helpers import ok, page
from workbench.records import ArticleDraft, CitedSource
from workbench.ui import app_path, common
from workbench.ui.components.safe_md import RTL_CSS, unescape_md

pytestmark = pytest.mark.slow
EDGE_SCHEMA = f"edges_{os.getpid()}"

SEED_QUERY = "Pakistan walked out of the Istanbul negotiations"
ITEM = (
    "Peace talks held in Istanbul between Afghanistan and Pakistan collapse after the "
    "delegations fail to agree on monitoring militants, officials said."
)
UNTITLED = (
    "The border crossing at Torkham stayed closed for a third day as traders waited, "
    "a customs officer told reporters."
)


@pytest.fixture(scope="module")
def edge_data(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed (undated, titled), a dated item citing Reuters and an untitled dated item."""
    from workbench.api import Workbench

    data = tmp_path_factory.mktemp("edges") / "data"
    shutil.copytree(seeded_dir, data)
    pg = module_store(EDGE_SCHEMA)  # its schema, see ``app``
    with Workbench.open(data, **pg) as wb:
        report = wb.ingest_drafts(
            [
                ArticleDraft(
                    text=ITEM,
                    title="Talks collapse",
                    outlet="Wikipedia",
                    date="2025-10-29",
                    sources=[CitedSource("Reuters")],
                    origin="w",
                ),
                ArticleDraft(text=UNTITLED, outlet="Dawn", date="2025-11-02", origin="u"),
            ]
        )
        assert report.ingested == 2, report.to_dict()
    return data


@pytest.fixture(autouse=True)
def _edge_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL pass: every test here (and the app it drives) uses the module's schema,
    which belongs with the module's data directory, not the fresh per-test one."""
    if PG_URL:
        monkeypatch.setenv("WORKBENCH_DATABASE_SCHEMA", EDGE_SCHEMA)


@pytest.fixture()
def app(edge_data: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setenv("WORKBENCH_DATA", str(edge_data))
    monkeypatch.setenv("WORKBENCH_REVIEWER", "")
    yield signed_in(AppTest.from_file(str(app_path()), default_timeout=300))


def texts(at: AppTest) -> str:
    return " ".join(
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    )


def chip_keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key and b.key.startswith("chip_")}


# --- filters ---------------------------------------------------------------------------------


def test_active_filters_are_chips_that_remove_and_clear(app: AppTest) -> None:
    at = page(app, common.LOOKUP, q=SEED_QUERY, outlet="Wikipedia", type="unnamed")
    assert {"chip_lookup_outlet", "chip_lookup_type", "chip_clear_all"} <= chip_keys(at)
    assert "Outlet: Wikipedia" in unescape_md(at.button(key="chip_lookup_outlet").label)
    ok(at.button(key="chip_lookup_outlet").click().run())
    assert "chip_lookup_outlet" not in chip_keys(at) and "outlet" not in at.query_params
    assert "chip_lookup_type" in chip_keys(at)
    ok(at.button(key="chip_clear_all").click().run())
    assert not chip_keys(at) and "type" not in at.query_params


def test_chip_labels_are_escaped(app: AppTest) -> None:
    from workbench.ui.components.lookup_filters import active

    chips = active({"lookup_outlet": "[x](javascript:1) <b>"}, 10)
    assert chips == [("lookup_outlet", "Outlet: [x](javascript:1) <b>")]  # plain; escaped on use
    at = page(app, common.LOOKUP, q=SEED_QUERY, outlet="Wikipedia")
    assert at.button(key="chip_lookup_outlet").label.startswith("Outlet\\:")


def test_date_range_says_how_many_undated_it_hides(app: AppTest) -> None:
    at = page(app, common.LOOKUP, q=SEED_QUERY, **{"from": "2025-10-01"})
    hidden = [c.value for c in at.caption if "hides" in c.value]
    assert hidden and "undated" in hidden[0]
    ok(at.button(key="chip_lookup_from").click().run())
    assert not [c.value for c in at.caption if "hides" in c.value]


def test_score_does_not_change_with_an_unrelated_filter(edge_data: Path) -> None:
    from workbench.api import Workbench

    with Workbench.open(edge_data) as wb:
        # every claim of this small store: a filtered hit is always among them, so the
        # filter must never change a score, even of a claim it lifts into the top ranks
        every = {h.claim.id: h.score for h in wb.search(SEED_QUERY, k=50)}
        assert len(every) == len(wb.store.all_claim_ids())
        for stype in ("outlet", "person", "unnamed", "publisher"):
            for hit in wb.search(SEED_QUERY, k=10, source_type=stype):
                assert hit.score == pytest.approx(every[hit.claim.id], abs=1e-9), stype
        arts = wb.articles()
        seed = next(a.id for a in arts if a.outlet not in ("Wikipedia", "Dawn"))
        for hit in wb.search(SEED_QUERY, k=30, exclude_article=seed):
            assert hit.score == pytest.approx(every.get(hit.claim.id, hit.score), abs=1e-9)


def test_filters_do_not_stick_silently_across_pages(app: AppTest) -> None:
    at = page(app, common.LOOKUP, q=SEED_QUERY, outlet="Wikipedia")
    at = page(at, common.ARTICLE)
    at.switch_page(common.LOOKUP)
    at.query_params.clear()
    ok(at.run())
    assert "chip_lookup_outlet" in chip_keys(at)  # still applied, and shown as a chip
    assert at.query_params.get("outlet") in ("Wikipedia", ["Wikipedia"])  # and in the URL


def test_outlet_filter_lists_cited_outlets(app: AppTest) -> None:
    at = page(app, common.LOOKUP, q=SEED_QUERY)
    ok(at.button(key="lookup_filters_btn").click().run())
    box = at.selectbox(key="lookup_outlet")
    assert "Reuters" in box.options or "Reuters (cited)" in box.options
    assert box.format_func("Reuters") == "Reuters (cited)"
    ok(box.select("Reuters").run())
    assert "Reuters" in str(at.query_params.get("outlet"))
    assert "Istanbul" in texts(at)  # the Wikipedia item citing Reuters


def test_leave_out_labels_tell_articles_apart(app: AppTest) -> None:
    at = page(app, common.LOOKUP, q=SEED_QUERY)
    ok(at.button(key="lookup_filters_btn").click().run())
    box = at.selectbox(key="lookup_exclude")
    labels = [lab for lab in box.options if lab != "—"]
    assert len(labels) == len(set(labels)) == 3
    untitled = next(lab for lab in labels if "Dawn" in lab)
    assert untitled.startswith("The border crossing at Torkham") and "2025-11-02" in untitled
    assert any("Talks collapse — Wikipedia, 2025-10-29" in lab for lab in labels)
    assert any("undated" in lab for lab in labels)


def test_distinct_labels_add_the_id_when_they_collide() -> None:
    from workbench.ui.components.lookup_filters import distinct_labels

    row = {"title": "Same", "words": "", "outlet": "AP", "date": "2025-01-01"}
    labels = distinct_labels([{**row, "id": "aaaaaaaa11"}, {**row, "id": "bbbbbbbb22"}])
    assert len(set(labels.values())) == 2 and "[aaaaaaaa]" in labels["aaaaaaaa11"]


# --- lookup ----------------------------------------------------------------------------------


def test_first_page_draws_only_light_elements(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The empty Lookup page: a text box, buttons and Markdown only (each other element kind
    costs the browser a fetch of its code); the right-to-left style sheet only when the data
    holds right-to-left claims."""
    at = page(app, common.LOOKUP)
    assert not at.get("html") and not at.toggle and not at.checkbox
    assert at.button(key="lookup_filters_btn").label.startswith("Filters")
    publishers, cited, _ = common.outlet_lists(common.data_dir(), common.generation(
        common.workbench()))  # fmt: skip
    monkeypatch.setattr(common, "outlet_lists", lambda *_: (publishers, cited, ["en", "ur"]))
    at = page(at, common.LOOKUP)
    assert [h.proto.body for h in at.get("html")] == [RTL_CSS]


def test_example_queries_come_from_recent_claims(app: AppTest) -> None:
    at = page(app, common.LOOKUP)
    examples = [b for b in at.button if b.key and b.key.startswith("lookup_example_")]
    assert examples
    assert "Torkham" in examples[0].label  # the most recent article's claim (2025-11-02)
    ok(examples[0].click().run())
    assert "Torkham" in at.text_input(key="lookup_q").value
    assert "similar claim(s)" in texts(at)


def test_sidebar_counts_refresh_right_after_an_ingest(app: AppTest, edge_data: Path) -> None:
    at = page(app, common.INGEST)
    before = next(c.value for c in at.sidebar.caption if "articles" in c.value)
    n = int(before.split(" articles")[0].replace(",", ""))
    at.text_input(key="paste_title").input("Fresh report")
    at.text_area(key="paste_text").input(
        "Officials in Quetta said the road to Chaman reopened on Tuesday after two weeks."
    )
    ok(at.button(key="paste_go").click().run())
    after = next(c.value for c in at.sidebar.caption if "articles" in c.value)
    assert after.startswith(f"{n + 1:,} articles"), (before, after)


def test_note_editors_are_created_only_when_opened(app: AppTest) -> None:
    at = page(app, common.LOOKUP, q=SEED_QUERY)
    assert not at.text_area  # ten cards, no forms
    btn = next(b for b in at.button if b.key and b.key.startswith("lookup_note_btn_"))
    ok(btn.click().run())
    assert len(at.text_area) == 2  # rationale and evidence of the one opened note


# --- notes -----------------------------------------------------------------------------------


@pytest.mark.skipif(
    bool(PG_URL),
    reason="the embedded default's typed reviewer name; with PostgreSQL (team mode) there is no"
    " name to type: the reviewer is the signed-in user (tests/test_ui_team.py)",
)
def test_reviewer_is_remembered_for_the_session(app: AppTest) -> None:
    at = page(app, common.LOOKUP, q=SEED_QUERY)
    btns = [b for b in at.button if b.key and b.key.startswith("lookup_note_btn_")]
    first, second = (int(b.key.rsplit("_", 1)[1]) for b in btns[:2])
    ok(at.button(key=f"lookup_note_btn_{first}").click().run())
    key = f"lookup_note_{first}"
    at.text_input(key=f"{key}_reviewer").input("Zoe")
    at.text_area(key=f"{key}_rationale").input("checked")
    ok(at.button(key=f"{key}_save").click().run())
    ok(at.button(key=f"lookup_note_btn_{second}").click().run())
    assert at.text_input(key=f"lookup_note_{second}_reviewer").value == "Zoe"
    at = page(at, common.ARTICLE, claim=str(second))
    ok(at.button(key=f"article_note_{second}_toggle").click().run())
    assert at.text_input(key=f"article_note_{second}_reviewer").value == "Zoe"


def test_current_reviewer_is_one_seam() -> None:
    from workbench.ui.components import notes_panel, session_user

    assert notes_panel.current_reviewer is session_user.current_reviewer


def test_saved_verdict_shows_as_badge_without_opening(app: AppTest, edge_data: Path) -> None:
    from workbench.api import Workbench
    from workbench.notes.service import Notes

    with Workbench.open(edge_data) as wb:
        art = next(a for a in wb.articles() if a.outlet == "Dawn")
        claim = wb.claims(art.id)[0]
        if not Notes(wb).for_claim(claim.id):
            Notes(wb).add(claim.id, "false", rationale="r", reviewer="Cy")
    at = page(app, common.LOOKUP, q=claim.text)
    assert any(":red-badge[False]" in m.value for m in at.markdown)
    assert at.button(key=f"lookup_note_btn_{claim.id}").label == "Edit note"
    assert not at.text_area


# --- article ---------------------------------------------------------------------------------


def test_article_opens_on_the_most_recent_then_where_the_user_came_from(
    app: AppTest, edge_data: Path
) -> None:
    from workbench.api import Workbench

    with Workbench.open(edge_data) as wb:
        arts = wb.articles()
        recent = next(a for a in arts if a.outlet == "Dawn")
        item = next(a for a in arts if a.outlet == "Wikipedia")
        item_claim = wb.claims(item.id)[0].id
    at = page(app, common.ARTICLE)
    assert at.selectbox(key="article_id").value == recent.id  # most recent, not arbitrary
    at = page(at, common.COMPARE, claim=str(item_claim))
    at = page(at, common.ARTICLE)
    assert at.selectbox(key="article_id").value == item.id  # the one the user came from


def test_clicking_a_highlighted_claim_in_the_text_selects_it(app: AppTest, edge_data: Path) -> None:
    from workbench.api import Workbench

    with Workbench.open(edge_data) as wb:
        seed = next(a for a in wb.articles() if a.outlet not in ("Wikipedia", "Dawn"))
        claims = wb.claims(seed.id)
    at = page(app, common.ARTICLE, claim=str(claims[0].id))
    # every claim of the text is a button whose label is its highlighted, escaped text
    in_text = {b.key: b for b in at.button if b.key and b.key.startswith("article_claim_at_")}
    assert set(in_text) == {f"article_claim_at_{c.id}" for c in claims}
    third = in_text[f"article_claim_at_{claims[2].id}"]
    assert third.label.startswith(":") and "-badge[3]" in third.label
    assert " ".join(claims[2].text.split())[:30] in unescape_md(third.label)
    assert "**" in in_text[f"article_claim_at_{claims[0].id}"].label  # the chosen one, bold
    ok(third.click().run())
    assert at.selectbox(key="article_claim").value == claims[2].id
    assert at.query_params["claim"] in (str(claims[2].id), [str(claims[2].id)])


def test_title_shown_once_and_panel_wide(app: AppTest, edge_data: Path) -> None:
    from workbench.api import Workbench

    with Workbench.open(edge_data) as wb:
        seed = next(a for a in wb.articles() if a.outlet not in ("Wikipedia", "Dawn"))
        claim = wb.claims(seed.id)[0].id
        assert seed.title and seed.text.lstrip().startswith(seed.title)
    at = page(app, common.ARTICLE, claim=str(claim))
    assert not [s for s in at.subheader if "Haqqani" in s.value]  # the text starts with it
    weights = [c.weight for c in at.columns if c.weight is not None]
    assert weights[:2] == [weights[0], weights[0]]  # text and side panel equally wide


# --- ingest ----------------------------------------------------------------------------------


def test_upload_tab_takes_outlet_and_date(app: AppTest, tmp_path: Path) -> None:
    from workbench.ingest.readers import iter_inputs
    from workbench.ui.components.uploads import with_defaults

    at = page(app, common.INGEST)
    assert at.text_input(key="upload_outlet") and at.date_input(key="upload_date")
    (tmp_path / "a.txt").write_text("Title\n\nOfficials said the road reopened on Tuesday.\n")
    (tmp_path / "b.md").write_text(
        "---\noutlet: Dawn\ndate: 2025-01-02\n---\nOfficials said the pass reopened.\n"
    )
    drafts = list(with_defaults(iter_inputs([tmp_path]), outlet="Pajhwok", date="2025-11-14"))
    by_name = {d.origin.rsplit("/", 1)[-1]: d for d in drafts}
    assert (by_name["a.txt"].outlet, by_name["a.txt"].date) == ("Pajhwok", "2025-11-14")
    assert (by_name["b.md"].outlet, by_name["b.md"].date) == ("Dawn", "2025-01-02")


def test_served_app_skips_the_full_collection_after_each_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Streamlit's gc.collect(2) after every script run held the GIL 0.3-0.7 s with the model
    loaded, so the browser waited for it after every page: the project's config and
    ``workbench serve`` both turn it off."""
    import subprocess
    import tomllib

    from typer.testing import CliRunner

    from tests.conftest import ROOT
    from workbench.cli import app as cli

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "call", lambda cmd, env: calls.append(cmd) or 0)
    CliRunner().invoke(cli, ["serve"], env={"WORKBENCH_DATA": str(tmp_path)})
    assert calls[-1][calls[-1].index("--runner.postScriptGC") + 1] == "false"

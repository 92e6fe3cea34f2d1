"""Cross-source comparison: discrepancies, stance, syndication, outlets; seed acceptance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEEDS, shared_path
from workbench.compare.report import compare, normalise_outlet
from workbench.records import ArticleDraft, CitedSource

WIRE = (
    "Pakistani and Afghan negotiators ended three days of talks in Istanbul without an agreement on "
    "Tuesday, officials from both delegations said. The talks, mediated by Turkey and Qatar, were meant "
    "to turn a fragile ceasefire into a lasting arrangement along the disputed border. Pakistan wants "
    "Kabul to act against militants it says shelter in Afghanistan, a charge the Taliban government "
    "denies. Another round of talks has not been scheduled, the officials said."
)


def _ids(report) -> list[str]:
    return [r.article_id for r in report.results]


def _first_claim(wb, article_id: str) -> int:
    return wb.claims(article_id)[0].id


def _row(report, article_id: str):
    return next(r for r in report.rows if r.article_id == article_id)


def test_number_discrepancy_is_a_competing_account(wb) -> None:
    r = wb.ingest_drafts(
        [
            ArticleDraft(
                text="5 soldiers were killed in the attack on an army checkpoint in North Waziristan.",
                outlet="Dawn",
                date="2025-10-28",
            ),
            ArticleDraft(
                text="12 soldiers were killed in the attack on an army checkpoint in North Waziristan.",
                outlet="Reuters",
                date="2025-10-29",
            ),
        ]
    )
    dawn, reuters = _ids(r)
    a, b = (_first_claim(wb, i) for i in (dawn, reuters))
    result = compare(wb, a)
    other = _row(result, reuters)
    assert other.account.tier == "event" and other.account.agreement == "disagrees"
    assert any(c["slot"] == "number" for c in other.account.conflicts)
    number = next(c for c in result.competing if c.slot == "number")
    assert "5" in number.focus.value and [s.claim_id for s in number.others] == [b]
    assert "12" in number.others[0].value and number.others[0].source == "Reuters"
    d = next(d for d in result.discrepancies if d.claim_id == b)
    line = next(x for x in d.lines if x.slot == "number")
    assert line.differs and "5" in line.focus and "12" in line.other
    assert result.earliest is not None and result.earliest.article_id == dawn  # a day earlier
    assert '"diff"' not in json.dumps(result.to_dict())  # no word diff any more


def test_denial_disagrees(wb) -> None:
    r = wb.ingest_drafts(
        [
            ArticleDraft(
                text="The talks in Istanbul between Afghanistan and Pakistan collapsed on Friday.",
                outlet="Dawn",
            ),
            ArticleDraft(
                text="Officials denied that the talks in Istanbul between Afghanistan and Pakistan collapsed "
                "on Friday.",
                outlet="TOLOnews",
            ),
        ]
    )
    dawn, tolo = _ids(r)
    result = compare(wb, _first_claim(wb, dawn))
    row = _row(result, tolo)
    assert row.account.agreement == "disagrees", row.account
    assert row.account.reason


def test_two_reprints_of_one_wire_story_count_once(wb) -> None:
    r = wb.ingest_drafts(
        [
            ArticleDraft(
                text="Afghan-Pakistan talks end without deal\n\nISTANBUL, Oct 28 (Reuters) - "
                + WIRE,
                outlet="Dawn",
                date="2025-10-28",
            ),
            ArticleDraft(
                text="Istanbul talks fail\n\n" + WIRE + "\nReporting by Staff; Editing by Desk",
                outlet="The Express Tribune",
                date="2025-10-29",
            ),
            ArticleDraft(
                text="Negotiators from Pakistan and Afghanistan left Istanbul on Tuesday with no deal after "
                "three days of talks, according to officials on both sides.",
                outlet="Al Jazeera",
                date="2025-10-28",
            ),
        ]
    )
    dawn, tribune, aljazeera = _ids(r)
    result = compare(wb, _first_claim(wb, dawn))
    articles = [row.article_id for row in result.rows]
    assert {dawn, tribune, aljazeera} <= set(articles)
    assert len(articles) == len(set(articles))  # one row per article
    assert result.independent_sources == 2
    wire = next(g for g in result.sources if dawn in g.article_ids)
    assert wire.reprints and set(wire.article_ids) == {dawn, tribune}
    assert wire.members == ["Dawn (2025-10-28)", "The Express Tribune (2025-10-29)"]
    assert {g.name for g in result.sources} == {"Dawn", "Al Jazeera"}


def test_cited_outlets_are_in_the_attribution_chain(wb) -> None:
    assert normalise_outlet(wb, "AFP via France 24") == ("Agence France-Presse", "France 24")
    r = wb.ingest_drafts(
        [
            ArticleDraft(
                text="Peace talks held in Istanbul between Afghanistan and Pakistan collapse without agreement.",
                outlet="Wikipedia (Portal:Current events)",
                date="2025-11-08",
                sources=[CitedSource("AFP via France 24", "https://www.france24.com/x")],
            ),
        ]
    )
    result = compare(wb, _first_claim(wb, _ids(r)[0]))
    (row,) = result.rows
    assert row.account.tier == "focus" and row.date_text == "2025-11-08"
    assert row.chain[1:] == ["France 24", "Agence France-Presse"]
    assert [g.name for g in result.sources] == ["Agence France-Presse"]


def test_undated_articles_are_never_first(wb) -> None:
    text = "Pakistan closed the Torkham border crossing with Afghanistan on Sunday after clashes."
    r = wb.ingest_drafts(
        [
            ArticleDraft(text=text, outlet="Pajhwok"),
            ArticleDraft(text=text.replace("closed", "shut"), outlet="Dawn", date="2025-10-12"),
        ]
    )
    undated, dated = _ids(r)
    result = compare(wb, _first_claim(wb, undated))
    assert _row(result, undated).date is None and _row(result, undated).date_text == "undated"
    assert result.undated == [undated]
    assert result.earliest is not None and result.earliest.article_id == dated
    assert [p.article_id for p in result.timeline] == [dated]


def test_claims_of_the_focus_article_are_never_versions(wb) -> None:
    r = wb.ingest_drafts(
        [
            ArticleDraft(
                text="Pakistan closed the Torkham border crossing with Afghanistan on Sunday. "
                "According to Pajhwok, Pakistan shut the Torkham border crossing on Sunday "
                "because of the clashes.",
                outlet="Khaama Press",
                date="2025-10-12",
            )
        ]
    )
    (art,) = _ids(r)
    first, second = wb.claims(art)[:2]
    result = compare(wb, first.id)
    (row,) = result.rows
    assert row.account.claim_id == first.id and row.account.tier == "focus"
    assert [a.claim_id for a in row.other_accounts] == [second.id]
    other = row.other_accounts[0]
    assert other.tier == "event" and other.own_article
    assert other.tier_label == "this article's other account"


def test_lookup_filters_by_cited_outlet(wb) -> None:
    text = "Pakistan closed the Torkham border crossing with Afghanistan on Sunday after clashes."
    r = wb.ingest_drafts(
        [
            ArticleDraft(text=text, outlet="Wikipedia", sources=[CitedSource("Reuters", None)]),
            ArticleDraft(text=text.replace("closed", "shut"), outlet="Dawn"),
        ]
    )
    wiki, _ = _ids(r)
    assert wb.cited_outlets() == ["Reuters"]
    hits = wb.search(text, k=5, cited="Reuters")
    assert [h.claim.article_id for h in hits] == [wiki]


def test_compare_free_text(wb) -> None:
    wb.ingest_drafts(
        [
            ArticleDraft(
                text="At least 12 soldiers were killed in the attack on an army checkpoint "
                "in North Waziristan.",
                outlet="Reuters",
            )
        ]
    )
    result = compare(wb, "Twelve soldiers died in an attack on a North Waziristan army checkpoint")
    assert result.focus_claim_id is None
    assert [r.publisher for r in result.rows] == ["Reuters"]


# --------------------------------------------------------------------------- acceptance (shared data)

ITEMS = ("wikipedia-current-events-2025-2026", "items_afghanistan_pakistan.jsonl")


@pytest.fixture(scope="module")
def afpak(tmp_path_factory: pytest.TempPathFactory):
    """The seed plus the 470 Af-Pak current-events items, attribution on (~1 min, once)."""
    items = shared_path(*ITEMS)
    from workbench.api import Workbench

    data: Path = tmp_path_factory.mktemp("afpak")
    wb = Workbench.open(data, attribution=True)
    report = wb.ingest([SEEDS, items])
    assert report.ingested == 471, report.to_dict()["failed"]
    yield wb
    wb.close()


def _seed_claim(wb, start: str) -> int:
    seed = next(a for a in wb.articles() if a.origin and "seeds" in a.origin)
    return next(c.id for c in wb.claims(seed.id) if c.text.startswith(start))


def _claim_starting(wb, start: str) -> int:
    return next(c.id for a in wb.articles() for c in wb.claims(a.id) if c.text.startswith(start))


def test_istanbul_talks_comparison(afpak) -> None:
    """Done when: seed + Af-Pak items, focus on the Ariana News claim."""
    focus = _seed_claim(afpak, "Reports from Afghan media outlet Ariana News")
    ndtv = _seed_claim(afpak, "According to the Indian news network NDTV")
    result = compare(afpak, focus)
    seed = afpak.claim(focus).article_id
    # every article appears once
    articles = [r.article_id for r in result.rows]
    assert len(articles) == len(set(articles))
    # no sentence of the seed article is a version of it
    accounts = [a for r in result.rows for a in (r.account, *r.other_accounts)]
    for a in accounts:
        if afpak.claim(a.claim_id).article_id == seed:
            assert a.tier in ("focus", "event"), a
    # the talks-collapse items of other outlets, with dates and their cited outlets
    chains = {(r.date_text, r.chain_text) for r in result.rows}
    assert any(d == "2025-10-29" and "Reuters" in c for d, c in chains), chains
    assert any(d == "2025-11-08" and "Agence France-Presse" in c for d, c in chains), chains
    assert result.earliest is not None and result.earliest.date == "2025-10-29"
    assert seed in result.undated
    assert result.independent_sources >= 3 and len(result.sources) == result.independent_sources
    # other news (Iran-US talks) is not shown
    assert not any("Tasnim" in a.text or "Iran" in a.text for a in accounts)
    # the NDTV sentence is the seed article's other account
    own = next(a for a in accounts if a.claim_id == ndtv)
    assert own.tier == "event" and own.own_article


def test_ndtv_gives_a_competing_cause(afpak) -> None:
    """Done when: the NDTV sentence appears as a competing account with the cause named."""
    focus = _seed_claim(afpak, "Reports from Afghan media outlet Ariana News")
    ndtv = _seed_claim(afpak, "According to the Indian news network NDTV")
    result = compare(afpak, focus)
    cause = next((c for c in result.competing if c.slot == "cause"), None)
    assert cause is not None and ndtv in [s.claim_id for s in cause.others], result.competing
    side = next(s for s in cause.others if s.claim_id == ndtv)
    assert "drone" in side.value and "NDTV" in side.source
    assert "demands" in cause.focus.value and "Ariana News" in cause.focus.source


def test_ndtv_claim_has_no_unrelated_similar_claims(afpak) -> None:
    """Done when: the NDTV drone claim's Article page shows no unrelated "similar" claims."""
    ndtv = _seed_claim(afpak, "According to the Indian news network NDTV")
    found = afpak.similar_claims(ndtv)
    assert not any("Iran" in s.text for s in found), [s.text for s in found]
    assert all(s.tier in ("same", "event") for s in found)


def test_remarks_claim_finds_the_collapse_items(afpak) -> None:
    result = compare(afpak, _seed_claim(afpak, "His remarks came just days after"))
    assert any(r.date_text == "2025-10-29" and "Reuters" in r.chain for r in result.rows)


def test_only_an_attribution_framing_the_sentence_gives_its_content() -> None:
    """'Reports from X indicate that …' states its content; a side clause ('…, underscoring
    Y's readiness') leaves the whole sentence as what the claim states."""
    from workbench.compare.selection import content_of
    from workbench.records import Article, Attribution, Claim

    framed = "Reports from Ariana News indicate that the talks in Istanbul collapsed."
    side = (
        "The remarks came days after the talks in Istanbul collapsed without any result, "
        "and Asif warned Kabul, underscoring Islamabad's readiness to respond."
    )
    text = f"{framed} {side}"
    article = Article("a1", text, "T", None, None, None, "en", "2025-11-01T00:00:00Z")
    start2 = len(framed) + 1
    c1 = Claim(1, "a1", 0, 0, 0, len(framed), framed, 0.5)
    c2 = Claim(2, "a1", 1, 0, start2, len(text), side, 0.5)
    cue = framed.index("indicate")
    a1 = Attribution(
        "Ariana News",
        "Ariana News",
        "outlet",
        "Reports … indicate",
        framed.index("the talks"),
        len(framed) - 1,
        source_start=framed.index("Ariana"),
        source_end=framed.index(" indicate"),
        cue_start=0,
        cue_end=cue + len("indicate"),
    )
    u = text.index("underscoring")
    a2 = Attribution(
        "Asif",
        "Khawaja Asif",
        "person",
        "underscoring",
        u + len("underscoring "),
        len(text) - 1,
        source_start=text.index("Asif"),
        source_end=text.index("Asif") + 4,
        cue_start=u,
        cue_end=u + len("underscoring"),
    )
    assert content_of(article, [a1], c1) == "the talks in Istanbul collapsed"
    assert content_of(article, [a2], c2) is None
    assert content_of(article, [a2]) == "Islamabad's readiness to respond"

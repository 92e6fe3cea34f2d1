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


def test_number_discrepancy_is_flagged(wb) -> None:
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
    a, b = (_first_claim(wb, i) for i in _ids(r))
    result = compare(wb, a)
    pair = next(p for p in result.pairs if {p.a_claim, p.b_claim} == {a, b})
    assert "number" in pair.kinds
    assert pair.discrepancy["numbers_a"] == ["5"] and pair.discrepancy["numbers_b"] == ["12"]
    assert any(op["op"] == "replace" and op["a_text"] == "5" for op in pair.discrepancy["diff"])
    assert (
        result.earliest is not None and result.earliest.claim_id == a
    )  # Dawn had it a day earlier
    json.dumps(result.to_dict())


def test_denial_is_a_contradiction(wb) -> None:
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
    a, b = (_first_claim(wb, i) for i in _ids(r))
    result = compare(wb, a)
    other = next(x for x in result.appearances if x.claim_id == b)
    assert other.stance is not None and other.stance.label == "contradict"
    pair = next(p for p in result.pairs if p.b_claim == b)
    assert "negation" in pair.kinds
    row = next(x for x in result.outlets if x.claim_id == b and x.role == "publisher")
    assert row.stance == "contradict"


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
    articles = {a.article_id for a in result.appearances}
    assert {dawn, tribune, aljazeera} <= articles
    assert result.independent_sources == 2
    wire = next(g for g in result.syndication if dawn in g.article_ids)
    assert set(wire.article_ids) == {dawn, tribune}
    assert {"Dawn", "The Express Tribune"} <= set(wire.outlets)


def test_cited_outlets_carry_a_publisher_voice_claim(wb) -> None:
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
    cited = [x for x in result.outlets if x.role == "cited"]
    assert [(x.outlet, x.via, x.first_seen) for x in cited] == [
        ("Agence France-Presse", "France 24", "2025-11-08")
    ]


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
    assert [a.publisher for a in result.appearances] == ["Reuters"]


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


def test_istanbul_talks_comparison(afpak) -> None:
    result = compare(afpak, _seed_claim(afpak, "Reports from Afghan media outlet Ariana News"))
    rows = {(r.outlet, r.role) for r in result.outlets}
    assert ("Ariana News", "attributed") in rows
    assert ("NDTV", "attributed") in rows
    ndtv = next(r for r in result.outlets if r.outlet == "NDTV")
    assert ndtv.states.startswith(
        "According to the Indian news network NDTV, the immediate catalyst"
    )
    dated = {(r.outlet, r.via, r.first_seen) for r in result.outlets if r.role == "cited"}
    assert ("Reuters", None, "2025-10-29") in dated  # "Peace talks held in Istanbul … collapse"
    assert ("Agence France-Presse", "France 24", "2025-11-08") in dated  # "… talks … have failed"
    assert result.earliest is not None and result.earliest.first_seen == "2025-10-29"
    assert result.independent_sources >= 3
    # "collapse and achieve no clear agreement": both say the talks failed
    reuters = next(r for r in result.outlets if r.outlet == "Reuters" and r.role == "cited")
    assert reuters.stance != "contradict", reuters
    texts = [a.text for a in result.appearances]
    # other news: Iran-US talks (Tasnim) and the earlier round's ceasefire (DW) are not versions
    assert not any("Tasnim" in t for t in texts)
    assert not any("extended ceasefire" in t for t in texts)


def test_remarks_claim_finds_the_collapse_items(afpak) -> None:
    result = compare(afpak, _seed_claim(afpak, "His remarks came just days after"))
    cited = {(r.outlet, r.first_seen) for r in result.outlets if r.role == "cited"}
    assert ("Reuters", "2025-10-29") in cited
    texts = " ".join(a.text for a in result.appearances)
    assert "Ariana News" in texts


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

"""Claim clusters: incremental updates, unrelated claims apart, membership lookups."""

from __future__ import annotations

import pytest

from workbench.compare import clusters
from workbench.records import ArticleDraft

A = (
    "Pakistan's army said on Tuesday that twelve soldiers were killed when militants attacked a checkpoint "
    "in North Waziristan. The country's central bank kept its main interest rate unchanged at 11 percent."
)
B = (
    "Twelve soldiers were killed on Tuesday when militants attacked a checkpoint in North Waziristan, "
    "Pakistan's army said. Heavy snowfall closed the Salang pass for a second day."
)


def _claim(wb, article_id: str, word: str) -> int:
    return next(c.id for c in wb.claims(article_id) if word in c.text)


def test_incremental_add_joins_restatement_without_rebuild(
    wb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        clusters, "rebuild", lambda *a, **k: pytest.fail("ingest must not rebuild clusters")
    )
    first = wb.ingest_drafts([ArticleDraft(text=A, outlet="Dawn", date="2025-10-28")])
    a_soldiers = _claim(wb, first.results[0].article_id, "soldiers")
    assert wb.cluster_members(a_soldiers) == [a_soldiers]  # alone so far
    second = wb.ingest_drafts([ArticleDraft(text=B, outlet="Reuters", date="2025-10-28")])
    b_soldiers = _claim(wb, second.results[0].article_id, "soldiers")
    assert sorted(wb.cluster_members(a_soldiers)) == sorted([a_soldiers, b_soldiers])
    assert wb.cluster_members(b_soldiers) == wb.cluster_members(a_soldiers)
    # unrelated claims of both articles stay apart
    rate = _claim(wb, first.results[0].article_id, "interest rate")
    snow = _claim(wb, second.results[0].article_id, "snowfall")
    assert wb.cluster_members(rate) == [rate]
    assert wb.cluster_members(snow) == [snow]
    assert [c.claim_ids for c in clusters.clusters(wb)] == [sorted([a_soldiers, b_soldiers])]


def test_a_shared_headline_does_not_cluster_different_statements(wb) -> None:
    """The search embeds claims with their headline (embed_context=title), which makes short
    unrelated sentences under one headline look alike (cosine 0.7-0.9); clusters compare the
    bare claims, so two articles under one headline keep them apart."""
    title = "Pakistan army says twelve soldiers killed in North Waziristan militant attack"
    assert wb.settings.embed_context == "title"
    wb.ingest_drafts(
        [
            ArticleDraft(
                text="Officials gave no further details. Residents said the area was calm by evening.",
                title=title,
                outlet="Dawn",
                date="2025-10-28",
            ),
            ArticleDraft(
                text="The checkpoint was later reopened to traffic. No group has claimed responsibility so far.",
                title=title,
                outlet="Reuters",
                date="2025-10-28",
            ),
        ]
    )
    assert clusters.clusters(wb) == []


def test_same_article_restatements_do_not_cluster_alone(wb) -> None:
    text = (
        A
        + " "
        + "Twelve soldiers were killed on Tuesday in a militant attack on a North Waziristan checkpoint."
    )
    report = wb.ingest_drafts([ArticleDraft(text=text, outlet="Dawn")])
    ids = [c.id for c in wb.claims(report.results[0].article_id)]
    assert all(wb.cluster_members(i) == [i] for i in ids)


def test_rebuild_reproduces_incremental_clusters(wb) -> None:
    wb.ingest_drafts([ArticleDraft(text=A, outlet="Dawn"), ArticleDraft(text=B, outlet="Reuters")])
    before = [c.claim_ids for c in clusters.clusters(wb)]
    assert before
    clusters.rebuild(wb)
    assert [c.claim_ids for c in clusters.clusters(wb)] == before
    clusters.rebuild(wb, threshold=0.999)  # a stricter threshold splits them
    assert clusters.clusters(wb) == []


def test_deleting_an_article_drops_its_memberships(wb) -> None:
    r = wb.ingest_drafts(
        [ArticleDraft(text=A, outlet="Dawn"), ArticleDraft(text=B, outlet="Reuters")]
    )
    keep = _claim(wb, r.results[0].article_id, "soldiers")
    wb.delete_article(r.results[1].article_id)
    assert wb.cluster_members(keep) == [keep]


SOLDIERS = "Twelve soldiers were killed when militants attacked a checkpoint in North Waziristan."


def test_far_apart_dates_do_not_cluster(wb) -> None:
    """The same wording a month later is another attack, not another version of this one."""
    r = wb.ingest_drafts(
        [
            ArticleDraft(text=SOLDIERS, outlet="Dawn", date="2025-10-28"),
            ArticleDraft(text=SOLDIERS, outlet="Reuters", date="2025-11-28"),
        ]
    )
    ids = [wb.claims(x.article_id)[0].id for x in r.results]
    assert wb.cluster_members(ids[0]) == [ids[0]]


def test_series_ordinals_and_other_days_figures_do_not_cluster(wb) -> None:
    r = wb.ingest_drafts(
        [
            ArticleDraft(
                text="The U.S. launches strikes against Iran for a fifth consecutive night.",
                outlet="Dawn",
                date="2026-07-15",
            ),
            ArticleDraft(
                text="The U.S. launches strikes against Iran for a seventh consecutive night.",
                outlet="Reuters",
                date="2026-07-17",
            ),
            ArticleDraft(
                text="Israeli strikes kill 85 Palestinians in Gaza.",
                outlet="Dawn",
                date="2025-05-20",
            ),
            ArticleDraft(
                text="Israeli strikes kill 80 Palestinians in Gaza.",
                outlet="Reuters",
                date="2025-05-22",
            ),
        ]
    )
    ids = [wb.claims(x.article_id)[0].id for x in r.results]
    assert all(wb.cluster_members(i) == [i] for i in ids)
    assert clusters.clusters(wb) == []

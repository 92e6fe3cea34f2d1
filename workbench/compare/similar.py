"""Similar claims in other articles, for the Article page: the claims Compare would show,
those of other articles that the same-claim judge puts in tier 1 (same statement) or tier 2
(same event, another account), grouped by tier.

A nearest-neighbour list always has k rows, however far the neighbours are; a checker reading
"similar claims" must not be shown unrelated news. So the candidates pass Compare's selection
(relevance floor and shared rare words, :mod:`workbench.compare.selection`) and then the judge;
below that nothing is shown and the page says "no close match in other articles".
"""

from __future__ import annotations

import weakref
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.api import Workbench
    from workbench.compare.same_claim import SameClaimJudge

_JUDGES: weakref.WeakKeyDictionary[Any, SameClaimJudge] = weakref.WeakKeyDictionary()

TIER_ORDER = ("same", "event")
MODEL = "all-MiniLM-L6-v2"  # the embedding model the judge's weights were fitted with


@dataclass(slots=True)
class SimilarClaim:
    """A claim of another article, its tier and how sure the judge is it is the same."""

    claim_id: int
    text: str
    tier: str  # "same" | "event"
    p_same: float
    relevance: float
    article_id: str
    outlet: str | None
    date: str | None  # publication date; None: undated
    title: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def judge_for(wb: Workbench) -> SameClaimJudge:
    """The shared same-claim judge, encoding through ``wb.vectors_for`` when the workbench embeds
    with the judge's model: claim sentences are then read from the store's embedding cache
    (filled at ingest) instead of being encoded again on every Compare page."""
    from workbench.compare.same_claim import SameClaimJudge, get_judge

    shared = get_judge()
    if getattr(wb.embedder, "model_name", None) != getattr(shared, "model_name", MODEL):
        return shared
    if wb not in _JUDGES:
        _JUDGES[wb] = SameClaimJudge(weights=shared.weights, encode=wb.vectors_for)
    return _JUDGES[wb]


def similar_claims(wb: Workbench, claim_id: int, k: int = 10) -> list[SimilarClaim]:
    """Claims of other articles above the tier-2 floor, tier 1 first, then by the judge's
    confidence that they say the same thing."""
    from workbench.compare.selection import select

    sel = select(
        wb, int(claim_id), k, wb.settings.compare_floor, wb.settings.compare_same_article_floor
    )
    home = sel.focus.article_id if sel.focus else None
    others = [c for c in sel.chosen if sel.claims[c].article_id != home]
    if not others:
        return []
    decisions = judge_for(wb).decide_many(
        sel.text,
        [sel.claims[c].text for c in others],
        cosines=[sel.relevance.get(c, 0.0) for c in others],
    )
    kept = []
    for cid, d in zip(others, decisions, strict=True):
        if d.tier not in TIER_ORDER:
            continue
        art = sel.article(wb, sel.claims[cid].article_id)
        kept.append(
            SimilarClaim(
                cid,
                sel.claims[cid].text,
                d.tier,
                float(d.p_same),
                sel.relevance.get(cid, 0.0),
                art.id,
                art.outlet,
                art.date or None,
                art.title,
            )
        )
    kept.sort(key=lambda s: (TIER_ORDER.index(s.tier), -s.p_same, -s.relevance))
    return kept

"""The records of a Compare report (:mod:`workbench.compare.report`): one row per article,
independent sources, competing accounts, slot-by-slot discrepancies and the timeline.

Plain dataclasses with ``to_dict`` so ``workbench compare --json`` and the app show the same data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

TIERS = ("focus", "same", "event")
TIER_LABELS = {
    "focus": "the claim",
    "same": "same statement",
    "event": "same event, other account",
    "own": "this article's other account",
}


@dataclass(slots=True)
class Account:
    """One claim of an article, compared with the focus."""

    claim_id: int
    text: str
    tier: str  # "focus" | "same" | "event"
    own_article: bool  # a claim of the focus's own article (never "same")
    relevance: float
    p_same: float | None
    agreement: str | None  # "agrees" | "disagrees" | "discusses" | "unrelated"; None: the focus
    reason: str
    conflicts: list[dict[str, str]]  # {"slot", "focus", "other"}
    sources: list[str]  # the claim's named sources, outermost first ("Ariana News", ...)
    verdict: str | None = None  # a note's verdict key (workbench.notes.records.VERDICTS)
    chain: list[str] = field(default_factory=list)  # publisher ← cited outlets ← sources

    @property
    def chain_text(self) -> str:
        return " ← ".join(self.chain)

    @property
    def tier_label(self) -> str:
        return TIER_LABELS["own" if self.own_article and self.tier == "event" else self.tier]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["relevance"] = round(self.relevance, 4)
        out["p_same"] = None if self.p_same is None else round(self.p_same, 4)
        out["tier_label"] = self.tier_label
        out["chain_text"] = self.chain_text
        return out


@dataclass(slots=True)
class ArticleRow:
    """One article carrying the claim (or an account of its event): exactly one row each."""

    article_id: str
    publisher: str  # registry name, the URL's host, or "unknown outlet"
    title: str | None
    url: str | None
    date: str | None  # the publication date; None: undated (ingest time is not a date)
    cited: list[str]  # outlets the record cites (``sources: [...]``), carriers first
    account: Account  # the article's claim closest to the focus
    other_accounts: list[Account] = field(default_factory=list)
    group: int = 0  # its independent-source group

    @property
    def chain(self) -> list[str]:
        return self.account.chain

    @property
    def chain_text(self) -> str:
        return self.account.chain_text

    @property
    def date_text(self) -> str:
        return self.date[:10] if self.date else "undated"

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "publisher": self.publisher,
            "title": self.title,
            "url": self.url,
            "date": self.date,
            "date_text": self.date_text,
            "cited": self.cited,
            "chain": self.chain,
            "chain_text": self.chain_text,
            "account": self.account.to_dict(),
            "other_accounts": [a.to_dict() for a in self.other_accounts],
            "group": self.group,
        }


@dataclass(slots=True)
class SourceGroup:
    """One independent source: its name and the articles (reprints, items citing it) in it."""

    id: int
    name: str
    members: list[str]  # "publisher (date)" of each article in the group
    article_ids: list[str]
    reprints: bool  # copies of one wire story (near-identical texts)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Side:
    """One side of a competing account: a slot's value and who gives it."""

    value: str
    source: str
    claim_id: int
    article_id: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class CompetingAccounts:
    """Tier-2 accounts that differ from the focus on one slot (cause, actor, number, …)."""

    slot: str
    focus: Side
    others: list[Side]

    def to_dict(self) -> dict[str, Any]:
        return {
            "slot": self.slot,
            "focus": self.focus.to_dict(),
            "others": [s.to_dict() for s in self.others],
        }


@dataclass(slots=True)
class SlotLine:
    """One slot of a side-by-side comparison; ``differs`` when the slots conflict."""

    slot: str
    focus: str
    other: str
    differs: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Discrepancy:
    """The focus and one other claim, slot by slot."""

    claim_id: int
    article_id: str
    source: str
    tier: str
    agreement: str | None
    reason: str
    lines: list[SlotLine]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "lines": [x.to_dict() for x in self.lines]}


@dataclass(slots=True)
class TimelinePoint:
    """An article's appearance: when, by whom, in which tier."""

    outlet: str  # the publisher, with the outlets it cites ("Wikipedia ← Reuters")
    date: str
    article_id: str
    claim_id: int
    tier: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class CompareReport:
    """Everything a fact-checker needs to compare one claim across outlets."""

    focus_text: str
    focus_claim_id: int | None
    focus_article_id: str | None
    verdict: str | None
    cluster_id: int | None
    rows: list[ArticleRow]
    sources: list[SourceGroup]
    competing: list[CompetingAccounts]
    discrepancies: list[Discrepancy]
    timeline: list[TimelinePoint]
    undated: list[str]  # article ids of the rows without a publication date
    earliest: TimelinePoint | None

    @property
    def independent_sources(self) -> int:
        return len(self.sources)

    @property
    def claim_ids(self) -> list[int]:
        """Every compared claim (row accounts and the articles' other accounts)."""
        return [a.claim_id for r in self.rows for a in (r.account, *r.other_accounts)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "focus_text": self.focus_text,
            "focus_claim_id": self.focus_claim_id,
            "focus_article_id": self.focus_article_id,
            "verdict": self.verdict,
            "cluster_id": self.cluster_id,
            "independent_sources": self.independent_sources,
            "sources": [g.to_dict() for g in self.sources],
            "rows": [r.to_dict() for r in self.rows],
            "competing": [c.to_dict() for c in self.competing],
            "discrepancies": [d.to_dict() for d in self.discrepancies],
            "timeline": [p.to_dict() for p in self.timeline],
            "undated": self.undated,
            "earliest": self.earliest.to_dict() if self.earliest else None,
        }

"""Cross-source comparison of one claim: who carries it, who they attribute it to, where the
versions differ, which outlets are independent, and who had it first.

``workbench.compare.selection`` chooses the versions (cluster, relevance floor, anchors); this
module labels each with its stance towards the focus (all stance pairs in one
``predict_many`` batch), drops versions the stance model calls unrelated when their
relevance is low (``UNRELATED_KEEP``), and assembles the report: outlets table, pairwise
discrepancies, earliest appearance. Reprints are grouped with ``workbench.compare.syndication`` so N
copies of one wire story count as one independent source.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.compare.discrepancy import compare_texts
from workbench.compare.selection import select
from workbench.compare.stance import StanceResult, get_stance_model, preload
from workbench.compare.syndication import find_syndicated_groups
from workbench.records import Article, Attribution, Claim

if TYPE_CHECKING:
    from workbench.api import Workbench

MAX_FOCUS_PAIRS = 20
# A version the stance model calls "unrelated" stays only at this relevance or above (or in
# the focus's cluster): below it, it is the same story's other news, not a version.
UNRELATED_KEEP = 0.6
_VIA = re.compile(r"^(.+?)\s+via\s+(.+)$", re.IGNORECASE)


@dataclass(slots=True)
class Appearance:
    """One version of the claim: the claim, its article, who it is attributed to, its stance."""

    claim_id: int
    article_id: str
    text: str
    publisher: str | None
    title: str | None
    url: str | None
    first_seen: str
    first_seen_from: str  # "date" (article date) or "ingested" (no date known)
    relevance: float
    in_cluster: bool
    same_article: bool
    attributed_to: list[dict[str, Any]] = field(default_factory=list)
    language: str | None = None
    cited_sources: list[dict[str, str | None]] = field(default_factory=list)
    stance: StanceResult | None = None
    syndication_group: int = 0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["stance"] = self.stance.to_dict() if self.stance else None
        out["relevance"] = round(self.relevance, 4)
        return out


@dataclass(slots=True)
class OutletRow:
    """One row of the outlets table: an outlet carrying one version of the claim."""

    outlet: str
    role: str  # "publisher" (article's own outlet), "cited" (article.sources), "attributed"
    claim_id: int
    states: str
    attributed_to: list[str]
    first_seen: str
    stance: str | None
    stance_score: float | None
    via: str | None = None  # the outlet that carried another's copy ("AFP via France 24")
    in_article_of: str | None = None  # the publisher whose article cites or attributes it
    language: str | None = None  # the version's language (workbench.text.language code)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class PairReport:
    """Discrepancies and stance between two versions."""

    a_claim: int
    b_claim: int
    a_outlet: str | None
    b_outlet: str | None
    kinds: list[str]
    stance: StanceResult | None
    discrepancy: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "stance": self.stance.to_dict() if self.stance else None}


@dataclass(slots=True)
class SyndicationGroup:
    """Articles that are copies of one origin (one independent source)."""

    id: int
    article_ids: list[str]
    outlets: list[str]
    claim_ids: list[int]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Comparison:
    """Everything a fact-checker needs to compare the versions of one claim."""

    focus_text: str
    focus_claim_id: int | None
    cluster_id: int | None
    appearances: list[Appearance]
    outlets: list[OutletRow]
    earliest: Appearance | None
    pairs: list[PairReport]
    syndication: list[SyndicationGroup]
    independent_sources: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "focus_text": self.focus_text,
            "focus_claim_id": self.focus_claim_id,
            "cluster_id": self.cluster_id,
            "independent_sources": self.independent_sources,
            "earliest": self.earliest.to_dict() if self.earliest else None,
            "outlets": [r.to_dict() for r in self.outlets],
            "appearances": [a.to_dict() for a in self.appearances],
            "pairs": [p.to_dict() for p in self.pairs],
            "syndication": [g.to_dict() for g in self.syndication],
        }


# --------------------------------------------------------------------------- helpers


def normalise_outlet(wb: Workbench, name: str | None) -> tuple[str | None, str | None]:
    """(outlet, via): registry name for ``name``; "AFP via France 24" -> (AFP's name, France 24)."""
    if not name or not name.strip():
        return None, None
    m = _VIA.match(name.strip())
    if m:
        return normalise_outlet(wb, m.group(1))[0], normalise_outlet(wb, m.group(2))[0]
    registry = wb.outlets()
    hit = registry.match(name) if registry is not None else None
    return (hit.name if hit is not None else name.strip()), None


def _first_seen(article: Article) -> tuple[str, str]:
    return (article.date, "date") if article.date else (article.ingested_at, "ingested")


def _who(atts: list[Attribution], publisher: str | None) -> list[dict[str, Any]]:
    out = []
    for a in atts:
        source = a.source or (publisher if a.source_type == "publisher" else "") or a.source_text
        out.append(
            {
                "source": source or None,
                "source_type": a.source_type,
                "kind": a.kind,
                "cue": a.cue,
                "hedged": a.hedged,
                "nested": a.parent is not None,
            }
        )
    return out


# --------------------------------------------------------------------------- comparison


def compare(
    wb: Workbench,
    focus: int | str,
    k: int = 10,
    floor: float | None = None,
    same_article_floor: float | None = None,
    pairwise_top: int = 4,
    language: str | None = None,
) -> Comparison:
    """Compare every version of ``focus`` (a claim id, or a claim text) across outlets."""
    floor = wb.settings.compare_floor if floor is None else floor
    same_floor = (
        wb.settings.compare_same_article_floor if same_article_floor is None else same_article_floor
    )
    model = get_stance_model(wb.settings.stance_model)
    preload(model)  # load spaCy in the background while the embedder and search run
    sel = select(wb, focus, k, floor, same_floor)
    focus_claim, text, articles = sel.focus, sel.text, sel.articles
    focus_id = focus_claim.id if focus_claim else None
    apps = [
        _appearance(
            wb,
            sel.claims[c],
            articles[sel.claims[c].article_id],
            sel.attributions[c],
            sel.relevance.get(c, 0.0),
            c in sel.cluster,
            bool(focus_claim) and sel.claims[c].article_id == focus_claim.article_id,
        )
        for c in sel.chosen
    ]
    focus_lang = (focus_claim.language if focus_claim else None) or "en"
    if language:  # versions in this language only (the focus stays)
        apps = [a for a in apps if a.claim_id == focus_id or a.language == language]
    others = [a for a in apps if a.claim_id != focus_id]
    # the stance models read English: versions in another language get no stance
    judged = [a for a in others if (a.language or "en") == focus_lang]
    best = sorted(judged, key=lambda a: -a.relevance)[:pairwise_top]
    among = [(x, y) for i, x in enumerate(best) for y in best[i + 1 :]]
    stances = model.predict_many(
        [(text, a.text) for a in judged] + [(x.text, y.text) for x, y in among]
    )
    for a, s in zip(judged, stances, strict=False):
        a.stance = s
    among_stances = stances[len(judged) :]
    dropped = {a.claim_id for a in others if _weak(a, sel.anchor_hits.get(a.claim_id, 0))}
    apps = [a for a in apps if a.claim_id not in dropped]
    others = [a for a in others if a.claim_id not in dropped]
    among_kept = [
        (x, y, s)
        for (x, y), s in zip(among, among_stances, strict=True)
        if x.claim_id not in dropped and y.claim_id not in dropped
    ]
    groups = _syndication(wb, apps, articles)
    stating = [a for a in apps if a.stance is None or a.stance.label != "unrelated"]
    dated = [a for a in stating if a.first_seen_from == "date"] or stating
    earliest = min(dated, key=lambda a: (a.first_seen, a.claim_id)) if dated else None
    return Comparison(
        focus_text=text,
        focus_claim_id=focus_id,
        cluster_id=_cluster_id(wb, focus_claim),
        appearances=apps,
        outlets=_table(wb, apps),
        earliest=earliest,
        pairs=_pairs(text, focus_claim, others, among_kept),
        syndication=groups,
        independent_sources=len(groups),
    )


def _weak(a: Appearance, anchors: int) -> bool:
    """Below ``UNRELATED_KEEP`` (and outside the cluster) a version must show it states the
    focus's content: not "unrelated", and an "agree" from another article needs two shared
    anchors, not just the place ("talks in Istanbul … agree to an extended ceasefire" is the
    same talks, not the same statement). Contradictions always stay."""
    if a.in_cluster or a.relevance >= UNRELATED_KEEP or a.stance is None:
        return False
    if a.stance.label == "unrelated":
        return True
    return a.stance.label == "agree" and not a.same_article and anchors < 2


def _cluster_id(wb: Workbench, claim: Claim | None) -> int | None:
    from workbench.compare.clusters import cluster_of

    return cluster_of(wb, claim.id) if claim else None


def _appearance(
    wb: Workbench,
    claim: Claim,
    art: Article,
    atts: list[Attribution],
    rel: float,
    in_cluster: bool,
    same: bool,
) -> Appearance:
    publisher, _ = normalise_outlet(wb, art.outlet)
    seen, seen_from = _first_seen(art)
    return Appearance(
        claim_id=claim.id,
        article_id=art.id,
        text=claim.text,
        publisher=publisher,
        title=art.title,
        url=art.url,
        first_seen=seen,
        first_seen_from=seen_from,
        relevance=rel,
        in_cluster=in_cluster,
        same_article=same,
        attributed_to=_who(atts, publisher),
        language=claim.language or art.language,
        cited_sources=[{"outlet": s.outlet, "url": s.url} for s in art.sources],
    )


def _table(wb: Workbench, apps: list[Appearance]) -> list[OutletRow]:
    """Outlets × (states / attributes to / first seen / stance), one row per outlet and version."""
    rows: list[OutletRow] = []
    focus_id = apps[0].claim_id if apps else None
    for a in apps:
        unjudged = "focus" if a.claim_id == focus_id else "not judged (other language)"
        label, score = (a.stance.label, a.stance.score) if a.stance else (unjudged, None)
        who = [w["source"] or w["source_type"] for w in a.attributed_to if not w["nested"]]
        home = a.publisher or f"unknown outlet ({(a.title or a.url or a.article_id)[:60]})"
        base = {
            "claim_id": a.claim_id,
            "states": a.text,
            "attributed_to": who,
            "first_seen": a.first_seen,
            "stance": label,
            "stance_score": score,
            "language": a.language,
        }
        rows.append(OutletRow(outlet=home, role="publisher", **base))
        for w in a.attributed_to:
            if w["source_type"] == "outlet" and w["source"]:
                name, via = normalise_outlet(wb, w["source"])
                rows.append(
                    OutletRow(
                        outlet=name or w["source"],
                        role="attributed",
                        via=via,
                        in_article_of=home,
                        **base,
                    )
                )
        for s in a.cited_sources:  # the outlets the article draws on carry its claims too
            name, via = normalise_outlet(wb, s["outlet"])
            rows.append(
                OutletRow(
                    outlet=name or str(s["outlet"]),
                    role="cited",
                    via=via,
                    in_article_of=home,
                    **base,
                )
            )
    return rows


def _pairs(
    text: str,
    focus: Claim | None,
    others: list[Appearance],
    among: list[tuple[Appearance, Appearance, StanceResult]],
) -> list[PairReport]:
    """Focus vs each version (bounded), then every pair among the most relevant ones."""
    out = []
    for a in others[:MAX_FOCUS_PAIRS]:
        d = compare_texts(text, a.text)
        out.append(
            PairReport(
                focus.id if focus else 0,
                a.claim_id,
                None,
                a.publisher,
                d.kinds,
                a.stance,
                d.to_dict(),
            )
        )
    for x, y, s in among:
        d = compare_texts(x.text, y.text)
        out.append(
            PairReport(x.claim_id, y.claim_id, x.publisher, y.publisher, d.kinds, s, d.to_dict())
        )
    return out


def _syndication(
    wb: Workbench, apps: list[Appearance], articles: dict[str, Article]
) -> list[SyndicationGroup]:
    """Group the appearances' articles by common origin; number each appearance's group."""
    ids = list(dict.fromkeys(a.article_id for a in apps))
    groups = find_syndicated_groups(
        [articles[i].text for i in ids], wb.settings.duplicate_threshold
    )
    out = []
    for n, g in enumerate(groups, 1):
        members = [ids[i] for i in g]
        claims = [a.claim_id for a in apps if a.article_id in members]
        outlets = list(
            dict.fromkeys(
                normalise_outlet(wb, articles[m].outlet)[0] or f"article {m[:10]}" for m in members
            )
        )
        out.append(SyndicationGroup(n, members, outlets, claims))
        for a in apps:
            if a.article_id in members:
                a.syndication_group = n
    return out

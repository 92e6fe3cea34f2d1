"""Cross-source comparison of one claim: who carries it, who they attribute it to, where the
versions differ, which outlets are independent, and who had it first.

Appearances are the focus claim's cluster plus claims that pass a relevance floor. Relevance
is the best cosine between "views" of the two claims: the whole sentence, the attributed
content without its frame ("Reports from X indicate that …" -> "…") and its clauses, so a long
sentence that states two things still meets a short item stating one of them. Claims from
other articles must also share an *anchor*: a word rare in the store (a place, a name), so
that two "talks between A and B" sentences about different talks do not pass on embedding
similarity alone. Other claims of the focus article come in at a lower floor when they carry
a named source of their own, because those are the article's other versions of the story
("according to NDTV, …"). Reprints are grouped with ``workbench.syndication`` so N copies of
one wire story count as one independent source.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.discrepancy import compare_texts
from workbench.keyterms import STOPWORDS, stem
from workbench.records import Article, Attribution, Claim
from workbench.stance import StanceResult, get_stance_model
from workbench.syndication import find_syndicated_groups

if TYPE_CHECKING:
    from workbench.api import Workbench

log = logging.getLogger(__name__)

NAMED = ("outlet", "person", "organization")
ANCHOR_MIN_DF = 5  # a word in at most this many claims (or 3% of them) is an anchor
ANCHOR_SHARE = 0.03
STORY_SHARE = 0.10  # story words (focus + other outlets' versions) may be a little commoner
MAX_FOCUS_PAIRS = 20
PREFILTER = 0.3  # whole-sentence cosine below which a candidate is not looked at more closely
POOL_PER_VIEW = 5  # dense neighbours fetched per focus view: k * this
_CLAUSE = re.compile(
    r"\s*(?:[;:—–]|,\s+(?=(?:and|but|while|after|before|which|whereas|amid|following)\b)"
    r"|\s(?=(?:after|while|before|amid|following|whereas)\b))\s*"
)
_TERM = re.compile(r"[^\W\d_]{3,}")
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


def terms(text: str) -> set[str]:
    """Crude stems of the content words of ``text``."""
    return {stem(w) for w in _TERM.findall(text.lower()) if w not in STOPWORDS}


def views(text: str, content: str | None = None) -> list[str]:
    """The sentence, its attributed content and the content's clauses (5+ words)."""
    out = [text]
    if content and content != text and len(content.split()) >= 4:
        out.append(content)
    for part in _CLAUSE.split(content or text):
        part = part.strip(" ,.")
        if len(part.split()) >= 5 and part not in out:
            out.append(part)
    return out


def _content(article: Article, atts: list[Attribution]) -> str | None:
    named = [a for a in atts if a.parent is None and a.source_type not in ("publisher",)]
    if not named:
        return None
    a = named[0]
    return article.text[a.content_start : a.content_end].strip() or None


def _anchors(wb: Workbench, words: set[str], share: float = ANCHOR_SHARE) -> set[str]:
    """Words that few claims contain (document frequency from the store)."""
    total = wb.store.claim_id_summary()[0]
    limit = max(ANCHOR_MIN_DF, share * total)
    out = set()
    for w in words:
        df = wb.store.conn.execute(
            "SELECT count(*) FROM claims WHERE text LIKE ?", (f"%{w}%",)
        ).fetchone()[0]
        if df <= limit:
            out.add(w)
    return out


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


def _candidates(wb: Workbench, focus_views: np.ndarray, text: str, k: int) -> set[int]:
    """Claim ids near any focus view (dense) or found by the workbench search."""
    found: set[int] = set()
    if len(wb.index):
        _, ids = wb.index.search(focus_views, k * POOL_PER_VIEW)
        found |= {int(i) for i in ids.ravel() if i >= 0}
    try:
        found |= {h.claim.id for h in wb.search(text, k=k * 2)}
    except Exception as exc:  # search is optional recall on top of the dense lookup
        log.warning("search failed (%s); comparing with dense neighbours only", exc)
    return found


# --------------------------------------------------------------------------- comparison


def compare(
    wb: Workbench,
    focus: int | str,
    k: int = 10,
    floor: float | None = None,
    same_article_floor: float | None = None,
    pairwise_top: int = 4,
) -> Comparison:
    """Compare every version of ``focus`` (a claim id, or a claim text) across outlets."""
    floor = wb.settings.compare_floor if floor is None else floor
    same_floor = (
        wb.settings.compare_same_article_floor if same_article_floor is None else same_article_floor
    )
    focus_claim = _resolve(wb, focus)
    text = focus_claim.text if focus_claim else str(focus).strip()
    articles: dict[str, Article] = {}

    def article(aid: str) -> Article:
        if aid not in articles:
            articles[aid] = wb.article(aid)
        return articles[aid]

    cluster = set(wb.cluster_members(focus_claim.id)) if focus_claim else set()
    focus_atts = wb.attributions([focus_claim.id])[focus_claim.id] if focus_claim else []
    f_views = views(
        text, _content(article(focus_claim.article_id), focus_atts) if focus_claim else None
    )
    f_vecs = wb.vectors_for(f_views)
    pool = _candidates(wb, f_vecs, text, k) | cluster
    if focus_claim:
        pool |= {c.id for c in wb.store.claims_of(focus_claim.article_id)[:200]}
        pool.add(focus_claim.id)
    rows = wb.store.claims_by_ids(sorted(pool))
    ids = list(rows)
    whole = (
        (wb.vectors_for([rows[c][0].text for c in ids]) @ f_vecs.T).max(axis=1)
        if ids
        else np.zeros(0)
    )
    relevance = {c: float(s) for c, s in zip(ids, whole, strict=True)}
    rows = {c: r for c, r in rows.items() if relevance[c] >= PREFILTER or c in cluster}
    atts = wb.attributions(list(rows))
    cand_views: list[str] = []
    owner: list[int] = []
    for cid, (claim, _) in rows.items():
        for v in views(claim.text, _content(article(claim.article_id), atts[cid]))[1:]:
            cand_views.append(v)
            owner.append(cid)
    sims = (wb.vectors_for(cand_views) @ f_vecs.T).max(axis=1) if cand_views else np.zeros(0)
    for cid, s in zip(owner, sims, strict=True):
        relevance[cid] = max(relevance[cid], float(s))
    anchors = _anchors(wb, terms(text))

    home = focus_claim.article_id if focus_claim else None
    cross = []
    for cid, (claim, _) in rows.items():
        rel = relevance[cid]
        if cid in cluster and cid != (focus_claim.id if focus_claim else None):
            cross.append((2.0 + rel, cid))
        elif claim.article_id != home and rel >= floor and anchors & terms(claim.text):
            cross.append((rel, cid))
    chosen = [c for _, c in sorted(cross, reverse=True)[:k]]
    # The story's words: in two or more versions (focus, other outlets'), and not too common.
    counts = Counter(w for t in [text, *(rows[c][0].text for c in chosen)] for w in terms(t))
    story = _anchors(wb, {w for w, n in counts.items() if n >= 2}, STORY_SHARE)
    same = []
    for cid, (claim, _) in rows.items():
        if claim.article_id != home or cid in cluster:
            continue
        rel, words = relevance[cid], terms(claim.text)
        named = any(a.source_type in NAMED for a in atts[cid])
        if (named and rel >= same_floor and story & words) or (rel >= floor and anchors & words):
            same.append((named, len(story & words), rel, cid))
    chosen += [c for *_, c in sorted(same, reverse=True)[: max(4, k // 2)]]
    if focus_claim:
        chosen.insert(0, focus_claim.id)

    apps = [
        _appearance(
            wb,
            rows[c][0],
            article(rows[c][0].article_id),
            atts[c],
            relevance.get(c, 0.0),
            c in cluster,
            bool(focus_claim) and rows[c][0].article_id == focus_claim.article_id,
        )
        for c in chosen
    ]
    model = get_stance_model(wb.settings.stance_model)
    others = [a for a in apps if not (focus_claim and a.claim_id == focus_claim.id)]
    for a, s in zip(others, model.predict_many([(text, a.text) for a in others]), strict=True):
        a.stance = s
    groups = _syndication(wb, apps, articles)
    stating = [a for a in apps if a.stance is None or a.stance.label != "unrelated"]
    dated = [a for a in stating if a.first_seen_from == "date"] or stating
    earliest = min(dated, key=lambda a: (a.first_seen, a.claim_id)) if dated else None
    return Comparison(
        focus_text=text,
        focus_claim_id=focus_claim.id if focus_claim else None,
        cluster_id=_cluster_id(wb, focus_claim),
        appearances=apps,
        outlets=_table(wb, apps),
        earliest=earliest,
        pairs=_pairs(model, text, focus_claim, others, pairwise_top),
        syndication=groups,
        independent_sources=len(groups),
    )


def _resolve(wb: Workbench, focus: int | str) -> Claim | None:
    """A claim id (int or digits) or a text equal to a stored claim -> that claim."""
    if isinstance(focus, int) or (isinstance(focus, str) and focus.strip().isdigit()):
        return wb.claim(int(focus))
    row = wb.store.conn.execute(
        "SELECT id FROM claims WHERE text = ? LIMIT 1", (focus.strip(),)
    ).fetchone()
    return wb.claim(int(row[0])) if row else None


def _cluster_id(wb: Workbench, claim: Claim | None) -> int | None:
    from workbench.clusters import cluster_of

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
        cited_sources=[{"outlet": s.outlet, "url": s.url} for s in art.sources],
    )


def _table(wb: Workbench, apps: list[Appearance]) -> list[OutletRow]:
    """Outlets × (states / attributes to / first seen / stance), one row per outlet and version."""
    rows: list[OutletRow] = []
    for a in apps:
        label, score = (a.stance.label, a.stance.score) if a.stance else ("focus", None)
        who = [w["source"] or w["source_type"] for w in a.attributed_to if not w["nested"]]
        home = a.publisher or f"unknown outlet ({(a.title or a.url or a.article_id)[:60]})"
        base = {
            "claim_id": a.claim_id,
            "states": a.text,
            "attributed_to": who,
            "first_seen": a.first_seen,
            "stance": label,
            "stance_score": score,
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
    model: Any, text: str, focus: Claim | None, others: list[Appearance], top: int
) -> list[PairReport]:
    """Focus vs each version (bounded), then every pair among the ``top`` most relevant."""
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
    best = sorted(others, key=lambda a: -a.relevance)[:top]
    among = [(x, y) for i, x in enumerate(best) for y in best[i + 1 :]]
    stances = model.predict_many([(x.text, y.text) for x, y in among]) if among else []
    for (x, y), s in zip(among, stances, strict=True):
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

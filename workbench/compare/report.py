"""Cross-source comparison of one claim, as one report the CLI and the app both render.

For a focus claim, :func:`workbench.compare.selection.select` gathers candidates; the same-claim
judge (:mod:`workbench.compare.same_claim`) puts each in a tier: **same** statement (a version),
same **event** but a different account, or unrelated (dropped). Claims of the focus's own
article are never versions of it: the ones about the event are that article's other accounts
(tier 2). Each kept claim gets an agreement label with a plain-words reason
(:mod:`workbench.compare.agreement`).

The report holds one row per *article* (never per role): publisher, publication date or
"undated" (the ingest time is never a publication date), the wording, the attribution chain
(publisher ← cited outlets ← the claim's named source), the tier and the agreement. Around
the rows: the independent sources by name (reprints of one wire story grouped, see
:mod:`workbench.compare.syndication`), competing accounts grouped by the fact slot they
differ on, slot-by-slot discrepancies, and a timeline of who carried it when (undated
articles listed apart, never "first").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from workbench.compare.report_records import (
    TIERS,
    Account,
    ArticleRow,
    CompareReport,
    CompetingAccounts,
    Discrepancy,
    Side,
    SlotLine,
    SourceGroup,
    TimelinePoint,
)
from workbench.compare.selection import Selection, select
from workbench.compare.syndication import find_syndicated_groups
from workbench.records import Article, Attribution, Claim

if TYPE_CHECKING:
    from workbench.api import Workbench
    from workbench.compare.same_claim import PairDecision

MAX_DISCREPANCIES = 20
# Slots whose conflict means "another account", never "the same statement": a changed figure,
# cause, place or date, or a denial. (Actor and object conflicts are left to the judge: the
# slot extractor often reads an attribution frame as the actor.)
FACT_SLOTS = frozenset({"number", "cause", "place", "date", "negation"})
Comparison = CompareReport  # the name before one report served the CLI and the app
UNKNOWN = "unknown outlet"
# FactSlots fields shown side by side, with the conflict slot name each one answers to.
SLOT_FIELDS = (
    ("actor", "actor"),
    ("action", "action"),
    ("object", "object"),
    ("cause", "cause"),
    ("number", "numbers"),
    ("place", "places"),
    ("date", "dates"),
    ("negation", "negated"),
    ("hedged", "hedged"),
    ("attribution", "attributed_to"),
)
_VIA = re.compile(r"^(.+?)\s+via\s+(.+)$", re.IGNORECASE)


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


def publisher_of(wb: Workbench, art: Article) -> str:
    """The article's outlet (registry name), else its URL's host, else "unknown outlet"."""
    name = normalise_outlet(wb, art.outlet)[0]
    if name:
        return name
    host = urlparse(art.url).netloc if art.url else ""
    return host.removeprefix("www.") or UNKNOWN


def cited_of(wb: Workbench, art: Article) -> list[str]:
    """The outlets the record cites, each as "carrier ← outlet" links ("France 24", "AFP")."""
    out: list[str] = []
    for s in art.sources:
        name, via = normalise_outlet(wb, s.outlet)
        for link in (via, name):
            if link and link not in out:
                out.append(link)
    return out


def sources_of(atts: list[Attribution]) -> list[str]:
    """The claim's named sources, outermost first (a nested report follows its parent)."""
    by_id = {a.id: a for a in atts if a.id is not None}

    def depth(a: Attribution) -> int:
        n, seen = 0, set()
        while a.parent is not None and a.parent in by_id and a.parent not in seen:
            seen.add(a.parent)
            a, n = by_id[a.parent], n + 1
        return n

    out: list[str] = []
    for a in sorted(atts, key=depth):
        if a.source_type == "publisher":
            continue
        name = (a.source or a.source_text or "").strip()
        if name and name not in out:
            out.append(name)
    return out


def slot_text(value: Any) -> str:
    """A slot value as plain text: phrases joined, quantities by their text, flags yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple | list):
        return "; ".join(slot_text(v) for v in value if slot_text(v))
    return str(getattr(value, "text", value))


# --------------------------------------------------------------------------- comparison


def compare(
    wb: Workbench,
    focus: int | str,
    k: int = 10,
    floor: float | None = None,
    same_article_floor: float | None = None,
    language: str | None = None,
) -> CompareReport:
    """Compare ``focus`` (a claim id, or a claim text) with every article that carries it."""
    from workbench.compare.similar import judge_for
    from workbench.compare.stance import get_stance_model, preload

    preload(get_stance_model(wb.settings.stance_model))  # spaCy loads while the search runs
    floor = wb.settings.compare_floor if floor is None else floor
    same_floor = (
        wb.settings.compare_same_article_floor if same_article_floor is None else same_article_floor
    )
    sel = select(wb, focus, k, floor, same_floor)
    focus_id = sel.focus.id if sel.focus else None
    # versions in another language: the English judges cannot read them; e5 chose them
    foreign = [c for c in sel.chosen if c in sel.foreign and c != focus_id]
    others = [c for c in sel.chosen if c != focus_id and c not in sel.foreign]
    decisions = judge_for(wb).decide_many(
        sel.text,
        [sel.claims[c].text for c in others],
        cosines=[sel.relevance.get(c, 0.0) for c in others],
    )
    verdicts = wb.store.live_verdicts(sel.chosen)
    accounts = {
        c: acc
        for c, d in zip(others, decisions, strict=True)
        if (acc := _account(wb, sel, c, d, verdicts.get(c))) is not None
    }
    for c in foreign:
        claim = sel.claims[c]
        accounts[c] = Account(
            claim_id=c,
            text=claim.text,
            tier="same",
            own_article=False,
            relevance=sel.relevance.get(c, 0.0),
            p_same=None,
            agreement=None,
            reason="another language: matched by the multilingual index, not judged",
            conflicts=[],
            sources=sources_of(sel.attributions.get(c, [])),
            verdict=verdicts.get(c),
        )
    if sel.focus:
        accounts[sel.focus.id] = Account(
            sel.focus.id,
            sel.text,
            "focus",
            False,
            1.0,
            None,
            None,
            "",
            [],
            sources_of(sel.attributions.get(sel.focus.id, [])),
            verdicts.get(sel.focus.id),
        )
    for c, acc in accounts.items():
        acc.language = sel.claims[c].language if c in sel.claims else None
    if language:  # versions in this language only (the focus stays)
        accounts = {c: a for c, a in accounts.items() if c == focus_id or a.language == language}
    rows = _rows(wb, sel, accounts)
    groups = _groups(wb, sel, rows)
    timeline = [
        TimelinePoint(
            _outlet_label(r), r.date[:10], r.article_id, r.account.claim_id, r.account.tier
        )
        for r in rows
        if r.date
    ]
    timeline.sort(key=lambda p: (p.date, p.outlet))
    return CompareReport(
        focus_text=sel.text,
        focus_claim_id=focus_id,
        focus_article_id=sel.focus.article_id if sel.focus else None,
        verdict=verdicts.get(focus_id) if focus_id is not None else None,
        cluster_id=_cluster_id(wb, sel.focus),
        rows=rows,
        sources=groups,
        competing=_competing(sel, rows),
        discrepancies=_discrepancies(sel.text, rows),
        timeline=timeline,
        undated=[r.article_id for r in rows if not r.date],
        earliest=_earliest(timeline),
    )


def _account(
    wb: Workbench, sel: Selection, cid: int, d: PairDecision, verdict: str | None
) -> Account | None:
    """The claim's tier and agreement, or None when it is unrelated to the focus."""
    from workbench.compare.agreement import judge_agreement

    if d.tier == "unrelated":
        return None
    claim = sel.claims[cid]
    own = sel.focus is not None and claim.article_id == sel.focus.article_id
    # The focus's own article never repeats it as a version, and a version never changes a
    # fact: a named conflict on a fact slot makes it another account (tier 2).
    facts = any(c.slot in FACT_SLOTS for c in d.conflicts)
    tier = "event" if own or facts else d.tier
    sources = sources_of(sel.attributions.get(cid, []))
    publisher = publisher_of(wb, sel.article(wb, claim.article_id))
    result = judge_agreement(sel.text, claim.text, d, other_source=publisher)
    if result.label == "unrelated":
        return None
    return Account(
        claim_id=cid,
        text=claim.text,
        tier=tier,
        own_article=own,
        relevance=sel.relevance.get(cid, 0.0),
        p_same=float(d.p_same),
        agreement=result.label,
        reason=result.reason,
        conflicts=[{"slot": c.slot, "focus": c.a, "other": c.b} for c in result.conflicts],
        sources=sources,
        verdict=verdict,
    )


def _rank(a: Account) -> tuple[int, float, float]:
    return (TIERS.index(a.tier), -(a.p_same or 1.0), -a.relevance)


def _rows(wb: Workbench, sel: Selection, accounts: dict[int, Account]) -> list[ArticleRow]:
    """One row per article: its best account heads it, the rest are its other accounts."""
    by_article: dict[str, list[Account]] = {}
    for cid, acc in accounts.items():
        by_article.setdefault(sel.claims[cid].article_id, []).append(acc)
    rows = []
    for aid, accs in by_article.items():
        accs.sort(key=_rank)
        art = sel.article(wb, aid)
        publisher, cited = publisher_of(wb, art), cited_of(wb, art)
        for acc in accs:
            acc.chain = [publisher, *cited, *(s for s in acc.sources if s not in cited)]
        rows.append(
            ArticleRow(
                article_id=aid,
                publisher=publisher,
                title=art.title,
                url=art.url,
                date=art.date or None,
                cited=cited,
                account=accs[0],
                other_accounts=accs[1:],
            )
        )
    rows.sort(key=lambda r: (_rank(r.account)[0], r.date is None, r.date or "", r.publisher))
    return rows


def _outlet_label(row: ArticleRow) -> str:
    return " ← ".join([row.publisher, *row.cited])


def _origin(wb: Workbench, row: ArticleRow, art: Article) -> str:
    """Whose story an article carries: the outlets it cites (aggregators; "AFP via France 24"
    is AFP's), else its publisher."""
    cited = list(dict.fromkeys(n for s in art.sources if (n := normalise_outlet(wb, s.outlet)[0])))
    if cited:
        return ", ".join(cited)
    if row.publisher == UNKNOWN:
        return f"{UNKNOWN}: {(row.title or row.article_id)[:60]}"
    return row.publisher


def _groups(wb: Workbench, sel: Selection, rows: list[ArticleRow]) -> list[SourceGroup]:
    """Independent sources: reprints of one wire story are one, and so are the items citing
    one outlet; each group named by its origin and listing its members."""
    if not rows:
        return []
    texts = [sel.article(wb, r.article_id).text for r in rows]
    copies = find_syndicated_groups(texts, wb.settings.duplicate_threshold)
    named: dict[str, SourceGroup] = {}
    for members in copies:
        group = [rows[i] for i in members]
        dated = sorted(group, key=lambda r: (r.date is None, r.date or ""))
        name = _origin(wb, dated[0], sel.article(wb, dated[0].article_id))
        g = named.setdefault(name, SourceGroup(len(named) + 1, name, [], [], False))
        g.reprints = g.reprints or len(group) > 1
        for r in dated:
            g.members.append(f"{r.publisher} ({r.date_text})")
            g.article_ids.append(r.article_id)
            r.group = g.id
    return list(named.values())


def _competing(sel: Selection, rows: list[ArticleRow]) -> list[CompetingAccounts]:
    """Tier-2 accounts grouped by the slot they differ on, with who gives each side."""
    focus_id = sel.focus.id if sel.focus else 0
    focus_article = sel.focus.article_id if sel.focus else ""
    focus_source = _focus_source(rows)
    by_slot: dict[str, CompetingAccounts] = {}
    for row in rows:
        for acc in (row.account, *row.other_accounts):
            if acc.tier != "event":
                continue
            source = acc.sources[0] if acc.sources else row.publisher
            for c in acc.conflicts:
                if c["slot"] not in by_slot:
                    mine = Side(c["focus"], focus_source, focus_id, focus_article)
                    by_slot[c["slot"]] = CompetingAccounts(c["slot"], mine, [])
                by_slot[c["slot"]].others.append(
                    Side(c["other"], source, acc.claim_id, row.article_id)
                )
    return list(by_slot.values())


def _focus_source(rows: list[ArticleRow]) -> str:
    for r in rows:
        if r.account.tier == "focus":
            return r.account.sources[0] if r.account.sources else r.publisher
    return "the claim"


def _discrepancies(text: str, rows: list[ArticleRow]) -> list[Discrepancy]:
    """The focus and each account that conflicts with it, slot by slot (bounded)."""
    from workbench.compare.slots import extract_slots

    flagged = [
        (row, acc)
        for row in rows
        for acc in (row.account, *row.other_accounts)
        if acc.tier != "focus" and acc.conflicts
    ][:MAX_DISCREPANCIES]
    if not flagged:
        return []
    mine = extract_slots(text)
    out = []
    for row, acc in flagged:
        theirs = extract_slots(acc.text)
        differing = {c["slot"] for c in acc.conflicts}
        lines = []
        for slot, name in SLOT_FIELDS:
            a, b = slot_text(getattr(mine, name, None)), slot_text(getattr(theirs, name, None))
            if a or b or slot in differing:
                lines.append(
                    SlotLine(slot, a, b, slot in differing or (slot == "hedged" and a != b))
                )
        for c in acc.conflicts:  # a slot the extractor names but SLOT_FIELDS does not list
            if c["slot"] not in {s for s, _ in SLOT_FIELDS}:
                lines.append(SlotLine(c["slot"], c["focus"], c["other"], True))
        source = acc.sources[0] if acc.sources else row.publisher
        out.append(
            Discrepancy(
                acc.claim_id, row.article_id, source, acc.tier, acc.agreement, acc.reason, lines
            )
        )
    return out


def _earliest(timeline: list[TimelinePoint]) -> TimelinePoint | None:
    """The first dated appearance of the claim itself (focus or a version), else of the event.
    Undated articles never count as first."""
    for tiers in (("focus", "same"), TIERS):
        dated = [p for p in timeline if p.tier in tiers]
        if dated:
            return min(dated, key=lambda p: (p.date, p.claim_id))
    return None


def _cluster_id(wb: Workbench, claim: Claim | None) -> int | None:
    from workbench.compare.clusters import cluster_of

    return cluster_of(wb, claim.id) if claim else None

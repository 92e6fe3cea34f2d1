"""Which claims are versions of a focus claim: the selection half of ``workbench.compare.report``.

Appearances are the focus claim's cluster plus claims that pass a relevance floor. Relevance
is the best cosine between "views" of the two claims: the whole sentence, the attributed
content without its frame ("Reports from X indicate that …" -> "…") and its clauses, so a long
sentence that states two things still meets a short item stating one of them. Claims from
other articles must also share *anchors* with the focus's content: words rare in the store,
of which at least one is part of a name ("Istanbul") or at least two are shared, so that two
"talks between A and B" sentences about different talks, or a frame word ("News" in "Ariana
News" / "Tasnim News Agency"), do not pass on embedding similarity alone. Other claims of the
focus article come in at a lower floor when they carry a named source of their own, because
those are the article's other versions of the story ("according to NDTV, …").

What is *not* a version: a statement about the same event that neither states nor denies
the focus's content ("the governments agree to an extended ceasefire" for "Pakistan withdrew
from the talks"). The relevance floor and anchors keep most of those out; the stance pass in
``workbench.compare.report`` drops the rest (see ``UNRELATED_KEEP``).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from workbench.records import Article, Attribution, Claim
from workbench.text.keyterms import STOPWORDS, extract_key_terms, stem

if TYPE_CHECKING:
    from workbench.api import Workbench

log = logging.getLogger(__name__)

NAMED = ("outlet", "person", "organization")
ANCHOR_MIN_DF = 5  # a word in at most this many claims (or 3% of them) is an anchor
ANCHOR_SHARE = 0.03
STORY_SHARE = 0.10  # story words (focus + other outlets' versions) may be a little commoner
FRAME_SHARE = 0.5  # an attribution framing at least half of a sentence says what it states
PREFILTER = 0.3  # whole-sentence cosine below which a candidate is not looked at more closely
POOL_PER_VIEW = 5  # dense neighbours fetched per focus view: k * this
_CLAUSE = re.compile(
    r"\s*(?:[;:—–]|,\s+(?=(?:and|but|while|after|before|which|whereas|amid|following)\b)"
    r"|\s(?=(?:after|while|before|amid|following|whereas)\b))\s*"
)
_TERM = re.compile(r"[^\W\d_]{3,}")


@dataclass(slots=True)
class Selection:
    """The focus, the chosen claims (focus first) and what was learnt choosing them."""

    focus: Claim | None
    text: str
    chosen: list[int]
    claims: dict[int, Claim]
    attributions: dict[int, list[Attribution]]
    relevance: dict[int, float]
    cluster: set[int]
    articles: dict[str, Article] = field(default_factory=dict)
    anchor_hits: dict[int, int] = field(default_factory=dict)  # shared anchors per claim


def terms(text: str) -> set[str]:
    """Crude stems of the content words of ``text``."""
    return {stem(w) for w in _TERM.findall(text.lower()) if w not in STOPWORDS}


def name_terms(text: str) -> set[str]:
    """Stems of the words of the names (capitalised entities) in ``text``."""
    return {t for e in extract_key_terms(text).entities for t in terms(e)}


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


def content_of(article: Article, atts: list[Attribution], claim: Claim | None = None) -> str | None:
    """The attributed content of a claim with a named (non-publisher) source, else None.

    With ``claim`` given, only an attribution that frames the sentence counts: its source, cue
    and content cover at least ``FRAME_SHARE`` of the claim ("Reports from X indicate that
    …"). One that frames a side clause ("…, underscoring Islamabad's readiness …") leaves the
    sentence itself as what the claim states.
    """
    named = [a for a in atts if a.parent is None and a.source_type not in ("publisher",)]
    if not named:
        return None
    a = named[0]
    if claim is not None and claim.end > claim.start:
        spans = [(a.content_start, a.content_end), (a.cue_start, a.cue_end)]
        if a.source_start is not None and a.source_end is not None:
            spans.append((a.source_start, a.source_end))
        inside = {
            i
            for s, e in spans
            if s is not None and e is not None
            for i in range(max(s, claim.start), min(e, claim.end))
        }
        covered = len(inside)
        if covered < FRAME_SHARE * (claim.end - claim.start):
            return None
    return article.text[a.content_start : a.content_end].strip() or None


def anchors(wb: Workbench, words: set[str], share: float = ANCHOR_SHARE) -> set[str]:
    """Words that few claims contain (document frequency from the store, one table scan)."""
    words = sorted(words)
    if not words:
        return set()
    total = wb.store.claim_id_summary()[0]
    limit = max(ANCHOR_MIN_DF, share * total)
    counts = wb.store.claims_containing(words)
    return {w for w, df in zip(words, counts, strict=True) if df <= limit}


def anchored(shared: set[str], names: set[str]) -> bool:
    """Enough shared rare words: one of them part of a name, or two of them."""
    return bool(shared & names) or len(shared) >= 2


def candidates(wb: Workbench, focus_views: np.ndarray, text: str, k: int) -> set[int]:
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


def other_language_versions(
    wb: Workbench, text: str, focus: Claim | None, k: int
) -> dict[int, float]:
    """Claims in another language than the focus that e5 puts near it, with their calibrated
    score (``workbench.retrieval.crosslingual``); empty without a multilingual index."""
    multilingual = getattr(wb, "multilingual", None)
    ml = multilingual() if multilingual is not None else None
    if ml is None:
        return {}
    from workbench.retrieval.crosslingual import calibrate, query_language

    lang = (focus.language if focus else None) or query_language(text) or "en"
    hits = ml.search(text, k * POOL_PER_VIEW)
    rows = wb.store.claims_by_ids([c for c, _ in hits])
    return {
        c: float(calibrate(cos))
        for c, cos in hits
        if c in rows and (rows[c].claim.language or "en") != lang
    }


def resolve(wb: Workbench, focus: int | str) -> Claim | None:
    """A claim id (int or digits) or a text equal to a stored claim -> that claim."""
    if isinstance(focus, int) or (isinstance(focus, str) and focus.strip().isdigit()):
        return wb.claim(int(focus))
    found = wb.store.claim_id_with_text(focus.strip())
    return wb.claim(found) if found is not None else None


def select(wb: Workbench, focus: int | str, k: int, floor: float, same_floor: float) -> Selection:
    """The focus's cluster, up to ``k`` versions from other articles and up to max(4, k/2)
    sourced claims of the focus article (see the module docstring)."""
    focus_claim = resolve(wb, focus)
    text = focus_claim.text if focus_claim else str(focus).strip()
    sel = Selection(focus_claim, text, [], {}, {}, {}, set())

    def article(aid: str) -> Article:
        if aid not in sel.articles:
            sel.articles[aid] = wb.article(aid)
        return sel.articles[aid]

    focus_id = focus_claim.id if focus_claim else None
    cluster = set(wb.cluster_members(focus_claim.id)) if focus_claim else set()
    focus_atts = wb.attributions([focus_claim.id])[focus_claim.id] if focus_claim else []
    content = (
        content_of(article(focus_claim.article_id), focus_atts, focus_claim)
        if focus_claim
        else None
    )
    f_views = views(text, content)
    f_vecs = wb.vectors_for(f_views)
    pool = candidates(wb, f_vecs, text, k) | cluster
    # versions in other languages: scored by e5, not by MiniLM or shared words
    foreign = other_language_versions(wb, text, focus_claim, k)
    pool |= set(foreign)
    if focus_claim:
        pool |= {c.id for c in wb.store.claims_of(focus_claim.article_id)[:200]}
        pool.add(focus_claim.id)
    rows = {c: r.claim for c, r in wb.store.claims_by_ids(sorted(pool)).items()}
    ids = list(rows)
    whole = wb.vectors_for([rows[c].text for c in ids]) @ f_vecs.T if ids else np.zeros((0, 1))
    relevance = {c: float(s) for c, s in zip(ids, whole.max(axis=1), strict=True)}
    relevance.update({c: v for c, v in foreign.items() if c in relevance})
    keep = cluster | set(foreign)
    rows = {c: r for c, r in rows.items() if relevance[c] >= PREFILTER or c in keep}
    atts = wb.attributions(list(rows))
    cand_views: list[str] = []
    owner: list[int] = []
    for cid, claim in rows.items():
        for v in views(claim.text, content_of(article(claim.article_id), atts[cid], claim))[1:]:
            cand_views.append(v)
            owner.append(cid)
    sims = (wb.vectors_for(cand_views) @ f_vecs.T).max(axis=1) if cand_views else np.zeros(0)
    for cid, s in zip(owner, sims, strict=True):
        if cid not in foreign:
            relevance[cid] = max(relevance[cid], float(s))
    # Anchors come from what the focus states, not its frame ("Reports from … News indicate").
    core = content or text
    rare, names = anchors(wb, terms(core)), name_terms(core)

    home = focus_claim.article_id if focus_claim else None
    cross = []
    for cid, claim in rows.items():
        rel = relevance[cid]
        if cid in cluster and cid != focus_id:
            cross.append((2.0 + rel, cid))
        elif (
            claim.article_id != home and rel >= floor and anchored(rare & terms(claim.text), names)
        ) or (cid in foreign and claim.article_id != home and rel >= floor):
            cross.append((rel, cid))
    chosen = [c for _, c in sorted(cross, reverse=True)[:k]]
    # The story's words: in two or more versions (focus, other outlets'), and not too common.
    counts = Counter(w for t in [text, *(rows[c].text for c in chosen)] for w in terms(t))
    story = anchors(wb, {w for w, n in counts.items() if n >= 2}, STORY_SHARE)
    same = []
    for cid, claim in rows.items():
        if claim.article_id != home or cid in cluster:
            continue
        rel, words = relevance[cid], terms(claim.text)
        named = any(a.source_type in NAMED for a in atts[cid])
        if (named and rel >= same_floor and story & words) or (
            rel >= floor and anchored(rare & words, names)
        ):
            same.append((named, len(story & words), rel, cid))
    chosen += [c for *_, c in sorted(same, reverse=True)[: max(4, k // 2)]]
    if focus_claim:
        chosen.insert(0, focus_claim.id)
    sel.chosen = chosen
    sel.claims = rows
    sel.attributions = atts
    sel.relevance = relevance
    sel.cluster = cluster
    return sel

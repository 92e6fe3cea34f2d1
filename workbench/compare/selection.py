"""Which claims to compare with a focus claim: the selection half of ``workbench.compare.report``.

Three phases. :func:`candidate_pool`: the focus's dense neighbours (per view), the search's
hits, its cluster and its own article's claims. :func:`score_relevance`: the best cosine
between "views" of the two claims: the whole sentence, the attributed content without its
frame ("Reports from X indicate that …" -> "…") and its clauses, so a long sentence that
states two things still meets a short item stating one of them. :func:`picks`: claims from
other articles above the floor that share *anchors* with the focus's content (words rare in
the store, of which at least one is part of a name ("Istanbul") or at least two are shared),
so that two "talks between A and B" sentences about different talks, or a frame word ("News"
in "Ariana News" / "Tasnim News Agency"), do not pass on embedding similarity alone; and the
focus article's claims that speak of the same story (at a lower floor when they carry a named
source of their own: "according to NDTV, …").

Selection only proposes: the same-claim judge in ``workbench.compare.report`` decides each
pick's tier (same statement, same event, unrelated) and drops the unrelated ones.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.records import Article, Attribution, Claim
from workbench.text.keyterms import STOPWORDS, extract_key_terms, stem

if TYPE_CHECKING:
    from workbench.api import Workbench

log = logging.getLogger(__name__)
# Per open workbench: (claim count and id sum, word -> number of claims containing it).
_DF: weakref.WeakKeyDictionary[Any, tuple[tuple[int, int], dict[str, int]]] = (
    weakref.WeakKeyDictionary()
)

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
    content: str | None = None  # what the focus states without its attribution frame
    views: list[str] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), dtype=np.float32))
    # claims in another language than the focus, with their calibrated e5 score
    foreign: dict[int, float] = field(default_factory=dict)

    def article(self, wb: Workbench, article_id: str) -> Article:
        """The article, read once per selection."""
        if article_id not in self.articles:
            self.articles[article_id] = wb.article(article_id)
        return self.articles[article_id]


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
    if not words:
        return set()
    summary = wb.store.claim_id_summary()
    limit = max(ANCHOR_MIN_DF, share * summary[0])
    return {w for w, df in doc_freq(wb, words, summary).items() if df <= limit}


def doc_freq(wb: Workbench, words: set[str], summary: tuple[int, int]) -> dict[str, int]:
    """How many claims contain each word: counted by the store (a table scan), remembered per
    workbench until its claims change (``summary`` is their count and id sum)."""
    version, known = _DF.get(wb, (None, {}))
    if version != summary:
        known = {}
        _DF[wb] = (summary, known)
    todo = sorted(words - known.keys())
    if todo:
        known.update(zip(todo, wb.store.claims_containing(todo), strict=True))
    return {w: known[w] for w in words}


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


# --------------------------------------------------------------------------- the three phases


def candidate_pool(wb: Workbench, focus: int | str, k: int) -> Selection:
    """Phase 1: the focus, its views, and every claim worth scoring: dense neighbours of each
    view, the workbench search's hits, the focus's cluster and the focus article's claims."""
    focus_claim = resolve(wb, focus)
    text = focus_claim.text if focus_claim else str(focus).strip()
    sel = Selection(focus_claim, text, [], {}, {}, {}, set())
    if focus_claim:
        sel.cluster = set(wb.cluster_members(focus_claim.id))
        atts = wb.attributions([focus_claim.id])[focus_claim.id]
        sel.content = content_of(sel.article(wb, focus_claim.article_id), atts, focus_claim)
    sel.views = views(text, sel.content)
    sel.vectors = wb.vectors_for(sel.views)
    pool = candidates(wb, sel.vectors, text, k) | sel.cluster
    # versions in other languages: scored by e5, not by MiniLM or shared words
    sel.foreign = other_language_versions(wb, text, focus_claim, k)
    pool |= set(sel.foreign)
    if focus_claim:
        pool |= {c.id for c in wb.store.claims_of(focus_claim.article_id)[:200]}
        pool.add(focus_claim.id)
    sel.claims = {c: r.claim for c, r in wb.store.claims_by_ids(sorted(pool)).items()}
    return sel


def score_relevance(wb: Workbench, sel: Selection) -> None:
    """Phase 2: each candidate's relevance, the best cosine between its views and the focus's.

    Whole sentences first; candidates below ``PREFILTER`` (and outside the cluster) are
    dropped before their attributions are read and their other views embedded."""
    ids = list(sel.claims)
    if not ids:
        return
    whole = wb.vectors_for([sel.claims[c].text for c in ids]) @ sel.vectors.T
    sel.relevance = {c: float(s) for c, s in zip(ids, whole.max(axis=1), strict=True)}
    sel.relevance.update({c: v for c, v in sel.foreign.items() if c in sel.relevance})
    keep = sel.cluster | set(sel.foreign)
    sel.claims = {c: r for c, r in sel.claims.items() if sel.relevance[c] >= PREFILTER or c in keep}
    sel.attributions = wb.attributions(list(sel.claims))
    cand_views: list[str] = []
    owner: list[int] = []
    for cid, claim in sel.claims.items():
        art = sel.article(wb, claim.article_id)
        for v in views(claim.text, content_of(art, sel.attributions[cid], claim))[1:]:
            cand_views.append(v)
            owner.append(cid)
    sims = (wb.vectors_for(cand_views) @ sel.vectors.T).max(axis=1) if cand_views else []
    for cid, s in zip(owner, sims, strict=True):
        if cid not in sel.foreign:
            sel.relevance[cid] = max(sel.relevance[cid], float(s))


def picks(wb: Workbench, sel: Selection, k: int, floor: float, same_floor: float) -> None:
    """Phase 3: the cluster, up to ``k`` anchored claims of other articles above ``floor``,
    and up to max(4, k/2) claims of the focus article that speak of the same story."""
    focus_id = sel.focus.id if sel.focus else None
    home = sel.focus.article_id if sel.focus else None
    # Anchors come from what the focus states, not its frame ("Reports from … News indicate").
    core = sel.content or sel.text
    rare, names = anchors(wb, terms(core)), name_terms(core)
    cross = []
    for cid, claim in sel.claims.items():
        rel = sel.relevance[cid]
        shared = rare & terms(claim.text)
        sel.anchor_hits[cid] = len(shared)
        if cid in sel.cluster and cid != focus_id and claim.article_id != home:
            cross.append((2.0 + rel, cid))
        elif (claim.article_id != home and rel >= floor and anchored(shared, names)) or (
            cid in sel.foreign and claim.article_id != home and rel >= floor
        ):
            cross.append((rel, cid))
    chosen = [c for _, c in sorted(cross, reverse=True)[:k]]
    # The story's words: in two or more versions (focus, other outlets'), and not too common.
    texts = [sel.text, *(sel.claims[c].text for c in chosen)]
    counts = Counter(w for t in texts for w in terms(t))
    story = anchors(wb, {w for w, n in counts.items() if n >= 2}, STORY_SHARE)
    same = []
    for cid, claim in sel.claims.items():
        if claim.article_id != home or cid == focus_id:
            continue
        rel, words = sel.relevance[cid], terms(claim.text)
        named = any(a.source_type in NAMED for a in sel.attributions.get(cid, []))
        if (named and rel >= same_floor and story & words) or (
            rel >= floor and anchored(rare & words, names)
        ):
            same.append((named, len(story & words), rel, cid))
    chosen += [c for *_, c in sorted(same, reverse=True)[: max(4, k // 2)]]
    if sel.focus:
        chosen.insert(0, sel.focus.id)
    sel.chosen = chosen


def select(wb: Workbench, focus: int | str, k: int, floor: float, same_floor: float) -> Selection:
    """The focus's candidates, scored and picked (see the module docstring)."""
    sel = candidate_pool(wb, focus, k)
    score_relevance(wb, sel)
    picks(wb, sel, k, floor, same_floor)
    return sel

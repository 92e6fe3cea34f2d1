"""Lookup across languages: the English hybrid ranking fused with the multilingual e5 index.

Used by :func:`workbench.retrieval.search.rank` only when the data directory has a
multilingual index (``workbench.retrieval.multilingual``); an English-only directory never
comes here. Which side scores a pair:

* English query, English claim: the hybrid score (MiniLM cosine + BM25, key-term penalty),
  exactly as without this module, so English-to-English quality cannot drop.
* any pair with a claim or a query in another language: e5. BM25 stays out of these pairs
  (a cross-script pair shares no tokens) and so does MiniLM (English-only).

e5 cosines crowd into a narrow band (NTREX dev, Urdu↔English: translations 0.86-0.93,
unrelated sentences 0.72-0.80, the hardest wrong sentence 0.82-0.88), where MiniLM cosines
spread over [0, 1]. :func:`calibrate` maps e5 linearly from ``E5_FLOOR`` (≈ unrelated) to
``E5_CEILING`` (≈ a close translation) onto [0, 1], so scores from both sides can be merged
into one list and ``min_score``, the compare floor and the cluster threshold mean roughly
the same on both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from workbench.text.language import ENGLISH, detect, script_of

if TYPE_CHECKING:
    from workbench.api import Workbench
    from workbench.retrieval.search import Filters, Scored

E5_FLOOR = 0.75
E5_CEILING = 0.95
MIN_CANDIDATES = 50


def calibrate(cosine: float | np.ndarray) -> float | np.ndarray:
    """An e5 cosine on the scale of the hybrid score: 0 for unrelated, ~0.75 for a translation."""
    return np.clip((np.asarray(cosine) - E5_FLOOR) / (E5_CEILING - E5_FLOOR), 0.0, 1.0)


def query_language(query: str) -> str | None:
    """The query's language; a short Latin-script query counts as English."""
    found = detect(query, min_words=3)
    if found is None and script_of(query) in ("latin", "other"):
        return ENGLISH
    return found


def rank_across(
    wb: Workbench,
    query: str,
    k: int,
    filters: Filters,
    allowed: np.ndarray | None,
    excluded: set[int],
    english_rank: Callable[[int], list[Scored]],
) -> list[Scored]:
    """Fused ranking (see the module docstring); ``english_rank(depth)`` is the hybrid one."""
    from workbench.retrieval.search import Scored

    ml = wb.multilingual()
    depth = max(MIN_CANDIDATES, 2 * k) + len(excluded)
    lang = query_language(query)
    out: dict[int, Scored] = {}
    english_query = lang in (None, ENGLISH)
    if english_query and filters.language in (None, ENGLISH):
        for s in english_rank(depth):
            out[s.claim_id] = s
    hits = [(c, cos) for c, cos in ml.search(query, depth, allowed) if c not in excluded]
    rows = wb.store.claims_by_ids([c for c, _ in hits] + list(out))
    for cid in list(out):  # MiniLM and BM25 know nothing of other languages
        if cid not in rows or (rows[cid].claim.language or ENGLISH) != ENGLISH:
            out.pop(cid)
    for cid, cos in hits:
        if cid not in rows:
            continue
        same_english = english_query and (rows[cid].claim.language or ENGLISH) == ENGLISH
        if same_english and filters.language in (None, ENGLISH):
            continue  # the hybrid side scores English pairs
        out[cid] = Scored(cid, cosine=cos, score=float(calibrate(cos)))
    ranked = sorted(out.values(), key=lambda s: (-s.score, s.claim_id))
    if filters.min_score is not None:
        ranked = [s for s in ranked if s.score >= filters.min_score]
    return ranked[:k]

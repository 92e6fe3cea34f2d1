"""Similar-claim lookup over the vector index, with filters, returning plain hits.

Filters (outlet, date range, own article left out, source type) are resolved to an allowed id
set in SQL and applied inside the FAISS search, so a filtered lookup still returns ``k`` hits
when ``k`` exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from workbench.records import SearchHit

if TYPE_CHECKING:
    from workbench.api import Workbench


@dataclass(slots=True)
class Filters:
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    exclude_article: str | None = None
    source_type: str | None = None
    min_score: float | None = None

    def any_sql(self) -> bool:
        return any((self.outlet, self.date_from, self.date_to, self.exclude_article, self.source_type))


def dense_candidates(
    wb: Workbench, query_vec: np.ndarray, k: int, allowed: np.ndarray | None
) -> list[tuple[int, float]]:
    """(claim id, cosine) pairs from the vector index, best first."""
    if not len(wb.index):
        return []
    scores, ids = wb.index.search(query_vec.reshape(1, -1), k, allowed=allowed)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def hits_for(wb: Workbench, ranked: list[tuple[int, float]]) -> list[SearchHit]:
    """Turn ranked (claim id, score) pairs into hits with article fields and attributions."""
    ids = [cid for cid, _ in ranked]
    rows = wb.store.claims_by_ids(ids)
    atts = wb.store.attributions_for(ids)
    hits: list[SearchHit] = []
    for cid, score in ranked:
        if cid not in rows:
            continue  # index ahead of store: skip until repaired
        claim, row = rows[cid]
        hits.append(
            SearchHit(
                claim=claim, score=score, article_title=row["a_title"], outlet=row["a_outlet"],
                date=row["a_date"], url=row["a_url"], attributions=atts.get(cid, []),
            )
        )
    return hits


def search(wb: Workbench, query: str, k: int = 10, filters: Filters | None = None) -> list[SearchHit]:
    """The ``k`` claims most similar to ``query`` that pass ``filters``."""
    filters = filters or Filters()
    query = query.strip()
    if not query or not len(wb.index):
        return []
    allowed = wb.store.filter_claim_ids(
        filters.outlet, filters.date_from, filters.date_to, filters.exclude_article, filters.source_type
    )
    vec = wb.embedder.encode_query(query)
    ranked = dense_candidates(wb, vec, k, allowed)
    if filters.min_score is not None:
        ranked = [(c, s) for c, s in ranked if s >= filters.min_score]
    return hits_for(wb, ranked[:k])

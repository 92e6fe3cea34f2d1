"""A claim's two vectors from one encode: the bare claim and its search (headline) vector.

Why (issue 14): with ``embed_context=title`` every claim of a titled article used to be
encoded twice, once as "claim + headline" for the search index and once bare for clusters and
comparison. Now the bare claim and each distinct headline are encoded once (through the
store's embedding cache, keyed by their own text) and the search vector is
``with_headline(bare, headline, weight)``. Nothing here encodes a text the cache already holds,
so rebuilding an index from the store re-embeds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from workbench.retrieval.embed import embed_key, headline_weight, with_headline

if TYPE_CHECKING:
    from workbench.api import Workbench


def claim_vectors(
    wb: Workbench, texts: Sequence[str], titles: Sequence[str | None]
) -> tuple[np.ndarray, np.ndarray]:
    """(bare vectors, search vectors) of claims ``texts`` under headlines ``titles``.

    One call to ``Workbench.vectors_for`` embeds the claims and the distinct headlines that
    carry weight, in one batch; a claim whose headline has no weight (none, contained in the
    claim, or ``embed_context=none``) gets its bare vector as its search vector.
    """
    texts = list(texts)
    context = wb.settings.embed_context
    weights = np.array(
        [headline_weight(t, h, context) for t, h in zip(texts, titles, strict=True)],
        dtype=np.float32,
    )
    heads = sorted({(h or "").strip() for h, w in zip(titles, weights, strict=True) if w > 0})
    inputs = texts + heads
    vectors = wb.vectors_for(inputs, [embed_key(t) for t in inputs])
    bare = vectors[: len(texts)]
    if not heads:
        return bare, bare
    where = {h: len(texts) + i for i, h in enumerate(heads)}
    rows = np.stack(
        [
            vectors[where[(h or "").strip()]] if w > 0 else bare[n]
            for n, (h, w) in enumerate(zip(titles, weights, strict=True))
        ]
    )
    return bare, with_headline(bare, rows, weights)


def stored_search_vectors(wb: Workbench, ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(ids found, search vectors) of stored claims, in id order (for repair and rebuild)."""
    rows = wb.store.claims_by_ids([int(i) for i in ids])
    found = np.array(sorted(rows), dtype=np.int64)
    if not len(found):
        return found, np.zeros((0, wb.dimension), dtype=np.float32)
    out: list[np.ndarray] = []
    step = 4096  # bounded memory for a whole-store rebuild
    for start in range(0, len(found), step):
        part = [rows[int(i)] for i in found[start : start + step]]
        _, search = claim_vectors(wb, [r.claim.text for r in part], [r.title for r in part])
        out.append(search)
    return found, np.concatenate(out)


def cached_search_vectors(
    wb: Workbench, texts: dict[int, tuple[str, str | None]]
) -> dict[int, np.ndarray]:
    """Search vectors of claims (id -> (text, title)) whose bare and headline vectors are all
    in the embedding cache; others are left out (nothing is encoded)."""
    context = wb.settings.embed_context
    keys = {c: embed_key(t) for c, (t, _) in texts.items()}
    heads = {c: (h or "").strip() for c, (t, h) in texts.items()}
    weights = {c: headline_weight(t, h, context) for c, (t, h) in texts.items()}
    wanted = list(keys.values()) + [embed_key(h) for c, h in heads.items() if weights[c] > 0]
    cached = wb.store.get_embeddings(wb.embedder.model_name, wanted)
    out: dict[int, np.ndarray] = {}
    for c, key in keys.items():
        if key not in cached:
            continue
        if weights[c] == 0:
            out[c] = cached[key]
            continue
        head = cached.get(embed_key(heads[c]))
        if head is not None:
            out[c] = with_headline(cached[key].reshape(1, -1), head, np.array([weights[c]]))[0]
    return out

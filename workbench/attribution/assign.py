"""Map document-level attributions onto claims.

A claim gets every attribution whose content overlaps it, plus the ancestors of those
(so a nested report keeps its outer report). ``parent`` in the per-claim lists is an index
into that same per-claim list. A claim with no attribution is in the publisher's voice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol

from workbench.records import Attribution


class _HasSpan(Protocol):
    start: int
    end: int


def publisher_attribution(start: int, end: int, publisher: str | None) -> Attribution:
    """The fallback attribution: the article's own voice over ``[start, end)``."""
    return Attribution(
        source_text="",
        source=publisher or "",
        source_type="publisher",
        cue="",
        content_start=start,
        content_end=end,
        kind="publisher",
    )


def assign_to_claims(
    atts: Sequence[Attribution], claims: Sequence[_HasSpan], publisher: str | None = None
) -> list[list[Attribution]]:
    """For each claim, copies of the attributions that cover it, parents remapped.

    Attributions are kept in document order; each copy's ``parent`` is the index of its
    parent *within the claim's list* (ancestors are added even when their content does not
    overlap the claim, so the index always exists), or None.
    """
    result: list[list[Attribution]] = []
    for claim in claims:
        chosen: set[int] = set()
        for i, a in enumerate(atts):
            if a.content_start < claim.end and claim.start < a.content_end:
                chosen.add(i)
                seen = {i}
                p = a.parent
                while p is not None and 0 <= p < len(atts) and p not in seen:
                    chosen.add(p)
                    seen.add(p)
                    p = atts[p].parent
        if not chosen:
            result.append([publisher_attribution(claim.start, claim.end, publisher)])
            continue
        order = sorted(chosen)
        where = {old: new for new, old in enumerate(order)}
        copies = []
        for old in order:
            a = atts[old]
            copies.append(
                dataclasses.replace(a, parent=where.get(a.parent) if a.parent is not None else None)
            )
        result.append(copies)
    return result

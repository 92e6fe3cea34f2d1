"""UI-only display helpers: the source-type colour map, legend and table shaping.

Pure functions (no streamlit import) so they are cheap to test; pages hand the results to
``st.markdown`` / ``st.dataframe``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from workbench.records import SOURCE_TYPES, Attribution, FileResult, SearchHit
from workbench.ui.components.safe_md import coloured, escape_md

# One colour per source type, everywhere (legend, highlights, badges). Streamlit's named
# colours are theme-aware, so they stay readable in both the light and the dark theme.
SOURCE_COLOURS: dict[str, str] = {
    "outlet": "blue",
    "person": "green",
    "organization": "violet",
    "unnamed": "orange",
    "publisher": "gray",
}
SOURCE_LABELS: dict[str, str] = {
    "outlet": "news outlet",
    "person": "person",
    "organization": "organization",
    "unnamed": "unnamed source",
    "publisher": "publisher's own voice",
}
STATUS_LABELS = {
    "ingested": "ingested",
    "duplicate": "skipped (duplicate)",
    "failed": "failed",
}


def colour_for(source_type: str | None) -> str:
    return SOURCE_COLOURS.get(source_type or "", "gray")


def legend_markdown() -> str:
    """The colour legend as one line of (safe) Markdown badges."""
    return "  ".join(
        f":{SOURCE_COLOURS[t]}-badge[{escape_md(SOURCE_LABELS[t])}]" for t in SOURCE_TYPES
    )


def main_attribution(atts: Sequence[Attribution]) -> Attribution | None:
    """The outermost attribution of a claim (the one with no parent), else the first."""
    for att in atts:
        if att.parent is None:
            return att
    return atts[0] if atts else None


def who(att: Attribution | None) -> str:
    """A short plain-text 'who says it' for tables."""
    if att is None:
        return "—"
    if att.source:
        return att.source
    return att.source_text or SOURCE_LABELS.get(att.source_type, att.source_type)


def attribution_badge(att: Attribution | None) -> str:
    """Safe Markdown: the source in its type colour, then type and cue."""
    if att is None:
        return "_no attribution_"
    cue = f" · cue “{escape_md(att.cue)}”" if att.cue else ""
    hedged = " · hedged" if att.hedged else ""
    return f"{coloured(escape_md(who(att)), colour_for(att.source_type))} ({escape_md(att.source_type)}{cue}{hedged})"


def hits_frame(hits: Sequence[SearchHit]) -> list[dict[str, Any]]:
    """Lookup hits as table rows (rank, score, claim, outlet, date, source, type, cue)."""
    rows = []
    for n, h in enumerate(hits, 1):
        att = main_attribution(h.attributions)
        rows.append(
            {
                "rank": n,
                "score": round(float(h.score), 3),
                "claim": h.claim.text,
                "outlet": h.outlet or "",
                "date": (h.date or "")[:10],
                "source": who(att),
                "type": att.source_type if att else "",
                "cue": att.cue if att else "",
                "article": h.article_title or h.claim.article_id[:12],
            }
        )
    return rows


def attribution_rows(atts: Sequence[Attribution]) -> list[dict[str, Any]]:
    """A claim's attributions, nested ones indented under their parent (by stored id)."""
    by_parent: dict[int | None, list[Attribution]] = {}
    ids = {a.id for a in atts}
    for a in atts:
        parent = a.parent if a.parent in ids else None
        by_parent.setdefault(parent, []).append(a)
    rows: list[dict[str, Any]] = []

    def walk(parent: int | None, depth: int) -> None:
        for a in by_parent.get(parent, []):
            rows.append(
                {
                    "level": depth,
                    "source": ("↳ " * depth) + who(a),
                    "type": a.source_type,
                    "cue": a.cue,
                    "kind": a.kind,
                    "role": a.role or "",
                    "hedged": a.hedged,
                    "confidence": round(float(a.confidence), 2),
                    "id": a.id,
                    "parent": a.parent,
                }
            )
            if a.id is not None and depth < 10:
                walk(a.id, depth + 1)

    walk(None, 0)
    return rows


def result_rows(results: Iterable[FileResult]) -> list[dict[str, Any]]:
    """An ingest report as one row per input."""
    return [
        {
            "input": r.origin,
            "status": STATUS_LABELS.get(r.status, r.status),
            "claims": r.claims,
            "reason": r.reason or "",
            "article": r.article_id or "",
        }
        for r in results
    ]


def short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# A note's verdict as a badge: the verdict is a key of the fixed vocabulary, never free text.
VERDICT_COLOURS: dict[str, str] = {
    "true": "green",
    "mostly_true": "green",
    "mixed": "orange",
    "mostly_false": "red",
    "false": "red",
    "misleading": "violet",
    "unverifiable": "gray",
    "in_progress": "blue",
}


def verdict_badge(verdict: str | None) -> str:
    """Safe Markdown badge of a verdict key ("" when there is none or it is not a verdict)."""
    from workbench.notes.records import VERDICTS

    if verdict not in VERDICTS or verdict not in VERDICT_COLOURS:
        return ""
    return f":{VERDICT_COLOURS[verdict]}-badge[{escape_md(VERDICTS[verdict])}]"


def verdict_label(verdict: str | None) -> str:
    """The verdict's plain label, for selectbox options ("" when there is none)."""
    from workbench.notes.records import VERDICTS

    return VERDICTS.get(verdict or "", "")

"""The Compare page's body over :func:`workbench.compare.report.compare` (imported only once landed)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.api import Workbench
from workbench.errors import WorkbenchError
from workbench.text.language import is_rtl
from workbench.ui import common
from workbench.ui.components import display, graph
from workbench.ui.components.safe_md import bidi_cell, coloured, escape_md

STANCE_COLOURS = {"agree": "green", "contradict": "red", "unrelated": "gray", "focus": "blue"}


@st.cache_data(show_spinner="Comparing sources…", max_entries=64, ttl=600)
def comparison(data: str, claim_id: int, n_claims: int) -> Any:
    """The library's comparison for one claim (re-run when the claim count changes)."""
    return common.workbench().compare(claim_id)


def outlet_rows(cmp: Any) -> list[dict[str, Any]]:
    return [
        {
            "outlet": r.outlet + (f" (via {r.via})" if r.via else ""),
            "language": display.language_name(r.language),
            "role": r.role + (f" in {r.in_article_of}" if r.in_article_of else ""),
            "attributes it to": ", ".join(r.attributed_to) or "—",
            "first seen": (r.first_seen or "")[:10],
            "stance": r.stance or "",
            "stance score": r.stance_score,
            "states": bidi_cell(r.states, is_rtl(r.language, r.states)),
            "claim": r.claim_id,
        }
        for r in cmp.outlets
    ]


def diff_markdown(a: str, ops: list[dict[str, Any]]) -> str:
    """Safe Markdown of the word diff: removed words struck through in red, added ones green."""
    out, pos = [], 0
    for op in ops:
        out.append(escape_md(a[pos : op["a_start"]]) if op["a_start"] > pos else "")
        if op["a_start"] > pos and a[op["a_start"] - 1].isspace():
            out.append(" ")
        kind = op["op"]
        if kind == "equal":
            out.append(escape_md(op["a_text"]))
        if kind in ("delete", "replace") and op["a_text"]:
            out.append(coloured("~~" + escape_md(op["a_text"]) + "~~", "red"))
        if kind in ("insert", "replace") and op["b_text"]:
            out.append(
                (" " if kind == "replace" else "") + coloured(escape_md(op["b_text"]), "green")
            )
        out.append(" ")
        pos = max(pos, op["a_end"])
    out.append(escape_md(a[pos:]))
    return "".join(out).strip()


@st.cache_data(show_spinner=False, max_entries=64, ttl=600)
def story_graph(data: str, claim_ids: tuple[int, ...], n_claims: int) -> Any:
    """The library's citation graph over the compared versions."""
    return common.workbench().citations(claim_ids=claim_ids)


def citation_picture(wb: Workbench, cmp: Any) -> None:
    ids = tuple(sorted(a.claim_id for a in cmp.appearances))
    g = story_graph(str(wb.data_dir), ids, int(wb.stats()["claims"]))
    if not g.edges:
        st.caption("No version names a source: nothing cites anything here.")
        return
    st.markdown(display.legend_markdown())
    st.graphviz_chart(graph.graph_dot(g), width="stretch")


def render(wb: Workbench, claim_id: int) -> None:
    """Cross-source table, independent-source count, discrepancies and the citation graph."""
    try:
        cmp = comparison(str(wb.data_dir), claim_id, int(wb.stats()["claims"]))
    except WorkbenchError as exc:
        st.error(f"Could not compare this claim: {exc}")
        return
    a, b, c = st.columns(3)
    a.metric(
        "Independent sources", cmp.independent_sources, help="Reprints of one wire story count once"
    )
    b.metric("Versions found", len(cmp.appearances))
    if cmp.earliest:
        c.metric(
            "First seen", (cmp.earliest.first_seen or "?")[:10], help=cmp.earliest.publisher or ""
        )
    st.subheader("Who carries it", anchor=False)
    st.dataframe(
        outlet_rows(cmp),
        hide_index=True,
        key="compare_outlets",
        column_config={
            "states": st.column_config.TextColumn("states", width="large"),
            "stance score": st.column_config.ProgressColumn(
                "stance score", min_value=0.0, max_value=1.0
            ),
            "claim": st.column_config.NumberColumn("claim", format="%d"),
        },
    )
    texts = {x.claim_id: x.text for x in cmp.appearances}
    st.subheader("Discrepancies", anchor=False)
    shown = 0
    for p in cmp.pairs:
        if not p.kinds or p.a_claim not in texts:
            continue
        shown += 1
        stance = p.stance.label if p.stance else "—"
        head = (f"{escape_md(p.a_outlet or 'this claim')} vs {escape_md(p.b_outlet or 'unknown outlet')}: "
                f"{escape_md(', '.join(p.kinds))} differ · stance {coloured(escape_md(stance), STANCE_COLOURS.get(stance, 'gray'))}")  # fmt: skip
        with st.container(border=True):
            st.markdown(head)
            st.markdown(diff_markdown(texts[p.a_claim], p.discrepancy.get("diff", [])))
    if not shown:
        st.caption("No version differs in figures, dates, names or negation.")
    st.subheader("Citation graph", anchor=False)
    citation_picture(wb, cmp)

"""The Compare page's body: renders :class:`workbench.compare.report_records.CompareReport`.

Every value from the report (publishers, wordings, sources, slot values, reasons) is untrusted
text: it reaches Markdown only through ``escape_md``, tables through ``st.dataframe`` (which
shows text literally) and the timeline through altair (vega draws labels as text). Tooltips,
labels, captions and metrics carry only fixed strings and numbers.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.api import Workbench
from workbench.errors import WorkbenchError
from workbench.text.language import is_rtl
from workbench.ui import common
from workbench.ui.components import display, graph
from workbench.ui.components.safe_md import bidi_cell, coloured, escape_md

AGREEMENT_COLOURS = {
    "agrees": "green",
    "disagrees": "red",
    "discusses": "orange",
    "unrelated": "gray",
}
TIER_COLOURS = {"focus": "blue", "same": "green", "event": "orange"}


@st.cache_data(show_spinner="Comparing sources…", max_entries=64, ttl=600)
def comparison(data: str, claim_id: int, n_claims: int) -> Any:
    """The library's comparison for one claim (re-run when the claim count changes)."""
    return common.workbench().compare(claim_id)


def article_rows(report: Any) -> list[dict[str, Any]]:
    """One table row per article (its other accounts are counted, and listed below)."""
    return [
        {
            "publisher": r.publisher,
            "language": display.language_name(r.account.language),
            "published": r.date_text,
            "wording": bidi_cell(r.account.text, is_rtl(r.account.language, r.account.text)),
            "attribution chain": r.chain_text,
            "tier": r.account.tier_label,
            "agreement": r.account.agreement or "—",
            "reason": r.account.reason or "",
            "other accounts": len(r.other_accounts),
            "claim": r.account.claim_id,
        }
        for r in report.rows
    ]


CARRIER_COLUMNS = ("publisher", "published", "wording", "attribution chain", "tier",
                   "agreement", "reason", "claim")  # fmt: skip


def carriers_markdown(report: Any) -> str:
    """The articles carrying the claim as one Markdown table, every cell escaped: a data grid
    loads ~1.7 MB of browser code on first use (half of Compare's time), so the grid is drawn
    only on request. Cells are flattened to one line; ``|`` is escaped like all punctuation."""
    head = "| " + " | ".join(CARRIER_COLUMNS) + " |\n|" + "---|" * len(CARRIER_COLUMNS)
    lines = [
        "| " + " | ".join(escape_md(str(row[c])) or "—" for c in CARRIER_COLUMNS) + " |"
        for row in article_rows(report)
    ]
    return "\n".join([head, *lines])


def other_account_rows(report: Any) -> list[dict[str, Any]]:
    return [
        {
            "publisher": r.publisher,
            "language": display.language_name(a.language),
            "wording": bidi_cell(a.text, is_rtl(a.language, a.text)),
            "attribution chain": a.chain_text,
            "tier": a.tier_label,
            "agreement": a.agreement or "—",
            "reason": a.reason,
            "claim": a.claim_id,
        }
        for r in report.rows
        for a in r.other_accounts
    ]


def sources_markdown(report: Any) -> str:
    """ "Independent sources: K — name · name", names escaped."""
    names = " · ".join(escape_md(g.name) for g in report.sources)
    return f"**Independent sources: {report.independent_sources}**" + (
        f" — {names}" if names else ""
    )


def side_markdown(source: str, value: str, colour: str) -> str:
    return f"**{escape_md(source)}**: {coloured(escape_md(value), colour) if value else '—'}"


def slot_table(d: Any, focus_label: str) -> str:
    """A Markdown table: slot | the claim | the other; differing values highlighted."""
    head = f"| slot | {escape_md(focus_label)} | {escape_md(d.source)} |\n|---|---|---|"
    lines = []
    for x in d.lines:
        a, b = escape_md(x.focus) or "—", escape_md(x.other) or "—"
        if x.differs:
            a = coloured(a, "blue") if x.focus else a
            b = coloured(b, "red") if x.other else b
        lines.append(f"| {escape_md(x.slot)} | {a} | {b} |")
    return "\n".join([head, *lines])


def timeline_chart(report: Any) -> Any:
    """Appearances over time, one line per outlet (altair: labels drawn as plain text)."""
    import altair as alt

    data = [
        {
            "outlet": p.outlet,
            "date": p.date,
            "tier": p.tier,
            "claim": p.claim_id,
            "first": bool(report.earliest and p.article_id == report.earliest.article_id),
        }
        for p in report.timeline
    ]
    return (
        alt.Chart(alt.Data(values=data))
        .mark_point(filled=True, size=120)
        .encode(
            x=alt.X("date:T", title="publication date"),
            y=alt.Y("outlet:N", title=None, sort=alt.EncodingSortField("date", op="min")),
            color=alt.Color("tier:N", title="tier"),
            shape=alt.Shape("first:N", title="first"),
            tooltip=["outlet:N", "date:T", "tier:N", "claim:Q"],
        )
    )


@st.cache_data(show_spinner=False, max_entries=64, ttl=600)
def story_graph(data: str, claim_ids: tuple[int, ...], n_claims: int) -> Any:
    """The library's citation graph over the compared versions."""
    return common.workbench().citations(claim_ids=claim_ids)


def citation_picture(wb: Workbench, report: Any, n_claims: int) -> None:
    ids = tuple(sorted(report.claim_ids))
    g = story_graph(str(wb.data_dir), ids, n_claims)
    if not g.edges:
        st.caption("No version names a source: nothing cites anything here.")
        return
    names = {n["id"]: n["label"] for n in g.nodes}
    st.caption(f"{len(g.nodes)} outlets and sources, {len(g.edges)} citation edge(s):")
    st.markdown(
        "  \n".join(
            f"{escape_md(names.get(e['source'], e['source']))} → "
            f"{escape_md(names.get(e['target'], e['target']))}"
            for e in g.edges[:12]
        )
        + ("  \n…" if len(g.edges) > 12 else "")
    )
    # the drawing loads a large renderer in the browser: only when asked for
    if st.toggle("Draw the graph", key="compare_graph_open"):
        st.markdown(display.legend_markdown())
        st.graphviz_chart(graph.graph_dot(g), width="stretch")


def render(wb: Workbench, claim_id: int) -> None:
    """Sources, articles, competing accounts, discrepancies, timeline and citation graph."""
    n_claims = int(wb.stats()["claims"])
    try:
        report = comparison(str(wb.data_dir), claim_id, n_claims)
    except WorkbenchError as exc:
        st.error(f"Could not compare this claim: {escape_md(str(exc))}")
        return
    st.markdown(sources_markdown(report))
    for g in report.sources:
        if len(g.members) > 1:
            kind = "reprints of one story" if g.reprints else "items citing it"
            st.markdown(
                f"- {escape_md(g.name)} ({kind}): " + ", ".join(escape_md(m) for m in g.members)
            )
    if report.earliest:
        e = report.earliest
        st.markdown(
            f"First: **{escape_md(e.outlet)}** on {escape_md(e.date)} "
            f"({escape_md(TIER_LABEL.get(e.tier, e.tier))})"
        )
    st.subheader("Who carries it", anchor=False)
    if st.toggle("Sortable table", key="compare_grid_open",
                 help="The same rows in a grid you can sort, with languages and counts"):  # fmt: skip
        st.dataframe(
            article_rows(report),
            hide_index=True,
            key="compare_articles",
            column_config={
                "wording": st.column_config.TextColumn("wording", width="large"),
                "attribution chain": st.column_config.TextColumn(
                    "attribution chain", width="medium"
                ),
                "claim": st.column_config.NumberColumn("claim", format="%d"),
            },
        )
    else:
        st.markdown(carriers_markdown(report))
    others = other_account_rows(report)
    # a second grid costs ~0.5 s of browser time: the other accounts open on request
    if others and st.toggle(
        f"The articles' other accounts of the event ({len(others)}; never versions of the claim)",
        key="compare_other_open",
    ):
        st.dataframe(others, hide_index=True, key="compare_other_accounts")
    st.subheader("Competing accounts", anchor=False)
    if not report.competing:
        st.caption("No other account gives a different cause, actor, number, place or date.")
    for c in report.competing:
        with st.container(border=True):
            st.markdown(f"**{escape_md(c.slot)}**")
            st.markdown(side_markdown(c.focus.source, c.focus.value, "blue"))
            for s in c.others:
                st.markdown("vs " + side_markdown(s.source, s.value, "red"))
    st.subheader("Discrepancies", anchor=False)
    if not report.discrepancies:
        st.caption("No account differs from the claim on a fact slot.")
    focus_label = "the claim"
    for d in report.discrepancies:
        colour = AGREEMENT_COLOURS.get(d.agreement or "", "gray")
        with st.container(border=True):
            st.markdown(
                f"{coloured(escape_md(d.agreement or 'focus'), colour)} "
                f"{escape_md(d.source)}: {escape_md(d.reason)}"
            )
            st.markdown(slot_table(d, focus_label))
    st.subheader("Timeline", anchor=False)
    if report.timeline:
        first = report.earliest.article_id if report.earliest else None
        st.markdown(
            "  \n".join(
                f"{escape_md(p.date[:10])} · {escape_md(p.outlet)} "
                f"({escape_md(TIER_LABEL.get(p.tier, p.tier))})"
                + (" · **first**" if p.article_id == first else "")
                for p in sorted(report.timeline, key=lambda p: p.date)
            )
        )
        # the chart library is heavy to load in the browser: drawn only when asked for
        if st.toggle("Chart", key="compare_timeline_chart"):
            st.altair_chart(timeline_chart(report), width="stretch")
    else:
        st.caption("No article has a publication date.")
    undated = [r for r in report.rows if not r.date]
    if undated:
        st.markdown(
            "Undated (never counted as first): "
            + ", ".join(escape_md(f"{r.publisher} (claim {r.account.claim_id})") for r in undated)
        )
    st.subheader("Citation graph", anchor=False)
    citation_picture(wb, report, n_claims)


TIER_LABEL = {"focus": "the claim", "same": "same statement", "event": "same event"}

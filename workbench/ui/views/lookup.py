"""Lookup: paste a claim, get ranked similar claims with who says them (query in the URL)."""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from workbench.api import Workbench
from workbench.records import SOURCE_TYPES, SearchHit
from workbench.ui import common
from workbench.ui.components import display
from workbench.ui.components.notes_panel import note_editor
from workbench.ui.components.safe_md import escape_md

ANY = "Any"


def _date(raw: str) -> dt.date:
    return dt.date.fromisoformat(raw[:10])


def filters_sidebar(wb: Workbench) -> dict:
    """The lookup filters, in the sidebar, each mirrored into the URL."""
    arts = common.articles_meta(wb)
    outlets = sorted({a["outlet"] for a in arts if a["outlet"]}, key=str.casefold)
    by_id = {a["id"]: a for a in arts}
    with st.sidebar:
        st.subheader("Filters")
        common.bind_param("lookup_k", "k", int, wb.settings.search_k)
        k = st.slider("Results", 1, 50, key="lookup_k")
        common.bind_param("lookup_outlet", "outlet", str, ANY)
        if st.session_state["lookup_outlet"] not in outlets:
            st.session_state["lookup_outlet"] = ANY
        outlet = st.selectbox("Outlet", [ANY, *outlets], key="lookup_outlet")
        common.bind_param("lookup_type", "type", str, ANY)
        if st.session_state["lookup_type"] not in SOURCE_TYPES:
            st.session_state["lookup_type"] = ANY
        stype = st.selectbox(
            "Source type",
            [ANY, *SOURCE_TYPES],
            key="lookup_type",
            format_func=lambda t: t if t == ANY else display.SOURCE_LABELS[t],
        )
        cited_all = wb.cited_outlets()
        common.bind_param("lookup_cited", "cites", str, ANY)
        if st.session_state["lookup_cited"] not in cited_all:
            st.session_state["lookup_cited"] = ANY
        cited = st.selectbox("Cites (outlet behind an item)", [ANY, *cited_all], key="lookup_cited")
        common.bind_param("lookup_from", "from", _date)
        date_from = st.date_input("From", key="lookup_from", format="YYYY-MM-DD")
        common.bind_param("lookup_to", "to", _date)
        date_to = st.date_input("To", key="lookup_to", format="YYYY-MM-DD")
        common.bind_param("lookup_min", "min", float, 0.0)
        min_score = st.slider("Minimum score", 0.0, 1.0, step=0.05, key="lookup_min")
        common.bind_param("lookup_exclude", "exclude", str, "")
        if st.session_state["lookup_exclude"] not in by_id:
            st.session_state["lookup_exclude"] = ""
        exclude = st.selectbox(
            "Leave out article",
            ["", *by_id],
            key="lookup_exclude",
            format_func=lambda i: (
                "—"
                if not i
                else display.short(
                    f"{by_id[i]['date']} {by_id[i]['outlet']}: {by_id[i]['title']}", 60
                )
            ),
        )
    common.to_url("lookup_k", "k", k if k != wb.settings.search_k else None)
    common.to_url("lookup_outlet", "outlet", None if outlet == ANY else outlet)
    common.to_url("lookup_type", "type", None if stype == ANY else stype)
    common.to_url("lookup_cited", "cites", None if cited == ANY else cited)
    common.to_url("lookup_from", "from", date_from, dt.date.isoformat)
    common.to_url("lookup_to", "to", date_to, dt.date.isoformat)
    common.to_url("lookup_min", "min", min_score or None)
    common.to_url("lookup_exclude", "exclude", exclude or None)
    return {
        "k": k,
        "outlet": None if outlet == ANY else outlet,
        "source_type": None if stype == ANY else stype,
        "cited": None if cited == ANY else cited,
        "date_from": date_from.isoformat() if date_from else None,
        "date_to": date_to.isoformat() if date_to else None,
        "min_score": min_score or None,
        "exclude_article": exclude or None,
    }


def show_hit(n: int, hit: SearchHit, verdict: str | None = None) -> None:
    """One result: claim, verdict badge, where and when, who says it, links and the note."""
    att = display.main_attribution(hit.attributions)
    badge = display.verdict_badge(verdict)
    with st.container(border=True):
        top, score = st.columns([6, 1])
        top.markdown(f"**{n}\\.** " + (badge + " " if badge else "") + escape_md(hit.claim.text))
        score.metric("score", f"{hit.score:.3f}", label_visibility="collapsed")
        meta = " · ".join(
            escape_md(x)
            for x in (
                hit.outlet or "unknown outlet",
                (hit.date or "no date")[:10],
                hit.article_title or "",
            )
            if x
        )
        st.caption(meta)
        st.markdown("Source: " + display.attribution_badge(att))
        common.claim_links(hit.claim.id)
        with st.expander("Note"):
            note_editor(hit.claim.id, key=f"lookup_note_{hit.claim.id}")


def main() -> None:
    wb = common.workbench()
    st.title("Lookup")
    st.caption("Paste a claim to find how other articles state it, and who they attribute it to.")
    stats = wb.stats()
    filters = filters_sidebar(wb)
    common.bind_param("lookup_q", "q", str, "")
    query = st.text_input(
        "Claim", key="lookup_q", placeholder="e.g. Pakistan walked out of the Istanbul talks"
    )
    common.to_url("lookup_q", "q", query.strip() or None)
    if not stats["claims"]:
        st.info(
            "The index is empty. Add articles on the **Ingest** page, or from a terminal run "
            "`workbench ingest seeds/` (then press *Reload data* in the sidebar).",
            icon=":material/inbox:",
        )
        st.page_link(common.INGEST, label="Go to Ingest", icon=":material/upload_file:")
        return
    if not query.strip():
        st.info(
            "Type or paste a claim above. The lookup sits in the page URL, so you can share it."
        )
        return
    began = time.perf_counter()
    k = filters.pop("k")
    hits = wb.search(query, k=k, **filters)
    st.session_state["_lookup_ms"] = (time.perf_counter() - began) * 1000
    if not hits:
        st.warning(
            "No similar claims pass these filters. Loosen the filters or rephrase the claim."
        )
        return
    st.caption(f"{len(hits)} similar claim(s) in {st.session_state['_lookup_ms']:.0f} ms")
    st.dataframe(
        display.hits_frame(hits),
        hide_index=True,
        key="lookup_table",
        column_config={
            "rank": st.column_config.NumberColumn("#", width="small"),
            "score": st.column_config.ProgressColumn(
                "score", min_value=0.0, max_value=1.0, format="%.3f"
            ),
            "claim": st.column_config.TextColumn("claim", width="large"),
            "date": st.column_config.TextColumn("date", width="small"),
            "type": st.column_config.TextColumn("source type", width="small"),
        },
    )
    verdicts = wb.verdicts([h.claim.id for h in hits])
    for n, hit in enumerate(hits, 1):
        show_hit(n, hit, verdicts.get(hit.claim.id))


main()

"""Lookup: paste a claim, get ranked similar claims with who says them (query in the URL).

Speed (issue 17): the query box and the results are one ``st.fragment``, so a lookup reruns
only them (not the sidebar, the filters or the chips); filter widgets are drawn only while the
filter panel is open (active filters always show as chips); a card's note editor is created
only when its *Note* button opened it; long result lists are paged. The empty page uses only a
text box, buttons and Markdown: the browser fetches each other element kind's code on first use
(a toggle's or ``st.html``'s cost ~0.2 s of a fresh first page on this machine), so the
right-to-left style sheet is drawn only for data with right-to-left claims.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import streamlit as st

from workbench.api import Workbench
from workbench.records import SOURCE_TYPES, SearchHit
from workbench.text.language import RTL_LANGUAGES, is_rtl
from workbench.ui import common
from workbench.ui.components import display, lookup_filters
from workbench.ui.components.notes_panel import note_editor
from workbench.ui.components.safe_md import RTL_CSS, RTL_KEY, escape_md

ANY = lookup_filters.ANY
PAGE_SIZE = 10
NOTE_OPEN = "lookup_note_open"
FILTERS_OPEN = "lookup_filters_open"


def _date(raw: str) -> dt.date:
    return dt.date.fromisoformat(raw[:10])


def filters_sidebar(wb: Workbench, gen: common.Generation) -> dict[str, Any]:
    """The lookup filters: bound to the URL on every run, drawn only while the panel is open."""
    data = str(wb.data_dir)
    arts = common.article_index(data, gen)
    publishers, cited, languages = common.outlet_lists(data, gen)
    outlets = lookup_filters.outlet_options(publishers, cited)
    by_id = {a["id"]: a for a in arts}
    default_k = wb.settings.search_k
    common.bind_param("lookup_k", "k", int, default_k)
    common.bind_param("lookup_outlet", "outlet", str, ANY)
    if "cites" in st.query_params and st.query_params.get("outlet") is None:
        st.session_state["lookup_outlet"] = st.query_params["cites"]  # old links: ?cites=
    common.bind_param("lookup_type", "type", str, ANY)
    common.bind_param("lookup_from", "from", _date)
    common.bind_param("lookup_to", "to", _date)
    common.bind_param("lookup_min", "min", float, 0.0)
    common.bind_param("lookup_lang", "lang", str, ANY)
    common.bind_param("lookup_exclude", "exclude", str, "")
    ss = st.session_state
    for key, allowed, empty in (
        ("lookup_outlet", outlets, ANY),
        ("lookup_type", SOURCE_TYPES, ANY),
        ("lookup_lang", languages, ANY),
        ("lookup_exclude", by_id, ""),
    ):
        if ss[key] != empty and ss[key] not in allowed:
            ss[key] = empty
    # labels for every article only when they are shown (the panel, or an excluded article)
    need_labels = ss.get(FILTERS_OPEN) or ss["lookup_exclude"]
    labels = lookup_filters.distinct_labels(arts) if need_labels else {}
    with st.sidebar:
        active = lookup_filters.active(ss, default_k)
        opened = bool(ss.get(FILTERS_OPEN))
        # a button, not a toggle: the first page then loads no checkbox code (see module doc)
        st.button(
            ("Hide filters" if opened else "Filters")
            + (f" ({len(active)} active)" if active else ""),
            key="lookup_filters_btn",
            icon=":material/filter_list:",
            type="tertiary",
            help="Outlet, source type, dates, minimum score, language, one article to leave out.",
            on_click=_toggle_filters,
        )
        if opened:
            st.slider("Results", 1, 50, key="lookup_k")
            st.selectbox(
                "Outlet (publishing or cited)",
                [ANY, *outlets],
                key="lookup_outlet",
                format_func=lambda o: lookup_filters.outlet_label(o, frozenset(publishers)),
            )
            st.selectbox(
                "Source type",
                [ANY, *SOURCE_TYPES],
                key="lookup_type",
                format_func=lambda t: t if t == ANY else display.SOURCE_LABELS[t],
            )
            st.date_input("From", key="lookup_from", format="YYYY-MM-DD")
            st.date_input("To", key="lookup_to", format="YYYY-MM-DD")
            st.slider("Minimum score", 0.0, 1.0, step=0.05, key="lookup_min")
            st.selectbox(
                "Language",
                [ANY, *languages],
                key="lookup_lang",
                format_func=lambda c: c if c == ANY else display.language_name(c) or "unknown",
            )
            st.selectbox(
                "Leave out article",
                ["", *by_id],
                key="lookup_exclude",
                format_func=lambda i: labels.get(i, "—") if i else "—",
            )
    k, outlet, stype = ss["lookup_k"], ss["lookup_outlet"], ss["lookup_type"]
    date_from, date_to, min_score = ss["lookup_from"], ss["lookup_to"], ss["lookup_min"]
    lang, exclude = ss["lookup_lang"], ss["lookup_exclude"]
    common.to_url("lookup_k", "k", k if k != default_k else None)
    common.to_url("lookup_outlet", "outlet", None if outlet == ANY else outlet)
    if "cites" in st.query_params:
        del st.query_params["cites"]
    common.to_url("lookup_type", "type", None if stype == ANY else stype)
    common.to_url("lookup_from", "from", date_from, dt.date.isoformat)
    common.to_url("lookup_to", "to", date_to, dt.date.isoformat)
    common.to_url("lookup_min", "min", min_score or None)
    common.to_url("lookup_exclude", "exclude", exclude or None)
    common.to_url("lookup_lang", "lang", None if lang == ANY else lang)
    chosen = None if outlet == ANY else outlet
    by_publisher = chosen in publishers
    return {
        "k": k,
        "outlet": chosen if by_publisher else None,
        "cited": chosen if chosen and not by_publisher else None,
        "source_type": None if stype == ANY else stype,
        "date_from": date_from.isoformat() if date_from else None,
        "date_to": date_to.isoformat() if date_to else None,
        "min_score": min_score or None,
        "exclude_article": exclude or None,
        "language": None if lang == ANY else lang,
        "_exclude_label": labels.get(exclude, "") if exclude else "",
    }


def _toggle_filters() -> None:
    st.session_state[FILTERS_OPEN] = not st.session_state.get(FILTERS_OPEN)


def show_hit(n: int, hit: SearchHit, verdict: str | None = None) -> None:
    """One result in few elements (one Markdown block, one row of links): claim with its
    verdict badge, score, where and when, who says it; the note editor only when this card's
    note was opened (a form per card made every lookup slow)."""
    att = display.main_attribution(hit.attributions)
    badge = display.verdict_badge(verdict)
    cid = hit.claim.id
    meta = " · ".join(
        escape_md(x)
        for x in (
            f"score {hit.score:.3f}",
            hit.outlet or "unknown outlet",
            display.language_name(hit.claim.language),
            (hit.date or "no date")[:10],
            hit.article_title or "",
        )
        if x
    )
    body = (
        f"**{n}\\.** " + (badge + " " if badge else "") + escape_md(hit.claim.text)
        + f"  \n:gray[{meta}]  \nSource: " + display.attribution_badge(att)
    )  # fmt: skip
    with st.container(border=True, key=f"lookup_card_{n}"):
        if is_rtl(hit.claim.language, hit.claim.text):
            # a right-to-left claim sits in an "rtl-" container (see safe_md.RTL_CSS)
            st.container(key=f"{RTL_KEY}hit-{n}").markdown(body)
        else:
            st.markdown(body)
        with st.container(horizontal=True, key=f"lookup_links_{n}"):
            st.page_link(common.ARTICLE, label="Open in article", icon=":material/article:",
                         query_params={"claim": str(cid)})  # fmt: skip
            st.page_link(common.COMPARE, label="Compare sources",
                         icon=":material/compare_arrows:", query_params={"claim": str(cid)})  # fmt: skip
            opened = st.session_state.get(NOTE_OPEN) == cid
            st.button(
                "Close note" if opened else ("Edit note" if verdict else "Add note"),
                key=f"lookup_note_btn_{cid}",
                icon=":material/edit_note:",
                type="tertiary",
                on_click=_toggle_note,
                args=(cid,),
            )
        if opened:
            note_editor(cid, key=f"lookup_note_{cid}")


def _toggle_note(claim_id: int) -> None:
    ss = st.session_state
    ss[NOTE_OPEN] = None if ss.get(NOTE_OPEN) == claim_id else claim_id


def _use_example(text: str) -> None:
    st.session_state["lookup_q"] = text


def examples(wb: Workbench, gen: common.Generation) -> None:
    """Example lookups taken from this data directory's most recent claims."""
    from workbench.ui.components.lookup_filters import example_queries

    found = example_queries(str(wb.data_dir), gen)
    if not found:
        return
    st.caption("Try a recent claim from this data directory:")
    for n, text in enumerate(found):
        st.button(
            escape_md(display.short(text, 110)),
            key=f"lookup_example_{n}",
            type="tertiary",
            icon=":material/search:",
            on_click=_use_example,
            args=(text,),
        )


@st.fragment
def results(filters: dict[str, Any], gen: common.Generation) -> None:
    """The query box and its results: a lookup reruns only this fragment."""
    wb = common.workbench()
    common.bind_param("lookup_q", "q", str, "")
    query = st.text_input(
        "Claim", key="lookup_q", placeholder="e.g. Pakistan walked out of the Istanbul talks"
    )
    common.to_url("lookup_q", "q", query.strip() or None)
    if not query.strip():
        st.info(
            "Type or paste a claim above. The lookup sits in the page URL, so you can share it."
        )
        examples(wb, gen)
        return
    filters = dict(filters)
    k = filters.pop("k")
    filters.pop("_exclude_label", None)
    began = time.perf_counter()
    hits = wb.search(query, k=k, **filters)
    ms = (time.perf_counter() - began) * 1000
    hidden = _undated_hidden(wb, query, k, filters)
    if hidden:
        st.caption(
            f"The date range hides {hidden} undated match(es) among the top {k} "
            "(undated claims have no date to compare)."
        )
    if not hits:
        st.warning(
            "No similar claims pass these filters. Loosen the filters or rephrase the claim."
        )
        return
    pages = (len(hits) + PAGE_SIZE - 1) // PAGE_SIZE
    if st.session_state.get("_lookup_paged_for") != (query, len(hits)):
        st.session_state["_lookup_paged_for"] = (query, len(hits))
        st.session_state["lookup_page"] = 1
    page_no = min(max(int(st.session_state.get("lookup_page", 1)), 1), pages)
    first = (page_no - 1) * PAGE_SIZE
    shown = hits[first : first + PAGE_SIZE]
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(
            f"{len(hits)} similar claim(s) in {ms:.0f} ms"
            + (f" · showing {first + 1}–{first + len(shown)}" if pages > 1 else "")
        )
        as_table = st.toggle("Table view", key="lookup_table_view",
                             help="One sortable table instead of cards")  # fmt: skip
    if as_table:
        hits_table(hits[first : first + PAGE_SIZE], first)
    else:
        verdicts = wb.verdicts([h.claim.id for h in shown])
        for n, hit in enumerate(shown, first + 1):
            show_hit(n, hit, verdicts.get(hit.claim.id))
    if pages > 1:
        st.number_input("Page", 1, pages, key="lookup_page")


def hits_table(hits: list[SearchHit], first: int) -> None:
    """The page's hits as one table (a grid costs about as much to draw as ten cards)."""
    rows = display.hits_frame(hits)
    for row in rows:
        row["rank"] += first
    st.dataframe(
        rows,
        hide_index=True,
        key="lookup_table",
        column_config={
            "rank": st.column_config.NumberColumn("#", width="small"),
            "score": st.column_config.ProgressColumn(
                "score", min_value=0.0, max_value=1.0, format="%.3f"
            ),
            "claim": st.column_config.TextColumn("claim", width="large"),
            "language": st.column_config.TextColumn("language", width="small"),
            "date": st.column_config.TextColumn("date", width="small"),
            "type": st.column_config.TextColumn("source type", width="small"),
        },
    )


def _undated_hidden(wb: Workbench, query: str, k: int, filters: dict[str, Any]) -> int:
    """How many undated claims the date range keeps out of the top ``k`` (0 without a range)."""
    if not (filters.get("date_from") or filters.get("date_to")):
        return 0
    loose = {**filters, "date_from": None, "date_to": None}
    return sum(1 for h in wb.search(query, k=k, **loose) if not h.date)


def main() -> None:
    wb = common.workbench()
    st.title("Lookup")
    st.caption("Paste a claim to find how other articles state it, and who they attribute it to.")
    stats = wb.stats()
    gen = common.generation(wb, stats)
    filters = filters_sidebar(wb, gen)
    if not stats["claims"]:
        st.info(
            "The index is empty. Add articles on the **Ingest** page, or from a terminal run "
            "`workbench ingest seeds/` (then press *Reload data* in the sidebar).",
            icon=":material/inbox:",
        )
        st.page_link(common.INGEST, label="Go to Ingest", icon=":material/upload_file:")
        return
    if RTL_LANGUAGES.intersection(common.outlet_lists(str(wb.data_dir), gen)[2]):
        st.html(RTL_CSS)  # constant style sheet, only where right-to-left claims can show
    lookup_filters.chips(filters, wb.settings.search_k)
    results(filters, gen)


main()

"""Streamlit entry: a lookup page over the workbench data directory (thin over the API)."""

from __future__ import annotations

import streamlit as st

from workbench.api import Workbench


@st.cache_resource(show_spinner="Loading the model and index…")
def get_workbench() -> Workbench:
    wb = Workbench.open()
    wb.embedder.encode_query("warm up")
    return wb


def main() -> None:
    st.set_page_config(page_title="Claim workbench", layout="wide")
    wb = get_workbench()
    stats = wb.stats()
    st.sidebar.metric("Articles", stats["articles"])
    st.sidebar.metric("Claims", stats["claims"])
    st.title("Claim lookup")
    query = st.text_input("Claim", value=st.query_params.get("q", ""), key="query")
    k = st.slider("Results", 1, 50, 10, key="k")
    if not stats["claims"]:
        st.info("The index is empty. Ingest articles first: `workbench ingest seeds/`")
        return
    if query:
        st.query_params["q"] = query
        hits = wb.search(query, k=k)
        st.dataframe(
            [{"score": round(h.score, 3), "claim": h.claim.text, "outlet": h.outlet, "date": h.date,
              "article": h.article_title} for h in hits],
            use_container_width=True, hide_index=True,
        )


main()

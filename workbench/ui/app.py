"""Streamlit entry: page setup, navigation and the data-directory sidebar.

Run with ``workbench serve`` (or ``streamlit run workbench/ui/app.py``); ``WORKBENCH_DATA``
picks the data directory. Every page is a thin script over :class:`workbench.api.Workbench`.
"""

from __future__ import annotations

import gc
from pathlib import Path

import streamlit as st

from workbench.ui import common
from workbench.ui.components import signin
from workbench.ui.components.safe_md import escape_md

HERE = Path(__file__).resolve().parent


def sidebar_status(slot: st.delta_generator.DeltaGenerator) -> None:
    """Data directory, articles, claims, outlets and index size in one caption (a code block and
    four metrics cost a second of first load; the path is escaped). Drawn after the page ran,
    into ``slot`` at the top of the sidebar, so the counts include an ingest the page just did."""
    wb = common.workbench()
    stats = wb.stats()
    with slot:
        st.caption(
            f"{stats['articles']:,} articles · {stats['claims']:,} claims · "
            f"{stats['outlets']:,} outlets · index {common.human_bytes(stats['index_bytes'])} "
            f"({stats['index_count']:,} vectors)  \n"
            f"Data directory: {escape_md(stats['data_dir'])}"
        )
        if stats["index_count"] != stats["claims"]:
            st.warning(
                "The index and the store disagree; reload to repair.", icon=":material/warning:"
            )
        if st.button("Reload data", key="reload_data", help="Reopen after ingesting from the CLI"):
            common.reload_workbench()
            st.rerun()
        st.divider()


@st.cache_resource(show_spinner=False)
def _freeze_heap(workbench_id: int) -> None:
    """Move everything alive once the Workbench is open (model, index, spaCy: ~250k objects)
    out of the collector's reach: a full collection then scans only what pages create, 0.1 s
    instead of 0.7 s holding the GIL. Once per opened Workbench; unfreezing first lets a
    reloaded one's predecessor be collected."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def main() -> None:
    st.set_page_config(page_title="Claim workbench", page_icon="🔎", layout="wide")
    pages = [
        st.Page(HERE / common.LOOKUP, title="Lookup", icon=":material/search:", default=True),
        st.Page(
            HERE / common.ARTICLE, title="Article", icon=":material/article:", url_path="article"
        ),
        st.Page(
            HERE / common.COMPARE,
            title="Compare",
            icon=":material/compare_arrows:",
            url_path="compare",
        ),
        st.Page(
            HERE / common.SOURCES,
            title="Sources",
            icon=":material/account_tree:",
            url_path="sources",
        ),
        st.Page(
            HERE / common.INGEST, title="Ingest", icon=":material/upload_file:", url_path="ingest"
        ),
        st.Page(HERE / common.NOTES, title="Notes", icon=":material/edit_note:", url_path="notes"),
    ]
    # team mode: stops here with a sign-in form until signed in (the pages are registered
    # first, so a link to one, e.g. /article?claim=…, opens it once signed in)
    user = signin.gate(pages)
    if user is not None and user.role == "admin":
        pages.append(
            st.Page(
                HERE / common.ADMIN,
                title="Admin",
                icon=":material/shield_person:",
                url_path="admin",
            )
        )
    page = st.navigation(pages)
    signin.sidebar_user(user)
    slot = st.sidebar.container(key="sidebar_status")
    page.run()
    sidebar_status(slot)
    _freeze_heap(id(common.workbench()))  # last: the first page is drawn before it runs


main()

"""Sources: outlets and people with their attributed claims, citation edges, outlet aliases."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from workbench.api import Workbench
from workbench.errors import WorkbenchError
from workbench.ui import common
from workbench.ui.components.safe_md import escape_md


def outlet_articles(arts: list[dict]) -> list[dict]:
    """Articles per publishing outlet, most first (display shaping of the article list)."""
    counts = Counter(a["outlet"] or "(unknown outlet)" for a in arts)
    return [{"outlet": o, "articles": n} for o, n in counts.most_common()]


def citations_section(wb: Workbench) -> None:
    """Attributed-claim counts and citation edges, from the library's citation graph."""
    from workbench.ui.components import citations_view

    citations_view.sources_tables(wb)


def alias_form(wb: Workbench) -> None:
    """Teach the outlet registry another name for an outlet (saved in the data directory)."""
    registry = wb.outlets()
    names = sorted((o.name for o in registry.all()), key=str.casefold)
    new = "New outlet…"
    with st.form("sources_alias_form"):
        st.markdown("**Add an outlet alias**")
        a, b = st.columns(2)
        outlet = a.selectbox("Outlet", [new, *names], key="sources_outlet")
        new_name = a.text_input("New outlet name (when adding one)", key="sources_new_name")
        alias = b.text_input("Alias", key="sources_alias", placeholder="e.g. AP, Associated Press")
        go = st.form_submit_button("Save alias", type="primary", key="sources_save")
    if not go:
        return
    name = new_name.strip() if outlet == new else outlet
    aliases = [x.strip() for x in alias.split(",") if x.strip()]
    if not name:
        st.error("Choose an outlet or name a new one.")
        return
    try:
        with common.write_lock():
            saved = registry.add(name, aliases=aliases)
            registry.save_user(wb.data_dir / "outlets.user.json")
    except (WorkbenchError, ValueError, OSError) as exc:
        st.error(f"Not saved: {escape_md(str(exc))}")
        return
    st.success(
        f"Saved. {escape_md(saved.name)} is now also known as:"
        f" {escape_md(', '.join(saved.aliases)) or '—'}"
    )
    st.caption("New articles use the alias from now on; re-ingest to apply it to stored ones.")


def main() -> None:
    wb = common.workbench()
    st.title("Sources")
    st.caption("Who is cited, by whom, and how often.")
    arts = common.articles_meta(wb)
    left, right = st.columns([1, 2], gap="large")
    with left:
        st.subheader("Publishing outlets")
        if arts:
            st.dataframe(
                outlet_articles(arts),
                hide_index=True,
                key="sources_outlets",
                column_config={"articles": st.column_config.NumberColumn("articles", format="%d")},
            )
        else:
            st.info("No articles yet.")
    with right:
        citations_section(wb)
    st.divider()
    alias_form(wb)


main()

"""The Sources page's counts and citation edges over :mod:`workbench.compare.citations`."""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.api import Workbench
from workbench.ui import common
from workbench.ui.components import graph

KIND_LABELS = {
    "outlet": "outlet",
    "article": "article (no outlet)",
    "person": "person",
    "organization": "organization",
}


@st.cache_data(show_spinner="Building the citation graph…", max_entries=4, ttl=600)
def all_citations(data: str, n_claims: int, n_attributions: int) -> Any:
    """The citation graph over every stored claim (rebuilt when counts change)."""
    return common.workbench().citations()


def node_rows(g: Any, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    out_edges: dict[str, int] = {}
    in_edges: dict[str, int] = {}
    for e in g.edges:
        out_edges[e["source"]] = out_edges.get(e["source"], 0) + 1
        in_edges[e["target"]] = in_edges.get(e["target"], 0) + 1
    return [
        {
            "name": n["label"],
            "kind": KIND_LABELS.get(n["kind"], n["kind"]),
            "claims": n["count"],
            "cites": out_edges.get(n["id"], 0),
            "cited by": in_edges.get(n["id"], 0),
        }
        for n in g.nodes
        if n["kind"] in kinds
    ]


def edge_rows(g: Any) -> list[dict[str, Any]]:
    labels = {n["id"]: n["label"] for n in g.nodes}
    return [
        {
            "from": labels.get(e["source"], e["source"]),
            "cites": labels.get(e["target"], e["target"]),
            "claims": e["count"],
        }
        for e in g.edges
    ]


def sources_tables(wb: Workbench) -> None:
    """Outlets, people and organizations with attributed-claim counts, edges and a picture."""
    stats = wb.stats()
    g = all_citations(str(wb.data_dir), int(stats["claims"]), int(stats["attributions"]))
    counts = st.column_config.NumberColumn(format="%d", width="small")
    cfg = {"claims": counts, "cites": counts, "cited by": counts}
    outlets, people, edges = st.tabs(["Outlets", "People and organizations", "Citation edges"])
    with outlets:
        st.dataframe(
            node_rows(g, ("outlet", "article")),
            hide_index=True,
            column_config=cfg,
            key="sources_outlet_counts",
        )
    with people:
        st.dataframe(
            node_rows(g, ("person", "organization")),
            hide_index=True,
            column_config=cfg,
            key="sources_people",
        )
    with edges:
        rows = edge_rows(g)
        if rows:
            st.dataframe(
                rows, hide_index=True, column_config={"claims": counts}, key="sources_edges"
            )
            with st.expander("As a picture (heaviest 60 edges)"):
                st.graphviz_chart(graph.graph_dot(g), width="stretch")
        else:
            st.caption("No citation edges yet.")

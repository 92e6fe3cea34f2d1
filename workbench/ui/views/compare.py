"""Compare: one claim across outlets — who carries it, who they credit, first seen, stance."""

from __future__ import annotations

import streamlit as st

from workbench.api import Workbench
from workbench.errors import NotFound
from workbench.ui import common
from workbench.ui.components import display
from workbench.ui.components.notes_panel import note_editor
from workbench.ui.components.safe_md import escape_md


def comparison(wb: Workbench, claim_id: int) -> None:
    """The cross-source view (tables, independent sources, citation graph)."""
    from workbench.ui.components import compare_view

    compare_view.render(wb, claim_id)


def main() -> None:
    wb = common.workbench()
    st.title("Compare")
    st.caption("One claim across every outlet that carries it. Open it from Lookup or Article.")
    common.bind_param("compare_claim", "claim", int, None)
    claim_id = st.number_input("Claim id", min_value=1, step=1, key="compare_claim")
    common.to_url("compare_claim", "claim", int(claim_id) if claim_id else None)
    if not claim_id:
        st.info(
            "Choose a claim: use *Compare sources* under any claim on the Lookup or Article page."
        )
        return
    try:
        claim = wb.claim(int(claim_id))
    except NotFound:
        st.warning(f"There is no claim {int(claim_id)} in this data directory.")
        return
    article = wb.article(claim.article_id)
    atts = wb.attributions([claim.id]).get(claim.id, [])
    with st.container(border=True):
        st.markdown(f"**{escape_md(claim.text)}**")
        st.caption(" · ".join(escape_md(x) for x in (article.outlet or "unknown outlet",
                                                      (article.date or "no date")[:10]) if x))  # fmt: skip
        st.markdown("Attributed to " + display.attribution_badge(display.main_attribution(atts)))
        st.page_link(
            common.ARTICLE,
            label="Open in article",
            icon=":material/article:",
            query_params={"claim": str(claim.id)},
        )
    comparison(wb, claim.id)
    with st.expander("Note on this claim", expanded=False):
        note_editor(claim.id, key=f"compare_note_{claim.id}")


main()

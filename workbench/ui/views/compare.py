"""Compare: one claim across outlets — who carries it, in which tier, whether they agree, who was first.

The claim comes from a link (``?claim=ID``, from Lookup or Article) or from typing text and
picking one of the matching claims; there is no bare number box.
"""

from __future__ import annotations

import streamlit as st

from workbench.api import Workbench
from workbench.errors import NotFound
from workbench.ui import common
from workbench.ui.components import display
from workbench.ui.components.notes_panel import lazy_note_editor
from workbench.ui.components.safe_md import escape_md


def comparison(wb: Workbench, claim_id: int) -> None:
    """The cross-source view (tables, independent sources, citation graph)."""
    from workbench.ui.components import compare_view

    compare_view.render(wb, claim_id)


def choose_claim(wb: Workbench) -> int | None:
    """The claim in ``?claim=``, or one picked from the claims matching typed text."""
    common.bind_param("compare_claim", "claim", int, None)
    query = st.text_input(
        "Find a claim to compare",
        key="compare_query",
        placeholder="Type words of the claim, e.g. Pakistan withdrew from the Istanbul talks",
    )
    if query.strip():
        hits = wb.search(query, k=10)
        by_id = {h.claim.id: h for h in hits}
        if not hits:
            st.warning("No claim matches these words.")
        else:
            picked = st.selectbox(
                "Pick the claim",
                list(by_id),
                index=None,
                key="compare_pick",
                placeholder="Choose one of the matching claims",
                format_func=lambda i: display.short(
                    f"{by_id[i].outlet or 'unknown outlet'} · {(by_id[i].date or 'undated')[:10]}"
                    f" · {by_id[i].claim.text}",
                    140,
                ),
            )
            if picked is not None and picked != st.session_state.get("compare_claim"):
                st.session_state["compare_claim"] = int(picked)
    claim_id = st.session_state.get("compare_claim")
    common.to_url("compare_claim", "claim", int(claim_id) if claim_id else None)
    return int(claim_id) if claim_id else None


def header(wb: Workbench, claim_id: int) -> bool:
    """The focus claim: its text, outlet and date, verdict badge, source; False if unknown."""
    try:
        claim = wb.claim(claim_id)
    except NotFound:
        st.warning(f"There is no claim {int(claim_id)} in this data directory.")
        return False
    article = wb.article(claim.article_id)
    st.session_state["_keep_article_id"] = article.id  # Article opens where the user came from
    atts = wb.attributions([claim.id]).get(claim.id, [])
    badge = display.verdict_badge(wb.verdicts([claim.id]).get(claim.id))
    with st.container(border=True, key="compare_header"):
        st.markdown((badge + " " if badge else "") + f"**{escape_md(claim.text)}**")
        meta = [article.outlet or "unknown outlet", (article.date or "undated")[:10]]
        st.markdown(" · ".join(escape_md(x) for x in meta))
        st.markdown("Attributed to " + display.attribution_badge(display.main_attribution(atts)))
        st.page_link(
            common.ARTICLE,
            label="Open in article",
            icon=":material/article:",
            query_params={"claim": str(claim.id)},
        )
    return True


def main() -> None:
    wb = common.workbench()
    st.title("Compare")
    st.caption(
        "One claim across every article that carries it. Open it from Lookup or Article, "
        "or find it by its words."
    )
    claim_id = choose_claim(wb)
    if not claim_id:
        st.info(
            "Choose a claim: type some of its words above, or use *Compare sources* under any "
            "claim on the Lookup or Article page."
        )
        return
    if not header(wb, claim_id):
        return
    comparison(wb, claim_id)
    lazy_note_editor(claim_id, f"compare_note_{claim_id}", wb.verdicts([claim_id]).get(claim_id))


main()

"""Article: the text with every claim highlighted by who it is attributed to; claim details."""

from __future__ import annotations

import streamlit as st

from workbench.api import Workbench
from workbench.errors import NotFound
from workbench.records import Attribution, Claim
from workbench.text.language import is_rtl
from workbench.ui import common
from workbench.ui.components import display
from workbench.ui.components.notes_panel import lazy_note_editor
from workbench.ui.components.safe_md import RTL_CSS, RTL_KEY, Span, escape_md, highlight


def _claim_param() -> int | None:
    raw = st.query_params.get("claim")
    return int(raw) if raw and raw.isdigit() else None


def choose_article(wb: Workbench, arts: list[dict]) -> str | None:
    """The article selectbox, following ``?claim=`` / ``?article=`` links when they change."""
    by_id = {a["id"]: a for a in arts}
    claim_id = _claim_param()
    link = (st.query_params.get("claim"), st.query_params.get("article"))
    if link != st.session_state.get("_article_link"):
        st.session_state["_article_link"] = link
        target = st.query_params.get("article")
        if claim_id is not None:
            try:
                target = wb.claim(claim_id).article_id
                st.session_state["article_claim"] = claim_id
            except NotFound:
                st.warning(f"Claim {claim_id} is not in this data directory.")
        if target in by_id:
            st.session_state["article_id"] = target
    if st.session_state.get("article_id") not in by_id:
        # the article the user came from (last shown here or on Compare), else the most recent
        kept = st.session_state.get("_keep_article_id")
        st.session_state["article_id"] = kept if kept in by_id else arts[0]["id"]
    article_id = st.selectbox(
        "Article",
        list(by_id),
        key="article_id",
        format_func=lambda i: display.short(
            f"{by_id[i]['date'] or 'no date'} · {by_id[i]['outlet'] or 'unknown outlet'} · "
            f"{by_id[i]['title'] or i[:12]}",
            110,
        ),
    )
    st.session_state["_keep_article_id"] = article_id
    if st.query_params.get("article") != article_id:
        st.query_params["article"] = article_id
        if "claim" in st.query_params and link[1] is not None:
            del st.query_params["claim"]  # another article was chosen: its first claim
    return article_id


TIER_HEADINGS = {"same": "Same statement", "event": "Same event, another account"}


def similar_claims(wb: Workbench, claim_id: int) -> None:
    """Claims of other articles above the tier-2 floor, grouped by tier; else says so."""
    found = wb.similar_claims(claim_id)
    if not found:
        st.caption("No close match in other articles.")
        return
    for tier, heading in TIER_HEADINGS.items():
        rows = [
            {
                "claim": s.text,
                "outlet": s.outlet or "unknown outlet",
                "published": (s.date or "undated")[:10],
                "same-statement probability": s.p_same,
                "id": s.claim_id,
            }
            for s in found
            if s.tier == tier
        ]
        if not rows:
            continue
        st.markdown(f"**{heading}**")
        st.dataframe(
            rows,
            hide_index=True,
            key=f"article_similar_{tier}",
            column_order=("claim", "outlet", "published", "same-statement probability"),
            column_config={
                "same-statement probability": st.column_config.ProgressColumn(
                    "same-statement probability", min_value=0.0, max_value=1.0, format="%.2f"
                ),
                "claim": st.column_config.TextColumn("claim", width="medium"),
                "id": st.column_config.NumberColumn("claim id", format="%d"),
            },
        )


def claim_details(
    wb: Workbench,
    claim: Claim,
    atts: list[Attribution],
    article_id: str,
    verdict: str | None = None,
) -> None:
    """Who says the chosen claim (with nesting), where else it appears, and its note."""
    badge = display.verdict_badge(verdict)
    st.markdown(
        (badge + " " if badge else "") + f"**Claim {claim.index + 1}** · {escape_md(claim.text)}"
    )
    st.markdown("Attributed to " + display.attribution_badge(display.main_attribution(atts)))
    rows = display.attribution_rows(atts)
    if rows:
        st.dataframe(
            rows,
            hide_index=True,
            key="article_attributions",
            # the columns a checker reads; the rest (kind, ids, confidence) would cut the table
            column_order=("source", "type", "cue", "role", "hedged"),
            column_config={
                "source": st.column_config.TextColumn("source (nested ↳)", width="medium"),
                "confidence": st.column_config.ProgressColumn(
                    "confidence", min_value=0.0, max_value=1.0
                ),
                "id": st.column_config.NumberColumn("attribution id", format="%d"),
                "parent": st.column_config.NumberColumn("parent id", format="%d"),
            },
        )
    common.claim_links(claim.id)
    lazy_note_editor(claim.id, f"article_note_{claim.id}", verdict)
    st.markdown("**Similar claims in other articles**")
    similar_claims(wb, claim.id)


def _pick(claim_id: int) -> None:
    st.session_state["article_claim"] = claim_id


# A constant style sheet: the claim buttons read as text (left-aligned, like the stretches
# between them) instead of centred button labels. No article text is part of it.
CLAIM_TEXT_CSS = (
    '<style>[class*="st-key-article_claim_at_"] button{justify-content:flex-start;'
    "text-align:left;padding:0}"
    '[class*="st-key-article_claim_at_"] button p{text-align:left}</style>'
)


def clickable_text(text: str, claims: list[Claim], spans: list[Span]) -> None:
    """The article with every claim highlighted as a tertiary button that selects it: the
    stretches between claims are escaped Markdown, and a claim's button label is the same
    escaped, coloured Markdown :func:`highlight` draws (a Markdown link would open a new tab,
    and an HTML anchor would need unsafe HTML)."""
    st.html(CLAIM_TEXT_CSS)
    pos = 0
    for claim, span in sorted(zip(claims, spans, strict=True), key=lambda cs: cs[1].start):
        if span.start < pos or span.end <= span.start:
            continue
        if text[pos : span.start].strip():
            st.markdown(highlight(text[pos : span.start], []))
        flat = " ".join(text[span.start : span.end].split())
        st.button(
            highlight(flat, [Span(0, len(flat), span.colour, span.label, span.bold)]),
            key=f"article_claim_at_{claim.id}",
            type="tertiary",
            on_click=_pick,
            args=(claim.id,),
        )
        pos = span.end
    if text[pos:].strip():
        st.markdown(highlight(text[pos:], []))


def main() -> None:
    wb = common.workbench()
    st.title("Article")
    arts = common.articles_meta(wb)
    if not arts:
        st.info("No articles yet. Add some on the **Ingest** page.", icon=":material/inbox:")
        st.page_link(common.INGEST, label="Go to Ingest", icon=":material/upload_file:")
        return
    article_id = choose_article(wb, arts)
    article = wb.article(article_id)
    claims = wb.claims(article_id)
    atts = wb.attributions([c.id for c in claims])
    verdicts = wb.verdicts([c.id for c in claims])
    by_id = {c.id: c for c in claims}
    if st.session_state.get("article_claim") not in by_id:
        st.session_state["article_claim"] = claims[0].id if claims else None
    meta = [
        article.outlet or "unknown outlet",
        display.language_name(article.language),
        (article.date or "no date")[:10],
        article.url or "",
    ]
    st.caption(" · ".join(escape_md(m) for m in meta if m))
    st.markdown("Claims are coloured by their source: " + display.legend_markdown())
    left, right = st.columns(2, gap="medium")  # the side panel's tables need the room
    chosen = st.session_state.get("article_claim")
    spans = [
        Span(
            c.start,
            c.end,
            display.colour_for(_type(atts.get(c.id, []))),
            # the saved verdict shows on the claim in the text, not in the Claim list: a label
            # that changes on save would make the browser's stale choice reset it to claim 1
            label=f"{c.index + 1} · {display.verdict_label(verdicts[c.id])}"
            if c.id in verdicts
            else str(c.index + 1),
            bold=c.id == chosen,
        )
        for c in claims
    ]
    with left:  # the text first, so it shows while the similar-claims lookup runs
        if article.title and not article.text.lstrip().startswith(article.title.strip()):
            st.subheader(escape_md(article.title), anchor=False)  # once: not when text has it
        if claims:
            st.caption("Click a highlighted claim to select it.")
        rtl = is_rtl(article.language, article.text[:500])
        if rtl:
            st.html(RTL_CSS)  # constant style sheet, only for a right-to-left article
        with (
            st.container(border=True, key="article_text"),
            st.container(key=f"{RTL_KEY}article" if rtl else None),
        ):
            clickable_text(article.text, claims, spans)
    with right:
        if not claims:
            st.info("No claims were found in this article.")
        else:
            claim_id = st.selectbox(
                "Claim",
                list(by_id),
                key="article_claim",
                # stable labels: Streamlit's browser side sends the chosen *label* back, so a
                # label that changed (a verdict saved) would no longer match and reset the choice
                format_func=lambda i: f"{by_id[i].index + 1}. {display.short(by_id[i].text, 80)}",
            )
            if st.query_params.get("claim") != str(claim_id):
                st.query_params["claim"] = str(claim_id)
            st.session_state["_article_link"] = (
                st.query_params.get("claim"),
                st.query_params.get("article"),
            )
            claim_details(
                wb, by_id[claim_id], atts.get(claim_id, []), article_id, verdicts.get(claim_id)
            )


def _type(atts: list[Attribution]) -> str:
    att = display.main_attribution(atts)
    return att.source_type if att else "publisher"


main()

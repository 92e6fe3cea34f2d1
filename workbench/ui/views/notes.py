"""Notes: every verification note, filtered, with downloads in each export format."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from workbench.api import Workbench
from workbench.errors import WorkbenchError
from workbench.ui import common
from workbench.ui.components import safe_md

EXPORTS = {  # format → (label, file extension, MIME type)
    "csv": ("CSV", "csv", "text/csv"),
    "json": ("JSON", "json", "application/json"),
    "md": ("Markdown", "md", "text/markdown"),
    "claimreview": ("ClaimReview JSON-LD", "jsonld", "application/ld+json"),
}


def note_rows(notes: list[Any]) -> list[dict[str, Any]]:
    """Notes as table rows."""
    return [
        {
            "note": n.id,
            "claim": n.claim_id,
            "verdict": n.verdict_label,
            "claim text": n.claim_text,
            "rationale": n.rationale,
            "evidence": len(n.evidence),
            "reviewer": n.reviewer,
            "updated by": n.updated_by,
            "updated": n.updated_at[:16].replace("T", " "),
            "version": n.version,
        }
        for n in notes
    ]


def filters_sidebar(wb: Workbench) -> Any:
    from workbench.notes.records import VERDICTS, NoteFilters

    arts = common.articles_meta(wb)
    outlets = sorted({a["outlet"] for a in arts if a["outlet"]}, key=str.casefold)
    with st.sidebar:
        st.subheader("Filters")
        verdicts = st.multiselect(
            "Verdict", list(VERDICTS), format_func=VERDICTS.get, key="notes_verdict"
        )
        reviewer = st.text_input("Reviewer", key="notes_reviewer")
        outlet = st.selectbox(
            "Outlet", ["", *outlets], key="notes_outlet", format_func=lambda o: o or "Any"
        )
        date_from = st.date_input("Updated from", value=None, key="notes_from", format="YYYY-MM-DD")
        date_to = st.date_input("Updated to", value=None, key="notes_to", format="YYYY-MM-DD")
        deleted = st.toggle("Include deleted", key="notes_deleted")
    return NoteFilters(
        verdict=verdicts or None,
        reviewer=reviewer.strip() or None,
        outlet=outlet or None,
        date_from=date_from.isoformat() if isinstance(date_from, dt.date) else None,
        date_to=date_to.isoformat() if isinstance(date_to, dt.date) else None,
        include_deleted=deleted,
    )


def downloads(wb: Workbench, filters: Any) -> None:
    """One download button per export format (or a plain notice until export lands)."""
    cols = st.columns(len(EXPORTS))
    for col, (fmt, (label, ext, mime)) in zip(cols, EXPORTS.items(), strict=True):
        col.download_button(
            label,
            data=lambda fmt=fmt: wb.export(fmt, filters),  # built on click, not every rerun
            file_name=f"notes.{ext}",
            mime=mime,
            key=f"notes_dl_{fmt}",
            icon=":material/download:",
        )
    from workbench.notes.claimreview import config_warnings

    for warning in config_warnings(wb.settings):  # settings, not untrusted text
        st.caption(f"ClaimReview: {safe_md.escape_md(warning)}")


def main() -> None:
    st.title("Notes")
    wb = common.workbench()
    filters = filters_sidebar(wb)
    try:
        notes = wb.notes.list(filters)
    except WorkbenchError as exc:
        st.error(str(exc))
        return
    st.caption(
        f"{len(notes)} note(s). Write notes next to any claim on Lookup, Article or Compare."
    )
    downloads(wb, filters)
    if wb.team_mode:
        from workbench.ui.components.review_queue import review_queue
        from workbench.ui.components.signin import current_user

        review_queue(current_user())
    if not notes:
        st.info("No notes match. Open a claim on the Lookup or Article page to write one.")
        return
    st.dataframe(
        note_rows(notes),
        hide_index=True,
        key="notes_table",
        column_config={
            "note": st.column_config.NumberColumn("note", format="%d", width="small"),
            "claim": st.column_config.NumberColumn("claim", format="%d", width="small"),
            "claim text": st.column_config.TextColumn("claim text", width="large"),
            "rationale": st.column_config.TextColumn("rationale", width="medium"),
        },
    )
    by_id = {n.id: n for n in notes}
    chosen = st.selectbox(
        "Open a note",
        list(by_id),
        key="notes_open",
        format_func=lambda i: f"note {i} · {by_id[i].verdict_label} · {by_id[i].claim_text[:80]}",
    )
    note = by_id[chosen]
    if note.claim_id is None:
        st.warning("This note's claim is not in this data directory (kept by its text hash).")
        st.text(note.claim_text)
        return
    st.text(note.claim_text)
    common.claim_links(note.claim_id)
    from workbench.ui.components.notes_panel import note_editor

    note_editor(note.claim_id, key=f"notes_note_{note.claim_id}")


main()

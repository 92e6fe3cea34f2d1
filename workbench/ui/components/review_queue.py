"""The Notes page's review queue (team mode): assigned to me, waiting for review, approved
and not yet published, with the workflow steps the signed-in user's role allows.

Steps run through :class:`workbench.notes.workflow.Workflow` under the app's write lock (so as
this session's user) with the version shown, so a note someone changed meanwhile is a
conflict, not an overwrite. Note text is shown only in ``st.dataframe`` cells.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.ui import common
from workbench.ui.components.safe_md import escape_md

SECTIONS = (
    ("assigned_to_me", "Assigned to me"),
    ("waiting_for_review", "Waiting for review"),
    ("approved_unpublished", "Approved, not yet published"),
)


def _rows(notes: list[Any]) -> list[dict[str, Any]]:
    return [
        {"note": n.id, "state": n.state.replace("_", " "), "verdict": n.verdict_label,
         "claim text": n.claim_text, "assignee": n.assignee or "", "by": n.updated_by,
         "version": n.version}
        for n in notes
    ]  # fmt: skip


def _step(step: str, note_id: int, version: int) -> None:
    ss = st.session_state
    try:
        with common.write_lock():
            wb = common.workbench()
            if step == "take":
                wb.workflow.assign(note_id, wb.actor_name, version)
            else:
                wb.workflow.step(note_id, step, version, ss.get("queue_reason", ""))
        ss["queue_msg"] = ("ok", f"Note {note_id}: {step} done.")
    except WorkbenchError as exc:
        ss["queue_msg"] = ("error", str(exc))


def review_queue(user: Any) -> None:
    """The queue of ``user`` (the signed-in one)."""
    wb = common.workbench()
    queue = wb.workflow.queue(user.name)
    st.subheader("Review queue")
    for attr, title in SECTIONS:
        items = getattr(queue, attr)
        with st.expander(f"{title} ({len(items)})", expanded=bool(items)):
            if items:
                st.dataframe(_rows(items), hide_index=True, key=f"queue_{attr}")
    notes = {n.id: n for n in wb.notes.list()}
    if not notes:
        return
    chosen = st.selectbox("Note", list(notes), key="queue_note",
                          format_func=lambda i: f"note {i} · {notes[i].state.replace('_', ' ')}")  # fmt: skip
    note = notes[chosen]
    st.text_input("Reason (for return)", key="queue_reason")
    steps = ["take", "submit"] + (
        ["approve", "return"] if wb.can_role(user, "note.approve") else []
    )
    for col, step in zip(st.columns(len(steps)), steps, strict=True):
        col.button(step.capitalize(), key=f"queue_{step}", on_click=_step,
                   args=(step, note.id, note.version))  # fmt: skip
    if msg := st.session_state.pop("queue_msg", None):
        if msg[0] == "ok":  # a fixed message with numbers only
            st.success(msg[1])
        else:  # an error can name a user or quote input: escaped, never live Markdown
            st.error(escape_md(msg[1]))

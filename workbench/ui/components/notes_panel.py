"""The one note editor shown next to every claim (Lookup, Article, Compare).

Saving goes through :class:`workbench.notes.service.Notes` with the version the checker last saw, so
a concurrent edit from another tab raises ``ConflictError`` and is shown, never overwritten.
Saves run in button callbacks, so the form can be re-seeded from the stored note afterwards.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.errors import ConflictError, WorkbenchError
from workbench.ui import common
from workbench.ui.components.safe_md import escape_md
from workbench.ui.components.session_user import current_reviewer, remember_reviewer


def _notes() -> Any:
    return common.workbench().notes


def _current(claim_id: int) -> Any:
    """The live claim-scope note on this claim, else the first note that applies to it."""
    notes = _notes().for_claim(claim_id)
    own = [n for n in notes if n.claim_id == claim_id and n.scope == "claim"]
    return (own or notes or [None])[0]


def _seed(key: str, note: Any) -> None:
    """Put the stored note (or blanks) into the form's widgets and remember its version."""
    ss = st.session_state
    ss[f"{key}_verdict"] = note.verdict if note else "in_progress"
    ss[f"{key}_rationale"] = note.rationale if note else ""
    ss[f"{key}_evidence"] = "\n".join(e.label() for e in note.evidence) if note else ""
    ss[f"{key}_note"] = (note.id, note.version) if note else None
    if not ss.get(f"{key}_reviewer"):
        ss[f"{key}_reviewer"] = current_reviewer()


def _save(key: str, claim_id: int) -> None:
    """Form callback: create or update the note against the version the form was seeded with."""
    ss = st.session_state
    reviewer = ss.get(f"{key}_reviewer", "").strip()
    remember_reviewer(reviewer)
    evidence = [line.strip() for line in ss.get(f"{key}_evidence", "").splitlines() if line.strip()]
    seen = ss.get(f"{key}_note")
    try:
        with common.write_lock():
            notes = _notes()
            if seen is None:
                note = notes.add(
                    claim_id, ss[f"{key}_verdict"], rationale=ss[f"{key}_rationale"],
                    evidence=evidence, reviewer=reviewer,
                )  # fmt: skip
            else:
                note = notes.update(
                    seen[0], seen[1], reviewer=reviewer, verdict=ss[f"{key}_verdict"],
                    rationale=ss[f"{key}_rationale"], evidence=evidence,
                )  # fmt: skip
    except ConflictError as exc:
        ss[f"{key}_msg"] = ("conflict", str(exc))
        return
    except WorkbenchError as exc:
        ss[f"{key}_msg"] = ("error", str(exc))
        return
    _seed(key, note)
    ss[f"{key}_msg"] = ("ok", f"Saved note {note.id} (version {note.version}).")


def _delete(key: str) -> None:
    ss = st.session_state
    seen = ss.get(f"{key}_note")
    if seen is None:
        return
    try:
        with common.write_lock():
            _notes().delete(seen[0], seen[1], reviewer=ss.get(f"{key}_reviewer", "").strip())
    except WorkbenchError as exc:
        ss[f"{key}_msg"] = ("conflict" if isinstance(exc, ConflictError) else "error", str(exc))
        return
    _seed(key, None)
    ss[f"{key}_msg"] = ("ok", f"Deleted note {seen[0]}.")


def _reload(key: str, claim_id: int) -> None:
    _seed(key, _current(claim_id))
    st.session_state.pop(f"{key}_msg", None)


def note_editor(claim_id: int, key: str) -> None:
    """Verdict, rationale, evidence and reviewer for one claim, with history and conflicts."""
    from workbench.notes.records import VERDICTS

    ss = st.session_state
    if f"{key}_verdict" not in ss:
        _seed(key, _current(claim_id))
    seen = ss.get(f"{key}_note")
    with st.form(key=f"{key}_form", border=False):
        st.selectbox("Verdict", list(VERDICTS), format_func=VERDICTS.get, key=f"{key}_verdict")
        st.text_area("Rationale", key=f"{key}_rationale", height=90)
        st.text_area(
            "Evidence",
            key=f"{key}_evidence",
            height=70,
            help="One per line: an http(s) URL, or claim:ID for a claim in this workbench.",
        )
        if not common.workbench().team_mode:  # team mode: the signed-in user, never typed
            st.text_input("Reviewer", key=f"{key}_reviewer")
        save, delete = st.columns(2)
        save.form_submit_button(
            "Save note", type="primary", on_click=_save, args=(key, claim_id), key=f"{key}_save"
        )
        if seen is not None:
            delete.form_submit_button(
                "Delete note", on_click=_delete, args=(key,), key=f"{key}_delete"
            )
    msg = ss.get(f"{key}_msg")
    if msg:
        kind, text = msg
        if kind == "ok":
            st.success(text, icon=":material/check_circle:")
            ss.pop(f"{key}_msg", None)
        elif kind == "conflict":
            st.error("Someone else changed this note since you opened it. Your edit was not saved.")
            st.text(text)
            st.button(
                "Load their version", key=f"{key}_reload", on_click=_reload, args=(key, claim_id)
            )
        else:  # can name a user or quote input: escaped, never live Markdown
            st.error(escape_md(text))
    if seen is not None:
        with st.expander(f"History of note {seen[0]} (version {seen[1]})"):
            for entry in _notes().history(seen[0]):
                st.text(entry.describe())


def lazy_note_editor(claim_id: int, key: str, verdict: str | None = None) -> None:
    """A button that opens :func:`note_editor`; the form exists only while it is open (a
    hidden form in a tab or expander is still built and sent to the browser on every rerun)."""
    flag = f"{key}_open"
    opened = bool(st.session_state.get(flag))

    def toggle() -> None:
        st.session_state[flag] = not opened

    st.button(
        "Close note" if opened else ("Edit note" if verdict else "Add note"),
        key=f"{key}_toggle",
        icon=":material/edit_note:",
        on_click=toggle,
    )
    if opened:
        note_editor(claim_id, key=key)

"""Who is reviewing in this browser session: the one seam for the reviewer's name.

Until team mode signs users in, the name typed into a note form is remembered for the browser
session (Streamlit's session state) and pre-fills every other note form; team mode replaces
the body of :func:`current_reviewer` with the signed-in user.
"""

from __future__ import annotations

import streamlit as st

from workbench.ui import common

REVIEWER_KEY = "reviewer_name"


def current_reviewer() -> str:
    """The reviewer of this browser session: the last name saved, else the ``reviewer`` setting."""
    return str(st.session_state.get(REVIEWER_KEY) or common.workbench().settings.reviewer or "")


def remember_reviewer(name: str) -> None:
    """Keep ``name`` (when not blank) as this session's reviewer."""
    if name.strip():
        st.session_state[REVIEWER_KEY] = name.strip()

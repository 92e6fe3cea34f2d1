"""Who writes notes from this browser session: the one seam for the reviewer's name.

In team mode it is the signed-in user, never a typed name. In the embedded default it is the
name the checker last saved a note under (remembered for the browser session in Streamlit's
session state, pre-filling every other note form), else the ``reviewer`` setting.
"""

from __future__ import annotations

import streamlit as st

from workbench.ui import common

REVIEWER_KEY = "reviewer_name"


def current_reviewer() -> str:
    """The reviewer of this browser session."""
    wb = common.workbench()
    if wb.team_mode:
        from workbench.ui.components.signin import current_user

        user = current_user()
        return user.name if user is not None else ""
    return str(st.session_state.get(REVIEWER_KEY) or wb.settings.reviewer or "")


def remember_reviewer(name: str) -> None:
    """Keep ``name`` (when not blank) as this session's reviewer; team mode ignores it."""
    if name.strip() and not common.workbench().team_mode:
        st.session_state[REVIEWER_KEY] = name.strip()

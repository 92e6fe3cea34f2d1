"""Who writes notes from this browser session.

In team mode it is the signed-in user, never a typed name; in the embedded default it is the
name the checker typed (remembered for the browser session) or the ``reviewer`` setting.
"""

from __future__ import annotations

import streamlit as st

from workbench.ui import common

REVIEWER_KEY = "reviewer_name"


def current_reviewer() -> str:
    wb = common.workbench()
    if wb.team_mode:
        from workbench.ui.components.signin import current_user

        user = current_user()
        return user.name if user is not None else ""
    return str(st.session_state.get(REVIEWER_KEY) or wb.settings.reviewer or "")

"""Team mode's sign-in gate: every page needs a session; the embedded default has none.

The session token lives in this browser session's ``st.session_state`` only (the store keeps
its hash); each rerun checks it is still live, so sign-out, expiry, a disabled user or a reset
password end access at once. Optional single sign-on through Streamlit's ``st.login`` (OpenID
Connect, configured in ``.streamlit/secrets.toml``) maps the provider's e-mail to a workbench
user of that name: see ``docs/team.md``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.errors import TooManyAttempts, WorkbenchError
from workbench.ui import common

TOKEN_KEY = common.TOKEN_KEY


def _users() -> Any:
    """User service on this browser session's own store connection (its view); its writes
    take the process's write lock like every other write from the app."""
    from workbench.auth.service import Users

    wb = common.workbench()
    return Users(wb.store, wb.settings.session_hours, lock=common.store_lock())


def session_token() -> str | None:
    return st.session_state.get(TOKEN_KEY)


def _client() -> str:
    """Who is signing in, for the rate limit: the client address when Streamlit knows it."""
    ip = getattr(st.context, "ip_address", None)
    return f"app:{ip}" if ip else "app"


def current_user() -> Any:
    """The signed-in user of this browser session, or None (also when it has ended)."""
    token = session_token()
    if not token:
        return None
    user = common.workbench().users.session_user(token)
    if user is None:
        st.session_state.pop(TOKEN_KEY, None)
    return user


def sso_configured() -> bool:
    """Whether ``st.login`` has an identity provider configured (``[auth]`` in secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def _sign_in() -> None:
    ss = st.session_state
    name, password = ss.get("signin_name", ""), ss.get("signin_password", "")
    ss["signin_password"] = ""  # never kept in the session after the attempt
    try:
        session = _users().sign_in(name, password, _client())
    except TooManyAttempts as exc:
        ss["signin_msg"] = f"Too many failed sign-ins; try again in {exc.retry_after:.0f} s."
        return
    except WorkbenchError:
        ss["signin_msg"] = "Sign-in failed: unknown user, wrong password or disabled user."
        return
    ss[TOKEN_KEY] = session.token
    ss.pop("signin_msg", None)


def sign_out() -> None:
    token = st.session_state.pop(TOKEN_KEY, None)
    if token:
        _users().sign_out(token)


def gate(pages: list[Any] | None = None) -> Any:
    """The signed-in user in team mode (stopping the page with a sign-in form when there is
    none); None in the embedded default, which has no sign-in. ``pages`` (the app's pages) are
    registered, hidden and not run, under the form, so the page the URL names is the one that
    opens after signing in."""
    wb = common.workbench()
    if not wb.team_mode:
        return None
    user = current_user()
    if user is not None:
        return user
    if sso_configured() and getattr(st.user, "is_logged_in", False):
        name = str(st.user.get("email") or st.user.get("name") or "")
        try:
            st.session_state[TOKEN_KEY] = _users().sso_session(name, _client()).token
            return current_user()
        except WorkbenchError:
            st.error("This account is not an enabled workbench user; ask an admin to add it.")
            st.text(name)  # the provider's name for it, as plain text
            st.stop()
    if pages:
        st.navigation(pages, position="hidden")  # remembers the URL's page; runs none of them
    st.title("Sign in")
    st.caption("This workbench is shared by a team: sign in to continue.")
    with st.form("signin_form"):
        st.text_input("User name", key="signin_name")
        st.text_input("Password", key="signin_password", type="password")
        st.form_submit_button("Sign in", type="primary", on_click=_sign_in)
    if msg := st.session_state.get("signin_msg"):
        st.error(msg)  # a fixed message: no user input in it
    if sso_configured():
        st.button("Sign in with your organisation's account", on_click=st.login)
    st.stop()
    return None


def sidebar_user(user: Any) -> None:
    """Who is signed in, and the sign-out button (team mode only)."""
    if user is None:
        return
    with st.sidebar:
        st.caption("Signed in as")
        st.text(f"{user.name} ({user.role})")
        if st.button("Sign out", key="sign_out"):
            sign_out()
            st.rerun()

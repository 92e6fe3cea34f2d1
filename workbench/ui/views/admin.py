"""Admin page (team mode, admins only): users and roles, and the audit trail.

Every value from the store (user names, audit targets, before/after) is shown through
``st.dataframe``/``st.text``, never as Markdown or HTML. Each action re-checks the signed-in
admin's session and role through ``Workbench.require`` (under the app's write lock).
"""

from __future__ import annotations

import json

import streamlit as st

from workbench.auth.records import ROLES
from workbench.errors import WorkbenchError
from workbench.ui import common
from workbench.ui.components.safe_md import escape_md


def _do(action, *args) -> None:
    ss = st.session_state
    try:
        with common.write_lock():
            wb = common.workbench()
            action(*args, actor=wb.require("users"))
        ss["admin_msg"] = ("ok", "Done.")
    except WorkbenchError as exc:
        ss["admin_msg"] = ("error", str(exc))


def _add() -> None:
    ss = st.session_state
    password, ss["admin_new_password"] = ss.get("admin_new_password", ""), ""
    wb = common.workbench()
    _do(wb.users.add, ss.get("admin_new_name", ""), ss.get("admin_new_role", "checker"), password)


def users_section() -> None:
    wb = common.workbench()
    users = wb.users.list()
    st.subheader("Users")
    st.dataframe(
        [
            {
                "name": u.name,
                "role": u.role,
                "status": "disabled" if u.disabled else "active",
                "since": u.created_at[:10],
            }
            for u in users
        ],
        hide_index=True,
        width="stretch",
    )
    with st.form("admin_add_user", border=True):
        st.text("Add a user")
        a, b, c = st.columns(3)
        a.text_input("Name", key="admin_new_name")
        b.selectbox("Role", ROLES, index=1, key="admin_new_role")
        c.text_input("Password", type="password", key="admin_new_password")
        st.form_submit_button("Add user", on_click=_add)
    names = [u.name for u in users]
    if names:
        name = st.selectbox("User", names, key="admin_user")
        role = st.selectbox("New role", ROLES, key="admin_role")
        x, y, z = st.columns(3)
        x.button("Set role", on_click=_do, args=(wb.users.set_role, name, role))
        y.button("Disable", on_click=_do, args=(wb.users.set_disabled, name, True))
        z.button("Enable", on_click=_do, args=(wb.users.set_disabled, name, False))
    if msg := st.session_state.get("admin_msg"):
        if msg[0] == "ok":  # a fixed message with numbers only
            st.success(msg[1])
        else:  # an error can name a user or quote input: escaped, never live Markdown
            st.error(escape_md(msg[1]))


def audit_section() -> None:
    wb = common.workbench()
    st.subheader("Audit trail")
    a, b, c = st.columns(3)
    who = a.text_input("User", key="admin_audit_user").strip() or None
    since = b.text_input("Since (YYYY-MM-DD)", key="admin_audit_since").strip() or None
    action = c.text_input("Action starts with", key="admin_audit_action").strip() or None
    with common.write_lock():  # acts as the signed-in admin for the permission check
        rows = wb.audit_log(who, since, action, limit=500)
    st.dataframe(
        [
            {
                "at": e.at,
                "user": e.actor,
                "action": e.action,
                "target": e.target,
                "before": json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
                "after": json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
            }
            for e in reversed(rows)
        ],
        hide_index=True,
        width="stretch",
    )


def main() -> None:
    st.title("Admin")
    wb = common.workbench()
    if not wb.can("users") and not _is_admin():
        st.error("Only admins can open this page.")
        st.stop()
    users_section()
    audit_section()


def _is_admin() -> bool:
    from workbench.ui.components.signin import current_user

    user = current_user()
    return user is not None and user.role == "admin"


main()

"""Team mode: users with roles, sign-in sessions, the permission check and the audit trail.

Off in the embedded default (one local user who may do everything); on with
``WORKBENCH_AUTH=on`` and always with a PostgreSQL store. See ``docs/team.md``.
"""

from __future__ import annotations

from workbench.auth.records import ACTIONS, LOCAL_USER, ROLES, AuditEntry, Session, User

__all__ = ["ACTIONS", "LOCAL_USER", "ROLES", "AuditEntry", "Session", "User"]

"""The store's team-mode tables (``users``, ``sessions``, ``sign_in_failures``, ``audit_log``).

A mixin of :class:`~workbench.store.sqlite.Store`; :mod:`workbench.auth` keeps the rules and
runs no SQL. The audit log is append-only: only :meth:`append_audit` writes it, and triggers
refuse UPDATE and DELETE on both backends.
"""

from __future__ import annotations

from typing import Any

from workbench.auth.records import AuditEntry, User, dump, user_from_row


class TeamTables:
    """User, session and audit reads and writes on the store's connection."""

    conn: Any

    # --- users -------------------------------------------------------------------------

    def user_by_name(self, name: str) -> tuple[User, str] | None:
        """(user, password hash) of the user called ``name`` (any case)."""
        row = self.conn.execute(
            "SELECT * FROM users WHERE lower(name) = lower(?)", (name,)
        ).fetchone()
        return (user_from_row(row), row["password_hash"]) if row else None

    def users(self) -> list[User]:
        return [user_from_row(r) for r in self.conn.execute("SELECT * FROM users ORDER BY id")]

    def count_users(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM users").fetchone()[0])

    def insert_user(self, name: str, role: str, password_hash: str, at: str) -> int:
        cur = self.conn.execute(
            "INSERT INTO users (name, role, password_hash, disabled, created_at, updated_at)"
            " VALUES (?, ?, ?, 0, ?, ?)",
            (name, role, password_hash, at, at),
        )
        return int(cur.lastrowid)

    def update_user(self, user_id: int, at: str, **values: Any) -> None:
        allowed = {"role", "password_hash", "disabled"}
        if set(values) - allowed:
            raise ValueError(f"cannot set {sorted(set(values) - allowed)} on a user")
        sets = ", ".join(f"{k} = ?" for k in values)
        self.conn.execute(
            f"UPDATE users SET {sets}, updated_at = ? WHERE id = ?",
            (*values.values(), at, int(user_id)),
        )

    # --- sessions ----------------------------------------------------------------------

    def insert_session(
        self, token_hash: str, user_id: int, kind: str, client: str, at: str, expires_at: str
    ) -> None:
        self.conn.execute(
            "INSERT INTO sessions (token_hash, user_id, kind, client, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (token_hash, int(user_id), kind, client, at, expires_at),
        )

    def session_user(self, token_hash: str, at: str) -> User | None:
        """The enabled user of a live (unrevoked, unexpired) session or token."""
        row = self.conn.execute(
            "SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?"
            " AND s.revoked_at IS NULL AND s.expires_at > ? AND u.disabled = 0",
            (token_hash, at),
        ).fetchone()
        return user_from_row(row) if row else None

    def revoke_session(self, token_hash: str, at: str) -> bool:
        cur = self.conn.execute(
            "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
            (at, token_hash),
        )
        return cur.rowcount == 1

    def revoke_user_sessions(self, user_id: int, at: str) -> int:
        cur = self.conn.execute(
            "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            (at, int(user_id)),
        )
        return int(cur.rowcount)

    # --- sign-in failures (rate limit) -------------------------------------------------

    def sign_in_failures(self, user_key: str, client: str) -> tuple[int, float]:
        row = self.conn.execute(
            "SELECT failures, last_at FROM sign_in_failures WHERE user_key = ? AND client = ?",
            (user_key, client),
        ).fetchone()
        return (int(row[0]), float(row[1])) if row else (0, 0.0)

    def record_sign_in_failure(self, user_key: str, client: str, at: float) -> None:
        failures, _ = self.sign_in_failures(user_key, client)
        self.conn.execute(
            "DELETE FROM sign_in_failures WHERE user_key = ? AND client = ?", (user_key, client)
        )
        self.conn.execute(
            "INSERT INTO sign_in_failures (user_key, client, failures, last_at) VALUES (?, ?, ?, ?)",
            (user_key, client, failures + 1, at),
        )

    def clear_sign_in_failures(self, user_key: str, client: str) -> None:
        self.conn.execute(
            "DELETE FROM sign_in_failures WHERE user_key = ? AND client = ?", (user_key, client)
        )

    # --- audit -------------------------------------------------------------------------

    def append_audit(
        self, at: str, actor: str, action: str, target: str, before: Any, after: Any
    ) -> int:
        cur = self.conn.execute(
            "INSERT INTO audit_log (at, actor, action, target, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (at, actor, action, target, dump(before), dump(after)),
        )
        return int(cur.lastrowid)

    def audit_entries(
        self,
        actor: str | None = None,
        since: str | None = None,
        action: str | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """Audit rows, oldest first, filtered by actor (any case), start time and action prefix."""
        where, args = [], []
        if actor:
            where.append("lower(actor) = lower(?)")
            args.append(actor)
        if since:
            where.append("at >= ?")
            args.append(since)
        if action:
            where.append("action LIKE ?")
            args.append(action + "%")
        sql = "SELECT * FROM audit_log" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY id"
        if limit:
            sql = f"SELECT * FROM ({sql} DESC LIMIT {int(limit)}) AS recent ORDER BY id"
        return [AuditEntry.from_row(r) for r in self.conn.execute(sql, args)]

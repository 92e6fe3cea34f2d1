"""Copy a whole store into another, row for row: ``workbench migrate`` (a single-user data
directory into a team database, or back), and the tests' per-test copies of a seeded store.

Both stores are migrated to the same schema first; every table is copied in foreign-key order
with its ids, so notes, history, clusters and the audit trail keep pointing where they did, and
PostgreSQL's id sequences are moved past the copied ids afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.errors import WorkbenchError
from workbench.store.sqlite import Store

# Every table of the schema, parents before children.
TABLES = (
    "meta",
    "articles",
    "article_sources",
    "claims",
    "attributions",
    "embeddings",
    "clusters",
    "cluster_members",
    "notes",
    "note_history",
    "users",
    "sessions",
    "audit_log",
)
SERIAL = ("claims", "attributions", "clusters", "notes", "note_history", "users", "audit_log")
BATCH = 2000


@dataclass(slots=True)
class TransferReport:
    rows: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"rows": dict(self.rows), "total": sum(self.rows.values())}


def existing_tables(store: Store) -> list[str]:
    """The tables of :data:`TABLES` this store has (older schemas lack the newest)."""
    return [t for t in TABLES if _has_table(store, t)]


def _has_table(store: Store, table: str) -> bool:
    if getattr(store, "backend", "sqlite") == "postgresql":
        row = store.conn.execute("SELECT to_regclass(?) IS NOT NULL", (table,)).fetchone()
        return bool(row[0])
    row = store.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    return row is not None


def copy_store(
    src: Store, dst: Store, replace: bool = False, audit: tuple[str, str] | None = None
) -> TransferReport:
    """Copy every row of ``src`` into ``dst`` in one transaction (all or nothing).

    ``dst`` must hold no articles or notes unless ``replace`` (then its rows are dropped first).
    ``audit`` = (actor, where from): append a ``store.migrate`` row to ``dst``'s audit trail,
    after the copied ones, in the same transaction (``workbench migrate``).
    """
    tables = [t for t in existing_tables(src) if _has_table(dst, t)]
    report = TransferReport()
    with dst.transaction():
        if not replace:
            busy = [
                t
                for t in ("articles", "notes", "users", "audit_log")
                if t in tables and dst.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            ]
            if busy:
                what = ", ".join(t.replace("audit_log", "an audit trail") for t in busy)
                raise WorkbenchError(
                    f"the destination store already holds {what}; migrate into an empty"
                    " database (or schema): a copy never merges into one in use"
                )
        if replace:
            _disable_guards(dst)
        for table in reversed(tables):
            dst.conn.execute(f"DELETE FROM {table}")
        for table in tables:
            cur = src.conn.execute(f"SELECT * FROM {table}" + _order(table))
            rows = cur.fetchall()
            report.rows[table] = len(rows)
            if not rows:
                continue
            cols = list(rows[0].keys())
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            for i in range(0, len(rows), BATCH):
                dst.conn.executemany(sql, [tuple(r) for r in rows[i : i + BATCH]])
        if replace:
            _enable_guards(dst)
        if getattr(dst, "backend", "sqlite") == "postgresql":
            for table in SERIAL:
                if table in tables:
                    dst.conn.raw.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                    )
        if audit is not None and _has_table(dst, "audit_log"):
            from workbench.auth.service import now_iso

            dst.append_audit(now_iso(), audit[0], "store.migrate", "store", None,
                             {"from": audit[1], **report.to_dict()})  # fmt: skip
    return report


def _order(table: str) -> str:
    return " ORDER BY id" if table in SERIAL else ""


def _disable_guards(store: Store) -> None:
    """Let the copy replace an append-only audit trail (only here, inside its transaction)."""
    if getattr(store, "backend", "sqlite") == "postgresql":
        store.conn.raw.execute("SET LOCAL session_replication_role = replica")
    elif _has_table(store, "audit_log"):
        store.conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")


def _enable_guards(store: Store) -> None:
    if getattr(store, "backend", "sqlite") != "postgresql" and _has_table(store, "audit_log"):
        from workbench.store.migrations import AUDIT_NO_DELETE_SQLITE

        store.conn.execute(AUDIT_NO_DELETE_SQLITE)

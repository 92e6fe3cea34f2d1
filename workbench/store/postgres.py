"""The PostgreSQL store: the same :class:`~workbench.store.sqlite.Store` on a team database.

Every query of the store runs through :class:`~workbench.store.dialect.PgConnection`; what
differs is here: migrations (translated, or a migration's own ``pg`` script), transactions
(one writer at a time per schema through an advisory transaction lock, as SQLite's
``BEGIN IMMEDIATE`` gives), the change fingerprint (a sequence that triggers advance on every
write to articles, claims or notes) and the writer lock (a session advisory lock instead of
the data directory's lock file). Select it with ``WORKBENCH_DATABASE_URL=postgresql://…``.
"""

from __future__ import annotations

import contextlib
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.errors import ReadOnlyData, WorkbenchError
from workbench.store.dialect import PgConnection, translate_ddl
from workbench.store.migrations import MIGRATIONS
from workbench.store.sqlite import Store


def _lock_key(schema: str | None, purpose: str) -> int:
    """A stable 63-bit advisory-lock key per schema and purpose."""
    return zlib.crc32(f"workbench:{schema or 'public'}:{purpose}".encode()) & 0x7FFFFFFF


class PgStore(Store):
    """The store on PostgreSQL (``url``, optional ``schema``); ``data_dir`` is for messages."""

    backend = "postgresql"

    def __init__(
        self, url: str, schema: str | None, data_dir: Path, readonly: bool = False
    ) -> None:
        self.path = Path(data_dir) / "postgresql"
        self.readonly = readonly
        self.url, self.schema = url, schema or None
        try:
            self.conn = PgConnection(url, self.schema)  # type: ignore[assignment]
        except Exception as exc:
            raise WorkbenchError(f"cannot connect to the team database: {_safe(exc)}") from exc
        self._write_key = _lock_key(self.schema, "write")
        if readonly:
            if self.schema_version < max(m.version for m in MIGRATIONS):
                raise WorkbenchError("the team database needs a schema upgrade")
        else:
            self.migrate()

    def migrate(self) -> list[int]:
        """Apply pending migrations, one transaction each, under a lock so two processes
        starting at once do not both apply them."""
        raw = self.conn.raw
        raw.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied: list[int] = []
        with self.transaction():
            raw.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key(self.schema, "migrate"),))
            done = {r[0] for r in raw.execute("SELECT version FROM schema_migrations")}
            for mig in MIGRATIONS:
                if mig.version in done:
                    continue
                script = mig.pg if mig.pg is not None else translate_ddl(mig.sql)
                if script.strip():
                    self.conn.executescript(script)
                raw.execute(
                    "INSERT INTO schema_migrations VALUES (%s, %s, %s)",
                    (mig.version, mig.name, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
                )
                applied.append(mig.version)
        return applied

    @property
    def schema_version(self) -> int:
        try:
            row = self.conn.raw.execute("SELECT max(version) FROM schema_migrations").fetchone()
        except Exception:
            return 0
        return int(row[0] or 0)

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """BEGIN … COMMIT, rolled back on any error; writers of one schema take turns."""
        if self.readonly:
            raise ReadOnlyData(self.path.parent)
        raw = self.conn.raw
        raw.execute("BEGIN")
        try:
            raw.execute("SELECT pg_advisory_xact_lock(%s)", (self._write_key,))
            yield self.conn
        except BaseException:
            self._rollback()
            raise
        try:
            raw.execute("COMMIT")
        except Exception as exc:
            self._rollback()
            raise WorkbenchError(f"team database: {_safe(exc)}") from exc

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            with contextlib.suppress(Exception):
                self.conn.raw.execute("ROLLBACK")

    def change_fingerprint(self) -> tuple[int, int]:
        """(the store's change counter, this connection's change count)."""
        row = self.conn.raw.execute(
            "SELECT last_value + (CASE WHEN is_called THEN 1 ELSE 0 END) FROM store_changes"
        ).fetchone()
        return int(row[0]), int(self.conn.total_changes)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()


class PgWriterLock:
    """The data directory's writer lock on PostgreSQL: a session advisory lock per schema,
    held on its own connection (released by the server if the process dies)."""

    def __init__(self, url: str, schema: str | None, wait: float = 600.0) -> None:
        self.url, self.schema, self.wait = url, schema, wait
        self.key = _lock_key(schema, "writer")
        self._conn: Any = None
        self._depth = 0

    def _connection(self) -> Any:
        if self._conn is None or self._conn.closed:
            import psycopg

            self._conn = psycopg.connect(self.url, autocommit=True)
        return self._conn

    def _try(self) -> bool:
        row = self._connection().execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
        return bool(row.fetchone()[0])

    def acquire(self, notify: Callable[[str], None] | None = None) -> None:
        if self._depth:
            self._depth += 1
            return
        deadline = time.monotonic() + self.wait
        told = False
        while not self._try():
            if not told and notify is not None:
                notify(f"waiting for another writer on the team database (up to {self.wait:g} s)…")
                told = True
            if time.monotonic() >= deadline:
                raise WorkbenchError(
                    f"another writer still holds the team database after {self.wait:g} s;"
                    " try again when it has finished (WORKBENCH_LOCK_WAIT)"
                )
            time.sleep(0.2)
        self._depth = 1

    def try_acquire(self) -> bool:
        if self._depth:
            self._depth += 1
            return True
        if self._try():
            self._depth = 1
            return True
        return False

    def release(self) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if self._depth == 0 and self._conn is not None:
            self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None


def _safe(exc: BaseException) -> str:
    """An error's first line, without any password a connection string may carry."""
    import re

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", text)

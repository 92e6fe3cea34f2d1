"""PostgreSQL dialect layer: the store's SQLite-flavoured SQL run on a psycopg connection.

The store's queries are written once, in the SQL both engines share; the few SQLite idioms
they use (``?`` placeholders, ``INSERT OR IGNORE/REPLACE``, ``COLLATE NOCASE``, ``LIKE``'s
case-insensitivity, ``lastrowid``, ``IS ?``) are rewritten here, so every query mixin
(notes, clusters, imports, users, audit) runs unchanged on both backends. Migrations are
rewritten the same way (types, ``AUTOINCREMENT``, ``WITHOUT ROWID``), so one migration history
serves both. psycopg is imported lazily: the embedded default never needs it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

# Tables whose ``id`` is generated: inserts into them return it (sqlite3's ``lastrowid``).
SERIAL_TABLES = frozenset(
    {"claims", "attributions", "clusters", "notes", "note_history", "users", "audit_log"}
)
# ``INSERT OR REPLACE`` targets: table → (conflict column, columns to overwrite).
UPSERTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "meta": ("key", ("value",)),
    "cluster_members": ("claim_id", ("cluster_id", "similarity", "added_at")),
}
# A case-insensitive collation named like SQLite's, so ``COLLATE NOCASE`` means the same.
NOCASE_COLLATION = (
    "CREATE COLLATION IF NOT EXISTS nocase"
    " (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
)


class Row(Sequence):
    """A result row readable by position and by column name, like ``sqlite3.Row``."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names = names
        self._values = tuple(values)

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return self._values[self._names[key]]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def keys(self) -> list[str]:
        return list(self._names)


class Cursor:
    """The part of ``sqlite3.Cursor`` the store uses: fetch, iterate, rowcount, lastrowid."""

    def __init__(self, cur: Any, lastrowid: int | None = None) -> None:
        self._cur = cur
        self.rowcount = cur.rowcount
        self.lastrowid = lastrowid

    def fetchone(self) -> Row | None:
        return self._cur.fetchone() if self._cur.description is not None else None

    def fetchall(self) -> list[Row]:
        return self._cur.fetchall() if self._cur.description is not None else []

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


def _row_factory(cursor: Any) -> Any:
    desc = cursor.description
    if desc is None:
        return None
    names = {c.name: i for i, c in enumerate(desc)}
    return lambda values: Row(names, values)


class PgConnection:
    """A psycopg connection (autocommit; the store opens its own transactions) that speaks
    the store's SQL. ``schema`` (when given) is created and put first on the search path."""

    def __init__(self, url: str, schema: str | None = None) -> None:
        import psycopg

        self.url = url
        self.schema = schema
        self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        self.total_changes = 0
        # IF NOT EXISTS still races with a concurrent creator: that one's object is as good.
        if schema:
            ident = quote_ident(schema)
            with contextlib.suppress(psycopg.errors.UniqueViolation):
                self.raw.execute(f"CREATE SCHEMA IF NOT EXISTS {ident}")
            self.raw.execute(f"SET search_path TO {ident}")
        with contextlib.suppress(psycopg.errors.UniqueViolation):
            self.raw.execute(NOCASE_COLLATION)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Cursor:
        text, returning = translate(sql)
        args = _params(params)
        cur = self.raw.execute(text, args)
        lastrowid = None
        if returning:
            row = cur.fetchone()
            lastrowid = int(row[0]) if row is not None else None
        if cur.rowcount and cur.rowcount > 0 and _is_write(text):
            self.total_changes += cur.rowcount
        return Cursor(cur, lastrowid)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> Cursor:
        text, returning = translate(sql)
        if returning:
            text = text[: text.rindex(" RETURNING id")]
        rows = [_params(p) for p in seq]
        cur = self.raw.cursor()
        if rows:
            cur.executemany(text, rows)
            self.total_changes += max(cur.rowcount, 0)
        return Cursor(cur)

    def executescript(self, sql: str) -> None:
        """Run several statements at once (migrations), already in PostgreSQL's dialect."""
        self.raw.execute(sql)

    def close(self) -> None:
        self.raw.close()


def quote_ident(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name):
        from workbench.errors import InvalidOption

        raise InvalidOption(
            f"setting database_schema (env WORKBENCH_DATABASE_SCHEMA): {name!r} is not a plain"
            " identifier (letters, digits, underscore)"
        )
    return f'"{name}"'


def _is_write(text: str) -> bool:
    return text.lstrip()[:6].upper() in {"INSERT", "UPDATE", "DELETE"}


def _params(params: Sequence[Any] | None) -> tuple[Any, ...]:
    """sqlite3 takes numpy scalars via ``__index__``/float and bools as ints; psycopg does not."""
    if not params:
        return ()
    out = []
    for p in params:
        if isinstance(p, bool | np.bool_):
            out.append(int(p))
        elif isinstance(p, np.generic):
            out.append(p.item())
        elif isinstance(p, memoryview):
            out.append(bytes(p))
        else:
            out.append(p)
    return tuple(out)


_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+(IGNORE|REPLACE)\s+)?INTO\s+(\w+)", re.I)
_SUM_LIKE = re.compile(r"sum\(([\w.]+) LIKE \?\)")


@lru_cache(maxsize=2048)
def translate(sql: str) -> tuple[str, bool]:
    """SQLite-flavoured query → (PostgreSQL query, whether it returns the new row's id)."""
    text = sql.replace("%", "%%")
    text = _SUM_LIKE.sub(r"sum(CASE WHEN \1 ILIKE ? THEN 1 ELSE 0 END)", text)
    text = re.sub(r"\bLIKE\b", "ILIKE", text)
    text = re.sub(r"\bIS \?", "IS NOT DISTINCT FROM ?", text)
    text = re.sub(r"\bBEGIN IMMEDIATE\b", "BEGIN", text)
    returning = False
    m = _INSERT.match(text)
    if m:
        mode, table = (m.group(1) or "").upper(), m.group(2).lower()
        text = text[: m.start()] + f"INSERT INTO {m.group(2)}" + text[m.end() :]
        if mode == "IGNORE":
            text += " ON CONFLICT DO NOTHING"
        elif mode == "REPLACE":
            key, cols = UPSERTS[table]
            sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in cols)
            text += f" ON CONFLICT ({key}) DO UPDATE SET {sets}"
        if table in SERIAL_TABLES and "RETURNING" not in text.upper() and mode != "IGNORE":
            text += " RETURNING id"
            returning = True
    return text.replace("?", "%s"), returning


def translate_ddl(sql: str) -> str:
    """A SQLite migration script in PostgreSQL's dialect (run whole, not statement by statement)."""
    text = re.sub(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b", "SERIAL PRIMARY KEY", sql)
    text = re.sub(r"\)\s*WITHOUT ROWID", ")", text)
    text = re.sub(r"\bBLOB\b", "BYTEA", text)
    text = re.sub(r"\bREAL\b", "DOUBLE PRECISION", text)
    return text

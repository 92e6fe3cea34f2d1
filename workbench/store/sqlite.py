"""The SQLite store: articles, claims, attributions and the embedding cache.

The store is the source of truth; the vector index can always be rebuilt from it. WAL mode
lets the app read while the CLI writes; foreign keys keep claims tied to their articles.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from workbench.errors import NotFound, ReadOnlyData, StorageFull, WorkbenchError
from workbench.records import Article, Attribution, ClaimSpan
from workbench.store.clusters import ClusterTables
from workbench.store.imports import ImportQueries
from workbench.store.migrations import MIGRATIONS
from workbench.store.notes import NoteTables
from workbench.store.reads import ClaimReads
from workbench.store.team import TeamTables

STORE_FILE = "workbench.sqlite"
# Pages of a new store (issue 13, many tiny records). At SQLite's default 4 KB a cached
# embedding (1.5 KB for 384 dimensions) is more than an index B-tree page holds inline (the
# embeddings table is WITHOUT ROWID), so every vector took an overflow page of its own: 266 MB
# for 50k one-liners, and each insert wrote two pages. At 8 KB it fits: 129 MB, and with the
# cache below the ingest's writes at 50k cost 0.19-0.22 ms CPU per record instead of 0.27-0.28
# (a microbenchmark of those writes alone). An existing store keeps its page size.
PAGE_SIZE = 8192
# Page cache per connection, KiB (SQLite's default is 2 MB). Ingest inserts by random keys
# (article id, text hash), so past a few thousand records nearly every insert missed the cache.
CACHE_KIB = 65_536


class Store(ClaimReads, ClusterTables, ImportQueries, NoteTables, TeamTables):
    """One connection to the workbench database, migrated to the latest schema on open.

    ``readonly=True`` opens it with SQLite's ``mode=ro`` (``immutable=1`` when the directory
    cannot even hold WAL's shared-memory file), runs no migration and refuses writes with
    :class:`~workbench.errors.ReadOnlyData`.
    """

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        if readonly:
            self.conn = _connect_readonly(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not path.exists() or path.stat().st_size == 0
            try:
                self.conn = sqlite3.connect(
                    str(path), timeout=30.0, isolation_level=None, check_same_thread=False
                )
                if fresh:  # only before the first table (WAL fixes it afterwards)
                    self.conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
                _set_wal(self.conn)
            except sqlite3.OperationalError as exc:
                raise _mapped(exc, path) from exc
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys=ON")
        if not readonly:
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=30000")
        self.conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        if readonly:
            if self.schema_version < max(m.version for m in MIGRATIONS):
                raise WorkbenchError(
                    f"the store in {path.parent} needs a schema upgrade, but the data directory"
                    " is read-only; open it once where it is writable"
                )
        else:
            self.migrate()

    # --- schema -------------------------------------------------------------------------

    def migrate(self) -> list[int]:
        """Apply pending migrations in order; returns the versions applied."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        applied = []
        for mig in MIGRATIONS:
            if mig.version in done:
                continue
            with self.transaction():
                # Another process may have applied it while we waited for the write lock.
                if self.conn.execute(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", (mig.version,)
                ).fetchone():
                    done.add(mig.version)
                    continue
                for statement in _statements(mig.sql):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    (mig.version, mig.name, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
                )
            applied.append(mig.version)
            done.add(mig.version)
        # user_version mirrors the newest migration applied, whatever order they ran in.
        if done and self.schema_version != max(done):
            self.conn.execute(f"PRAGMA user_version = {int(max(done))}")
        return applied

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on this connection (writes join it)."""
        return self.conn.in_transaction

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error: nothing is half-written.

        A full disk or a read-only directory becomes a one-line :class:`StorageFull` or
        :class:`ReadOnlyData` instead of SQLite's exception.
        """
        if self.readonly:
            raise ReadOnlyData(self.path.parent)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _mapped(exc, self.path) from exc
        try:
            yield self.conn
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.OperationalError):
                raise _mapped(exc, self.path) from exc
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise _mapped(exc, self.path) from exc

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.OperationalError):  # SQLite may have done it
                self.conn.execute("ROLLBACK")

    # --- generation: bumped when the saved index changes, so open readers can reload ------

    def generation(self) -> int:
        return int(self.get_meta("generation", "0") or 0)

    def bump_generation(self) -> int:
        """Advance the generation (in its own transaction); returns the new value."""
        with self.transaction():
            value = self.generation() + 1
            self.set_meta("generation", str(value))
        return value

    def close(self) -> None:
        self.conn.close()

    # --- meta ---------------------------------------------------------------------------

    def change_fingerprint(self) -> tuple[int, int]:
        """Changes whenever any connection (this one included) may have written to the store:
        (SQLite ``data_version``, this connection's change count)."""
        version = int(self.conn.execute("PRAGMA data_version").fetchone()[0])
        return version, int(self.conn.total_changes)

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # --- writes (call inside a transaction) -----------------------------------------------

    def has_article(self, article_id: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
            is not None
        )

    def insert_article(self, article: Article) -> None:
        self.conn.execute(
            "INSERT INTO articles (id, title, outlet, date, url, language, text, origin, ingested_at, meta)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.title,
                article.outlet,
                article.date,
                article.url,
                article.language,
                article.text,
                article.origin,
                article.ingested_at,
                json.dumps(article.meta, ensure_ascii=False),
            ),
        )
        self.conn.executemany(
            "INSERT INTO article_sources (article_id, position, outlet, url) VALUES (?, ?, ?, ?)",
            [(article.id, n, s.outlet, s.url) for n, s in enumerate(article.sources)],
        )

    def insert_claims(
        self, article_id: str, spans: Sequence[ClaimSpan], hashes: Sequence[str]
    ) -> list[int]:
        ids = []
        for span, digest in zip(spans, hashes, strict=True):
            cur = self.conn.execute(
                "INSERT INTO claims (article_id, idx, paragraph, start_char, end_char, text, text_hash,"
                " checkworthiness, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    span.index,
                    span.paragraph,
                    span.start,
                    span.end,
                    span.text,
                    digest,
                    span.checkworthiness,
                    span.language,
                ),
            )
            ids.append(int(cur.lastrowid))
        return ids

    def insert_attributions(
        self, claim_id: int, article_id: str, attributions: Sequence[Attribution]
    ) -> list[int]:
        """Store one claim's attributions; ``parent`` is an index into ``attributions``."""
        ids: list[int] = []
        for att in attributions:
            parent_id = (
                ids[att.parent] if att.parent is not None and 0 <= att.parent < len(ids) else None
            )
            cur = self.conn.execute(
                "INSERT INTO attributions (claim_id, article_id, parent_id, source_text, source, source_type,"
                " role, cue, kind, hedged, source_start, source_end, cue_start, cue_end, content_start,"
                " content_end, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    claim_id,
                    article_id,
                    parent_id,
                    att.source_text,
                    att.source,
                    att.source_type,
                    att.role,
                    att.cue,
                    att.kind,
                    int(att.hedged),
                    att.source_start,
                    att.source_end,
                    att.cue_start,
                    att.cue_end,
                    att.content_start,
                    att.content_end,
                    att.confidence,
                ),
            )
            ids.append(int(cur.lastrowid))
        return ids

    def put_embeddings(self, model: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO embeddings (text_hash, model, dim, vector) VALUES (?, ?, ?, ?)",
            [
                (h, model, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes())
                for h, v in items
            ],
        )

    def delete_article(self, article_id: str) -> list[int]:
        """Delete an article and (by cascade) its claims; returns the claim ids removed."""
        ids = [
            r[0]
            for r in self.conn.execute("SELECT id FROM claims WHERE article_id = ?", (article_id,))
        ]
        cur = self.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        if not cur.rowcount:
            raise NotFound(f"no article {article_id!r}")
        return ids


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection; a WAL store in an unwritable folder is opened immutable."""
    if not path.exists():
        raise WorkbenchError(f"no store in read-only data directory {path.parent}")
    uri = path.resolve().as_uri()
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        conn = sqlite3.connect(
            f"{uri}?{flags}", uri=True, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
    raise WorkbenchError(f"cannot open the store in read-only data directory {path.parent}")


def _mapped(exc: sqlite3.OperationalError, path: Path) -> WorkbenchError:
    """SQLite's disk-full and read-only errors as the workbench's one-line errors."""
    text = str(exc).lower()
    if "full" in text:
        return StorageFull(
            f"disk full while writing {path}: this step was rolled back and what was stored"
            " before is intact; free some space and run the command again"
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyData(path.parent)
    return WorkbenchError(f"store {path}: {exc}")


def _statements(sql: str) -> list[str]:
    parts, buf = [], []
    for line in sql.strip().splitlines():
        buf.append(line)
        if sqlite3.complete_statement("\n".join(buf)):
            parts.append("\n".join(buf).strip())
            buf = []
    if "".join(buf).strip():
        raise WorkbenchError("migration SQL ends with an incomplete statement")
    return [p for p in parts if p]


def _set_wal(conn: sqlite3.Connection, tries: int = 100) -> None:
    """Switch a connection to WAL. Processes opening one fresh file at once can get SQLITE_BUSY
    here without the busy handler being asked, so the switch is retried for up to ~10 s."""
    for attempt in range(tries):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == tries - 1:
                raise
            time.sleep(0.1)

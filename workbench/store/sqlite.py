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
from typing import Any

import numpy as np

from workbench.errors import NotFound, ReadOnlyData, StorageFull, WorkbenchError
from workbench.records import Article, Attribution, CitedSource, Claim, ClaimInArticle, ClaimSpan
from workbench.store.clusters import ClusterTables
from workbench.store.imports import ImportQueries
from workbench.store.migrations import MIGRATIONS
from workbench.store.notes import NoteTables
from workbench.store.team import TeamTables

STORE_FILE = "workbench.sqlite"


class Store(ClusterTables, ImportQueries, NoteTables, TeamTables):
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
            try:
                self.conn = sqlite3.connect(
                    str(path), timeout=30.0, isolation_level=None, check_same_thread=False
                )
                _set_wal(self.conn)
            except sqlite3.OperationalError as exc:
                raise _mapped(exc, path) from exc
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys=ON")
        if not readonly:
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=30000")
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

    # --- reads --------------------------------------------------------------------------

    def get_embeddings(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})",
                (model, *chunk),
            ):
                found[row[0]] = np.frombuffer(row[1], dtype=np.float32)
        return found

    def has_language_other_than(self, language: str) -> bool:
        """Whether any claim is in a known language other than ``language``."""
        row = self.conn.execute(
            "SELECT 1 FROM claims WHERE language IS NOT NULL AND language <> ? LIMIT 1",
            (language,),
        ).fetchone()
        return row is not None

    def claims_in_other_languages(self, language: str) -> Iterator[tuple[str, str]]:
        """(text, language) of claims in a known language other than ``language``, lazily."""
        yield from (
            (r[0], r[1])
            for r in self.conn.execute(
                "SELECT text, language FROM claims WHERE language IS NOT NULL AND language <> ?",
                (language,),
            )
        )

    def languages(self) -> dict[str, int]:
        """Claim counts per language (``""`` for unknown), most frequent first."""
        rows = self.conn.execute(
            "SELECT coalesce(language, '') AS lang, count(*) AS n FROM claims"
            " GROUP BY lang ORDER BY n DESC"
        )
        return {r["lang"]: int(r["n"]) for r in rows}

    def claim_id_summary(self) -> tuple[int, int]:
        row = self.conn.execute("SELECT count(*), coalesce(sum(id), 0) FROM claims").fetchone()
        return int(row[0]), int(row[1])

    def all_claim_ids(self) -> np.ndarray:
        return np.array([r[0] for r in self.conn.execute("SELECT id FROM claims")], dtype=np.int64)

    def article(self, article_id: str) -> Article:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            row = self.conn.execute(
                "SELECT * FROM articles WHERE id LIKE ? || '%' LIMIT 2", (article_id,)
            ).fetchall()
            if len(row) != 1:
                raise NotFound(f"no article {article_id!r}")
            row = row[0]
        return self._article(row)

    def find_article(self, article_id: str) -> Article | None:
        """The article with exactly this id, or None (no prefix matching, no error)."""
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row is not None else None

    def _article(self, row: sqlite3.Row) -> Article:
        sources = [
            CitedSource(outlet=r["outlet"], url=r["url"])
            for r in self.conn.execute(
                "SELECT outlet, url FROM article_sources WHERE article_id = ? ORDER BY position",
                (row["id"],),
            )
        ]
        return Article(
            id=row["id"],
            text=row["text"],
            title=row["title"],
            outlet=row["outlet"],
            date=row["date"],
            url=row["url"],
            language=row["language"],
            ingested_at=row["ingested_at"],
            origin=row["origin"],
            sources=sources,
            meta=json.loads(row["meta"] or "{}"),
        )

    def articles(self, limit: int | None = None, outlet: str | None = None) -> list[Article]:
        sql = "SELECT * FROM articles"
        args: list[Any] = []
        if outlet:
            sql += " WHERE outlet = ? COLLATE NOCASE"
            args.append(outlet)
        sql += " ORDER BY coalesce(date, ingested_at), id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [self._article(r) for r in self.conn.execute(sql, args)]

    def claims_of(self, article_id: str) -> list[Claim]:
        rows = self.conn.execute(
            "SELECT * FROM claims WHERE article_id = ? ORDER BY idx", (article_id,)
        )
        return [_claim(r) for r in rows]

    def claim(self, claim_id: int) -> Claim:
        row = self.conn.execute("SELECT * FROM claims WHERE id = ?", (int(claim_id),)).fetchone()
        if row is None:
            raise NotFound(f"no claim {claim_id}")
        return _claim(row)

    def find_claim(self, claim_id: int, text_hash: str | None = None) -> Claim | None:
        """The claim with this id (and, when given, this text hash), or None."""
        sql, args = "SELECT * FROM claims WHERE id = ?", [claim_id]
        if text_hash is not None:
            sql += " AND text_hash = ?"
            args.append(text_hash)
        row = self.conn.execute(sql, args).fetchone()
        return _claim(row) if row is not None else None

    def article_id_of(self, claim_id: int) -> str | None:
        """The article a claim belongs to, or None when there is no such claim."""
        row = self.conn.execute(
            "SELECT article_id FROM claims WHERE id = ?", (claim_id,)
        ).fetchone()
        return row[0] if row else None

    def claim_id_with_text(self, text: str) -> int | None:
        """The first stored claim whose text is exactly ``text``."""
        row = self.conn.execute("SELECT id FROM claims WHERE text = ? LIMIT 1", (text,)).fetchone()
        return int(row[0]) if row else None

    def claims_containing(self, words: Sequence[str]) -> list[int]:
        """For each word, how many claims contain it (case-insensitive substring, one scan
        per 200 words: SQLite's default limit on expression depth/args)."""
        counts: list[int] = []
        for i in range(0, len(words), 200):
            part = list(words[i : i + 200])
            sql = ", ".join("sum(text LIKE ?)" for _ in part)
            row = self.conn.execute(f"SELECT {sql} FROM claims", [f"%{w}%" for w in part])
            counts += [int(df or 0) for df in row.fetchone()]
        return counts

    def claims_by_ids(self, ids: Sequence[int]) -> dict[int, ClaimInArticle]:
        """Claims with their article's title/outlet/date/url, keyed by claim id."""
        out: dict[int, ClaimInArticle] = {}
        ids = [int(i) for i in ids]
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            for row in self.conn.execute(
                "SELECT c.*, a.title AS a_title, a.outlet AS a_outlet, a.date AS a_date, a.url AS a_url"
                f" FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                out[int(row["id"])] = ClaimInArticle(
                    _claim(row), row["a_title"], row["a_outlet"], row["a_date"], row["a_url"]
                )
        return out

    def claim_texts(self) -> list[tuple[int, str, str | None]]:
        """(claim id, text, article title) of every claim, by id."""
        rows = self.conn.execute(
            "SELECT c.id, c.text, a.title FROM claims c JOIN articles a ON a.id = c.article_id"
            " ORDER BY c.id"
        )
        return [(int(r[0]), r[1], r[2]) for r in rows]

    def attributions_for(self, claim_ids: Sequence[int]) -> dict[int, list[Attribution]]:
        out: dict[int, list[Attribution]] = {int(i): [] for i in claim_ids}
        ids = list(out)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            for r in self.conn.execute(
                f"SELECT * FROM attributions WHERE claim_id IN ({','.join('?' * len(chunk))}) ORDER BY id",
                chunk,
            ):
                out[int(r["claim_id"])].append(_attribution(r))
        return out

    def live_verdicts(self, claim_ids: Sequence[int]) -> dict[int, str]:
        """The verdict of the live note on each claim that has one (its claim note over a
        cluster note anchored on it)."""
        ids = [int(i) for i in claim_ids]
        out: dict[int, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            for r in self.conn.execute(
                "SELECT claim_id, verdict FROM notes WHERE deleted_at IS NULL"
                f" AND claim_id IN ({','.join('?' * len(chunk))}) ORDER BY scope = 'claim', id",
                chunk,
            ):
                out[int(r[0])] = str(r[1])
        return out

    def cited_outlets(self) -> list[str]:
        """Every outlet that an article record cites (``sources: [...]``), by name."""
        rows = self.conn.execute(
            "SELECT DISTINCT outlet FROM article_sources WHERE outlet IS NOT NULL ORDER BY outlet"
        )
        return [str(r[0]) for r in rows]

    def counts(self) -> dict[str, int]:
        q = self.conn.execute
        return {
            "articles": int(q("SELECT count(*) FROM articles").fetchone()[0]),
            "claims": int(q("SELECT count(*) FROM claims").fetchone()[0]),
            "attributions": int(q("SELECT count(*) FROM attributions").fetchone()[0]),
            "outlets": int(
                q(
                    "SELECT count(DISTINCT lower(o)) FROM (SELECT outlet AS o FROM articles WHERE outlet IS NOT NULL"
                    " UNION ALL SELECT outlet FROM article_sources) AS u"
                ).fetchone()[0]
            ),
        }

    def filter_claim_ids(
        self,
        outlet: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        exclude_article: str | None = None,
        source_type: str | None = None,
        cited: str | None = None,
        language: str | None = None,
    ) -> np.ndarray | None:
        """Claim ids passing the filters, or None when no filter is set (all pass).

        Article-level conditions select article ids through the outlet and date indexes first,
        so a filter costs in proportion to what it keeps, not to the size of the store.
        """
        art_where: list[str] = []
        args: list[Any] = []
        if outlet:
            art_where.append(
                "id IN (SELECT id FROM articles WHERE outlet = ? COLLATE NOCASE"
                " UNION SELECT article_id FROM article_sources WHERE outlet = ? COLLATE NOCASE)"
            )
            args += [outlet, outlet]
        if cited:
            art_where.append(
                "id IN (SELECT article_id FROM article_sources WHERE outlet = ? COLLATE NOCASE)"
            )
            args.append(cited)
        if date_from:
            art_where.append("date >= ?")
            args.append(date_from)
        if date_to:
            art_where.append("substr(date, 1, 10) <= ?")
            args.append(date_to[:10])
        if exclude_article:
            art_where.append("id <> ?")
            args.append(exclude_article)
        where: list[str] = []
        if art_where:
            where.append(
                f"c.article_id IN (SELECT id FROM articles WHERE {' AND '.join(art_where)})"
            )
        if source_type:
            where.append("c.id IN (SELECT claim_id FROM attributions WHERE source_type = ?)")
            args.append(source_type)
        if language:
            where.append("c.language = ?")
            args.append(language)
        if not where:
            return None
        sql = "SELECT c.id FROM claims c WHERE " + " AND ".join(where)
        return np.array([r[0] for r in self.conn.execute(sql, args)], dtype=np.int64)


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


def _claim(row: sqlite3.Row) -> Claim:
    return Claim(
        id=int(row["id"]),
        article_id=row["article_id"],
        index=int(row["idx"]),
        paragraph=int(row["paragraph"]),
        start=int(row["start_char"]),
        end=int(row["end_char"]),
        text=row["text"],
        checkworthiness=float(row["checkworthiness"]),
        language=row["language"],
    )


def _attribution(r: sqlite3.Row) -> Attribution:
    return Attribution(
        source_text=r["source_text"],
        source=r["source"],
        source_type=r["source_type"],
        cue=r["cue"],
        content_start=r["content_start"],
        content_end=r["content_end"],
        kind=r["kind"],
        role=r["role"],
        hedged=bool(r["hedged"]),
        source_start=r["source_start"],
        source_end=r["source_end"],
        cue_start=r["cue_start"],
        cue_end=r["cue_end"],
        parent=r["parent_id"],
        confidence=r["confidence"],
        id=int(r["id"]),
        claim_id=int(r["claim_id"]),
    )


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

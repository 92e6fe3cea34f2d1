"""Reads of articles, claims, attributions and embeddings, returning typed records (never rows).

A mixin of :class:`workbench.store.sqlite.Store` (and so of the PostgreSQL store, which runs the
same SQL through its dialect layer); the writes, schema and transactions stay in ``sqlite.py``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from workbench.errors import NotFound
from workbench.records import (
    Article,
    Attribution,
    CitedSource,
    Claim,
    ClaimFact,
    ClaimInArticle,
)


class ClaimReads:
    """Read queries over the articles, claims, attributions and embeddings tables."""

    conn: Any

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
        """(text, language) of claims in a known language other than ``language``, of articles
        that are in another language too (a quoted line in an English article is left out),
        lazily."""
        yield from (
            (r[0], r[1])
            for r in self.conn.execute(
                "SELECT c.text, c.language FROM claims c JOIN articles a ON a.id = c.article_id"
                " WHERE c.language IS NOT NULL AND c.language <> ?"
                " AND a.language IS NOT NULL AND a.language <> ?",
                (language, language),
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

    def claim_facts(self, ids: Sequence[int]) -> dict[int, ClaimFact]:
        """Text, article id and article date of claims, keyed by claim id (absent ids are left
        out): ``claims_by_ids`` without the rest of the row, for the cluster update."""
        out: dict[int, ClaimFact] = {}
        ids = [int(i) for i in ids]
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            for cid, text, article_id, date in self.conn.execute(
                "SELECT c.id, c.text, c.article_id, a.date FROM claims c"
                f" JOIN articles a ON a.id = c.article_id WHERE c.id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                out[int(cid)] = ClaimFact(text, article_id, date)
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

"""The store's note tables (``notes``, ``note_history``): reads and writes.

A mixin of :class:`~workbench.store.sqlite.Store`, so :class:`workbench.notes.service.Notes`
keeps the rules (versions, conflicts, scopes) and runs no SQL itself. Rows come back as
:class:`~workbench.notes.records.Note` and ``HistoryEntry`` records. Writes go inside a
transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from workbench.errors import InputError
from workbench.notes.records import (
    HistoryEntry,
    Note,
    NoteFilters,
    dump_evidence,
    history_entry,
    note_from_row,
)

_NOTE_SQL = (
    "SELECT n.* FROM notes n LEFT JOIN claims c ON c.id = n.claim_id"
    " LEFT JOIN articles a ON a.id = coalesce(c.article_id, n.article_id)"
)


class NoteTables:
    """Note reads and writes on the store's connection."""

    conn: sqlite3.Connection

    # --- reads -----------------------------------------------------------------------------

    def note(self, note_id: int) -> Note | None:
        row = self.conn.execute("SELECT * FROM notes WHERE id = ?", (int(note_id),)).fetchone()
        return note_from_row(row) if row is not None else None

    def note_by_uid(self, uid: str) -> Note | None:
        row = self.conn.execute("SELECT * FROM notes WHERE uid = ?", (uid,)).fetchone()
        return note_from_row(row) if row else None

    def live_note(self, claim_id: int, scope: str) -> Note | None:
        """The claim's live (not deleted) note of this scope."""
        row = self.conn.execute(
            "SELECT * FROM notes WHERE claim_id = ? AND scope = ? AND deleted_at IS NULL",
            (claim_id, scope),
        ).fetchone()
        return note_from_row(row) if row else None

    def notes_matching(self, f: NoteFilters) -> list[Note]:
        """Notes passing ``f`` (verdicts, reviewer, outlet, date range, claim), oldest first."""
        where: list[str] = []
        args: list[Any] = []
        if not f.include_deleted:
            where.append("n.deleted_at IS NULL")
        if verdicts := f.verdicts():
            where.append(f"n.verdict IN ({','.join('?' * len(verdicts))})")
            args += verdicts
        if f.reviewer:
            where.append("(n.reviewer = ? COLLATE NOCASE OR n.updated_by = ? COLLATE NOCASE)")
            args += [f.reviewer, f.reviewer]
        if f.outlet:
            where.append(
                "(a.outlet = ? COLLATE NOCASE OR EXISTS (SELECT 1 FROM article_sources s"
                " WHERE s.article_id = a.id AND s.outlet = ? COLLATE NOCASE))"
            )
            args += [f.outlet, f.outlet]
        if f.date_field not in ("updated", "article"):
            raise InputError("date_field", f"{f.date_field!r} is not 'updated' or 'article'")
        column = "n.updated_at" if f.date_field == "updated" else "a.date"
        if f.date_from:
            where.append(f"substr({column}, 1, 10) >= ?")
            args.append(f.date_from[:10])
        if f.date_to:
            where.append(f"substr({column}, 1, 10) <= ?")
            args.append(f.date_to[:10])
        if f.claim_id is not None:
            where.append("n.claim_id = ?")
            args.append(int(f.claim_id))
        sql = _NOTE_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY n.id"
        return [note_from_row(r) for r in self.conn.execute(sql, args)]

    def notes_on(self, claim_id: int, members: Sequence[int], include_deleted: bool) -> list[Note]:
        """Notes on the claim plus cluster-scope notes anchored on any of ``members``."""
        marks = ",".join("?" * len(members))
        sql = (
            f"SELECT * FROM notes WHERE (claim_id = ? OR (scope = 'cluster' AND claim_id IN ({marks})))"
            + ("" if include_deleted else " AND deleted_at IS NULL")
            + " ORDER BY id"
        )
        return [note_from_row(r) for r in self.conn.execute(sql, (int(claim_id), *members))]

    def note_history(self, note_id: int) -> list[HistoryEntry]:
        rows = self.conn.execute(
            "SELECT * FROM note_history WHERE note_id = ? ORDER BY version", (int(note_id),)
        )
        return [history_entry(r) for r in rows]

    def orphan_notes(self) -> list[tuple[int, str, str | None, str]]:
        """(id, claim hash, article id, scope) of live notes whose claim is gone."""
        rows = self.conn.execute(
            "SELECT id, claim_hash, article_id, scope FROM notes WHERE claim_id IS NULL AND deleted_at IS NULL"
        ).fetchall()
        return [(int(r[0]), r[1], r[2], r[3]) for r in rows]

    def claim_with_hash(self, claim_hash: str, article_id: str | None = None) -> int | None:
        """The claim with this text hash, preferring ``article_id``'s; lowest id otherwise."""
        row = self.conn.execute(
            "SELECT id FROM claims WHERE text_hash = ? ORDER BY (article_id = ?) DESC, id LIMIT 1",
            (claim_hash, article_id or ""),
        ).fetchone()
        return int(row[0]) if row else None

    def claim_text_hash(self, claim_id: int) -> str:
        return str(
            self.conn.execute("SELECT text_hash FROM claims WHERE id = ?", (claim_id,)).fetchone()[
                0
            ]
        )

    def attribution_source(self, attribution_id: int) -> tuple[int, str, str] | None:
        """(claim id, source, source type) of a stored attribution."""
        row = self.conn.execute(
            "SELECT claim_id, source, source_type FROM attributions WHERE id = ?",
            (int(attribution_id),),
        ).fetchone()
        return (int(row["claim_id"]), row["source"], row["source_type"]) if row else None

    # --- writes ----------------------------------------------------------------------------

    def insert_note(self, row: dict[str, Any]) -> int:
        """Insert a ``notes`` row from column values; returns its id."""
        row = {k: (dump_evidence(v) if k == "evidence" else v) for k, v in row.items()}
        marks = ", ".join("?" * len(row))
        cur = self.conn.execute(
            f"INSERT INTO notes ({', '.join(row)}) VALUES ({marks})", tuple(row.values())
        )
        return int(cur.lastrowid)

    def update_note(
        self, note: Note, sets: dict[str, Any], reviewer: str, at: str, version: int
    ) -> None:
        """Set columns of ``note`` (still at its version) and stamp the new version."""
        self.conn.execute(
            f"UPDATE notes SET {', '.join(f'{k} = ?' for k in sets)}, updated_by = ?, updated_at = ?,"
            " version = ? WHERE id = ? AND version = ?",
            (*sets.values(), reviewer, at, version, note.id, note.version),
        )

    def soft_delete_note(self, note_id: int, reviewer: str, at: str, version: int) -> None:
        self.conn.execute(
            "UPDATE notes SET deleted_at = ?, deleted_by = ?, updated_by = ?, updated_at = ?, version = ?"
            " WHERE id = ?",
            (at, reviewer, reviewer, at, version, note_id),
        )

    def set_note_published(self, note_id: int, at: str) -> None:
        """Stamp a note as published (not a content change: no new version)."""
        self.conn.execute("UPDATE notes SET published_at = ? WHERE id = ?", (at, int(note_id)))

    def attach_note(self, note_id: int, claim_id: int) -> None:
        """Reattach an orphaned note to a claim (only while it is still unattached)."""
        self.conn.execute(
            "UPDATE notes SET claim_id = ? WHERE id = ? AND claim_id IS NULL", (claim_id, note_id)
        )

    def log_note(
        self, note_id: int, version: int, action: str, reviewer: str, at: str, changes: dict
    ) -> None:
        self.conn.execute(
            "INSERT INTO note_history (note_id, version, action, reviewer, at, changes) VALUES (?, ?, ?, ?, ?, ?)",
            (note_id, version, action, reviewer, at,
             json.dumps(changes, ensure_ascii=False, sort_keys=True)),
        )  # fmt: skip

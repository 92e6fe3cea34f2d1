"""Store queries the notes importer needs (SQL lives only in ``workbench/store/``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

# Columns of ``notes`` an import may set on an existing note (never its id, uid or claim key).
IMPORT_COLUMNS = (
    "verdict", "rationale", "evidence", "source", "source_type", "attribution_id",
    "updated_by", "updated_at", "version", "deleted_at", "deleted_by",
)  # fmt: skip


class ImportQueries:
    """Mixed into :class:`workbench.store.sqlite.Store`; ``conn`` is its connection."""

    conn: sqlite3.Connection

    def claim_article_ref(self, claim_id: int) -> tuple[str, str | None] | None:
        """(article id, article URL) of a stored claim, or None."""
        row = self.conn.execute(
            "SELECT a.id, a.url FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id = ?",
            (int(claim_id),),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def matching_attribution(
        self, claim_id: int, source: str, source_type: str | None
    ) -> int | None:
        """The first stored attribution of ``claim_id`` naming ``source`` as ``source_type``."""
        row = self.conn.execute(
            "SELECT id FROM attributions WHERE claim_id = ? AND source = ? AND source_type IS ?"
            " ORDER BY id LIMIT 1",
            (int(claim_id), source, source_type),
        ).fetchone()
        return int(row[0]) if row else None

    def update_note_from_import(
        self, note_id: int, expected_version: int, values: Mapping[str, Any]
    ) -> bool:
        """Set imported fields on a note still at ``expected_version``; False if it moved on."""
        unknown = set(values) - set(IMPORT_COLUMNS)
        if unknown:
            raise ValueError(f"an import may not set {sorted(unknown)}")
        cur = self.conn.execute(
            f"UPDATE notes SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ? AND version = ?",
            (*values.values(), int(note_id), int(expected_version)),
        )
        return cur.rowcount == 1

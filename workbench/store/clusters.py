"""The store's cluster tables (``clusters``, ``cluster_members``): reads and writes.

A mixin of :class:`~workbench.store.sqlite.Store`, kept in its own module so the clustering
logic (``workbench.compare.clusters``) never runs SQL itself. Writes go inside a transaction.
"""

from __future__ import annotations

import sqlite3


class ClusterTables:
    """Cluster reads and writes on the store's connection."""

    conn: sqlite3.Connection

    def cluster_of(self, claim_id: int) -> int | None:
        """The cluster id of a claim, or None when it is a cluster of one."""
        row = self.conn.execute(
            "SELECT cluster_id FROM cluster_members WHERE claim_id = ?", (int(claim_id),)
        ).fetchone()
        return int(row[0]) if row else None

    def cluster_claims(self, cluster_id: int) -> list[int]:
        """Member claim ids of a stored cluster, ascending (empty when it does not exist)."""
        rows = self.conn.execute(
            "SELECT claim_id FROM cluster_members WHERE cluster_id = ? ORDER BY claim_id",
            (int(cluster_id),),
        )
        return [int(r[0]) for r in rows]

    def cluster_memberships(self) -> list[tuple[int, int]]:
        """(cluster id, claim id) of every stored membership, by cluster then claim."""
        rows = self.conn.execute(
            "SELECT cluster_id, claim_id FROM cluster_members ORDER BY cluster_id, claim_id"
        )
        return [(int(c), int(m)) for c, m in rows]

    def create_cluster(self, stamp: str) -> int:
        """A new, empty cluster; returns its id."""
        cur = self.conn.execute(
            "INSERT INTO clusters (created_at, updated_at) VALUES (?, ?)", (stamp, stamp)
        )
        return int(cur.lastrowid)

    def put_cluster_member(
        self, claim_id: int, cluster_id: int, similarity: float, stamp: str
    ) -> None:
        """Place a claim in a cluster (moving it if it was in another)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO cluster_members (claim_id, cluster_id, similarity, added_at) VALUES (?, ?, ?, ?)",
            (int(claim_id), int(cluster_id), similarity, stamp),
        )

    def touch_cluster(self, cluster_id: int, stamp: str) -> None:
        self.conn.execute(
            "UPDATE clusters SET updated_at = ? WHERE id = ?", (stamp, int(cluster_id))
        )

    def merge_clusters(self, keep: int, other: int) -> None:
        """Move every member of ``other`` into ``keep`` and drop ``other``."""
        self.conn.execute(
            "UPDATE cluster_members SET cluster_id = ? WHERE cluster_id = ?", (keep, other)
        )
        self.conn.execute("DELETE FROM clusters WHERE id = ?", (other,))

    def clear_clusters(self) -> None:
        """Drop every cluster (before a rebuild)."""
        self.conn.execute("DELETE FROM cluster_members")
        self.conn.execute("DELETE FROM clusters")

    def claim_ids_by_date(self) -> list[int]:
        """Every claim id in article date order (ingest time when undated), then id."""
        rows = self.conn.execute(
            "SELECT c.id FROM claims c JOIN articles a ON a.id = c.article_id"
            " ORDER BY coalesce(a.date, a.ingested_at), c.id"
        )
        return [int(r[0]) for r in rows]

"""Named, numbered schema migrations for the SQLite store.

Each migration runs once, in order, inside a transaction, and is recorded in
``schema_migrations``; ``PRAGMA user_version`` mirrors the latest number. Add a migration by
appending to ``MIGRATIONS``; never edit one that has shipped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "initial: articles, cited sources, claims, embedding cache, meta",
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            title TEXT,
            outlet TEXT,
            date TEXT,
            url TEXT,
            language TEXT,
            text TEXT NOT NULL,
            origin TEXT,
            ingested_at TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX articles_outlet ON articles(outlet COLLATE NOCASE);
        CREATE INDEX articles_date ON articles(date);
        CREATE TABLE article_sources (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            outlet TEXT NOT NULL,
            url TEXT,
            PRIMARY KEY (article_id, position)
        );
        CREATE INDEX article_sources_outlet ON article_sources(outlet COLLATE NOCASE);
        CREATE TABLE claims (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            paragraph INTEGER NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            checkworthiness REAL NOT NULL,
            UNIQUE (article_id, idx),
            CHECK (start_char >= 0 AND end_char > start_char)
        );
        CREATE INDEX claims_article ON claims(article_id);
        CREATE INDEX claims_text_hash ON claims(text_hash);
        CREATE TABLE embeddings (
            text_hash TEXT NOT NULL,
            model TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (text_hash, model)
        ) WITHOUT ROWID;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        """,
    ),
    Migration(
        2,
        "attributions: who says each claim, with cue, content span and nesting",
        """
        CREATE TABLE attributions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            parent_id INTEGER REFERENCES attributions(id) ON DELETE CASCADE,
            source_text TEXT NOT NULL,
            source TEXT NOT NULL,
            source_type TEXT NOT NULL
                CHECK (source_type IN ('outlet','person','organization','unnamed','publisher')),
            role TEXT,
            cue TEXT NOT NULL,
            kind TEXT NOT NULL,
            hedged INTEGER NOT NULL DEFAULT 0,
            source_start INTEGER,
            source_end INTEGER,
            cue_start INTEGER,
            cue_end INTEGER,
            content_start INTEGER NOT NULL,
            content_end INTEGER NOT NULL,
            confidence REAL NOT NULL DEFAULT 1.0
        );
        CREATE INDEX attributions_claim ON attributions(claim_id);
        CREATE INDEX attributions_source ON attributions(source COLLATE NOCASE);
        CREATE INDEX attributions_type ON attributions(source_type);
        """,
    ),
    Migration(
        3,
        "clusters: claims that state the same thing",
        """
        CREATE TABLE clusters (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE cluster_members (
            claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
            cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
            similarity REAL NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE INDEX cluster_members_cluster ON cluster_members(cluster_id);
        """,
    ),
    Migration(
        4,
        "notes: verdicts, evidence, confirmed attribution, history",
        """
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            uid TEXT NOT NULL UNIQUE,
            claim_id INTEGER REFERENCES claims(id) ON DELETE SET NULL,
            claim_hash TEXT NOT NULL,
            claim_text TEXT NOT NULL,
            article_id TEXT,
            article_url TEXT,
            scope TEXT NOT NULL DEFAULT 'claim' CHECK (scope IN ('claim','cluster')),
            verdict TEXT NOT NULL CHECK (verdict IN ('true','mostly_true','mixed','mostly_false',
                'false','misleading','unverifiable','in_progress')),
            rationale TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '[]',
            source TEXT,
            source_type TEXT
                CHECK (source_type IS NULL OR source_type IN
                       ('outlet','person','organization','unnamed','publisher')),
            attribution_id INTEGER REFERENCES attributions(id) ON DELETE SET NULL,
            reviewer TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            deleted_at TEXT,
            deleted_by TEXT
        );
        CREATE INDEX notes_claim ON notes(claim_id);
        CREATE INDEX notes_claim_hash ON notes(claim_hash);
        CREATE INDEX notes_updated ON notes(updated_at);
        CREATE UNIQUE INDEX notes_one_live_per_claim ON notes(claim_id, scope)
            WHERE deleted_at IS NULL AND claim_id IS NOT NULL;
        CREATE TABLE note_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('create','update','delete')),
            reviewer TEXT NOT NULL,
            at TEXT NOT NULL,
            changes TEXT NOT NULL DEFAULT '{}',
            UNIQUE (note_id, version)
        );
        """,
    ),
    Migration(
        5,
        "claim language: each claim's own language, filled from its article's",
        """
        ALTER TABLE claims ADD COLUMN language TEXT;
        UPDATE claims SET language = (SELECT a.language FROM articles a WHERE a.id = claims.article_id);
        """,
    ),
]

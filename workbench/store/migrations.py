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
    # PostgreSQL's own script when the SQLite one cannot be translated (triggers, functions);
    # None: ``sql`` is translated (``workbench.store.dialect.translate_ddl``).
    pg: str | None = None


_AUDIT_TABLE = """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            before TEXT,
            after TEXT
        );
        CREATE INDEX audit_log_at ON audit_log(at);
        CREATE INDEX audit_log_actor ON audit_log(actor);
"""
AUDIT_NO_DELETE_SQLITE = (
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
)
AUDIT_SQLITE = (
    _AUDIT_TABLE
    + """
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""
    + AUDIT_NO_DELETE_SQLITE
    + ";\n"
)
AUDIT_PG = (
    _AUDIT_TABLE.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "SERIAL PRIMARY KEY")
    + """
        CREATE FUNCTION workbench_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
        CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION workbench_audit_append_only();
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION workbench_audit_append_only();
"""
)

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
    Migration(
        6,
        "change counter: every write to articles, claims or notes advances it (PostgreSQL;"
        " SQLite has data_version)",
        "",
        pg="""
        CREATE SEQUENCE store_changes;
        CREATE FUNCTION workbench_store_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM nextval('store_changes'); RETURN NULL; END $$;
        CREATE TRIGGER articles_changed AFTER INSERT OR UPDATE OR DELETE ON articles
            FOR EACH STATEMENT EXECUTE FUNCTION workbench_store_changed();
        CREATE TRIGGER claims_changed AFTER INSERT OR UPDATE OR DELETE ON claims
            FOR EACH STATEMENT EXECUTE FUNCTION workbench_store_changed();
        CREATE TRIGGER notes_changed AFTER INSERT OR UPDATE OR DELETE ON notes
            FOR EACH STATEMENT EXECUTE FUNCTION workbench_store_changed();
        """,
    ),
    Migration(
        7,
        "team mode: users (argon2 hashes), sessions (tokens stored hashed), sign-in failures",
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('viewer','checker','editor','admin')),
            password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX users_name ON users(lower(name));
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL DEFAULT 'session' CHECK (kind IN ('session','token')),
            client TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX sessions_user ON sessions(user_id);
        CREATE TABLE sign_in_failures (
            user_key TEXT NOT NULL,
            client TEXT NOT NULL,
            failures INTEGER NOT NULL,
            last_at REAL NOT NULL,
            PRIMARY KEY (user_key, client)
        );
        """,
    ),
    Migration(
        8,
        "audit trail: every write with who, when, what, before and after; append-only",
        AUDIT_SQLITE,
        pg=AUDIT_PG,
    ),
    Migration(
        9,
        "review workflow: note state, assignee, reviewer's sign-off, publication",
        """
        ALTER TABLE notes ADD COLUMN state TEXT NOT NULL DEFAULT 'in_progress'
            CHECK (state IN ('in_progress','ready_for_review','approved','returned'));
        ALTER TABLE notes ADD COLUMN assignee TEXT;
        ALTER TABLE notes ADD COLUMN reviewed_by TEXT;
        ALTER TABLE notes ADD COLUMN reviewed_at TEXT;
        ALTER TABLE notes ADD COLUMN published_at TEXT;
        CREATE INDEX notes_state ON notes(state);
        CREATE INDEX notes_assignee ON notes(assignee);
        """,
    ),
]

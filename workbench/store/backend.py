"""Which store a workbench opens: SQLite in the data directory (the embedded default) or
PostgreSQL when ``database_url`` is set (team mode), with the matching writer lock."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import InvalidOption
from workbench.store.lock import WriterLock
from workbench.store.sqlite import STORE_FILE, Store

if TYPE_CHECKING:
    from workbench.settings import Settings


def is_postgres(settings: Settings) -> bool:
    url = settings.database_url.strip()
    if not url:
        return False
    if not url.startswith(("postgresql://", "postgres://")):
        raise InvalidOption(
            "setting database_url (env WORKBENCH_DATABASE_URL) must start with postgresql://"
        )
    return True


def open_store(settings: Settings, data_dir: Path, readonly: bool = False) -> Store:
    """The store the settings select."""
    if is_postgres(settings):
        from workbench.store.postgres import PgStore

        return PgStore(settings.database_url, settings.database_schema, data_dir, readonly)
    return Store(Path(data_dir) / STORE_FILE, readonly=readonly)


def writer_lock(settings: Settings, data_dir: Path) -> Any:
    """One writer at a time: the data directory's lock file, or an advisory lock on PostgreSQL."""
    if is_postgres(settings):
        from workbench.store.postgres import PgWriterLock

        return PgWriterLock(settings.database_url, settings.database_schema, settings.lock_wait)
    return WriterLock(data_dir, settings.lock_wait)

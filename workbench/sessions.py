"""Per-user views of one open workbench: own store connection and user, shared model and index.

An app process serves many browser sessions. Loading the embedding model and the FAISS index
once per process is what makes it fast, but a database connection must not be shared: on
PostgreSQL one session's transaction would swallow another session's statements, and a
signed-in user set on a shared object is seen by every thread. :meth:`Workbench.session`
(``WorkbenchSession``) gives each session its own store connection, writer lock and acting
user, while the model, the index and the other in-process caches stay those of the process's
workbench (reads and writes of them go to that one object, so an ingest through one view is
searchable through all the others at once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.api import Workbench
from workbench.store.backend import open_store, writer_lock

if TYPE_CHECKING:
    from workbench.retrieval.embed import TextEmbedder

# The process-wide parts: read from and written to the workbench the view was made from.
SHARED = (
    "embedder",
    "on_wait",
    "last_repair",
    "_index",
    "_generation",
    "_attributor",
    "_registry",
    "_multilingual",
    "_lexical",
    "_neighbours",
)


def _shared(name: str) -> property:
    def get(self: WorkbenchSession) -> Any:
        return getattr(self.base, name)

    def put(self: WorkbenchSession, value: Any) -> None:
        setattr(self.base, name, value)

    return property(get, put, doc=f"``{name}`` of the process's workbench (shared).")


class WorkbenchSession(Workbench):
    """A :class:`Workbench` on its own store connection (and writer lock, and acting user),
    sharing the model, index and caches of ``base``. Acts as nobody until signed in; closing
    it closes only its own connection."""

    embedder: TextEmbedder

    def __init__(self, base: Workbench) -> None:  # no super().__init__: nothing heavy loads
        self.base = base.base if isinstance(base, WorkbenchSession) else base
        self.settings = base.settings
        self.data_dir = base.data_dir
        self.readonly = base.readonly
        self.store = open_store(self.settings, self.data_dir, readonly=self.readonly)
        self.lock = writer_lock(self.settings, self.data_dir)
        self._notes = None
        self._actor, self._session_token = None, None
        self.closed = False

    def close(self) -> None:
        self.closed = True
        self.store.close()
        if hasattr(self.lock, "close"):
            self.lock.close()


for _name in SHARED:
    setattr(WorkbenchSession, _name, _shared(_name))

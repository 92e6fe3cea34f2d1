"""SQLite store of articles, claims, attributions, notes and the embedding cache, with its migrations."""

from __future__ import annotations

from workbench._compat import forward

# The old ``workbench.store`` module's names, kept for one release.
__getattr__ = forward(__name__, __path__, "workbench.store.sqlite")

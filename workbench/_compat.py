"""Old import paths of the modules that moved into folders by concern, kept for one release.

``import workbench.keyterms`` still works and gives the very module ``workbench.text.keyterms``
(one object, so patches and ``isinstance`` checks agree), with a ``DeprecationWarning`` naming
the new path. Packages that took an old module's name (``workbench.compare``, ``.notes``,
``.ingest``, ``.outlets``, ``.store``) forward the old module's names via :func:`forward`.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import pkgutil
import sys
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

#: old module (below ``workbench.``) -> where it lives now
MOVED: dict[str, str] = {
    "store": "store.sqlite",
    "migrations": "store.migrations",
    "ingest": "ingest.readers",
    "formats": "ingest.formats",
    "segment": "ingest.segment",
    "checkworthy": "ingest.checkworthy",
    "pipeline": "ingest.pipeline",
    "progress": "cli.progress",
    "embed": "retrieval.embed",
    "onnx_embed": "retrieval.onnx_embed",
    "index": "retrieval.index",
    "index_policy": "retrieval.index_policy",
    "lexical": "retrieval.lexical",
    "search": "retrieval.search",
    "keyterms": "text.keyterms",
    "keyterms_scan": "text.keyterms_scan",
    "outlets": "outlets.registry",
    "compare": "compare.report",
    "appearances": "compare.selection",
    "clusters": "compare.clusters",
    "stance": "compare.stance",
    "discrepancy": "compare.discrepancy",
    "syndication": "compare.syndication",
    "citations": "compare.citations",
    "notes": "notes.service",
    "note_records": "notes.records",
    "note_import": "notes.importer",
    "export": "notes.export",
    "claimreview": "notes.claimreview",
    "ui.citations_view": "ui.components.citations_view",
    "ui.compare_view": "ui.components.compare_view",
    "ui.notes_panel": "ui.components.notes_panel",
    "ui.display": "ui.components.display",
    "ui.graph": "ui.components.graph",
    "ui.safe_md": "ui.components.safe_md",
    "ui.uploads": "ui.components.uploads",
}


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolve an old dotted path to the module at its new place."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        old = fullname.removeprefix("workbench.")
        if fullname.startswith("workbench.") and old in MOVED:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec: Any) -> ModuleType:
        new = "workbench." + MOVED[spec.name.removeprefix("workbench.")]
        warnings.warn(
            f"{spec.name} moved to {new}; the old path will be removed in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(new)
        self._own_spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system stamped the alias spec on the real module: give it back its own.
        module.__spec__ = self._own_spec


def install() -> None:
    """Add the finder once (``import workbench`` calls this)."""
    if not any(isinstance(f, _MovedModuleFinder) for f in sys.meta_path):
        sys.meta_path.append(_MovedModuleFinder())


def forward(package: str, path: list[str], module: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` giving a package the names of the old module it replaced."""
    submodules = {m.name for m in pkgutil.iter_modules(path)}

    def __getattr__(name: str) -> Any:
        if name not in submodules and not name.startswith("__"):
            target = importlib.import_module(module)
            if hasattr(target, name):
                return getattr(target, name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__

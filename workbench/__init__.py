"""Claim workbench: source attribution and claim verification across outlets.

``from workbench import Workbench`` is the entry point of the Python API; heavy libraries
(torch, spaCy, FAISS) load only when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench import _compat

_compat.install()

__version__ = "0.1.0"
__all__ = ["Settings", "Workbench", "__version__"]

if TYPE_CHECKING:
    from workbench.api import Workbench
    from workbench.settings import Settings


def __getattr__(name: str) -> Any:
    if name == "Workbench":
        from workbench.api import Workbench

        return Workbench
    if name == "Settings":
        from workbench.settings import Settings

        return Settings
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")

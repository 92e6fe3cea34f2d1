"""The outlet registry (names, aliases, domains, kinds) and its packaged data."""

from __future__ import annotations

from workbench._compat import forward

# The old ``workbench.outlets`` module's names, kept for one release.
__getattr__ = forward(__name__, __path__, "workbench.outlets.registry")

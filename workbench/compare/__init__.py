"""Cross-source comparison: who carries a claim, clusters, stance, discrepancies, syndication, citations."""

from __future__ import annotations

from workbench._compat import forward

# The old ``workbench.compare`` module's names, kept for one release.
__getattr__ = forward(__name__, __path__, "workbench.compare.report")

"""Verification notes: verdicts with history, import, export and schema.org ClaimReview."""

from __future__ import annotations

from workbench._compat import forward

# The old ``workbench.notes`` module's names, kept for one release.
__getattr__ = forward(__name__, __path__, "workbench.notes.service")

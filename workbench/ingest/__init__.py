"""Ingest: readers for files, folders, records, feeds and URLs; segmentation into claims; the pipeline that stores and indexes them."""

from __future__ import annotations

from workbench._compat import forward

# The old ``workbench.ingest`` module's names, kept for one release.
__getattr__ = forward(__name__, __path__, "workbench.ingest.readers")

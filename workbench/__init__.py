"""Claim workbench: source attribution and claim verification across outlets."""

from __future__ import annotations

__version__ = "0.1.0"

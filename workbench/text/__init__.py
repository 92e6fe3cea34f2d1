"""Text utilities shared by retrieval and comparison: key terms, lexicons, tokenizing."""

from __future__ import annotations
